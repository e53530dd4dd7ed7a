/**
 * Private test helper: where ../shared/data/materials is, and whether it is there.
 * @module
 */

import { fileURLToPath } from "node:url";

/** ../shared/data/materials beside the checkout. */
export const MATERIALS_DATA = fileURLToPath(new URL("../../../shared/data/materials", import.meta.url));

/** Whether the shared materials data is present (tests that need it are ignored otherwise). */
export const HAVE_MATERIALS_DATA = (() => {
  try {
    return Deno.statSync(MATERIALS_DATA).isDirectory;
  } catch {
    return false;
  }
})();
if (!HAVE_MATERIALS_DATA) console.warn(`skipping the materials data tests: ${MATERIALS_DATA} is absent`);

/**
 * Whether every one of `paths` (relative to {@link MATERIALS_DATA}) exists; warns that the `what`
 * tests are skipped when one does not.
 */
export function haveMaterials(what: string, ...paths: string[]): boolean {
  const ok = paths.every((p) => {
    try {
      Deno.statSync(`${MATERIALS_DATA}/${p}`);
      return true;
    } catch {
      return false;
    }
  });
  if (!ok) {
    console.warn(`skipping ${what} tests: ${paths.map((p) => `${MATERIALS_DATA}/${p}`).join(", ")} absent`);
  }
  return ok;
}

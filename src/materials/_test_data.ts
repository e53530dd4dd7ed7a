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

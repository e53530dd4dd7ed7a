/**
 * Every config shipped in configs/ (its subdirectories too) loads and resolves through the loader
 * and the native checks the commands use, so a broken config fails here rather than in a user's run.
 * @module
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { ROOT } from "./_cli.ts";
import { loadConfig, modelShape } from "../src/hybrid/config.ts";
import { loadGlmConfig } from "../src/glm/config.ts";
import { resolveGlmConfig } from "../src/glm/resolve_glm_config.ts";

const CONFIGS = join(ROOT, "configs");

/** The JSON files under `dir`, recursively, relative to configs/. */
function _files(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) =>
    e.isDirectory
      ? _files(join(dir, e.name))
      : e.name.endsWith(".json")
      ? [relative(CONFIGS, join(dir, e.name))]
      : []
  ).sort();
}

/** The one warning the seed's configs give: their supervised_config names a file keiro does not ship. */
const _SEED_WARNING = /supervised_config configs\/gcn\/supervised_pretraining\.json not found/;

Deno.test("configs: every file loads without warnings, says what it is for, and the seed's reproduce its choices", async () => {
  const files = _files(CONFIGS);
  for (const name of files) {
    const path = join(CONFIGS, name);
    const raw = JSON.parse(await Deno.readTextFile(path));
    assert.equal(typeof raw._comment, "string", `${name}: no _comment`);
    if (/(^|\/)glm_[^/]*$/.test(name)) {
      resolveGlmConfig(await loadGlmConfig(path), path);
      continue;
    }
    const { config, warnings } = await loadConfig(path);
    if (name.startsWith("seed/")) {
      assert.ok(warnings.every((w) => _SEED_WARNING.test(w)), `${name}: ${warnings}`);
      assert.match(raw._comment, /^Reproduces the seed's choices/, name);
      assert.equal(config.normalization, "batch", name);
    } else {
      assert.deepEqual(warnings, [], name);
    }
  }
  for (
    const want of ["te_general.json", "te_nsfnet_c5.json", "seed/hybrid_base.json", "ablation/gcn_only.json"]
  ) {
    assert.ok(files.includes(want), `${want} not among ${files}`);
  }
});

Deno.test("configs: te_general.json's model routes any size, each instance the same in any batch", async () => {
  const { config } = await loadConfig(join(CONFIGS, "te_general.json"));
  assert.equal(modelShape(config), null);
  assert.equal(config.normalization, "episode");
});

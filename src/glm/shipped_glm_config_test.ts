import assert from "node:assert/strict";
import { join } from "node:path";
import { listShippedGlmConfigs, SHIPPED_GLM_CONFIG_DIR, shippedGlmConfig } from "./shipped_glm_config.ts";

Deno.test("shippedGlmConfig: the dataset-and-graph file first, then the dataset's, else none", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keiro-shipped-glm-" });
  await Deno.writeTextFile(join(dir, "glm_cora_learned.json"), "{}");
  await Deno.writeTextFile(join(dir, "glm_cora.json"), "{}");
  await Deno.writeTextFile(join(dir, "glm_wine_knn.json"), "{}");
  assert.deepEqual(shippedGlmConfig("cora", "learned", dir), {
    path: join(dir, "glm_cora_learned.json"),
    name: "configs/glm_cora_learned.json",
  });
  assert.equal(shippedGlmConfig("cora", "input", dir)?.name, "configs/glm_cora.json");
  assert.equal(shippedGlmConfig("wine", "learned", dir), undefined);
  assert.equal(shippedGlmConfig("citeseer", "learned", dir), undefined);
  // a name that is not a plain file name never reaches outside the folder
  await Deno.writeTextFile(join(dir, "glm_x_learned.json"), "{}");
  assert.equal(shippedGlmConfig("../x", "learned", dir), undefined);
  assert.equal(shippedGlmConfig("", "learned", dir), undefined);
  assert.deepEqual(listShippedGlmConfigs(dir), [
    "configs/glm_cora.json",
    "configs/glm_cora_learned.json",
    "configs/glm_wine_knn.json",
    "configs/glm_x_learned.json",
  ]);
  assert.deepEqual(listShippedGlmConfigs(join(dir, "missing")), []);
});

Deno.test("shippedGlmConfig: the repository's configs cover Cora and Citeseer with their tuned graph modes", () => {
  for (const d of ["cora", "citeseer"]) {
    for (const g of ["learned", "input+learned"]) {
      const c = shippedGlmConfig(d, g);
      assert.equal(c?.name, `configs/glm_${d}_${g}.json`);
      assert.equal(c?.path, join(SHIPPED_GLM_CONFIG_DIR, `glm_${d}_${g}.json`));
    }
  }
  assert.equal(shippedGlmConfig("cora", "input"), undefined, "the input graph keeps the built-in defaults");
});

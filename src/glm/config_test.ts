import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { loadGlmConfig } from "./config.ts";

const dir = await Deno.makeTempDir({ prefix: "keiro-glm-config-" });

Deno.test("loadGlmConfig: no file and no flags is an empty config (the native core fills defaults)", async () => {
  assert.deepEqual(await loadGlmConfig(undefined), {});
});

Deno.test("loadGlmConfig: _ keys are dropped at every depth; flags overlay the file", async () => {
  const path = join(dir, "c.json");
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      _comment: "x",
      graph: "input",
      hidden: 32,
      glm: { _why: "y", k: 5, mix: 0.3, list: [{ _a: 1, b: 2 }] },
    }),
  );
  const c = await loadGlmConfig(path, {
    graph: "input+learned",
    k: 15,
    sparsify: "gumbel",
    knnK: 20,
    lr: 0.005,
    dropout: undefined,
  });
  assert.deepEqual(c, {
    graph: "input+learned",
    hidden: 32,
    glm: { k: 15, mix: 0.3, list: [{ b: 2 }], sparsify: "gumbel" },
    knn_k: 20,
    lr: 0.005,
  });
  assert.deepEqual(await loadGlmConfig(undefined, { k: 3, layer: "gat" }), { layer: "gat", glm: { k: 3 } });
});

Deno.test("loadGlmConfig: a file that is missing, not JSON or not an object is a usage error naming it", async () => {
  await assert.rejects(
    loadGlmConfig(join(dir, "missing.json")),
    (e) => e instanceof UsageError && /missing\.json/.test(e.message),
  );
  for (
    const [name, text] of [["bad.json", "{"], ["arr.json", "[1]"], ["num.json", "3"], ["null.json", "null"]]
  ) {
    const p = join(dir, name);
    await Deno.writeTextFile(p, text);
    await assert.rejects(loadGlmConfig(p), (e) => e instanceof UsageError && e.message.includes(name), name);
  }
  const p = join(dir, "glm_string.json");
  await Deno.writeTextFile(p, JSON.stringify({ glm: "no" }));
  await assert.rejects(
    loadGlmConfig(p, { k: 4 }),
    (e) => e instanceof UsageError && /glm must be/.test(e.message),
  );
});

Deno.test("loadGlmConfig: a config nested deeper than 32 levels is a usage error, not a stack overflow", async () => {
  const path = join(dir, "deep.json");
  // found by tests/fuzz_test.ts: dropping the _ keys recursed once per level
  await Deno.writeTextFile(path, '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000));
  await assert.rejects(() => loadGlmConfig(path), UsageError, `${path}: nested deeper than 32 levels`);
  await Deno.writeTextFile(path, JSON.stringify({ glm: { _x: { _y: [[{ _z: 1 }]] }, k: 3 } }));
  assert.deepEqual(await loadGlmConfig(path), { glm: { k: 3 } });
});

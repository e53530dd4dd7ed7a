import assert from "node:assert/strict";
import { configDifferences } from "./config_differences.ts";

Deno.test("configDifferences names each differing key with both values, missing keys as null", () => {
  const d = configDifferences(
    { hidden_dim: 64, layers: 3, act: "relu", extra: [1] },
    { hidden_dim: 32, layers: 3, act: "relu", dropout: 0.1 },
    "config",
    "checkpoint",
  );
  assert.equal(
    d,
    "hidden_dim: 64 (config) vs 32 (checkpoint); extra: [1] (config) vs null (checkpoint); " +
      "dropout: null (config) vs 0.1 (checkpoint)",
  );
  assert.equal(configDifferences({ a: { b: 1 } }, { a: { b: 1 } }, "x", "y"), "");
});

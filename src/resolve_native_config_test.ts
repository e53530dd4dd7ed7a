import assert from "node:assert/strict";
import { UsageError } from "./errors.ts";
import { resolveNativeConfig } from "./resolve_native_config.ts";

Deno.test("resolveNativeConfig: the native core resolves a config, or names the file and key of a bad one", () => {
  const c = resolveNativeConfig<{ epochs: number; native: Record<string, unknown> }>({
    domain: "fusion",
    text: '{"_c": 1, "hidden": 8}',
    file: "f.json",
  });
  assert.equal(c.epochs, 60);
  assert.deepEqual(c.native, { hidden: 8 });
  assert.throws(
    () => resolveNativeConfig({ domain: "hybrid", text: '{"seed": -1}', file: "h.json" }),
    (e: unknown) => e instanceof UsageError && e.message === "h.json: seed must be an integer ≥ 0, got -1",
  );
  assert.throws(
    () => resolveNativeConfig({ domain: "nope" as "fusion", text: "{}", file: "x" }),
    (e: unknown) => e instanceof UsageError && /unknown config domain `nope`/.test(e.message),
  );
});

import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { loadFusionConfig, parseFusionConfig } from "./load_fusion_config.ts";

Deno.test("parseFusionConfig: native keys, epochs, patience and forest; _ keys dropped", () => {
  const c = parseFusionConfig(JSON.stringify({
    _comment: "tiny",
    hidden: 8,
    conv_layers: 1,
    gaussian: { step: 0.5, _why: "coarse" },
    epochs: 5,
    patience: 2,
    forest: { trees: 10, _note: 1 },
  }));
  assert.deepEqual(c, {
    native: { hidden: 8, conv_layers: 1, gaussian: { step: 0.5 } },
    forest: { trees: 10 },
    epochs: 5,
    patience: 2,
    schedule: "cosine",
  });
  assert.deepEqual(parseFusionConfig("{}"), {
    native: {},
    forest: {},
    epochs: 60,
    patience: 15,
    schedule: "cosine",
  });
});

Deno.test("parseFusionConfig: unknown keys, per-run keys and bad values name the key", () => {
  const named = (text: string, re: RegExp) =>
    assert.throws(
      () => parseFusionConfig(text, "c.json"),
      (e: Error) => e instanceof UsageError && re.test(e.message),
    );
  named('{"hiden": 8}', /c\.json: unknown config key "hiden".*did you mean "hidden"/);
  named('{"forest": {"tres": 8}}', /"forest\.tres"/);
  named('{"gaussian": {"stepp": 1}}', /"gaussian\.stepp"/);
  named('{"mode": "gnn"}', /"mode".*--mode/);
  named('{"epochs": 0}', /epochs must be an integer in \[1, 100000\]/);
  named('{"patience": 1.5}', /patience/);
  named("[1]", /JSON object/);
  named("{", /not valid JSON/);
});

Deno.test("loadFusionConfig: no path is empty, a missing file is a usage error", async () => {
  assert.deepEqual(await loadFusionConfig(), parseFusionConfig("{}"));
  await assert.rejects(() => loadFusionConfig("/nonexistent/fusion.json"), /no such config file/);
});

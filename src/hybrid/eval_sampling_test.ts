import assert from "node:assert/strict";
import { evalSampling } from "./eval_sampling.ts";

Deno.test("evalSampling: eval_temperature, else sampling_temperature, else the seed's defaults", () => {
  assert.deepEqual(evalSampling({ eval_temperature: 2, sampling_temperature: 1.5, eval_top_p: 1 }), {
    temperature: 2,
    top_p: 1,
  });
  assert.deepEqual(evalSampling({ eval_temperature: null, sampling_temperature: 1.5, eval_top_p: 0.8 }), {
    temperature: 1.5,
    top_p: 0.8,
  });
  assert.deepEqual(evalSampling(undefined), { temperature: 1, top_p: 0.9 });
});

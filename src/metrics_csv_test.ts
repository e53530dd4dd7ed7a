import assert from "node:assert/strict";
import { metricsCsv } from "./metrics_csv.ts";

Deno.test("metrics csv: arrays spread over named columns, first-seen order, empty cells, quoting", () => {
  const csv = metricsCsv([
    { epoch: 1, loss: 2.5, val_loss: [0.5, 0.25], note: 'a,"b"' },
    { epoch: 2, loss: NaN, val_loss: [0.4, null], weights: [1, 2, 3], lr: null },
  ], ["hue", "dips"]);
  assert.deepEqual(csv.trim().split("\n"), [
    "epoch,loss,val_loss_hue,val_loss_dips,note,weights_hue,weights_dips,weights_2,lr",
    '1,2.5,0.5,0.25,"a,""b""",,,,',
    "2,,0.4,,,1,2,3,",
  ]);
});

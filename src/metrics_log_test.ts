import assert from "node:assert/strict";
import { join } from "node:path";
import { MetricsLog } from "./metrics_log.ts";

Deno.test("metrics log: jsonl appended, csv mirrors it with first-seen columns, resume truncates", async () => {
  const dir = await Deno.makeTempDir();
  const log = new MetricsLog(dir);
  await log.open();
  await log.append({ epoch: 1, phase: "supervised", loss: 2.5 });
  await log.append({ epoch: 2, phase: "rl", loss: 1.5, reward_mean: 0.25, note: 'a,"b"' });
  await log.append({ epoch: 3, phase: "rl", loss: NaN, reward_mean: null });
  const csv = (await Deno.readTextFile(join(dir, "metrics.csv"))).trim().split("\n");
  assert.deepEqual(csv, [
    "epoch,phase,loss,reward_mean,note",
    "1,supervised,2.5,,",
    '2,rl,1.5,0.25,"a,""b"""',
    "3,rl,,,",
  ]);
  const again = new MetricsLog(dir);
  await again.open(2);
  assert.deepEqual(again.rows.map((r) => r.epoch), [1, 2]);
  const lines = (await Deno.readTextFile(join(dir, "metrics.jsonl"))).trim().split("\n");
  assert.equal(lines.length, 2);
  assert.equal(JSON.parse(lines[1]).reward_mean, 0.25);
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError, UsageError } from "../errors.ts";
import { appendLossHistory, inverseLossWeights, readLossHistory } from "./inverse_loss_weights.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

Deno.test("inverseLossWeights: min_j v_j / v_t from the latest or the average loss", () => {
  const history = { a: [0.2, 0.1], b: [0.4, 0.3], c: [1] };
  // latest: v = (0.1, 0.3) → (1/0.1, 1/0.3) / (1/0.1) = (1, 1/3)
  const latest = inverseLossWeights(history, ["a", "b"], "latest");
  assert.equal(latest[0], 1);
  close(latest[1], 1 / 3);
  // average: v = (0.15, 0.35) → (1, 0.15/0.35 = 3/7); task order follows `tasks`
  const average = inverseLossWeights(history, ["b", "a"], "average");
  close(average[0], 3 / 7);
  assert.equal(average[1], 1);
  assert.deepEqual(inverseLossWeights(history, ["c"], "latest"), [1]);
});

Deno.test("inverseLossWeights: an absent task is a usage error naming it, a bad loss an input error", () => {
  assert.throws(() => inverseLossWeights({ a: [1] }, ["a", "ind_gap"], "latest"), (e: Error) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /no task 'ind_gap' \(it has a\)/);
    return true;
  });
  assert.throws(() => inverseLossWeights({ a: [] }, ["a"], "average"), InputError);
  assert.throws(() => inverseLossWeights({ a: [0] }, ["a"], "latest"), InputError);
});

Deno.test("readLossHistory: notes format; bad values name the task; no file says who writes it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "val_losses.json");
    await Deno.writeTextFile(path, '{"dipCount": [0.203, 0.187], "hue_cos": [0.110, 0.097]}');
    assert.deepEqual(await readLossHistory(path), { dipCount: [0.203, 0.187], hue_cos: [0.11, 0.097] });
    for (
      const [text, field] of [
        ['{"heat_all": [0.1, "x"]}', "heat_all[1]"],
        ['{"heat_all": [0.1, -2]}', "heat_all[1]"],
        ['{"dir_gap": []}', "dir_gap"],
        ['{"dir_gap": 0.5}', "dir_gap"],
      ]
    ) {
      await Deno.writeTextFile(path, text);
      await assert.rejects(() => readLossHistory(path), (e: Error) => {
        assert.ok(e instanceof InputError, text);
        assert.equal(e.field, field);
        assert.ok(e.message.includes(`'${field.replace(/\[.*/, "")}'`), e.message);
        return true;
      });
    }
    for (const text of ["[1, 2]", "null", "{oops"]) {
      await Deno.writeTextFile(path, text);
      await assert.rejects(() => readLossHistory(path), InputError, text);
    }
    await assert.rejects(() => readLossHistory(join(dir, "none.json")), (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /none\.json.*single-task runs.*append/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("appendLossHistory: creates file and folder, appends in order, leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sub", "h.json");
    await appendLossHistory(path, "heat_all", 0.25);
    await appendLossHistory(path, "dir_gap", 0.5);
    await appendLossHistory(path, "heat_all", 0.125);
    assert.equal(await Deno.readTextFile(path), '{\n  "heat_all": [0.25, 0.125],\n  "dir_gap": [0.5]\n}\n');
    assert.deepEqual(await readLossHistory(path), { heat_all: [0.25, 0.125], dir_gap: [0.5] });
    assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), ["h.json"]);
    await assert.rejects(() => appendLossHistory(path, "heat_all", NaN), InputError);
    await assert.rejects(() => appendLossHistory(path, "heat_all", 0), InputError);
    await Deno.writeTextFile(path, '{"heat_all": "broken"}');
    await assert.rejects(() => appendLossHistory(path, "heat_all", 1), InputError);
    assert.equal(await Deno.readTextFile(path), '{"heat_all": "broken"}'); // untouched
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

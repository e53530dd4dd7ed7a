import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { TaskWeighter } from "./task_weighter.ts";

const tasks = ["heat_all", "dir_gap", "ind_gap"];
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);

Deno.test("TaskWeighter: equal and fixed weights are the same every epoch, in task order", () => {
  assert.deepEqual(new TaskWeighter({ kind: "equal" }, tasks).weights(5, []), [1, 1, 1]);
  const fixed = new TaskWeighter(
    { kind: "fixed", lambdas: { ind_gap: 0.25, heat_all: 2, dir_gap: 1 } },
    tasks,
  );
  assert.deepEqual(fixed.weights(0, []), [2, 1, 0.25]);
  const w = fixed.weights(1, []);
  w![0] = 99; // a copy: the next epoch is unaffected
  assert.deepEqual(fixed.weights(2, []), [2, 1, 0.25]);
  assert.throws(() => new TaskWeighter({ kind: "fixed", lambdas: { heat_all: 1 } }, tasks), /'dir_gap'/);
});

Deno.test("TaskWeighter: inverse weights from a history, or from the file with load()", async () => {
  const history = { heat_all: [0.1], dir_gap: [0.2, 0.4], ind_gap: [0.5] };
  // latest v = (0.1, 0.4, 0.5) → 0.1 / v = (1, 0.25, 0.2)
  const w = new TaskWeighter({ kind: "inverse", history: "x", mode: "latest" }, tasks, history).weights(
    0,
    [],
  );
  assert.deepEqual(w!.slice(0, 2), [1, 0.25]);
  close(w![2], 0.2);
  assert.throws(() => new TaskWeighter({ kind: "inverse", history: "x", mode: "latest" }, tasks), UsageError);
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "h.json");
    await Deno.writeTextFile(path, JSON.stringify(history));
    // average v = (0.1, 0.3, 0.5) → (1, 1/3, 0.2)
    const loaded = await TaskWeighter.load({ kind: "inverse", history: path, mode: "average" }, tasks);
    const a = loaded.weights(3, [])!;
    assert.equal(a[0], 1);
    close(a[1], 1 / 3);
    close(a[2], 0.2);
    await assert.rejects(
      () => TaskWeighter.load({ kind: "inverse", history: join(dir, "no.json"), mode: "latest" }, tasks),
      UsageError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TaskWeighter: kendall returns null (learned natively)", async () => {
  const k = await TaskWeighter.load({ kind: "kendall" }, tasks);
  assert.equal(k.weights(0, []), null);
  assert.equal(k.weights(10, [[1, 1, 1]]), null);
});

Deno.test("TaskWeighter: dwa uses the two epochs before `epoch`", () => {
  const d = new TaskWeighter({ kind: "dwa", temperature: 2 }, ["a", "b"]);
  const losses = [[1, 1], [0.5, 1], [0.5, 0.5]];
  assert.deepEqual(d.weights(0, []), [1, 1]);
  assert.deepEqual(d.weights(1, losses), [1, 1]);
  // epoch 2 reads rows 0 and 1 (row 2 ignored): r = (0.5, 1) → 2 / (1 + e^0.25) = 0.8756469982284039
  const w = d.weights(2, losses)!;
  close(w[0], 0.8756469982284039);
  close(w[1], 1.1243530017715961);
  // epoch 3 reads rows 1 and 2: r = (1, 0.5) → mirrored
  close(d.weights(3, losses)![0], 1.1243530017715961);
  assert.throws(() => d.weights(4, losses), RangeError);
});

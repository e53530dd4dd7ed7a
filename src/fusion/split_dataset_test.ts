import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import type { CrystalDataset } from "../materials/crystal_dataset.ts";
import { splitDataset } from "./split_dataset.ts";

function _dataset(n: number): CrystalDataset {
  return {
    name: "toy",
    ids: Array.from({ length: n }, (_, i) => `c${i}`),
    structures: Array.from({ length: n }, () => null),
    compositions: Array.from({ length: n }, (_, i) => new Map([["Fe", i + 1]])),
    targets: { y: Float64Array.from({ length: n }, (_, i) => i) },
  };
}

Deno.test("splitDataset: sizes from the fractions, disjoint, aligned, in dataset order, seeded", () => {
  const ds = _dataset(50);
  const s = splitDataset(ds, [0.6, 0.2, 0.2], 3);
  assert.deepEqual([s.train.ids.length, s.val.ids.length, s.test.ids.length], [30, 10, 10]);
  const all = [...s.train.ids, ...s.val.ids, ...s.test.ids];
  assert.equal(new Set(all).size, 50);
  for (const part of [s.train, s.val, s.test]) {
    const idx = part.ids.map((id) => Number(id.slice(1)));
    assert.deepEqual(idx, [...idx].sort((a, b) => a - b), "dataset order kept");
    assert.deepEqual(Array.from(part.targets.y), idx, "targets aligned with ids");
    assert.deepEqual(part.compositions.map((c) => c.get("Fe")! - 1), idx);
    assert.equal(part.structures.length, idx.length);
  }
  assert.equal(s.val.name, "toy:val");
  assert.deepEqual(splitDataset(ds, [0.6, 0.2, 0.2], 3).test.ids, s.test.ids, "same seed, same split");
  assert.notDeepEqual(splitDataset(ds, [0.6, 0.2, 0.2], 4).test.ids, s.test.ids);
  // fractions are normalised: 3,1,1 is 0.6,0.2,0.2
  assert.deepEqual(splitDataset(ds, [3, 1, 1], 3).train.ids, s.train.ids);
});

Deno.test("splitDataset: an empty part or bad fractions are usage errors", () => {
  assert.throws(
    () => splitDataset(_dataset(3), [0.9, 0.05, 0.05], 0),
    (e: Error) => e instanceof UsageError && /validation and test part empty/.test(e.message),
  );
  assert.throws(() => splitDataset(_dataset(10), [1, -1, 1], 0), UsageError);
  assert.throws(() => splitDataset(_dataset(10), [0, 0, 0], 0), UsageError);
  assert.throws(() => splitDataset(_dataset(10), [NaN, 1, 1], 0), UsageError);
});

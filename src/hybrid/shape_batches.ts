/**
 * Training batches of one instance shape, for sets that mix node and commodity counts.
 * @module
 */

/**
 * Cuts the shuffled instance indices `order` into batches of at most `size` instances that share
 * a shape (`shapes[i]` is instance i's, e.g. `"14x5"`): a batch is emitted when it fills, the
 * partly filled ones at the end in order of their first instance. With one shape these are the
 * consecutive slices of `order`.
 */
export function shapeBatches(order: readonly number[], shapes: readonly string[], size: number): number[][] {
  const open = new Map<string, number[]>();
  const out: number[][] = [];
  for (const i of order) {
    const batch = open.get(shapes[i]) ?? [];
    batch.push(i);
    if (batch.length === size) {
      out.push(batch);
      open.delete(shapes[i]);
    } else open.set(shapes[i], batch);
  }
  const rest = [...open.values()].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  return [...out, ...rest];
}

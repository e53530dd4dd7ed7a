/**
 * The Kdl scenario of issue 19 as `keiro` arguments, shared by the benches that route or bound it.
 * @module
 */

/**
 * `keiro gen te` arguments for `count` traffic matrices on Kdl (the topology file at `topology`):
 * gravity traffic over its 2,000 largest pairs at load 0.9, drawn with `seed`.
 */
export function kdlGenArgv(topology: string, count: number, seed: number): string[] {
  const argv = ["--topology", topology, "--traffic", "gravity", "--commodities", "2000", "--load", "0.9"];
  return ["gen", "te", ...argv, "--count", String(count), "--seed", String(seed)];
}

/**
 * Call rate of the Node.js binding (bindings/node) against the Deno FFI, on the same work: `solve
 * --method greedy` of NSFNET instances with 20 commodities (`keiro gen te --commodities 20 --seed
 * <seed>`), one call = parse the block, solve it (one thread), free it, awaited one after another,
 * in blocks of 1 instance (`--calls` calls, cycling through the set) and of 1,000 instances
 * (`--big-calls` calls). Each side warms up with 10 small calls and 1 big one. Both open the same
 * profile (`--profile`, default release): the Deno side its `libkeiro_core.so`, the Node side
 * `<target>/<profile>/libkeiro_node.so`; build both with `bash scripts/install.sh <profile>`.
 *
 *   deno run -A bench/node_vs_deno.ts [--profile release|debug] [--calls N] [--big-calls N] [--seed N]
 *
 * Writes bench/results/node_vs_deno.json and bench/results/node_vs_deno.md (command, commit,
 * machine, seed).
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatTable } from "../src/format_table.ts";
import { generate } from "../src/te/generate.ts";
import { Dataset } from "../src/te/dataset.ts";
import { benchEnv } from "./_env.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    profile: { type: "string", default: "release" },
    calls: { type: "string", default: "2000" },
    "big-calls": { type: "string", default: "10" },
    seed: { type: "string", default: "1" },
  },
});
const profile = args.profile;
const calls = Number(args.calls), bigCalls = Number(args["big-calls"]), seed = Number(args.seed);
const ROOT = new URL("..", import.meta.url).pathname;
const target = Deno.env.get("CARGO_TARGET_DIR") ?? join(ROOT, "target");
Deno.env.set("KEIRO_PROFILE", profile);
const addon = join(target, profile, "libkeiro_node.so");

/** One side's result: seconds for the small and the big calls. */
interface Side {
  small_s: number;
  big_s: number;
}

const lines = (await generate({ commodities: 20, count: 1000, seed })).split("\n").filter((l) => l !== "");
const big = lines.join("\n") + "\n";

async function deno(): Promise<Side> {
  const once = async (text: string) => {
    using ds = await Dataset.parse(text);
    await ds.solve(0, ds.length, { method: "greedy", threads: 1 });
  };
  for (let i = 0; i < 10; i++) await once(lines[i] + "\n");
  await once(big);
  let t = performance.now();
  for (let i = 0; i < calls; i++) await once(lines[i % lines.length] + "\n");
  const small_s = (performance.now() - t) / 1000;
  t = performance.now();
  for (let i = 0; i < bigCalls; i++) await once(big);
  return { small_s, big_s: (performance.now() - t) / 1000 };
}

/** The Node side, in a `node` subprocess with the same instances and loop. */
async function node(): Promise<Side> {
  const script = `
    const keiro = require(${JSON.stringify(join(ROOT, "bindings/node"))});
    const lines = require("node:fs").readFileSync(0, "utf8").split("\\n").filter((l) => l !== "");
    const big = lines.join("\\n") + "\\n";
    const once = (text) => keiro.solve(text, { method: "greedy", threads: 1 });
    (async () => {
      for (let i = 0; i < 10; i++) await once(lines[i] + "\\n");
      await once(big);
      let t = performance.now();
      for (let i = 0; i < ${calls}; i++) await once(lines[i % lines.length] + "\\n");
      const small_s = (performance.now() - t) / 1000;
      t = performance.now();
      for (let i = 0; i < ${bigCalls}; i++) await once(big);
      console.log(JSON.stringify({ small_s, big_s: (performance.now() - t) / 1000 }));
    })();`;
  const p = new Deno.Command("node", {
    args: ["-e", script],
    env: { KEIRO_NODE_ADDON: addon },
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(big));
  await w.close();
  const out = await p.output();
  if (!out.success) throw new Error("the node side failed");
  return JSON.parse(new TextDecoder().decode(out.stdout)) as Side;
}

const env = benchEnv();
const nodeVersion = new TextDecoder().decode(
  new Deno.Command("node", { args: ["--version"] }).outputSync().stdout,
)
  .trim();
const sides = { deno: await deno(), node: await node() };
const rows = Object.entries(sides).flatMap(([side, r]) => [
  { side, block: 1, calls, s: r.small_s, calls_per_s: calls / r.small_s, inst_per_s: calls / r.small_s },
  {
    side,
    block: 1000,
    calls: bigCalls,
    s: r.big_s,
    calls_per_s: bigCalls / r.big_s,
    inst_per_s: (bigCalls * 1000) / r.big_s,
  },
]);
const ratio = (block: number) =>
  rows.find((r) => r.side === "node" && r.block === block)!.calls_per_s /
  rows.find((r) => r.side === "deno" && r.block === block)!.calls_per_s;
const params = { profile, calls, big_calls: bigCalls, seed, node: nodeVersion };
await Deno.mkdir(join(ROOT, "bench/results"), { recursive: true });
await Deno.writeTextFile(
  join(ROOT, "bench/results/node_vs_deno.json"),
  JSON.stringify(
    { env, params, rows, node_over_deno: { block1: ratio(1), block1000: ratio(1000) } },
    null,
    2,
  ) +
    "\n",
);
const table = formatTable(
  ["side", "block", "calls", "s", "calls/s", "inst/s"],
  rows.map((
    r,
  ) => [
    r.side,
    String(r.block),
    String(r.calls),
    r.s.toFixed(3),
    r.calls_per_s.toFixed(1),
    r.inst_per_s.toFixed(0),
  ]),
);
const md = `# Node binding vs Deno FFI: solve --method greedy, NSFNET c20

- command: \`${env.command}\`
- commit: ${env.commit}${env.dirty ? " (dirty)" : ""}
- machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memory_gib} GiB, ${env.machine.os}
- date: ${env.date}; deno ${env.deno}, node ${nodeVersion}
- params: ${JSON.stringify(params)} (instances: \`keiro gen te --commodities 20 --count 1000 --seed ${seed}\`)
- one call = parse the block, solve it with greedy (1 thread), free it; calls awaited one after another
- node / deno calls per second: blocks of 1 ${ratio(1).toFixed(2)}×, blocks of 1000 ${ratio(1000).toFixed(2)}×

\`\`\`
${table}
\`\`\`
`;
await Deno.writeTextFile(join(ROOT, "bench/results/node_vs_deno.md"), md);
console.log(md);

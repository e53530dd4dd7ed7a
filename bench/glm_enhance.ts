/**
 * Speech enhancement over a graph of time-frequency bins (issue 21, item 7): every graph mode over
 * 3 seeds on synthetic clips, SI-SDR improvement over the noisy input, the learned graph against the
 * kNN graph, and each training loss against the others on the same clips. Writes
 * bench/results/glm_enhance.md and glm_enhance/<loss>/{results.json, metrics.csv, clean.wav,
 * noisy.wav, enhanced_<graph>.wav} with the command line, commit, machine and seeds.
 *
 *   deno run -A bench/glm_enhance.ts [--seeds 3] [--graphs none,input,knn,learned,input+learned]
 *     [--epochs 15] [--losses si_sdr,mse] [--out bench/results]
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatTable } from "../src/format_table.ts";
import { formatEnhanceTable } from "../src/glm/speech/format_enhance_table.ts";
import { type EnhanceSummary, runEnhance } from "../src/glm/speech/run_enhance.ts";
import { writeOutput } from "../src/write_output.ts";
import { benchEnv } from "./_env.ts";

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "3" },
    graphs: { type: "string", default: "none,input,knn,learned,input+learned" },
    epochs: { type: "string", default: "15" },
    losses: { type: "string", default: "si_sdr,mse" },
    out: { type: "string", default: "bench/results" },
  },
});
const env = benchEnv();
const seeds = Array.from({ length: Number(a.seeds) }, (_, i) => i);
const losses = a.losses!.split(",");
const t0 = performance.now();
const byLoss: [string, EnhanceSummary][] = [];
for (const loss of losses) {
  byLoss.push([
    loss,
    await runEnhance({
      config: { epochs: Number(a.epochs), loss },
      graphs: a.graphs!.split(","),
      seeds,
      command: env.command,
      out: join(a.out!, "glm_enhance", loss),
      log: (line) => console.error(`${loss}: ${line}`),
    }),
  ]);
}
const minutes = (performance.now() - t0) / 60e3;
const run = byLoss[0][1].runs[0];
const sections = byLoss.map(([loss, s]) =>
  `## Training loss \`${loss}\`

\`\`\`
${formatEnhanceTable(s.rows)}\`\`\`

- ${s.verdict ?? "learned or knn did not run"}
- audio of seed 0's first test clip: glm_enhance/${loss}/clean.wav, noisy.wav, enhanced_<graph>.wav
`
);
const comparison = formatTable(
  ["graph", ...losses.map((l) => `${l} improvement dB`)],
  byLoss[0][1].rows.map((r, i) => [
    r.graph,
    ...byLoss.map(([, s]) =>
      `${s.rows[i].improvement.mean.toFixed(2)} ± ${s.rows[i].improvement.std.toFixed(2)}`
    ),
  ]),
);
const { loss: _, ...shared } = run.config;
const md = `# Speech enhancement over a graph of T-F bins (issue 21, item 7)

\`${env.command}\` — commit ${env.commit}${
  env.dirty ? " (dirty)" : ""
}, ${env.machine.cpu} (${env.machine.cores} cores), ${env.date}.
Seeds ${
  seeds.join(", ")
}: each draws ${run.config.train_clips} training and ${run.config.test_clips} test clips
(${
  JSON.stringify(run.config.speech)
}), STFT ${run.config.n_fft} points, ${run.nodes} bins per clip, ${run.config.epochs} epochs; every graph mode and training loss trains on the same clips. Mask estimator: ${
  JSON.stringify(shared.model)
} with the graph of the row. SI-SDR on the test clips (mean over clips, then mean ± sample std over
seeds). ${minutes.toFixed(1)} minutes in all.

SI-SDR improvement per training loss (same clips, seeds and models):

\`\`\`
${comparison}\`\`\`

${sections.join("\n")}`;
console.log(md);
await writeOutput(join(a.out!, "glm_enhance.md"), md);

/**
 * Speech enhancement over a graph of time-frequency bins (issue 21, item 7): every graph mode over
 * 3 seeds on synthetic clips, SI-SDR improvement over the noisy input, and the learned graph against
 * the kNN graph. Writes bench/results/glm_enhance.md and glm_enhance/{results.json, metrics.csv,
 * clean.wav, noisy.wav, enhanced_<graph>.wav} with the command line, commit, machine and seeds.
 *
 *   deno run -A bench/glm_enhance.ts [--seeds 3] [--graphs none,input,knn,learned,input+learned] [--epochs 15]
 *     [--loss mse|si_sdr] [--out bench/results]
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatEnhanceTable } from "../src/glm/speech/format_enhance_table.ts";
import { runEnhance } from "../src/glm/speech/run_enhance.ts";
import { writeOutput } from "../src/write_output.ts";
import { benchEnv } from "./_env.ts";

const { values: a } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "3" },
    graphs: { type: "string", default: "none,input,knn,learned,input+learned" },
    epochs: { type: "string", default: "15" },
    loss: { type: "string", default: "mse" },
    out: { type: "string", default: "bench/results" },
  },
});
const env = benchEnv();
const seeds = Array.from({ length: Number(a.seeds) }, (_, i) => i);
const t0 = performance.now();
const s = await runEnhance({
  config: { epochs: Number(a.epochs), loss: a.loss },
  graphs: a.graphs!.split(","),
  seeds,
  command: env.command,
  out: join(a.out!, "glm_enhance"),
  log: (line) => console.error(line),
});
const minutes = (performance.now() - t0) / 60e3;
const run = s.runs[0];
const table = formatEnhanceTable(s.rows);
const md = `# Speech enhancement over a graph of T-F bins (issue 21, item 7)

\`${env.command}\` — commit ${env.commit}${
  env.dirty ? " (dirty)" : ""
}, ${env.machine.cpu} (${env.machine.cores} cores), ${env.date}.
Seeds ${
  seeds.join(", ")
}: each draws ${run.config.train_clips} training and ${run.config.test_clips} test clips
(${
  JSON.stringify(run.config.speech)
}), STFT ${run.config.n_fft} points, ${run.nodes} bins per clip, ${run.config.epochs} epochs, loss ${run.config.loss};
every graph mode trains on the same clips. Mask estimator: ${
  JSON.stringify(run.config.model)
} with the graph of the row.
SI-SDR on the test clips (mean over clips, then mean ± sample std over seeds). ${
  minutes.toFixed(1)
} minutes in all.

\`\`\`
${table}\`\`\`

- ${s.verdict ?? "learned or knn did not run"}
- audio of seed 0's first test clip: glm_enhance/clean.wav, noisy.wav, enhanced_<graph>.wav
`;
console.log(md);
await writeOutput(join(a.out!, "glm_enhance.md"), md);

/**
 * `keiro glm enhance`: speech enhancement over a graph of time-frequency bins (the GLM seed's
 * application), every graph mode over several seeds on the same clips, SI-SDR improvement mean ±
 * std, and the learned graph against the kNN graph; with an output folder, the records and WAV
 * files of one clean / noisy / enhanced triple.
 * @module
 */

import { join } from "node:path";
import { type MeanStd, meanStd } from "../../mean_std.ts";
import { metricsCsv } from "../../metrics_csv.ts";
import { writeOutput } from "../../write_output.ts";
import { encodeWav } from "./encode_wav.ts";
import { type EnhanceResult, enhanceSpeech } from "./enhance_speech.ts";

/** Options of {@link runEnhance}. */
export interface RunEnhanceOptions {
  /** Run config (EnhanceConfig keys; its `model.graph` is set per run). */
  config: Record<string, unknown>;
  /** Graph modes, one row each. */
  graphs: string[];
  /** Seeds: each draws its own clips (the same for every graph mode) and initialisation. */
  seeds: number[];
  device?: string;
  /** The command line, for the records. */
  command: string;
  /** Write results.json, metrics.csv and the WAV files there. */
  out?: string;
  /** One line per finished run. */
  log?: (line: string) => void;
}

/** One graph mode over the seeds (dB). */
export interface EnhanceRow {
  graph: string;
  noisy_si_sdr: number;
  enhanced_si_sdr: number;
  improvement: MeanStd;
  /** Mean wall time of a run, s. */
  seconds: number;
}

/** What {@link runEnhance} returns. */
export interface EnhanceSummary {
  rows: EnhanceRow[];
  /** The learned graph's mean improvement against the kNN graph's (when both ran). */
  verdict: string | null;
  /** Every run without its audio. */
  runs: (Omit<EnhanceResult, "sample"> & { seconds: number })[];
}

/** Runs every graph mode for every seed; see the module doc. */
export async function runEnhance(o: RunEnhanceOptions): Promise<EnhanceSummary> {
  const runs: EnhanceSummary["runs"] = [];
  const wavs: Record<string, Uint8Array> = {};
  for (const graph of o.graphs) {
    for (const seed of o.seeds) {
      const model = { ...(o.config.model as Record<string, unknown> ?? {}), graph };
      const t0 = performance.now();
      const r = await enhanceSpeech({ ...o.config, model }, seed, o.device);
      const seconds = (performance.now() - t0) / 1e3;
      const { sample, ...rest } = r;
      runs.push({ ...rest, seconds });
      o.log?.(
        `${graph} seed ${seed}: SI-SDR ${r.noisy_si_sdr.toFixed(2)} → ${r.enhanced_si_sdr.toFixed(2)} dB ` +
          `(${r.improvement >= 0 ? "+" : ""}${r.improvement.toFixed(2)}), ${seconds.toFixed(1)} s`,
      );
      if (seed === o.seeds[0]) {
        wavs["clean.wav"] ??= encodeWav(sample.clean, r.sample_rate);
        wavs["noisy.wav"] ??= encodeWav(sample.noisy, r.sample_rate);
        wavs[`enhanced_${graph}.wav`] = encodeWav(sample.enhanced, r.sample_rate);
      }
    }
  }
  const rows = o.graphs.map((graph): EnhanceRow => {
    const rs = runs.filter((r) => r.graph === graph);
    const mean = (f: (r: typeof rs[number]) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
    return {
      graph,
      noisy_si_sdr: mean((r) => r.noisy_si_sdr),
      enhanced_si_sdr: mean((r) => r.enhanced_si_sdr),
      improvement: meanStd(rs.map((r) => r.improvement)),
      seconds: mean((r) => r.seconds),
    };
  });
  const [learned, knn] = ["learned", "knn"].map((g) => rows.find((r) => r.graph === g)?.improvement.mean);
  const verdict = learned === undefined || knn === undefined
    ? null
    : learned >= knn
    ? `learned graph: +${learned.toFixed(2)} dB SI-SDR improvement ≥ the kNN graph's +${knn.toFixed(2)} dB`
    : `learned graph: ${learned.toFixed(2)} dB SI-SDR improvement, ${
      (knn - learned).toFixed(2)
    } dB below the kNN graph's ${knn.toFixed(2)} dB`;
  const summary: EnhanceSummary = { rows, verdict, runs };
  if (o.out) {
    await Deno.mkdir(o.out, { recursive: true });
    for (const [name, bytes] of Object.entries(wavs)) await writeOutput(join(o.out, name), bytes);
    await writeOutput(
      join(o.out, "metrics.csv"),
      metricsCsv(runs.flatMap((r) => r.epochs.map((e) => ({ graph: r.graph, seed: r.seed, ...e })))),
    );
    await writeOutput(
      join(o.out, "results.json"),
      JSON.stringify({ command: o.command, config: o.config, ...summary }, null, 2) + "\n",
    );
  }
  return summary;
}

/**
 * One `keiro fuse train` or `keiro fuse compare` run: the config, the crystals and their features,
 * every mode over every seed ({@link compareFusion}) with a line per finished run, the per-epoch
 * log, the loss history and the report with the resolved config. docs/fusion.md.
 * @module
 */

import { UsageError } from "../errors.ts";
import { appendLossHistory } from "../losses/inverse_loss_weights.ts";
import { Progress } from "../progress.ts";
import { metricsCsv } from "../metrics_csv.ts";
import { checkOutputDir, openOutput, type OutputSink, writeOutput } from "../write_output.ts";
import { compareFusion, type Comparison, weightingLabel } from "./compare_fusion.ts";
import { DEFAULT_SPLIT, type FusionSetsOptions, loadFusionSets } from "./load_fusion_sets.ts";
import { type FusionSetupOptions, prepareFusion } from "./prepare_fusion.ts";
import { FUSION_MODES, type FusionMode, type FusionSaveSink } from "./train_fusion.ts";
import { writeSavedFusionModel } from "./saved_fusion_model.ts";
import { join } from "node:path";
import { writeFusionReport } from "./write_fusion_report.ts";
import { _runLine } from "./_fusion_notes.ts";

/** Modes whose runs have a best validation loss to append to a history. */
const _HISTORY_MODES: readonly FusionMode[] = ["gnn", "early", "attention", "alignn"];

/** Options of {@link runFusion}: the flags of `keiro fuse train|compare`. */
export interface RunFusionOptions extends FusionSetsOptions, FusionSetupOptions {
  /** `train` (one mode) or `compare`. */
  kind: "train" | "compare";
  /** Modes to run (default: every mode; multitask only with two or more targets). */
  modes?: FusionMode[];
  /** Unit of the primary target, for the plots ("" for none). */
  unit: string;
  /** Seeds, one run of every mode each. */
  seeds: number[];
  /** Append each run's best validation loss to this loss history (a single-task neural mode). */
  history?: string;
  /** Write report.md, results.json, parity.svg, comparison.svg, test_predictions.csv, config.json,
   * epochs.jsonl and metrics.csv there, and with `train` each seed's model in `seed<n>/`. */
  out?: string;
  /** The command line, for the report. */
  command: string;
}

/** Runs `o` and returns the comparison of its modes. */
export async function runFusion(o: RunFusionOptions): Promise<Comparison> {
  const targets = o.targets;
  if (new Set(targets).size !== targets.length) throw new UsageError("a --target is given twice");
  const modes = o.modes ??
    FUSION_MODES.filter((m) => m !== "multitask" || targets.length > 1 || targets.length === 0);
  if (modes.includes("multitask") && targets.length === 1) {
    throw new UsageError("mode multitask needs two or more --target");
  }
  if (o.kind === "train" && o.weighting.length > 1) {
    throw new UsageError("fuse train takes one --weighting (fuse compare takes several)");
  }
  if (o.history !== undefined && !(modes.length === 1 && _HISTORY_MODES.includes(modes[0]))) {
    throw new UsageError(
      `--history needs a single-task neural mode (${_HISTORY_MODES.join(", ")}), got ${modes.join(",")}`,
    );
  }
  if (o.out !== undefined) await checkOutputDir(o.out, "--out");
  const p = await prepareFusion(o, modes, () => loadFusionSets(o, targets));
  const { file, epochs, patience, specs, weightings, tables, atoms, sets, inp } = p;
  // fuse train --out: each seed's model in <out>/seed<n>/ (model.json written once it is trained).
  const sinks = new Map<number, FusionSaveSink>();
  const save = o.kind === "train" && o.out !== undefined
    ? (seed: number) => sinks.set(seed, { dir: join(o.out!, `seed${seed}`) }).get(seed)!
    : undefined;

  o.log(
    `fuse ${o.kind}: ${sets.train.ids.length} train / ${sets.val.ids.length} val / ` +
      `${sets.test.ids.length} test crystals, ${inp.descriptorNames.length} descriptors, targets ${
        targets.join(", ")
      }; ` +
      `modes ${modes.join(", ")}; seeds ${o.seeds.join(", ")}`,
  );

  let sink: OutputSink | undefined;
  if (o.out !== undefined) {
    await Deno.mkdir(o.out, { recursive: true });
    sink = await openOutput(`${o.out}/epochs.jsonl`);
  }
  let writes = Promise.resolve();
  let pending: Record<string, unknown>[] = [];
  const logged: Record<string, unknown>[] = [];
  let bar: Progress | undefined, started = 0;
  try {
    const c = await compareFusion(inp, {
      ...p.compare(modes, o.seeds),
      save,
      onEpoch: (mode, m) => {
        if (!bar) bar = new Progress(`${mode} (run ${++started})`, epochs);
        bar.update(m.epoch);
        if (sink) pending.push({ mode, ...m });
      },
      onRun: (label, seed, r) => {
        bar?.stop();
        bar = undefined;
        o.log(_runLine(label, seed, r));
        if (sink) {
          const rows = pending.map((m) => ({ run: label, seed, ...m }));
          logged.push(...rows);
          const text = rows.map((r) => JSON.stringify(r) + "\n").join("");
          writes = writes.then(() => sink!.write(text));
        }
        pending = [];
      },
    });
    bar?.stop();
    if (o.history !== undefined) {
      const t = targets[0];
      for (const run of c.runs) await appendLossHistory(o.history, t, run.result.val_loss![t]);
      o.log(
        `appended ${c.runs.length} validation loss${c.runs.length > 1 ? "es" : ""} of ${t} to ${o.history}`,
      );
    }
    await writes;
    if (sink && o.out !== undefined) {
      await sink.commit();
      await writeOutput(`${o.out}/metrics.csv`, metricsCsv(logged, targets));
      const config = {
        kind: o.kind,
        modes,
        targets,
        weightings: weightings.map(weightingLabel),
        weighting_specs: specs,
        seeds: o.seeds,
        epochs,
        patience,
        schedule: file.schedule,
        native: c.runs.find((r) => r.result.config)?.result.config ?? file.native,
        forest: file.forest,
        cutoff: o.cutoff,
        max_neighbours: o.maxNeighbours,
        val_limit: o.valLimit ?? null,
        elements: tables?.dir ?? null,
        atom_init: o.atomInit ?? (tables ? "from element tables" : null),
        data: o.data !== undefined
          ? { data: o.data, split: o.split ?? DEFAULT_SPLIT, split_seed: o.splitSeed }
          : { train: o.train, val: o.val, test: o.test },
        format: o.format ?? null,
        structure_column: o.structureColumn ?? null,
        id_column: o.idColumn ?? null,
      };
      await writeFusionReport(c, o.out, {
        command: o.command,
        config,
        sizes: { train: sets.train.ids.length, val: sets.val.ids.length, test: sets.test.ids.length },
        descriptors: inp.descriptorNames.length,
      }, { ids: inp.ids, split: inp.split, actual: inp.targets, unit: o.unit });
      for (const [seed, sink] of sinks) {
        await writeSavedFusionModel(sink.dir, {
          ...sink.parts!,
          mode: modes[0],
          targets: modes[0] === "multitask" ? targets : targets.slice(0, 1),
          seed,
          cutoff: o.cutoff,
          max_neighbours: o.maxNeighbours,
          elements: tables?.dir ?? null,
        }, atoms);
      }
      const models = sinks.size > 0 ? `, the model of each seed in seed<n>/ (keiro fuse predict)` : "";
      o.log(
        `wrote ${o.out}/{report.md,results.json,parity.svg,comparison.svg,test_predictions.csv,config.json,epochs.jsonl,metrics.csv}${models}`,
      );
    }
    return c;
  } catch (e) {
    bar?.stop();
    await writes.catch(() => {});
    await sink?.abort();
    throw e;
  }
}

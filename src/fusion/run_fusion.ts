/**
 * One `keiro fuse train` or `keiro fuse compare` run: the config, the crystals and their features,
 * every mode over every seed ({@link compareFusion}) with a line per finished run, the per-epoch
 * log, the loss history and the report with the resolved config. docs/fusion.md.
 * @module
 */

import { UsageError } from "../errors.ts";
import { appendLossHistory } from "../losses/inverse_loss_weights.ts";
import { parseTaskWeighting, type TaskWeighting } from "../losses/task_weighting.ts";
import { type AtomFeatures, atomFeaturesFromTables, loadAtomInit } from "../materials/atom_features.ts";
import { type ElementTables, loadElementTables } from "../materials/element_tables.ts";
import { Progress } from "../progress.ts";
import { checkOutputDir, openOutput, type OutputSink } from "../write_output.ts";
import { compareFusion, type Comparison, weightingLabel } from "./compare_fusion.ts";
import { fusionInputs } from "./fusion_inputs.ts";
import { loadFusionConfig, parseFusionConfig } from "./load_fusion_config.ts";
import { DEFAULT_SPLIT, type FusionSetsOptions, loadFusionSets } from "./load_fusion_sets.ts";
import { FUSION_MODES, type FusionMode, type ModeResult } from "./train_fusion.ts";
import { writeFusionReport } from "./write_fusion_report.ts";
import { _stackNote } from "./_fusion_notes.ts";

/** Modes that need the Magpie descriptors. */
const _DESCRIPTOR_MODES: readonly FusionMode[] = ["rf", "early", "late", "attention", "stack"];
/** Modes that learn from the crystal graphs. */
const _GRAPH_MODES: readonly FusionMode[] = ["gnn", "early", "late", "attention", "stack", "multitask"];
/** Modes whose runs have a best validation loss to append to a history. */
const _HISTORY_MODES: readonly FusionMode[] = ["gnn", "early", "attention"];

/** Options of {@link runFusion}: the flags of `keiro fuse train|compare`. */
export interface RunFusionOptions extends FusionSetsOptions {
  /** `train` (one mode) or `compare`. */
  kind: "train" | "compare";
  /** Modes to run (default: every mode; multitask only with two or more targets). */
  modes?: FusionMode[];
  /** Target columns; the first is the primary target. */
  targets: string[];
  /** Unit of the primary target, for the plots ("" for none). */
  unit: string;
  /** Task weighting specs of the multitask runs (none: `equal`); `train` takes one. */
  weighting: string[];
  /** Magpie element tables (default: `$KEIRO_ELEMENTS`). */
  elements?: string;
  /** CGCNN atom_init.json (default: built from the element tables). */
  atomInit?: string;
  /** Neighbour cutoff of the crystal graphs, Å. */
  cutoff: number;
  /** Neighbours kept per atom. */
  maxNeighbours: number;
  /** The config file (core-rs/src/fusion/config.rs). */
  config?: string;
  /** Maximum epochs of a neural run (default: the config's). */
  epochs?: number;
  /** Early stopping patience (default: the config's). */
  patience?: number;
  /** Seeds, one run of every mode each. */
  seeds: number[];
  /** Device of the neural modes (default `cpu`). */
  device?: string;
  /** Append each run's best validation loss to this loss history (a single-task neural mode). */
  history?: string;
  /** Write report.md, results.json, parity.svg, comparison.svg, config.json and epochs.jsonl there. */
  out?: string;
  /** The command line, for the report. */
  command: string;
  /** Where progress lines go. */
  log: (line: string) => void;
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
  const file = await loadFusionConfig(o.config);
  // the flags are checked as the config keys they override (the native core owns their bounds)
  if (o.epochs !== undefined) parseFusionConfig(JSON.stringify({ epochs: o.epochs }), "--epochs");
  if (o.patience !== undefined) parseFusionConfig(JSON.stringify({ patience: o.patience }), "--patience");
  const epochs = o.epochs ?? file.epochs, patience = o.patience ?? file.patience;
  const needTables = modes.some((m) => _DESCRIPTOR_MODES.includes(m));
  const { tables, atoms } = await _features(o, needTables);

  const specs = o.weighting.length > 0 ? o.weighting : ["equal"];
  const weightings: TaskWeighting[] = specs.map((s) => parseTaskWeighting(s, targets));
  const sets = await loadFusionSets(o, targets);
  const inp = fusionInputs(sets, {
    targets,
    tables: needTables ? tables : null,
    atomFeatures: atoms,
    cutoff: o.cutoff,
    maxNeighbours: o.maxNeighbours,
  });
  if (inp.isolated > 0 && modes.some((m) => _GRAPH_MODES.includes(m))) {
    const what =
      `${inp.isolated} of ${inp.ids.length} crystals have no neighbour within --cutoff ${o.cutoff} Å`;
    if (inp.isolated === inp.ids.length) {
      throw new UsageError(`${what}: the crystal graphs have no edges; raise --cutoff`);
    }
    o.log(`warning: ${what}; their graphs have no edges`);
  }

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
  let bar: Progress | undefined, started = 0;
  try {
    const c = await compareFusion(inp, {
      modes,
      seeds: o.seeds,
      targets,
      epochs,
      patience,
      native: file.native,
      device: o.device,
      forest: file.forest,
      schedule: file.schedule,
      weighting: weightings[0],
      weightings,
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
          const text = pending.map((m) => JSON.stringify({ run: label, seed, ...m }) + "\n").join("");
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
      }, { split: inp.split, actual: inp.targets[targets[0]], unit: o.unit });
      o.log(`wrote ${o.out}/{report.md,results.json,parity.svg,comparison.svg,config.json,epochs.jsonl}`);
    }
    return c;
  } catch (e) {
    bar?.stop();
    await writes.catch(() => {});
    await sink?.abort();
    throw e;
  }
}

/** Element tables when given or needed, and the atom features. */
async function _features(o: RunFusionOptions, needTables: boolean) {
  const haveEnv = (Deno.env.get("KEIRO_ELEMENTS") ?? "") !== "";
  let tables: ElementTables | null = null;
  if (needTables || o.elements !== undefined || (o.atomInit === undefined && haveEnv)) {
    tables = await loadElementTables(o.elements);
  }
  let atoms: AtomFeatures;
  if (o.atomInit !== undefined) atoms = await loadAtomInit(o.atomInit);
  else if (tables) atoms = atomFeaturesFromTables(tables);
  else {
    throw new UsageError(
      "the crystal graphs need atom features: pass --atom-init <atom_init.json> (CGCNN's) or " +
        "--elements <dir> (Magpie tables, or set KEIRO_ELEMENTS) to build them",
    );
  }
  return { tables, atoms };
}

function _fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "n/a" : Number(v.toPrecision(4)).toString();
}

/** One line per finished run. */
function _runLine(label: string, seed: number, r: ModeResult): string {
  const mae = r.targets.map((t) => (r.targets.length > 1 ? `${t} ` : "") + _fmt(r.test_mae[t])).join(", ");
  const extra = [
    r.best_epoch !== undefined ? `best epoch ${r.best_epoch}` : "",
    r.alpha !== undefined ? `α ${r.alpha}` : "",
    r.stack ? _stackNote(r.stack) : "",
    r.attention ? `attention ${r.attention.map(_fmt).join("/")}` : "",
    `${_fmt(r.train_s)} s`,
  ].filter((s) => s !== "");
  return `${label} seed ${seed}: test MAE ${mae}, R² ${_fmt(r.test_r2[r.targets[0]])} (${extra.join(", ")})`;
}

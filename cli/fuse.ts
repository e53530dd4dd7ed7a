/**
 * `keiro fuse train` and `keiro fuse compare`: crystal property regression with Magpie descriptors,
 * a CGCNN and their fusions (early, late, attention) and multi-task heads; docs/fusion.md.
 * @module
 */

import { Command, InvalidArgumentError, Option } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { UsageError } from "../src/errors.ts";
import { openOutput, type OutputSink, writeOutput } from "../src/write_output.ts";
import { Progress } from "../src/progress.ts";
import { appendLossHistory } from "../src/losses/inverse_loss_weights.ts";
import { parseTaskWeighting, type TaskWeighting } from "../src/losses/task_weighting.ts";
import { type AtomFeatures, atomFeaturesFromTables, loadAtomInit } from "../src/materials/atom_features.ts";
import type { CrystalDataset } from "../src/materials/crystal_dataset.ts";
import { type ElementTables, loadElementTables } from "../src/materials/element_tables.ts";
import { loadCrystalDataset, type LoadCrystalDatasetOptions } from "../src/materials/load_crystal_dataset.ts";
import { compareFusion, weightingLabel } from "../src/fusion/compare_fusion.ts";
import { formatFusionTable } from "../src/fusion/format_fusion_table.ts";
import { fusionInputs } from "../src/fusion/fusion_inputs.ts";
import { loadFusionConfig } from "../src/fusion/load_fusion_config.ts";
import { splitDataset } from "../src/fusion/split_dataset.ts";
import { FUSION_MODES, type FusionMode, type ModeResult } from "../src/fusion/train_fusion.ts";
import { writeFusionReport } from "../src/fusion/write_fusion_report.ts";
import { choiceArg, intArg, positiveArg, positiveIntArg } from "./_parse.ts";

/** Modes that need the Magpie descriptors. */
const _DESCRIPTOR_MODES: readonly FusionMode[] = ["rf", "early", "late", "attention"];
/** Modes whose runs have a best validation loss to append to a history. */
const _HISTORY_MODES: readonly FusionMode[] = ["gnn", "early", "attention"];

/** The flags of both subcommands (commander's camelCase names). */
interface _Flags {
  mode?: FusionMode;
  modes?: FusionMode[];
  train?: string;
  val?: string;
  test?: string;
  data?: string;
  split?: [number, number, number];
  splitSeed: number;
  format?: "csv" | "dir" | "jsonl";
  structureColumn?: string;
  idColumn?: string;
  target: string[];
  unit: string;
  weighting: string[];
  elements?: string;
  atomInit?: string;
  cutoff: number;
  maxNeighbours: number;
  config?: string;
  epochs?: number;
  patience?: number;
  valLimit?: number;
  seeds?: number;
  seed: number;
  repeat?: number;
  history?: string;
  out?: string;
  json: boolean;
}

/** `TRAIN,VAL,TEST` fractions. */
function _splitArg(v: string): [number, number, number] {
  const parts = v.split(",").map((s) => s.trim());
  const f = parts.map(Number);
  if (parts.length !== 3 || parts.some((s) => s === "") || f.some((x) => !Number.isFinite(x) || x < 0)) {
    throw new InvalidArgumentError(
      `expected TRAIN,VAL,TEST fractions such as 0.6,0.2,0.2, got ${JSON.stringify(v)}`,
    );
  }
  return f as [number, number, number];
}

/** A comma-separated list of modes. */
function _modesArg(v: string): FusionMode[] {
  const modes = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const bad = modes.find((m) => !(FUSION_MODES as readonly string[]).includes(m));
  if (bad !== undefined || modes.length === 0) {
    throw new InvalidArgumentError(
      `expected a comma-separated list of ${FUSION_MODES.join(", ")}, got ${JSON.stringify(bad ?? v)}`,
    );
  }
  return [...new Set(modes)] as FusionMode[];
}

function _collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** The options shared by `fuse train` and `fuse compare`. */
function _withCommonOptions(c: SubCommand): SubCommand {
  return c
    .option("--train <path>", "training set (CSV, directory with id_prop.csv, or JSONL)")
    .option("--val <path>", "validation set (early stopping, late-fusion α)")
    .option("--test <path>", "test set (the reported metrics)")
    .option("--data <path>", "one dataset split at random by --split (instead of --train/--val/--test)")
    .option("--split <fractions>", "with --data: TRAIN,VAL,TEST fractions (default 0.6,0.2,0.2)", _splitArg)
    .option("--split-seed <n>", "with --data: seed of the random split", intArg, 0)
    .option("--format <form>", "dataset form (default: by path)", choiceArg(["csv", "dir", "jsonl"] as const))
    .option("--structure-column <col>", "CSV/JSONL column holding the structure (CIF, POSCAR, pymatgen JSON)")
    .option("--id-column <col>", "CSV/JSONL id column")
    .addOption(
      new Option("--target <name>", "target column (repeatable; the first is the primary target)")
        .argParser(_collect).default([] as string[], "none"),
    )
    .addOption(new Option("--unit <text>", "unit of the primary target, for the plots").default("", "none"))
    .option("--elements <dir>", "Magpie element tables (default: $KEIRO_ELEMENTS); rf/early/late/attention")
    .option("--atom-init <path>", "CGCNN atom_init.json (default: built from the element tables)")
    .option("--cutoff <angstrom>", "neighbour cutoff of the crystal graphs, Å", positiveArg, 8)
    .option("--max-neighbours <n>", "neighbours kept per atom", positiveIntArg, 12)
    .option(
      "-c, --config <file>",
      "model config (JSON: native model keys, epochs, patience, schedule, forest)",
    )
    .option("--epochs <n>", "maximum epochs of a neural run (default: config's, else 60)", positiveIntArg)
    .option(
      "--patience <n>",
      "stop after n epochs without a better validation MAE (default 15)",
      positiveIntArg,
    )
    .option("--val-limit <n>", "use only the first n validation crystals", positiveIntArg)
    .option("--seeds <n>", "number of seeds: seed .. seed+n-1", positiveIntArg)
    .option("--seed <n>", "first seed", intArg, 0)
    .option(
      "--out <dir>",
      "write report.md, results.json, parity.svg, comparison.svg, config.json, epochs.jsonl",
    )
    .option(
      "--json",
      "print {target, results:[{mode, test_mae, test_mae_std, test_r2, train_s}]} last",
      false,
    );
}

const _EXAMPLE_DATA = `  D=../shared/data/materials
  DATA="--train $D/perov5-castelli/train_subset1024.csv --val $D/perov5-castelli/val.csv \\
    --test $D/perov5-castelli/test.csv --structure-column cif --elements $D/magpie \\
    --atom-init $D/cgcnn-sample/atom_init.json"`;

/** The `fuse` command group. */
export function fuseCommand(): SubCommand {
  const fuse = new Command("fuse").description(
    "crystal property regression: Magpie descriptors + CGCNN, fused (docs/fusion.md)",
  );
  _withCommonOptions(
    fuse.command("train")
      .description("train one fusion mode over one or more seeds and report test MAE and R²")
      .requiredOption("--mode <mode>", FUSION_MODES.join("|"), choiceArg(FUSION_MODES)),
  )
    .addOption(
      new Option(
        "--weighting <spec>",
        "multitask task weighting: equal, fixed:T=W,…, inverse:latest|average:FILE, kendall, dwa[:T]",
      ).argParser(_collect).default([] as string[], "equal"),
    )
    .option("--repeat <n>", "runs with seeds seed .. seed+n-1 (same as --seeds)", positiveIntArg)
    .option("--history <file>", "append each run's best validation loss (z-scored) to this loss history")
    .addHelpText(
      "after",
      `
Examples:
${_EXAMPLE_DATA}
  keiro fuse train --mode attention $DATA --target heat_all --seeds 3 --out runs/attention
  keiro fuse train --mode gnn $DATA --target dir_gap --repeat 3 --history runs/history.json
  keiro fuse train --mode multitask $DATA --target heat_all --target dir_gap \\
    --weighting inverse:latest:runs/history.json`,
    )
    .action(async function (this: SubCommand) {
      const o = this.opts() as _Flags;
      await _run(o, [o.mode!], "train", this);
    });
  _withCommonOptions(
    fuse.command("compare")
      .description("run several fusion modes on the same splits and seeds and compare them")
      .option(
        "--modes <list>",
        `comma-separated modes (default: all of ${FUSION_MODES.join(",")}; multitask needs 2+ targets)`,
        _modesArg,
      ),
  )
    .addOption(
      new Option(
        "--weighting <spec>",
        "multitask task weighting (repeatable: one multitask run per weighting)",
      ).argParser(_collect).default([] as string[], "equal"),
    )
    .addHelpText(
      "after",
      `
Examples:
${_EXAMPLE_DATA}
  keiro fuse compare $DATA --target heat_all --modes rf,gnn,early,late,attention --seeds 3 --out runs/cmp
  keiro fuse compare $DATA --target heat_all --target dir_gap --target ind_gap --modes multitask \\
    --weighting equal --weighting kendall --weighting dwa --json`,
    )
    .action(async function (this: SubCommand) {
      const o = this.opts() as _Flags;
      await _run(o, o.modes, "compare", this);
    });
  return fuse;
}

/** The command line as typed (from the root command's raw arguments). */
function _commandLine(cmd: SubCommand): string {
  let root: SubCommand = cmd;
  while (root.parent) root = root.parent;
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? Deno.args;
  return ["keiro", ...raw].map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/** Element tables when given or needed, and the atom features. */
async function _features(o: _Flags, needTables: boolean) {
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

/** The train, validation and test sets from the flags. */
async function _datasets(o: _Flags, targets: string[]) {
  const opts: LoadCrystalDatasetOptions = {
    format: o.format,
    structureColumn: o.structureColumn,
    idColumn: o.idColumn,
    targets: targets.length > 0 ? targets : undefined,
  };
  const given = (["train", "val", "test"] as const).filter((k) => o[k] !== undefined);
  let sets: { train: CrystalDataset; val: CrystalDataset; test: CrystalDataset };
  if (o.data !== undefined) {
    if (given.length > 0) throw new UsageError(`--data excludes --${given.join(", --")}`);
    const ds = await loadCrystalDataset(o.data, opts);
    if (targets.length === 0) throw _noTarget(ds);
    sets = splitDataset(ds, o.split ?? [0.6, 0.2, 0.2], o.splitSeed);
  } else {
    if (o.split !== undefined) throw new UsageError("--split needs --data");
    if (given.length < 3) {
      throw new UsageError(
        given.length === 0
          ? "give the data: --train <path> --val <path> --test <path>, or --data <path> --split 0.6,0.2,0.2"
          : `--train, --val and --test go together; missing --${
            ["train", "val", "test"].filter((k) => !given.includes(k as "train")).join(", --")
          }`,
      );
    }
    const train = await loadCrystalDataset(o.train!, opts);
    if (targets.length === 0) throw _noTarget(train);
    sets = {
      train,
      val: await loadCrystalDataset(o.val!, opts),
      test: await loadCrystalDataset(o.test!, opts),
    };
  }
  if (o.valLimit !== undefined && o.valLimit < sets.val.ids.length) {
    const n = o.valLimit, v = sets.val;
    sets.val = {
      name: v.name,
      ids: v.ids.slice(0, n),
      structures: v.structures.slice(0, n),
      compositions: v.compositions.slice(0, n),
      targets: Object.fromEntries(Object.entries(v.targets).map(([t, x]) => [t, x.slice(0, n)])),
    };
  }
  return sets;
}

function _noTarget(ds: CrystalDataset): UsageError {
  const cols = Object.keys(ds.targets);
  return new UsageError(
    `give at least one --target; ${ds.name} has the numeric columns ${cols.join(", ") || "(none)"}`,
  );
}

function _fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "n/a" : Number(v.toPrecision(4)).toString();
}

/** One stderr line per finished run. */
function _runLine(label: string, seed: number, r: ModeResult): string {
  const mae = r.targets.map((t) => (r.targets.length > 1 ? `${t} ` : "") + _fmt(r.test_mae[t])).join(", ");
  const extra = [
    r.best_epoch !== undefined ? `best epoch ${r.best_epoch}` : "",
    r.alpha !== undefined ? `α ${r.alpha}` : "",
    r.attention ? `attention ${r.attention.map(_fmt).join("/")}` : "",
    `${_fmt(r.train_s)} s`,
  ].filter((s) => s !== "");
  return `${label} seed ${seed}: test MAE ${mae}, R² ${_fmt(r.test_r2[r.targets[0]])} (${extra.join(", ")})`;
}

async function _run(
  o: _Flags,
  modesGiven: FusionMode[] | undefined,
  kind: "train" | "compare",
  cmd: Command,
) {
  const targets = o.target;
  if (new Set(targets).size !== targets.length) throw new UsageError("a --target is given twice");
  const modes = modesGiven ??
    FUSION_MODES.filter((m) => m !== "multitask" || targets.length > 1 || targets.length === 0);
  if (modes.includes("multitask") && targets.length === 1) {
    throw new UsageError("mode multitask needs two or more --target");
  }
  if (kind === "train" && o.weighting.length > 1) {
    throw new UsageError("fuse train takes one --weighting (fuse compare takes several)");
  }
  if (o.seeds !== undefined && o.repeat !== undefined) {
    throw new UsageError("give --seeds or --repeat, not both");
  }
  if (o.history !== undefined && !_HISTORY_MODES.includes(o.mode!)) {
    throw new UsageError(
      `--history needs a single-task neural mode (${_HISTORY_MODES.join(", ")}), got ${o.mode}`,
    );
  }
  const seeds = Array.from({ length: o.seeds ?? o.repeat ?? 1 }, (_, i) => o.seed + i);
  const file = await loadFusionConfig(o.config);
  const epochs = o.epochs ?? file.epochs ?? 60, patience = o.patience ?? file.patience ?? 15;
  const needTables = modes.some((m) => _DESCRIPTOR_MODES.includes(m));
  const { tables, atoms } = await _features(o, needTables);

  const weightings: TaskWeighting[] = (o.weighting.length > 0 ? o.weighting : ["equal"])
    .map((s) => parseTaskWeighting(s, targets));
  const sets = await _datasets(o, targets);
  const inp = fusionInputs(sets, {
    targets,
    tables: needTables ? tables : null,
    atomFeatures: atoms,
    cutoff: o.cutoff,
    maxNeighbours: o.maxNeighbours,
  });
  console.error(
    `fuse ${kind}: ${sets.train.ids.length} train / ${sets.val.ids.length} val / ` +
      `${sets.test.ids.length} test crystals, ${inp.descriptorNames.length} descriptors, targets ${
        targets.join(", ")
      }; ` +
      `modes ${modes.join(", ")}; seeds ${seeds.join(", ")}`,
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
      seeds,
      targets,
      epochs,
      patience,
      native: file.native,
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
        console.error(_runLine(label, seed, r));
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
      console.error(
        `appended ${c.runs.length} validation loss${c.runs.length > 1 ? "es" : ""} of ${t} to ${o.history}`,
      );
    }
    await writes;
    if (sink && o.out !== undefined) {
      await sink.commit();
      const config = {
        kind,
        modes,
        targets,
        weightings: weightings.map(weightingLabel),
        weighting_specs: o.weighting.length > 0 ? o.weighting : ["equal"],
        seeds,
        epochs,
        patience,
        schedule: file.schedule ?? "cosine",
        native: c.runs.find((r) => r.result.config)?.result.config ?? file.native,
        forest: file.forest,
        cutoff: o.cutoff,
        max_neighbours: o.maxNeighbours,
        val_limit: o.valLimit ?? null,
        elements: tables?.dir ?? null,
        atom_init: o.atomInit ?? (tables ? "from element tables" : null),
        data: o.data !== undefined
          ? { data: o.data, split: o.split ?? [0.6, 0.2, 0.2], split_seed: o.splitSeed }
          : { train: o.train, val: o.val, test: o.test },
        format: o.format ?? null,
        structure_column: o.structureColumn ?? null,
        id_column: o.idColumn ?? null,
      };
      await writeFusionReport(c, o.out, {
        command: _commandLine(cmd),
        config,
        sizes: { train: sets.train.ids.length, val: sets.val.ids.length, test: sets.test.ids.length },
        descriptors: inp.descriptorNames.length,
      }, { split: inp.split, actual: inp.targets[targets[0]], unit: o.unit });
      console.error(
        `wrote ${o.out}/{report.md,results.json,parity.svg,comparison.svg,config.json,epochs.jsonl}`,
      );
    }
    let text = formatFusionTable(c);
    if (o.json) {
      const results = c.results.map((s) => ({
        mode: s.mode,
        test_mae: s.test_mae,
        test_mae_std: s.test_mae_std,
        test_r2: s.test_r2,
        train_s: s.train_s,
      }));
      text += JSON.stringify({ target: c.target, results }) + "\n";
    }
    await writeOutput(undefined, text);
  } catch (e) {
    bar?.stop();
    await writes.catch(() => {});
    await sink?.abort();
    throw e;
  }
}

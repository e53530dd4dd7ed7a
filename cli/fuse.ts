/**
 * `keiro fuse train` and `keiro fuse compare`: crystal property regression with Magpie descriptors,
 * a CGCNN and their fusions (early, late, attention) and multi-task heads; docs/fusion.md.
 * @module
 */

import { withDeviceOption } from "./_device_option.ts";
import { chooseDevice } from "../src/device.ts";
import { Command, InvalidArgumentError, Option } from "commander";
import type { SubCommand } from "./_sub_command.ts";
import { commandLine } from "./_command_line.ts";
import { UsageError } from "../src/errors.ts";
import { checkOutputFile, writeOutput } from "../src/write_output.ts";
import { loadCrystalDataset } from "../src/materials/load_crystal_dataset.ts";
import { predictWithSavedFusionModel, readSavedFusionModel } from "../src/fusion/saved_fusion_model.ts";
import { formatFusionTable } from "../src/fusion/format_fusion_table.ts";
import { runFusion, type RunFusionOptions } from "../src/fusion/run_fusion.ts";
import { runFusionCv } from "../src/fusion/run_fusion_cv.ts";
import { formatFusionCvTable } from "../src/fusion/format_fusion_cv_table.ts";
import { FUSION_MODES, type FusionMode } from "../src/fusion/train_fusion.ts";
import { boundedIntArg, choiceArg, fractionArg, intArg, positiveArg, positiveIntArg } from "./_parse.ts";

/** The flags of both subcommands (commander's camelCase names). */
type _Flags = Omit<RunFusionOptions, "kind" | "modes" | "targets" | "seeds" | "command" | "log"> & {
  mode?: FusionMode;
  modes?: FusionMode[];
  target: string[];
  seeds?: number;
  seed: number;
  repeat?: number;
  json: boolean;
};

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

/** The data options of `fuse train` and `fuse compare`: three sets, or one split at random. */
function _withSetOptions(c: SubCommand): SubCommand {
  return c
    .option("--train <path>", "training set (CSV, directory with id_prop.csv, or JSONL)")
    .option("--val <path>", "validation set (early stopping, late-fusion α, stacking)")
    .option("--test <path>", "test set (the reported metrics)")
    .option("--data <path>", "one dataset split at random by --split (instead of --train/--val/--test)")
    .option("--split <fractions>", "with --data: TRAIN,VAL,TEST fractions (default 0.6,0.2,0.2)", _splitArg)
    .option("--split-seed <n>", "with --data: seed of the random split", intArg, 0)
    .option("--val-limit <n>", "use only the first n validation crystals (default: all)", positiveIntArg);
}

/** How crystal files are read: their form, structure column and id column. */
function _withReaderOptions(c: SubCommand): SubCommand {
  return c
    .option("--format <form>", "dataset form (default: by path)", choiceArg(["csv", "dir", "jsonl"] as const))
    .option(
      "--structure-column <col>",
      "CSV/JSONL column holding the structure (CIF, POSCAR, pymatgen JSON) (default: the first of cif, structure, poscar)",
    )
    .option(
      "--id-column <col>",
      "CSV/JSONL id column (default: material_id in CSV, id in JSONL, else the entry number)",
    );
}

/** The options every `fuse` subcommand shares (after its data options). */
function _withCommonOptions(c: SubCommand): SubCommand {
  return _withReaderOptions(c)
    .addOption(
      new Option("--target <name>", "target column (repeatable; the first is the primary target)")
        .argParser(_collect).default([] as string[], "none"),
    )
    .option(
      "--elements <dir>",
      "Magpie element tables (default: $KEIRO_ELEMENTS); rf/early/late/attention/stack/alignn",
    )
    .option("--atom-init <path>", "CGCNN atom_init.json (default: built from the element tables)")
    .option("--cutoff <angstrom>", "neighbour cutoff of the crystal graphs, Å", positiveArg, 8)
    .option("--max-neighbours <n>", "neighbours kept per atom", boundedIntArg(1, "max_width"), 12)
    .option(
      "-c, --config <file>",
      "model config (JSON: native model keys, epochs, patience, schedule, forest) (default: every key's default, docs/fusion.md)",
    )
    .option("--epochs <n>", "maximum epochs of a neural run (default: the config's epochs)", positiveIntArg)
    .option(
      "--patience <n>",
      "stop after n epochs without a better validation MAE (default: the config's patience)",
      positiveIntArg,
    )
    .option("--seeds <n>", "number of seeds: seed .. seed+n-1 (default: 1)", boundedIntArg(1, "max_runs"))
    .option("--seed <n>", "first seed", intArg, 0);
}

/** `fuse train` and `fuse compare`: the device, three sets or one split, the common options, --out. */
function _withRunOptions(c: SubCommand): SubCommand {
  return _withCommonOptions(
    _withSetOptions(withDeviceOption(c, "cpu; the random forest always runs on the CPU")),
  )
    .addOption(new Option("--unit <text>", "unit of the primary target, for the plots").default("", "none"))
    .option(
      "--out <dir>",
      "write report.md, results.json, parity.svg, comparison.svg, test_predictions.csv, config.json, " +
        "epochs.jsonl, metrics.csv; fuse train: also each seed's model in seed<n>/ (keiro fuse predict)",
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
  _withRunOptions(
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
    .option(
      "--repeat <n>",
      "runs with seeds seed .. seed+n-1 (same as --seeds) (default: 1)",
      boundedIntArg(1, "max_runs"),
    )
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
  _withRunOptions(
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
  _withCommonOptions(
    withDeviceOption(fuse.command("cv"), "cpu; the random forest always runs on the CPU")
      .description(
        "k-fold cross-validation of several modes on the same folds (Matbench-style): mean ± std of the per-fold test MAE, resumable per fold",
      )
      .addOption(
        new Option("--data <path>", "the dataset (repeatable: the union of the files; ids must be unique)")
          .argParser(_collect).default([] as string[], "none"),
      )
      .option("--folds <k>", "number of folds", boundedIntArg(2, "max_runs"), 5)
      .option("--fold-seed <n>", "seed of the folds and of each fold's validation draw", intArg, 0)
      .option(
        "--val-fraction <f>",
        "fraction of each fold's training crystals held out for validation (early stopping, α, stacking)",
        fractionArg,
        0.1,
      )
      .option(
        "--modes <list>",
        `comma-separated modes (default: all of ${FUSION_MODES.join(",")}; multitask needs 2+ targets)`,
        _modesArg,
      ),
  )
    .addOption(
      new Option("--weighting <spec>", "multitask task weighting (repeatable)").argParser(_collect)
        .default([] as string[], "equal"),
    )
    .requiredOption(
      "--out <dir>",
      "protocol.json (fold ids), folds/fold_<k>.json, results.json, report.md, config.json; a rerun resumes there",
    )
    .option("--json", "print {target, folds, results:[{mode, test_mae, test_mae_std, fold_mae}]} last", false)
    .addHelpText(
      "after",
      `
Each fold is the test set once; --val-fraction of the other folds' crystals (drawn with the fold seed)
validate, the rest train. Every mode and seed sees the same folds. A killed run given the same command
(same --out) reads back the finished folds and resumes at the first unfinished one; a different protocol
in --out is refused.

Example (the Castelli perovskites, the union of three files; Matbench's perovskites task):
  D=<folder of the Castelli CSVs>; M=<folder of matminer's Magpie tables>
  keiro fuse cv --data $D/train_subset1024.csv --data $D/val.csv --data $D/test.csv \\
    --structure-column cif --target heat_all --elements $M --folds 5 --fold-seed 0 \\
    --modes rf,gnn,early,late,attention,stack --out runs/perov_cv`,
    )
    .action(async function (this: SubCommand) {
      const o = this.opts() as _Flags & {
        data: string[];
        folds: number;
        foldSeed: number;
        valFraction: number;
      };
      if (o.data.length === 0) throw new UsageError("give the dataset: --data <path> (repeatable)");
      const device = await chooseDevice(o.device);
      const s = await runFusionCv({
        ...o,
        device,
        targets: o.target,
        seeds: Array.from({ length: o.seeds ?? 1 }, (_, i) => o.seed + i),
        out: o.out!,
        command: commandLine(this),
        log: (line) => console.error(line),
      });
      let text = formatFusionCvTable(s);
      if (o.json) {
        const results = s.results.map((m) => ({
          mode: m.mode,
          test_mae: m.test_mae,
          test_mae_std: m.test_mae_std,
          fold_mae: m.fold_mae,
        }));
        text += JSON.stringify({ target: s.target, folds: s.folds, results }) + "\n";
      }
      await writeOutput(undefined, text);
    });
  _withReaderOptions(
    withDeviceOption(fuse.command("predict"), "cpu; the random forest always runs on the CPU")
      .description("predict crystal properties with a model saved by fuse train --out")
      .requiredOption("--model <dir>", "a saved model: <fuse train --out>/seed<n>")
      .requiredOption("--data <path>", "the crystals (CSV, directory with id_prop.csv, or JSONL)"),
  )
    .option("--elements <dir>", "Magpie element tables (default: the model's, else $KEIRO_ELEMENTS)")
    .option("--out <file>", "write the JSONL there (atomically) instead of stdout")
    .addHelpText(
      "after",
      `
Writes one JSONL record per crystal, {"id", "<target>": prediction, …}, in target units. The crystal
graphs are built with the model's cutoff, neighbour count and atom features (saved with it); the
descriptors with the Magpie tables. When the data has a column named like a target, the MAE against it
goes to stderr.

Example:
  keiro fuse train --mode late $DATA --target heat_all --out runs/late
  keiro fuse predict --model runs/late/seed0 --data new_crystals.csv --structure-column cif > predictions.jsonl`,
    )
    .action(async function (this: SubCommand) {
      const o = this.opts() as {
        device?: string;
        model: string;
        data: string;
        format?: "csv" | "dir" | "jsonl";
        structureColumn?: string;
        idColumn?: string;
        elements?: string;
        out?: string;
      };
      const device = await chooseDevice(o.device);
      if (o.out) await checkOutputFile(o.out);
      const saved = await readSavedFusionModel(o.model);
      const ds = await loadCrystalDataset(o.data, {
        format: o.format,
        structureColumn: o.structureColumn,
        idColumn: o.idColumn,
      });
      const p = await predictWithSavedFusionModel(o.model, saved, ds, { elements: o.elements, device });
      const text = ds.ids.map((id, i) =>
        JSON.stringify({ id, ...Object.fromEntries(saved.targets.map((t) => [t, p[t][i]])) }) + "\n"
      ).join("");
      await writeOutput(o.out, text);
      const known = saved.targets.filter((t) => t in ds.targets).map((t) => {
        const rows = ds.ids.map((_, i) => i).filter((i) => Number.isFinite(ds.targets[t][i]));
        const mae = rows.reduce((a, i) => a + Math.abs(p[t][i] - ds.targets[t][i]), 0) / rows.length;
        return `; MAE ${t} ${mae.toPrecision(4)} on ${rows.length}`;
      });
      console.error(
        `predicted ${ds.ids.length} crystals with ${o.model} (mode ${saved.mode})${known.join("")}`,
      );
    });
  return fuse;
}

/** Runs the subcommand and prints the table (and with --json the summary line). */
async function _run(o: _Flags, modes: FusionMode[] | undefined, kind: "train" | "compare", cmd: Command) {
  if (o.seeds !== undefined && o.repeat !== undefined) {
    throw new UsageError("give --seeds or --repeat, not both");
  }
  const device = await chooseDevice(o.device);
  const c = await runFusion({
    ...o,
    device,
    kind,
    modes,
    targets: o.target,
    seeds: Array.from({ length: o.seeds ?? o.repeat ?? 1 }, (_, i) => o.seed + i),
    command: commandLine(cmd),
    log: (line) => console.error(line),
  });
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
}

/**
 * keiro fuse end to end through the CLI on tiny models (a few epochs, width 8): the JARVIS sample
 * directory split at random, every mode on 40 Castelli perovskites, a MEGNet JSONL, the loss
 * history of repeated single-task runs, and usage errors. Data tests skip when ../shared/data is absent.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliResult, ROOT } from "./_cli.ts";
import { checkSvg } from "../src/report/_check_svg.ts";
import { parseCsv } from "../src/read_csv.ts";

const DATA = fileURLToPath(new URL("../../shared/data/materials", import.meta.url));
const HAVE_DATA = (() => {
  try {
    return Deno.statSync(join(DATA, "perov5-castelli")).isDirectory;
  } catch {
    return false;
  }
})();
if (!HAVE_DATA) console.warn(`skipping the fuse data tests: ${DATA} is absent`);

const JARVIS = join(DATA, "alignn-jarvis-sample");
const ATOM_INIT = join(DATA, "cgcnn-sample", "atom_init.json");
const MAGPIE = join(DATA, "magpie");
const TINY = { hidden: 8, conv_layers: 1, fc_hidden: 8, batch_size: 16, forest: { trees: 10 } };

const tmp = await Deno.makeTempDir({ prefix: "keiro-fuse-test-" });
const CONFIG = join(tmp, "tiny.json");
await Deno.writeTextFile(CONFIG, JSON.stringify(TINY));

/** Runs `keiro <args>` with extra environment variables (KEIRO_ELEMENTS unset unless given). */
async function _keiro(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/cli/main.ts`, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
    env: { KEIRO_ELEMENTS: "", ...env },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

interface JsonLine {
  target: string;
  results: { mode: string; test_mae: number; test_mae_std: number; test_r2: number; train_s: number }[];
}

/** The `--json` line: the last stdout line, with exactly the documented keys. */
function _jsonLine(r: CliResult): JsonLine {
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout.trimEnd().split("\n").pop()!) as JsonLine;
  assert.deepEqual(Object.keys(j), ["target", "results"]);
  for (const s of j.results) {
    assert.deepEqual(Object.keys(s), ["mode", "test_mae", "test_mae_std", "test_r2", "train_s"]);
    assert.ok(Number.isFinite(s.test_mae) && s.test_mae >= 0, `${s.mode} test MAE ${s.test_mae}`);
    assert.ok(Number.isFinite(s.train_s) && s.train_s >= 0);
  }
  return j;
}

/** Rows [from, to) of Castelli's train subset as a CSV (quoted CIFs kept). */
async function _castelliRows(name: string, from: number, to: number): Promise<string> {
  const path = join(tmp, name);
  const text = await Deno.readTextFile(join(DATA, "perov5-castelli", "train_subset1024.csv"));
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const rows = parseCsv(text, "train_subset1024.csv");
  const keep = [rows[0], ...rows.slice(1 + from, 1 + to)];
  await Deno.writeTextFile(path, keep.map((r) => r.fields.map(q).join(",")).join("\n") + "\n");
  return path;
}

/** 40 Castelli perovskites (heat_all, dir_gap, …) as a CSV, quoted CIFs kept. */
function _castelli40(): Promise<string> {
  return _castelliRows("castelli40.csv", 0, 40);
}

const GNN_JARVIS = [
  "fuse",
  "train",
  "--mode",
  "gnn",
  "--data",
  JARVIS,
  "--split",
  "0.6,0.2,0.2",
  "--target",
  "gap",
  "--epochs",
  "3",
  "--config",
  CONFIG,
  "--atom-init",
  ATOM_INIT,
  "--json",
];

Deno.test({
  name: "fuse train --mode gnn on the JARVIS sample: --json line, epochs.jsonl, deterministic",
  ignore: !HAVE_DATA,
  fn: async () => {
    const out = join(tmp, "jarvis");
    const r = await _keiro([...GNN_JARVIS, "--out", out]);
    const j = _jsonLine(r);
    assert.equal(j.target, "gap");
    assert.deepEqual(j.results.map((s) => s.mode), ["gnn"]);
    assert.match(r.stderr, /30 train \/ 10 val \/ 10 test crystals/);
    assert.match(r.stderr, /^gnn seed 0: test MAE [\d.]+/m);
    const epochs = (await Deno.readTextFile(join(out, "epochs.jsonl"))).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.deepEqual(epochs.map((e) => [e.run, e.seed, e.epoch]), [["gnn", 0, 1], ["gnn", 0, 2], [
      "gnn",
      0,
      3,
    ]]);
    const config = JSON.parse(await Deno.readTextFile(join(out, "config.json")));
    assert.equal(config.epochs, 3);
    assert.equal(config.native.hidden, 8);
    assert.deepEqual(config.data.split, [0.6, 0.2, 0.2]);
    const again = _jsonLine(await _keiro(GNN_JARVIS));
    assert.equal(again.results[0].test_mae, j.results[0].test_mae, "same seeds, same result");
  },
});

Deno.test({
  name: "fuse compare: every mode on 40 Castelli perovskites, report files, α, attention, stacking, Δp",
  ignore: !HAVE_DATA,
  fn: async () => {
    const csv = await _castelli40();
    const out = join(tmp, "castelli");
    const r = await _keiro([
      "fuse",
      "compare",
      "--data",
      csv,
      "--split",
      "0.5,0.25,0.25",
      "--structure-column",
      "cif",
      "--target",
      "heat_all",
      "--target",
      "dir_gap",
      "--modes",
      "rf,gnn,late,early,attention,stack,stack_all,alignn,multitask",
      "--weighting",
      "equal",
      "--weighting",
      "dwa",
      "--elements",
      MAGPIE,
      "--epochs",
      "3",
      "--config",
      CONFIG,
      "--unit",
      "eV/cell",
      "--out",
      out,
      "--json",
    ]);
    const j = _jsonLine(r);
    assert.equal(j.target, "heat_all");
    const modes = [
      "rf",
      "gnn",
      "late",
      "early",
      "attention",
      "stack",
      "stack_all",
      "alignn",
      "multitask:equal",
      "multitask:dwa",
    ];
    assert.deepEqual(j.results.map((s) => s.mode).sort(), [...modes].sort());
    for (const m of modes) assert.match(r.stdout, new RegExp(`^${m} `, "m"), `table row ${m}`);
    const res = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
    const by = Object.fromEntries(res.results.map((s: { mode: string }) => [s.mode, s]));
    for (const a of by.late.alpha) assert.ok(a >= 0 && a <= 1, `α ${a}`);
    const [wd, wg] = by.attention.attention;
    assert.ok(Math.abs(wd + wg - 1) < 1e-5 && wd > 0 && wg > 0, `attention ${wd} + ${wg}`);
    const [st] = by.stack.stack;
    for (const k of ["rf", "gnn", "intercept", "lambda"]) assert.ok(Number.isFinite(st[k]), `stack ${k}`);
    assert.match(r.stderr, /^stack seed 0: test MAE [\d.]+.*stack [-\d.]+·rf \+ [-\d.]+·gnn/m);
    assert.match(r.stdout, /^stack .*stack [-\d.]+·rf/m);
    // stack_all runs after alignn although listed before it, and reuses every base run (its seconds
    // are theirs, summed in the same order)
    const [sa] = by.stack_all.stack;
    for (const k of ["rf", "gnn", "early", "attention", "alignn", "intercept", "lambda"]) {
      assert.ok(Number.isFinite(sa[k]), `stack_all ${k}`);
    }
    const bases = ["rf", "gnn", "early", "attention", "alignn"];
    assert.equal(by.stack_all.train_s, bases.reduce((s, m) => s + by[m].train_s, 0));
    assert.match(r.stderr, /^stack_all seed 0: .*stack [-\d.]+·rf \+ [-\d.]+·gnn \+ [-\d.]+·early/m);
    for (const m of ["early", "attention", "alignn"]) {
      assert.ok(Number.isFinite(by[m].importance.descriptors_zeroed), m);
      assert.ok(Number.isFinite(by[m].importance.embeddings_permuted), m);
    }
    for (const m of ["multitask:equal", "multitask:dwa"]) {
      assert.ok(Number.isFinite(by[m].delta_p.deltaP), m);
      assert.deepEqual(by[m].delta_p.perTask.map((t: { task: string }) => t.task), ["heat_all", "dir_gap"]);
    }
    assert.deepEqual(Object.keys(res.single_task), ["heat_all", "dir_gap"]);
    assert.equal(res.meta.sizes.train, 20);
    assert.equal(res.meta.descriptors, 132);
    for (const f of ["report.md", "config.json", "epochs.jsonl"]) {
      assert.ok((await Deno.stat(join(out, f))).size > 0, f);
    }
    // test_predictions.csv: the 10 test crystals, every run's predictions; rf's MAE is the table's.
    const preds = parseCsv(
      await Deno.readTextFile(join(out, "test_predictions.csv")),
      "test_predictions.csv",
    );
    const cols = preds[0].fields, body = preds.slice(1).map((r) => r.fields.map(Number));
    assert.equal(body.length, 10);
    for (const c of ["id", "heat_all", "dir_gap", "rf:seed0:heat_all", "multitask:dwa:seed0:dir_gap"]) {
      assert.ok(cols.includes(c), c);
    }
    const [y, rf] = [cols.indexOf("heat_all"), cols.indexOf("rf:seed0:heat_all")];
    const mae = body.reduce((a, r) => a + Math.abs(r[rf] - r[y]), 0) / body.length;
    assert.ok(Math.abs(mae - by.rf.test_mae) < 1e-9, `${mae} vs ${by.rf.test_mae}`);
    const parity = await Deno.readTextFile(join(out, "parity.svg"));
    assert.ok(parity.startsWith("<svg"));
    checkSvg(parity);
    assert.ok(parity.includes("(eV/cell)"));
    checkSvg(await Deno.readTextFile(join(out, "comparison.svg")));
    const md = await Deno.readTextFile(join(out, "report.md"));
    assert.match(md, /\| single-task CGCNN \|/);
    const epochLines = (await Deno.readTextFile(join(out, "epochs.jsonl"))).trim().split("\n");
    const runs = new Set(epochLines.map((l) => JSON.parse(l).run));
    // metrics.csv: the same rows, per-target arrays spread over one column per target.
    const metricsCsv = (await Deno.readTextFile(join(out, "metrics.csv"))).trim().split("\n");
    assert.equal(metricsCsv.length, epochLines.length + 1);
    const head = metricsCsv[0].split(",");
    for (const c of ["run", "epoch", "val_mae_heat_all", "val_mae_dir_gap", "train_loss_dir_gap"]) {
      assert.ok(head.includes(c), c);
    }
    const i = epochLines.findIndex((l) => JSON.parse(l).val_mae?.length === 2); // a multi-task epoch
    const cells = metricsCsv[i + 1].split(",");
    assert.equal(Number(cells[head.indexOf("val_mae_dir_gap")]), JSON.parse(epochLines[i]).val_mae[1]);
    assert.deepEqual([...runs].sort(), [
      "alignn",
      "attention",
      "early",
      "gnn",
      "gnn:dir_gap",
      "multitask:dwa",
      "multitask:equal",
    ]);
  },
});

Deno.test({
  name: "fuse train --out saves each seed's model; fuse predict reproduces its test predictions",
  ignore: !HAVE_DATA,
  fn: async () => {
    const csv = await _castelli40();
    const common = [
      "--data",
      csv,
      "--split",
      "0.5,0.25,0.25",
      "--structure-column",
      "cif",
      "--target",
      "heat_all",
    ];
    for (
      const [mode, extra] of [["late", []], ["stack", []], ["attention", []], ["stack_all", []], [
        "multitask",
        [
          "--target",
          "dir_gap",
        ],
      ]]
    ) {
      const out = join(tmp, `saved_${mode}`);
      const seeds = mode === "late" ? ["--seeds", "2"] : [];
      const t = await _keiro([
        "fuse",
        "train",
        "--mode",
        mode as string,
        ...common,
        ...(extra as string[]),
        ...seeds,
        "--elements",
        MAGPIE,
        "--epochs",
        "3",
        "--config",
        CONFIG,
        "--out",
        out,
      ]);
      assert.equal(t.code, 0, t.stderr);
      const model = JSON.parse(await Deno.readTextFile(join(out, "seed0", "model.json")));
      assert.equal(model.mode, mode);
      const files = [];
      for await (const e of Deno.readDir(join(out, "seed0"))) files.push(e.name);
      const parts = { late: ["forest", "network"], stack: ["forest", "network"], attention: ["network"] }[
        mode as string
      ] ?? ["network"];
      // stack_all: each base model in a subfolder named after it
      const bases = ["rf", "gnn", "early", "attention", "alignn"];
      assert.deepEqual(
        files.sort(),
        [
          "atom_init.json",
          "model.json",
          ...(mode === "stack_all" ? bases : parts.map((p) => `${p}.safetensors`)),
        ]
          .sort(),
      );
      if (mode === "stack_all") {
        assert.deepEqual(Object.keys(model.bases), bases);
        assert.deepEqual(Object.keys(model.stack).sort(), [...bases, "intercept", "lambda"].sort());
        assert.ok((await Deno.stat(join(out, "seed0", "alignn", "network.safetensors"))).isFile);
        assert.ok((await Deno.stat(join(out, "seed0", "rf", "forest.safetensors"))).isFile);
      }
      if (mode === "late") {
        assert.ok((await Deno.stat(join(out, "seed1", "model.json"))).isFile, "one model per seed");
      }
      // Predict all 40 crystals again (KEIRO_ELEMENTS unset: the model names its tables).
      const p = await _keiro([
        "fuse",
        "predict",
        "--model",
        join(out, "seed0"),
        "--data",
        csv,
        "--structure-column",
        "cif",
      ]);
      assert.equal(p.code, 0, p.stderr);
      const recs = p.stdout.trim().split("\n").map((l) => JSON.parse(l));
      assert.equal(recs.length, 40);
      assert.match(p.stderr, new RegExp(`predicted 40 crystals .*mode ${mode}.*MAE heat_all [\\d.]+ on 40`));
      // The run's own test predictions, crystal by crystal.
      const rows = parseCsv(
        await Deno.readTextFile(join(out, "test_predictions.csv")),
        "test_predictions.csv",
      );
      const cols = rows[0].fields;
      const label = mode === "multitask" ? "multitask:equal" : mode;
      for (const target of model.targets as string[]) {
        const col = cols.indexOf(`${label}:seed0:${target}`);
        assert.ok(col > 0, `${label}:seed0:${target} in ${cols.join(",")}`);
        for (const r of rows.slice(1)) {
          const rec = recs.find((x) => x.id === r.fields[0]);
          const [a, b] = [rec[target], Number(r.fields[col])];
          assert.ok(
            Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)),
            `${mode} ${r.fields[0]} ${target}: ${a} vs ${b}`,
          );
        }
      }
    }
    const none = await _keiro(["fuse", "predict", "--model", tmp, "--data", csv]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no saved model in/);
  },
});

Deno.test({
  name: "fuse train --repeat 2 --history appends two validation losses (--val-limit 4)",
  ignore: !HAVE_DATA,
  fn: async () => {
    const history = join(tmp, "runs", "history.json");
    const r = await _keiro([
      ...GNN_JARVIS,
      "--epochs",
      "2",
      "--repeat",
      "2",
      "--history",
      history,
      "--val-limit",
      "4",
    ]);
    assert.equal(_jsonLine(r).results[0].mode, "gnn");
    assert.match(r.stderr, /30 train \/ 4 val \/ 10 test crystals/);
    assert.match(r.stderr, /seed 0:.*\n(.*\n)*gnn seed 1:/);
    const h = JSON.parse(await Deno.readTextFile(history));
    assert.deepEqual(Object.keys(h), ["gap"]);
    assert.equal(h.gap.length, 2);
    assert.ok(h.gap.every((v: number) => v > 0 && Number.isFinite(v)));
  },
});

Deno.test({
  name: "fuse train reads a MEGNet pymatgen JSON turned into JSONL",
  ignore: !HAVE_DATA,
  fn: async () => {
    const src = JSON.parse(
      await Deno.readTextFile(join(DATA, "megnet-bulk-moduli-sample", "bulk_moduli.json")),
    );
    const lines = src.structures.slice(0, 20).map((s: unknown, i: number) =>
      JSON.stringify({ id: `m${i}`, structure: s, log_k: Math.log10(src.bulk_moduli[i]) })
    );
    const path = join(tmp, "megnet.jsonl");
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    const r = await _keiro([
      ...GNN_JARVIS.slice(0, 4),
      "--data",
      path,
      "--split",
      "0.5,0.25,0.25",
      "--target",
      "log_k",
      "--epochs",
      "2",
      "--config",
      CONFIG,
      "--atom-init",
      ATOM_INIT,
      "--json",
    ]);
    assert.equal(_jsonLine(r).target, "log_k");
    assert.match(r.stderr, /10 train \/ 5 val \/ 5 test crystals/);
  },
});

Deno.test({
  name: "fuse: usage errors exit 2 and name the flag, key or mode",
  ignore: !HAVE_DATA,
  fn: async () => {
    const data = ["--data", JARVIS, "--atom-init", ATOM_INIT];
    const cases: [string[], RegExp][] = [
      [["fuse", "train", "--mode", "transformer", ...data, "--target", "gap"], /--mode.*transformer/],
      [["fuse", "compare", "--modes", "rf,deep", ...data, "--target", "gap"], /--modes.*deep/],
      [["fuse", "train", "--mode", "rf", ...data, "--target", "gap"], /--elements.*KEIRO_ELEMENTS/],
      [
        ["fuse", "train", "--mode", "multitask", ...data, "--target", "gap"],
        /multitask needs two or more --target/,
      ],
      [["fuse", "train", "--mode", "gnn", ...data], /--target.*numeric columns target/],
      [["fuse", "train", "--mode", "gnn", "--data", JARVIS, "--target", "gap"], /--atom-init/],
      [
        ["fuse", "train", "--mode", "gnn", ...data, "--target", "gap", "--train", JARVIS],
        /--data excludes --train/,
      ],
      [
        ["fuse", "train", "--mode", "gnn", "--train", JARVIS, "--atom-init", ATOM_INIT, "--target", "gap"],
        /missing --val, --test/,
      ],
      [["fuse", "train", "--mode", "gnn", ...data, "--target", "gap", "--split", "0.5,0.5"], /--split/],
      [
        ["fuse", "train", "--mode", "rf", ...data, "--target", "gap", "--history", "h.json"],
        /--history needs/,
      ],
      [
        ["fuse", "train", "--mode", "gnn", ...data, "--target", "gap", "--weighting", "bogus"],
        /task weighting/,
      ],
      [
        ["fuse", "train", "--mode", "gnn", ...data, "--target", "gap", "--epochs", "1000000"],
        /^error: --epochs: epochs must be an integer in \[1, 100000\], got 1000000$/m,
      ],
    ];
    const cv = ["fuse", "cv", ...data, "--target", "gap", "--modes", "gnn", "--out", join(tmp, "cv_bad")];
    cases.push(
      [["fuse", "cv", "--atom-init", ATOM_INIT, "--target", "gap", "--out", tmp], /--data <path>/],
      [[...cv, "--folds", "1"], /--folds.*integer in \[2,/],
      [[...cv, "--val-fraction", "1"], /--val-fraction.*fraction in \(0, 1\)/],
      [[...cv, "--data", JARVIS], /id \S+ is also in alignn-jarvis-sample; the union needs unique ids/],
      [[...cv, "--folds", "1000"], /--folds 1000 needs at least as many crystals/],
      [["fuse", "cv", ...data, "--target", "gap"], /--out/],
    );
    const bad = join(tmp, "bad.json");
    await Deno.writeTextFile(bad, JSON.stringify({ hidden: 8, hiden: 4 }));
    cases.push([
      ["fuse", "train", "--mode", "gnn", ...data, "--target", "gap", "--config", bad],
      /unknown config key "hiden".*did you mean "hidden"/,
    ]);
    const big = join(tmp, "big.json");
    await Deno.writeTextFile(big, JSON.stringify({ hidden: 1e6 }));
    cases.push([
      ["fuse", "train", "--mode", "gnn", ...data, "--target", "gap", "--config", big],
      /big\.json: invalid fusion config: hidden must be an integer in \[1, 8192\], got 1000000/,
    ]);
    for (const [args, re] of cases) {
      const r = await _keiro(args);
      assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, re, args.join(" "));
      assert.equal(r.stdout, "", "nothing on stdout");
    }
  },
});

/** A CIF of a cubic cell of side `a` Å holding `element` at the origin and O at the centre. */
const _CIF = (element: string, a = 4) =>
  `data_x\n_cell_length_a ${a}\n_cell_length_b ${a}\n_cell_length_c ${a}\n_cell_angle_alpha 90\n_cell_angle_beta 90\n` +
  `_cell_angle_gamma 90\nloop_\n_atom_site_type_symbol\n_atom_site_label\n_atom_site_fract_x\n` +
  `_atom_site_fract_y\n_atom_site_fract_z\n${element} ${element}1 0 0 0\nO O1 0.5 0.5 0.5\n`;

Deno.test({
  name: "fuse: an infinite target is exit 2 naming the file, line and field, not ZScore",
  ignore: !HAVE_DATA,
  fn: async () => {
    const metals = ["Fe", "Co", "Ni", "Cu", "Zn", "Mn", "Cr", "Ti", "V", "Sc"];
    const gap = (i: number) => (i === 3 ? "1e999" : String(i / 10));
    const csv = join(tmp, "inf.csv");
    await Deno.writeTextFile(
      csv,
      "id,cif,gap\n" + metals.map((m, i) => `${m},"${_CIF(m)}",${gap(i)}`).join("\n") + "\n",
    );
    const jsonl = join(tmp, "inf.jsonl");
    await Deno.writeTextFile(
      jsonl,
      metals.map((m, i) => `{"id": "${m}", "cif": ${JSON.stringify(_CIF(m))}, "gap": ${gap(i)}}`).join("\n"),
    );
    // The CSV row of Cu starts on line 50 (a header line, then 16 lines per row with its CIF cell).
    for (const [file, where] of [[csv, `${csv}:50`], [jsonl, `${jsonl}:4`]]) {
      const r = await _keiro([
        "fuse",
        "train",
        "--mode",
        "gnn",
        "--data",
        file,
        "--id-column",
        "id",
        "--target",
        "gap",
        "--epochs",
        "1",
        "--config",
        CONFIG,
        "--atom-init",
        ATOM_INIT,
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `error: ${where}: gap of Cu is Infinity, not a finite number\n`);
    }
  },
});

Deno.test({
  name: "fuse: a --cutoff leaving every crystal without neighbours is refused, some is a warning",
  ignore: !HAVE_DATA,
  fn: async () => {
    // Fe–O is 3.46 Å apart in the 4 Å cells and 8.66 Å in the 10 Å ones (the 3rd and the 7th).
    const metals = ["Fe", "Co", "Ni", "Cu", "Zn", "Mn", "Cr", "Ti", "V", "Sc"];
    const csv = join(tmp, "cutoff.csv");
    await Deno.writeTextFile(
      csv,
      "id,cif,gap\n" + metals.map((m, i) => `${m},"${_CIF(m, i % 4 === 2 ? 10 : 4)}",${i / 10}`).join("\n") +
        "\n",
    );
    const run = (cutoff: string) =>
      _keiro([
        "fuse",
        "train",
        "--mode",
        "gnn",
        "--data",
        csv,
        "--target",
        "gap",
        "--epochs",
        "1",
        "--config",
        CONFIG,
        "--atom-init",
        ATOM_INIT,
        "--cutoff",
        cutoff,
      ]);
    const none = await run("0.5");
    assert.equal(none.code, 2, none.stderr);
    assert.equal(
      none.stderr,
      "error: 10 of 10 crystals have no neighbour within --cutoff 0.5 Å: the crystal graphs have no edges; " +
        "raise --cutoff\n",
    );
    const some = await run("3.5");
    assert.equal(some.code, 0, some.stderr);
    const warnings = some.stderr.split("\n").filter((l) => l.startsWith("warning"));
    assert.deepEqual(warnings, [
      "warning: 2 of 10 crystals have no neighbour within --cutoff 3.5 Å; their graphs have no edges",
    ]);
    const all = await run("9");
    assert.equal(all.code, 0, all.stderr);
    assert.doesNotMatch(all.stderr, /warning/);
  },
});

Deno.test({
  name:
    "fuse cv: the union of two files in 4 folds, fold ids, mean ± std over folds, resumes at the first unfinished fold",
  ignore: !HAVE_DATA,
  fn: async () => {
    const a = await _castelliRows("cv_a.csv", 0, 24), b = await _castelliRows("cv_b.csv", 24, 48);
    const out = join(tmp, "cv");
    const args = (seed: string) => [
      "fuse",
      "cv",
      "--data",
      a,
      "--data",
      b,
      "--structure-column",
      "cif",
      "--target",
      "heat_all",
      "--elements",
      MAGPIE,
      "--folds",
      "4",
      "--fold-seed",
      seed,
      "--val-fraction",
      "0.25",
      "--modes",
      "rf,gnn,stack",
      "--epochs",
      "2",
      "--config",
      CONFIG,
      "--out",
      out,
      "--json",
    ];
    const r = await _keiro(args("3"));
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout.trimEnd().split("\n").pop()!);
    assert.deepEqual(j.results.map((m: { mode: string }) => m.mode), ["rf", "gnn", "stack"]);
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    for (const m of j.results) {
      assert.equal(m.fold_mae.length, 4);
      assert.ok(Math.abs(m.test_mae - mean(m.fold_mae)) < 1e-12, m.mode);
      const sd = Math.sqrt(m.fold_mae.reduce((x: number, v: number) => x + (v - m.test_mae) ** 2, 0) / 3);
      assert.ok(Math.abs(m.test_mae_std - sd) < 1e-12, m.mode);
    }
    const protocol = JSON.parse(await Deno.readTextFile(join(out, "protocol.json")));
    assert.deepEqual([protocol.folds, protocol.fold_seed, protocol.crystals], [4, 3, 48]);
    const tests = protocol.fold_ids.map((f: { test: string[] }) => f.test);
    assert.deepEqual(tests.map((t: string[]) => t.length), [12, 12, 12, 12]);
    assert.equal(new Set(tests.flat()).size, 48, "every crystal is tested exactly once");
    for (const f of protocol.fold_ids) {
      assert.equal(f.val.length, 9, "a quarter of the 36 other crystals validate");
      assert.ok(f.val.every((id: string) => !f.test.includes(id)), `fold ${f.fold}: validation ∩ test`);
    }
    const fold1 = JSON.parse(await Deno.readTextFile(join(out, "folds", "fold_1.json")));
    assert.deepEqual(fold1.sizes, { train: 27, val: 9, test: 12 });
    assert.ok(fold1.runs.find((x: { label: string }) => x.label === "gnn").epochs === 2);
    // its test crystals' predictions: the fold's test ids, and the gnn column's MAE is the fold's
    const [head, ...rows] = (await Deno.readTextFile(join(out, "folds", "fold_1_predictions.csv")))
      .trimEnd().split("\n").map((l) => l.split(","));
    assert.deepEqual(head, [
      "id",
      "heat_all",
      "rf:seed0:heat_all",
      "gnn:seed0:heat_all",
      "stack:seed0:heat_all",
    ]);
    assert.deepEqual(rows.map((r) => r[0]), tests[1]);
    const gnnMae = mean(rows.map((r) => Math.abs(Number(r[3]) - Number(r[1]))));
    const gnnRun = fold1.runs.find((x: { label: string }) => x.label === "gnn");
    assert.ok(Math.abs(gnnMae - gnnRun.test_mae) < 1e-6, `${gnnMae} vs ${gnnRun.test_mae}`);
    assert.match(await Deno.readTextFile(join(out, "report.md")), /\| stack \| [\d.]+ \|/);

    // a run killed after fold 1: folds 0 and 1 are read back, 2 and 3 run again, to the same numbers
    for (const f of ["fold_2.json", "fold_3.json"]) await Deno.remove(join(out, "folds", f));
    await Deno.remove(join(out, "results.json"));
    const again = await _keiro(args("3"));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /^fold 0: read back/m);
    assert.match(again.stderr, /^fold 1: read back/m);
    assert.doesNotMatch(again.stderr, /^fold [01]\/4: /m, "finished folds are not rerun");
    assert.match(again.stderr, /^fold 2\/4: rf seed 0/m);
    const res = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
    assert.deepEqual(res.resumed, [0, 1]);
    assert.deepEqual(JSON.parse(again.stdout.trimEnd().split("\n").pop()!).results, j.results);

    // another protocol in the same --out is refused
    const other = await _keiro(args("4"));
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /protocol\.json: an earlier run with a different fold_seed/);
  },
});

Deno.test({
  name: "cleanup",
  fn: async () => await Deno.remove(tmp, { recursive: true }),
});

/**
 * Every subcommand over a table of bad inputs (malformed lines, missing and wrong-typed fields,
 * out-of-range numbers, unknown config keys, empty and missing files, bad flag values, huge sizes,
 * outputs into a missing directory), run as a user would with RUST_BACKTRACE=1. Each must exit 2
 * with one line `error: …` that names the file, line, field or flag, print nothing on stdout, and
 * leave no output or temporary file behind.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { keiro } from "./_cli.ts";

const dir = await Deno.makeTempDir({ prefix: "keiro-bad-input-" });
/** Writes `text` to `name` in the fixture folder and returns its path. */
async function fixture(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return path;
}
const lines = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n") + "\n";

const GOOD = {
  id: "t",
  nodes: 3,
  edges: [{ src: 0, dst: 1, capacity: 10 }, { src: 1, dst: 2, capacity: 5 }],
  commodities: [{ src: 0, dst: 2, demand: 4 }],
};
/** GOOD with `change` applied to a copy. */
const bad = (change: (o: Record<string, unknown> & typeof GOOD) => void) => {
  const o = structuredClone(GOOD) as Record<string, unknown> & typeof GOOD;
  change(o);
  return o;
};
const SOLUTION = { id: "t", method: "sp", mlu: 0.8, complete: true, paths: [[0, 1, 2]] };

const INST = await fixture("inst.jsonl", lines(GOOD, { ...GOOD, id: "u" }));
const SOL = await fixture("sp.jsonl", lines(SOLUTION, { ...SOLUTION, id: "u" }));
const EMPTY = await fixture("empty.jsonl", "\n \n");
const MISSING = join(dir, "no_such_file.jsonl");
const NO_DIR = join(dir, "no_such_dir");
const BAD_JSON = await fixture("bad_json.jsonl", lines(GOOD) + '{"nodes": 3, "edges": [\n');
const NO_EDGES = await fixture(
  "no_edges.jsonl",
  lines(GOOD, bad((o) => delete (o as Partial<typeof o>).edges)),
);
const TYPED = await fixture(
  "typed.jsonl",
  lines(GOOD, bad((o) => (o.commodities[0].demand = "lots" as never))),
);
const RANGE = await fixture("range.jsonl", lines(GOOD, bad((o) => (o.edges[1].capacity = 1e16))));
const SELF_LOOP = await fixture("loop.jsonl", lines(bad((o) => (o.edges[0].dst = 0))));
const BAD_SOL = await fixture("bad_sol.jsonl", lines(SOLUTION) + "{oops\n");
const SOL_ID = await fixture("sol_id.jsonl", lines(SOLUTION, { ...SOLUTION, id: "zz" }));
const SOL_TYPED = await fixture("sol_typed.jsonl", lines(SOLUTION, { ...SOLUTION, id: "u", paths: "x" }));

// topology and traffic files of `gen te` and `import te`
const NODELINK = {
  directed: true,
  nodes: [{ id: "a" }, { id: "b" }, { id: "c" }],
  links: [{ source: "a", target: "b", capacity: 5 }, { source: "b", target: "c", capacity: 5 }, {
    source: "c",
    target: "a",
    capacity: 5,
  }],
};
const NL = await fixture("net.json", JSON.stringify(NODELINK));
const NL_BAD_JSON = await fixture("net_bad.json", JSON.stringify(NODELINK).slice(0, 40));
const NL_NO_CAP = await fixture(
  "net_nocap.json",
  JSON.stringify({ ...NODELINK, links: [...NODELINK.links.slice(0, 2), { source: "c", target: "a" }] }),
);
const NL_NEG_CAP = await fixture(
  "net_negcap.json",
  JSON.stringify({
    ...NODELINK,
    links: [...NODELINK.links.slice(0, 2), { source: "c", target: "a", capacity: -1 }],
  }),
);
const NL_UNKNOWN_NODE = await fixture(
  "net_unknown.json",
  JSON.stringify({ ...NODELINK, links: [...NODELINK.links, { source: "c", target: "zz", capacity: 1 }] }),
);
const TM = await fixture("net.tm", "0 1 2 3 0 1 2 3 0\n0 1 2 3 0 1 2 3 0\n");
const TM_SHORT = await fixture("short.tm", "0 1 2 3 0 1 2 3 0\n0 1 2\n");
const TM_WORD = await fixture("word.tm", "0 1 2 3 0 x 2 3 0\n");
const TM_NEG = await fixture("neg.tm", "0 1 2 3 0 1 2 -3 0\n");
const OPT_SHORT = await fixture("one.opt", "0.5\n");
const OPT_WORD = await fixture("word.opt", "0.5\nhalf\n");
const REPETITA =
  "NODES 3\nlabel x y\na 0 0\nb 1 1\nc 2 2\n\nEDGES 3\nlabel src dest weight bw delay\ne0 0 1 1 100 5\ne1 1 2 1 50 5\ne2 2 0 1 70 5\n";
const GRAPH = await fixture("net.graph", REPETITA);
const GRAPH_BAD_NODE = await fixture("bad_node.graph", REPETITA.replace("e1 1 2 1", "e1 1 9 1"));
const GRAPH_BAD_BW = await fixture("bad_bw.graph", REPETITA.replace("e2 2 0 1 70", "e2 2 0 1 lots"));
const DEMANDS = await fixture("net.demands", "DEMANDS 2\nlabel src dest bw\nd0 0 1 10\nd1 0 2 5\n");
const DEMANDS_BAD = await fixture("bad.demands", "DEMANDS 2\nlabel src dest bw\nd0 0 1 10\nd1 0 2 -5\n");
const DEMANDS_NODE = await fixture("node.demands", "DEMANDS 2\nlabel src dest bw\nd0 0 1 10\nd1 0 8 5\n");
const SNDLIB = `<?xml version="1.0"?><network xmlns="http://sndlib.zib.de/network"><networkStructure><nodes>
<node id="A"/><node id="B"/><node id="C"/></nodes><links>
<link id="L1"><source>A</source><target>B</target><preInstalledModule><capacity>10.0</capacity></preInstalledModule></link>
<link id="L2"><source>B</source><target>C</target><preInstalledModule><capacity>10.0</capacity></preInstalledModule></link>
</links></networkStructure><demands><demand id="d1"><source>A</source><target>C</target><demandValue>3.5</demandValue></demand>
</demands></network>`;
const XML_UNCLOSED = await fixture("unclosed.xml", SNDLIB.slice(0, 200));
const XML_BAD_CAP = await fixture(
  "badcap.xml",
  SNDLIB.replace("<capacity>10.0</capacity>", "<capacity>ten</capacity>"),
);
const XML_BAD_DEMAND = await fixture(
  "baddemand.xml",
  SNDLIB.replace("<demandValue>3.5</demandValue>", "<demandValue>-1</demandValue>"),
);
const XML_LINK_NODE = await fixture(
  "linknode.xml",
  SNDLIB.replace("<target>C</target>", "<target>Q</target>"),
);
const GML = `graph [
  directed 0
  node [ id 0 label "A" ]
  node [ id 1 label "B" ]
  edge [ source 0 target 1 capacity 5 ]
]`;
const GML_UNCLOSED = await fixture("unclosed.gml", GML.slice(0, -2));
const GML_BAD_TARGET = await fixture("target.gml", GML.replace("target 1", "target 7"));
const GML_BAD_CAP = await fixture("cap.gml", GML.replace("capacity 5", "capacity -5"));

// configs
const TINY_HYBRID = JSON.parse(await Deno.readTextFile(new URL("../configs/tiny.json", import.meta.url)));
const config = (name: string, value: unknown) => fixture(name, JSON.stringify(value));
const H_UNKNOWN = await config("h_unknown.json", { ...TINY_HYBRID, hiden_dim: 8 });
const H_TYPED = await config("h_typed.json", { ...TINY_HYBRID, hidden_dim: "8" });
const H_RANGE = await config("h_range.json", { ...TINY_HYBRID, num_train_data: 1e12 });
const H_NEG = await config("h_neg.json", { ...TINY_HYBRID, batch_size: -4 });
const H_NOT_JSON = await fixture("h_not.json", '{"hidden_dim": 8,');
const H_ARRAY = await config("h_array.json", [TINY_HYBRID]);
const H_GOOD = await config("h_good.json", TINY_HYBRID);
const G_UNKNOWN = await config("g_unknown.json", { hiden: 8 });
const G_TYPED = await config("g_typed.json", { hidden: "16" });
const G_RANGE = await config("g_range.json", { hidden: 1e9 });
const G_NESTED = await config("g_nested.json", { glm: { k: -3 } });
const F_UNKNOWN = await config("f_unknown.json", { hiden: 8 });
const F_TYPED = await config("f_typed.json", { epochs: "ten" });
const F_RANGE = await config("f_range.json", { batch_size: 1e9 });
const F_TREES = await config("f_trees.json", { forest: { trees: 1e9 } });

// glm CSV
const GLM_CSV = await fixture(
  "blobs.csv",
  "f0,f1,label\n" + Array.from({ length: 12 }, (_, i) => `${i % 3},${(i * 7) % 5},${i % 2}`).join("\n") +
    "\n",
);
const GLM_WORD = await fixture("word.csv", "f0,f1,label\n1,2,0\n3,x,1\n4,5,0\n");
const GLM_SHORT = await fixture("short.csv", "f0,f1,label\n1,2,0\n3,1\n4,5,0\n");
const GLM_EMPTY = await fixture("empty.csv", "");
const GLM_HEADER = await fixture("header.csv", "f0,f1,label\n");
const glm = (source: string, ...more: string[]) => ["glm", "train", source, "--epochs", "2", ...more];
const glmCsv = (...more: string[]) =>
  glm(`csv:${GLM_CSV}`, "--label-column", "label", "--split", "1:1", "--graph", "knn", ...more);

// fuse: NaCl crystals (CIF) with one target, a tiny atom_init
const CIF = `data_nacl
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na 0 0 0
Cl1 Cl 0.5 0.5 0.5
`;
const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
const crystals = (...targets: string[]) =>
  "material_id,cif,y\n" + targets.map((t, i) => `m${i},${q(CIF)},${t}`).join("\n") + "\n";
const F_DATA = await fixture("crystals.csv", crystals("1", "2", "3", "4", "5", "6"));
const F_TARGET_WORD = await fixture("target_word.csv", crystals("1", "2", "many"));
const F_TARGET_INF = await fixture("target_inf.csv", crystals("1", "1e999", "3"));
const F_CIF_BAD = await fixture(
  "cif_bad.csv",
  crystals("1") + `m9,${q(CIF.replace("_cell_length_b 5.64", "_cell_length_b five"))},2\n`,
);
const F_NO_COLUMN = await fixture("no_col.csv", "material_id,cif\nm0,x\n");
const F_JSONL = await fixture("crystals.jsonl", lines({ id: "a", structure: CIF, y: 1 }) + "{bad\n");
const ATOM_INIT = await config("atom_init.json", { "11": [1, 0], "17": [0, 1] });
const ATOM_BAD = await config("atom_bad.json", { "11": [1, 0], "17": [0] });
const fuse = (kind: "train" | "compare", ...more: string[]) => [
  "fuse",
  kind,
  ...(kind === "train" ? ["--mode", "gnn"] : ["--modes", "gnn"]),
  "--target",
  "y",
  "--atom-init",
  ATOM_INIT,
  "--epochs",
  "1",
  ...more,
];
const fuseData = (kind: "train" | "compare", ...more: string[]) => fuse(kind, "--data", F_DATA, ...more);
// params: four generated images, and copies with a bad params.jsonl
const IMAGES = join(dir, "images");
{
  const r = await keiro(["params", "gen", "--count", "4", "--seed", "1", "--out", IMAGES]);
  assert.equal(r.code, 0, r.stderr);
}
/** A copy of IMAGES whose params.jsonl is `list`. */
async function imagesWith(
  name: string,
  list: (records: Record<string, unknown>[]) => string,
): Promise<string> {
  const to = join(dir, name);
  await Deno.mkdir(to);
  for (const e of Deno.readDirSync(IMAGES)) await Deno.copyFile(join(IMAGES, e.name), join(to, e.name));
  const records = (await Deno.readTextFile(join(IMAGES, "params.jsonl"))).trim().split("\n").map((l) =>
    JSON.parse(l)
  );
  await Deno.writeTextFile(join(to, "params.jsonl"), list(records));
  return to;
}
const P_BAD_JSON = await imagesWith("p_bad_json", (r) => lines(...r.slice(0, 2)) + "{oops\n");
const P_NO_FIELD = await imagesWith("p_no_field", (r) => lines(r[0], { ...r[1], circles: undefined }));
const P_NO_IMAGE = await imagesWith("p_no_image", (r) => lines(r[0], { ...r[1], id: "nowhere" }));
const P_UNKNOWN = await config("p_unknown.json", { sise: 32 });
const P_SIZE = await config("p_size.json", { size: 1e9 });
const params = (...more: string[]) => ["params", "train", IMAGES, "--epochs", "1", ...more];

const fuseSets = (file: string, ...more: string[]) =>
  fuse("train", "--train", file, "--val", F_DATA, "--test", F_DATA, ...more);

/** One bad input: the command line (`{out}` is an empty folder of the case's own), its stdin, and the
 * texts its one error line must hold. */
interface Case {
  name: string;
  args: string[];
  stdin?: string;
  want: string[];
}
const c = (name: string, args: string[], want: string | string[], stdin = ""): Case => ({
  name,
  args,
  stdin,
  want: typeof want === "string" ? [want] : want,
});
const O = "{out}";

const CASES: Case[] = [
  // gen te: flag values, huge sizes, topology files, outputs
  c("gen: --count 0", ["gen", "te", "--count", "0"], "--count"),
  c("gen: --count -3", ["gen", "te", "--count", "-3"], "--count"),
  c("gen: --count NaN", ["gen", "te", "--count", "NaN"], "--count"),
  c("gen: --count 1.5", ["gen", "te", "--count", "1.5"], "--count"),
  c("gen: --count huge", ["gen", "te", "--count", "1000000000000"], "count"),
  c(
    "gen: --commodities huge",
    ["gen", "te", "--commodities", "1000000000000", "--count", "1"],
    "commodities",
  ),
  c("gen: --nodes huge", ["gen", "te", "--topology", "nws", "--nodes", "1000000000000"], "nodes"),
  c("gen: --nodes 1", ["gen", "te", "--topology", "grid", "--nodes", "1"], "nodes"),
  c("gen: --seed -1", ["gen", "te", "--seed", "-1"], "--seed"),
  c("gen: --seed 2^60", ["gen", "te", "--seed", "1152921504606846976"], "--seed"),
  c("gen: --capacity reversed", ["gen", "te", "--capacity", "9:3"], "--capacity"),
  c("gen: --capacity zero", ["gen", "te", "--capacity", "0:10"], "capacity"),
  c("gen: --capacity huge", ["gen", "te", "--capacity", "1:1e300"], "capacity"),
  c("gen: --demand negative", ["gen", "te", "--demand", "-5:5"], "demand"),
  c("gen: --demand words", ["gen", "te", "--demand", "a:b"], "--demand"),
  c("gen: --load 0", ["gen", "te", "--traffic", "gravity", "--load", "0"], "--load"),
  c("gen: --load Infinity", ["gen", "te", "--traffic", "gravity", "--load", "Infinity"], "--load"),
  c("gen: --traffic unknown", ["gen", "te", "--traffic", "uniform"], "--traffic"),
  c("gen: --topology missing file", ["gen", "te", "--topology", join(dir, "no_such.json")], "no_such.json"),
  c("gen: topology not JSON", ["gen", "te", "--topology", NL_BAD_JSON], "net_bad.json"),
  c("gen: topology link without capacity", ["gen", "te", "--topology", NL_NO_CAP], [
    "net_nocap.json",
    "capacity",
  ]),
  c(
    "gen: --default-capacity 0",
    ["gen", "te", "--topology", NL_NO_CAP, "--default-capacity", "0"],
    "--default-capacity",
  ),
  c("gen: too many commodities for the topology", ["gen", "te", "--commodities", "1000"], "commodities"),
  c("gen: -o into a missing directory", ["gen", "te", "-o", join(NO_DIR, "x.jsonl")], NO_DIR),
  c("gen: unknown flag", ["gen", "te", "--cout", "3"], "--cout"),

  // import te, every format
  c("import: unknown format", ["import", "te", "--format", "csv", "--graph", NL], "--format"),
  c(
    "import: missing graph file",
    ["import", "te", "--format", "nodelink", "--graph", MISSING, "--tm", TM],
    MISSING,
  ),
  c(
    "import nodelink: not JSON",
    ["import", "te", "--format", "nodelink", "--graph", NL_BAD_JSON, "--tm", TM],
    "net_bad.json",
  ),
  c("import nodelink: negative capacity", [
    "import",
    "te",
    "--format",
    "nodelink",
    "--graph",
    NL_NEG_CAP,
    "--tm",
    TM,
  ], ["net_negcap.json", "capacity"]),
  c("import nodelink: link to an unknown node", [
    "import",
    "te",
    "--format",
    "nodelink",
    "--graph",
    NL_UNKNOWN_NODE,
    "--tm",
    TM,
  ], ["net_unknown.json", "zz"]),
  c("import nodelink: link without capacity", [
    "import",
    "te",
    "--format",
    "nodelink",
    "--graph",
    NL_NO_CAP,
    "--tm",
    TM,
  ], ["net_nocap.json", "capacity"]),
  c(
    "import: --tm missing file",
    ["import", "te", "--format", "nodelink", "--graph", NL, "--tm", MISSING],
    MISSING,
  ),
  c("import: --tm short matrix", ["import", "te", "--format", "nodelink", "--graph", NL, "--tm", TM_SHORT], [
    "short.tm",
    "line 2",
  ]),
  c("import: --tm word", ["import", "te", "--format", "nodelink", "--graph", NL, "--tm", TM_WORD], [
    "word.tm",
    "line 1",
  ]),
  c("import: --tm negative", ["import", "te", "--format", "nodelink", "--graph", NL, "--tm", TM_NEG], [
    "neg.tm",
    "line 1",
  ]),
  c(
    "import: --tm empty",
    ["import", "te", "--format", "nodelink", "--graph", NL, "--tm", EMPTY],
    "empty.jsonl",
  ),
  c("import: --tm-range past the end", [
    "import",
    "te",
    "--format",
    "nodelink",
    "--graph",
    NL,
    "--tm",
    TM,
    "--tm-range",
    "0:9",
  ], ["net.tm", "range 0:9"]),
  c("import: --tm-range fractional", [
    "import",
    "te",
    "--format",
    "nodelink",
    "--graph",
    NL,
    "--tm",
    TM,
    "--tm-range",
    "0.5:1",
  ], "--tm-range"),
  c(
    "import: --scale 0",
    ["import", "te", "--format", "nodelink", "--graph", NL, "--tm", TM, "--scale", "0"],
    "--scale",
  ),
  c("import: --scale huge", [
    "import",
    "te",
    "--format",
    "nodelink",
    "--graph",
    NL,
    "--tm",
    TM,
    "--scale",
    "1e300",
  ], "demand"),
  c("import: --opt fewer values", [
    "import",
    "te",
    "--format",
    "dote",
    "--graph",
    NL,
    "--tm",
    TM,
    "--opt",
    OPT_SHORT,
  ], "one.opt"),
  c(
    "import: --opt word",
    ["import", "te", "--format", "dote", "--graph", NL, "--tm", TM, "--opt", OPT_WORD],
    ["word.opt", "line 2"],
  ),
  c("import repetita: edge to an unknown node", [
    "import",
    "te",
    "--format",
    "repetita",
    "--graph",
    GRAPH_BAD_NODE,
    "--demands",
    DEMANDS,
  ], ["bad_node.graph", "line"]),
  c("import repetita: bandwidth a word", [
    "import",
    "te",
    "--format",
    "repetita",
    "--graph",
    GRAPH_BAD_BW,
    "--demands",
    DEMANDS,
  ], ["bad_bw.graph", "line"]),
  c("import repetita: negative demand", [
    "import",
    "te",
    "--format",
    "repetita",
    "--graph",
    GRAPH,
    "--demands",
    DEMANDS_BAD,
  ], ["bad.demands", "line"]),
  c("import repetita: demand to an unknown node", [
    "import",
    "te",
    "--format",
    "repetita",
    "--graph",
    GRAPH,
    "--demands",
    DEMANDS_NODE,
  ], ["node.demands", "line"]),
  c("import repetita: missing demands file", [
    "import",
    "te",
    "--format",
    "repetita",
    "--graph",
    GRAPH,
    "--demands",
    MISSING,
  ], MISSING),
  c("import sndlib: unclosed XML", [
    "import",
    "te",
    "--format",
    "sndlib",
    "--graph",
    XML_UNCLOSED,
    "--demands",
    XML_UNCLOSED,
  ], "unclosed.xml"),
  c("import sndlib: capacity a word", [
    "import",
    "te",
    "--format",
    "sndlib",
    "--graph",
    XML_BAD_CAP,
    "--demands",
    XML_BAD_CAP,
  ], ["badcap.xml", "capacity"]),
  c("import sndlib: negative demand", [
    "import",
    "te",
    "--format",
    "sndlib",
    "--graph",
    XML_BAD_DEMAND,
    "--demands",
    XML_BAD_DEMAND,
  ], ["baddemand.xml", "demand"]),
  c("import sndlib: link to an unknown node", [
    "import",
    "te",
    "--format",
    "sndlib",
    "--graph",
    XML_LINK_NODE,
    "--demands",
    XML_LINK_NODE,
  ], ["linknode.xml", "Q"]),
  c(
    "import gml: unclosed",
    ["import", "te", "--format", "gml", "--graph", GML_UNCLOSED, "--tm", TM],
    "unclosed.gml",
  ),
  c(
    "import gml: unknown target",
    ["import", "te", "--format", "gml", "--graph", GML_BAD_TARGET, "--tm", TM],
    ["target.gml", "7"],
  ),
  c(
    "import gml: negative capacity",
    ["import", "te", "--format", "gml", "--graph", GML_BAD_CAP, "--tm", TM],
    ["cap.gml", "capacity"],
  ),
  c("import: -o into a missing directory", [
    "import",
    "te",
    "--format",
    "nodelink",
    "--graph",
    NL,
    "--tm",
    TM,
    "-o",
    join(NO_DIR, "x.jsonl"),
  ], NO_DIR),

  // solve
  c("solve: malformed JSON line", ["solve", "-m", "sp", "-i", BAD_JSON, "-o", `${O}/s.jsonl`], [
    "bad_json.jsonl",
    "line 2",
  ]),
  c("solve: stdin malformed line", ["solve", "-m", "sp"], ["line 2"], lines(GOOD) + "{\n"),
  c("solve: missing edges", ["solve", "-m", "greedy", "-i", NO_EDGES, "-o", `${O}/s.jsonl`], [
    "no_edges.jsonl",
    "line 2",
    "edges",
  ]),
  c("solve: demand a word", ["solve", "-m", "lp", "-i", TYPED, "-o", `${O}/s.jsonl`], [
    "typed.jsonl",
    "line 2",
    "commodities[0].demand",
  ]),
  c("solve: capacity too large", ["solve", "-m", "milp", "-i", RANGE, "-o", `${O}/s.jsonl`], [
    "range.jsonl",
    "line 2",
    "edges[1].capacity",
  ]),
  c("solve: self loop", ["solve", "-m", "sp", "-i", SELF_LOOP], ["loop.jsonl", "line 1", "edges[0]"]),
  c("solve: empty file", ["solve", "-m", "sp", "-i", EMPTY], "empty.jsonl"),
  c("solve: missing file", ["solve", "-m", "sp", "-i", MISSING], MISSING),
  c("solve: unknown method", ["solve", "-m", "dijkstra", "-i", INST], "--method"),
  c("solve: --threads huge", ["solve", "-m", "sp", "-i", INST, "--threads", "100000000"], "--threads"),
  c("solve: --threads -1", ["solve", "-m", "sp", "-i", INST, "--threads", "-1"], "--threads"),
  c("solve: --time-limit NaN", ["solve", "-m", "milp", "-i", INST, "--time-limit", "NaN"], "--time-limit"),
  c("solve: --time-limit -1", ["solve", "-m", "milp", "-i", INST, "--time-limit", "-1"], "--time-limit"),
  c("solve: --gap Infinity", ["solve", "-m", "milp", "-i", INST, "--gap", "Infinity"], "--gap"),
  c(
    "solve: -o into a missing directory",
    ["solve", "-m", "sp", "-i", INST, "-o", join(NO_DIR, "s.jsonl")],
    NO_DIR,
  ),
  c("solve: -o is a directory", ["solve", "-m", "sp", "-i", INST, "-o", dir], dir),

  // eval
  c("eval: malformed solution line", ["eval", "--instances", INST, BAD_SOL], ["bad_sol.jsonl", "line 2"]),
  c("eval: id of no instance", ["eval", "--instances", INST, SOL_ID, "--per-instance"], [
    "sol_id.jsonl",
    "line 2",
    "zz",
  ]),
  c(
    "import dote: graph not JSON",
    ["import", "te", "--format", "dote", "--graph", NL_BAD_JSON, "--tm", TM],
    "net_bad.json",
  ),
  c("eval: paths not a list", ["eval", "--instances", INST, SOL_TYPED, "--per-instance"], [
    "sol_typed.jsonl",
    "line 2",
    "paths",
  ]),
  c("eval: malformed instances", ["eval", "--instances", BAD_JSON, SOL], ["bad_json.jsonl", "line 2"]),
  c("eval: missing solutions file", ["eval", "--instances", INST, MISSING], MISSING),
  c("eval: missing instances file", ["eval", "--instances", MISSING, SOL], MISSING),
  c("eval: empty solutions file", ["eval", "--instances", INST, EMPTY], "empty.jsonl"),
  c("eval: unknown reference", ["eval", "--instances", INST, SOL, "--reference", "oracle"], "oracle"),
  c(
    "eval: --model-samples -1",
    ["eval", "--instances", INST, SOL, "--model-samples", "-1"],
    "--model-samples",
  ),
  c("eval: --model-samples huge", [
    "eval",
    "--instances",
    INST,
    "--model",
    NO_DIR,
    "--model-samples",
    "100000000",
  ], "--model-samples"),
  c("eval: --model-top-p 2", ["eval", "--instances", INST, SOL, "--model-top-p", "2"], "--model-top-p"),
  c("eval: --model that is not there", ["eval", "--instances", INST, "--model", NO_DIR], NO_DIR),
  c("eval: -o into a missing directory", [
    "eval",
    "--instances",
    INST,
    SOL,
    "--per-instance",
    "-o",
    join(NO_DIR, "e.txt"),
  ], NO_DIR),

  // compare
  c("compare: malformed line", ["compare", "-i", BAD_JSON, "--methods", "sp"], ["bad_json.jsonl", "line 2"]),
  c("compare: unknown method", ["compare", "-i", INST, "--methods", "sp,magic"], ["--methods", "magic"]),
  c("compare: empty --methods", ["compare", "-i", INST, "--methods", ","], "--methods"),
  c(
    "compare: unknown reference",
    ["compare", "-i", INST, "--methods", "sp", "--reference", "oracle"],
    "oracle",
  ),
  c(
    "compare: --threads huge",
    ["compare", "-i", INST, "--methods", "sp", "--threads", "100000000"],
    "--threads",
  ),
  c("compare: --time-limit words", ["compare", "-i", INST, "--time-limit", "soon"], "--time-limit"),
  c(
    "compare: --save under a file",
    ["compare", "-i", INST, "--methods", "sp", "--save", join(INST, "sub")],
    INST,
  ),
  c("compare: empty stdin", ["compare", "--methods", "sp"], "stdin"),

  // plot
  c(
    "plot: --index past the end",
    ["plot", "--instances", INST, "--index", "5", "-o", `${O}/p.svg`],
    "--index",
  ),
  c("plot: unknown --id", ["plot", "--instances", INST, "--id", "zz", "-o", `${O}/p.svg`], ["--id", "zz"]),
  c("plot: --commodity past the end", [
    "plot",
    "--instances",
    INST,
    SOL,
    "--commodity",
    "4",
    "-o",
    `${O}/p.svg`,
  ], "--commodity"),
  c("plot: --index NaN", ["plot", "--instances", INST, "--index", "NaN"], "--index"),
  c("plot: malformed solutions", ["plot", "--instances", INST, BAD_SOL, "-o", `${O}/p.svg`], [
    "bad_sol.jsonl",
    "line 2",
  ]),
  c("plot: malformed instances", ["plot", "--instances", BAD_JSON, "-o", `${O}/p.svg`], [
    "bad_json.jsonl",
    "line 2",
  ]),
  c("plot: missing instances", ["plot", "--instances", MISSING], MISSING),
  c(
    "plot: unknown --method",
    ["plot", "--instances", INST, SOL, "--method", "milp", "-o", `${O}/p.svg`],
    "milp",
  ),
  c("plot: -o into a missing directory", ["plot", "--instances", INST, "-o", join(NO_DIR, "p.svg")], NO_DIR),

  // train: configs and flags are checked before the run directory is made
  c("train: unknown config key", ["train", "-c", H_UNKNOWN, "--out", `${O}/run`], [
    "h_unknown.json",
    "hiden_dim",
  ]),
  c("train: wrong config type", ["train", "-c", H_TYPED, "--out", `${O}/run`], [
    "h_typed.json",
    "hidden_dim",
  ]),
  c("train: count past its bound", ["train", "-c", H_RANGE, "--out", `${O}/run`], [
    "h_range.json",
    "num_train_data",
  ]),
  c("train: negative batch size", ["train", "-c", H_NEG, "--out", `${O}/run`], ["h_neg.json", "batch_size"]),
  c("train: config not JSON", ["train", "-c", H_NOT_JSON, "--out", `${O}/run`], "h_not.json"),
  c("train: config an array", ["train", "-c", H_ARRAY, "--out", `${O}/run`], "h_array.json"),
  c("train: missing config", ["train", "-c", MISSING, "--out", `${O}/run`], MISSING),
  c("train: --epochs huge", ["train", "-c", H_GOOD, "--out", `${O}/run`, "--epochs", "1000000000"], [
    "--epochs",
  ]),
  c("train: --threads huge", ["train", "-c", H_GOOD, "--out", `${O}/run`, "--threads", "1000000"], [
    "--threads",
  ]),
  c("train: --seed -1", ["train", "-c", H_GOOD, "--out", `${O}/run`, "--seed", "-1"], "--seed"),
  c("train: --device bogus", ["train", "-c", H_GOOD, "--out", `${O}/run`, "--device", "tpu"], "--device"),
  c("train: --train malformed", ["train", "-c", H_GOOD, "--out", `${O}/run`, "--train", BAD_JSON], [
    "bad_json.jsonl",
    "line 2",
  ]),
  c("train: --val missing", ["train", "-c", H_GOOD, "--out", `${O}/run`, "--val", MISSING], MISSING),
  c("train: --out under a file", ["train", "-c", H_GOOD, "--out", join(INST, "run")], ["--out", INST]),
  c("train: --test with a missing field", ["train", "-c", H_GOOD, "--out", `${O}/run`, "--test", NO_EDGES], [
    "no_edges.jsonl",
    "line 2",
    "edges",
  ]),
  c("train: --resume without a run", ["train", "--resume", "--out", `${O}/run`], "config.json"),

  // route
  c("route: missing model", ["route", "--model", NO_DIR, INST, "-o", `${O}/r.jsonl`], NO_DIR),
  c("route: malformed instances", ["route", "--model", NO_DIR, BAD_JSON], ["bad_json.jsonl", "line 2"]),
  c("route: --samples 0", ["route", "--model", NO_DIR, INST, "--samples", "0"], "--samples"),
  c("route: --samples huge", ["route", "--model", NO_DIR, INST, "--samples", "100000000"], "--samples"),
  c("route: --temperature NaN", ["route", "--model", NO_DIR, INST, "--temperature", "NaN"], "--temperature"),
  c(
    "route: --temperature tiny",
    ["route", "--model", NO_DIR, INST, "--temperature", "1e-9"],
    "--temperature",
  ),
  c("route: --top-p 0", ["route", "--model", NO_DIR, INST, "--top-p", "0"], "--top-p"),
  c("route: --seed words", ["route", "--model", NO_DIR, INST, "--seed", "x"], "--seed"),
  c(
    "route: --greedy with --samples",
    ["route", "--model", NO_DIR, INST, "--greedy", "--samples", "4"],
    "--greedy",
  ),
  c("route: config.json for a model", ["route", "--model", H_GOOD, INST], "h_good.json"),

  // tune
  c("tune: missing model", ["tune", "--model", NO_DIR], NO_DIR),
  c("tune: --grid malformed", ["tune", "--model", NO_DIR, "--grid", "1/0.9,2"], "--grid"),
  c("tune: --grid top-p 2", ["tune", "--model", NO_DIR, "--grid", "1/2"], "--grid"),
  c("tune: --instances 0", ["tune", "--model", NO_DIR, "--instances", "0"], "--instances"),
  c("tune: --instances huge", ["tune", "--model", NO_DIR, "--instances", "1000000000000"], "--instances"),

  // glm train
  c("glm: unknown source", glm("ogb:arxiv"), "planetoid:<dir> or csv:<file>"),
  c("glm: missing csv", glm(`csv:${MISSING}`, "--label-column", "0", "--split", "1:1"), MISSING),
  c("glm: planetoid missing dir", glm(`planetoid:${NO_DIR}`, "--name", "cora"), NO_DIR),
  c(
    "glm: csv feature a word",
    glm(`csv:${GLM_WORD}`, "--label-column", "label", "--split", "1:0"),
    "word.csv:3: f1",
  ),
  c(
    "glm: csv short row",
    glm(`csv:${GLM_SHORT}`, "--label-column", "label", "--split", "1:0"),
    "short.csv:3:",
  ),
  c("glm: csv empty", glm(`csv:${GLM_EMPTY}`, "--label-column", "0", "--split", "1:0"), "empty.csv"),
  c(
    "glm: csv header only",
    glm(`csv:${GLM_HEADER}`, "--label-column", "label", "--split", "1:0"),
    "header.csv",
  ),
  c("glm: unknown label column", glmCsv("--label-column", "klass"), "klass"),
  c("glm: split larger than a class", glm(`csv:${GLM_CSV}`, "--label-column", "label", "--split", "50:1"), [
    "blobs.csv",
    "split",
  ]),
  c("glm: unknown config key", glmCsv("--config", G_UNKNOWN), ["g_unknown.json", "hiden"]),
  c("glm: wrong config type", glmCsv("--config", G_TYPED), ["g_typed.json", "hidden"]),
  c("glm: config width past its bound", glmCsv("--config", G_RANGE), ["g_range.json", "hidden"]),
  c("glm: nested config key negative", glmCsv("--config", G_NESTED), ["g_nested.json", "k"]),
  c("glm: --hidden huge", glmCsv("--hidden", "100000000"), "--hidden: invalid glm config: hidden"),
  c("glm: --hidden huge over a config", glmCsv("--config", G_UNKNOWN, "--hidden", "100000000"), "--hidden: "),
  c("glm: --hidden 0", glmCsv("--hidden", "0"), "--hidden"),
  c("glm: --graph unknown", glmCsv("--graph", "bogus"), "bogus"),
  c("glm: --layer unknown", glmCsv("--layer", "gin"), ["--layer", "gin"]),
  c("glm: --sparsify unknown", glmCsv("--sparsify", "all"), ["--sparsify", "all"]),
  c("glm: --dropout 2", glmCsv("--dropout", "2"), "--dropout"),
  c("glm: --seeds huge", glmCsv("--seeds", "1000000000000"), "--seeds"),
  c("glm: --epochs huge", glmCsv("--epochs", "1000000000000"), "--epochs"),
  c("glm: --patience huge", glmCsv("--patience", "1000000000000"), "--patience"),
  c(
    "glm: graph input of a csv source",
    glm(`csv:${GLM_CSV}`, "--label-column", "label", "--split", "1:1"),
    "input",
  ),
  c("glm: --seed-base NaN", glmCsv("--seed-base", "NaN"), "--seed-base"),
  c(
    "glm: --export-graph into a missing directory",
    glmCsv("--graph", "knn", "--export-graph", join(NO_DIR, "g.jsonl")),
    NO_DIR,
  ),
  c("glm: --out under a file", glmCsv("--out", join(INST, "sub")), INST),

  // fuse train and compare
  c("fuse: unknown config key", fuseData("train", "--config", F_UNKNOWN, "--out", `${O}/run`), [
    "f_unknown.json",
    "hiden",
  ]),
  c("fuse: wrong config type", fuseData("train", "--config", F_TYPED), ["f_typed.json", "epochs"]),
  c("fuse: config batch past its bound", fuseData("compare", "--config", F_RANGE), [
    "f_range.json",
    "batch_size",
  ]),
  c(
    "fuse: forest trees past their bound",
    fuse("compare", "--modes", "rf", "--data", F_DATA, "--config", F_TREES),
    ["f_trees.json", "trees"],
  ),
  c("fuse: target a word", fuseSets(F_TARGET_WORD, "--out", `${O}/run`), ["target_word.csv:", "y of m2"]),
  c("fuse: target 1e999", fuseSets(F_TARGET_INF), ["target_inf.csv:", "y of m1"]),
  c("fuse: CIF number a word", fuseSets(F_CIF_BAD), ["cif_bad.csv", "_cell_length_b"]),
  c("fuse: no target column", fuseSets(F_NO_COLUMN), ["no_col.csv", "y"]),
  c("fuse: malformed JSONL", fuseSets(F_JSONL), "crystals.jsonl:2:"),
  c("fuse: missing data", fuse("train", "--data", MISSING), MISSING),
  c("fuse: atom_init uneven", fuse("train", "--data", F_DATA, "--atom-init", ATOM_BAD), [
    "atom_bad.json",
    "17",
  ]),
  c("fuse: --split malformed", fuseData("train", "--split", "0.5,0.5"), "--split"),
  c("fuse: --split negative", fuseData("train", "--split", "0.5,-0.2,0.7"), "--split"),
  c("fuse: --epochs huge", fuseData("train", "--epochs", "1000000000"), "--epochs"),
  c("fuse: --patience huge", fuseData("train", "--patience", "1000000000"), "--patience"),
  c("fuse: --seeds huge", fuseData("compare", "--seeds", "1000000000000"), "--seeds"),
  c("fuse: --repeat huge", fuseData("train", "--repeat", "1000000000000"), "--repeat"),
  c(
    "fuse: --max-neighbours huge",
    fuseData("train", "--max-neighbours", "1000000000000"),
    "--max-neighbours",
  ),
  c("fuse: --cutoff huge", fuseData("train", "--cutoff", "1e300"), "cutoff"),
  c("fuse: --cutoff NaN", fuseData("train", "--cutoff", "NaN"), "--cutoff"),
  c(
    "fuse: --mode unknown",
    ["fuse", "train", "--mode", "xgboost", "--data", F_DATA, "--target", "y"],
    "--mode",
  ),
  c("fuse: --modes unknown", fuseData("compare", "--modes", "gnn,magic"), ["--modes", "magic"]),
  c("fuse: --weighting unknown", fuseData("train", "--weighting", "loud"), "loud"),
  c("fuse: --format unknown", fuseData("train", "--format", "xlsx"), "--format"),
  c(
    "fuse: no --target",
    ["fuse", "train", "--mode", "gnn", "--data", F_DATA, "--atom-init", ATOM_INIT],
    "--target",
  ),
  c("fuse: --out under a file", fuseData("train", "--out", join(INST, "sub")), INST),
  // params gen, train, predict, loop
  c("params gen: --count 0", ["params", "gen", "--count", "0", "--out", `${O}/img`], "--count"),
  c("params gen: unknown config key", ["params", "gen", "-c", P_UNKNOWN, "--out", `${O}/img`], [
    "p_unknown.json",
    "sise",
  ]),
  c("params gen: size past its bound", ["params", "gen", "-c", P_SIZE, "--out", `${O}/img`], [
    "p_size.json",
    "size",
  ]),
  c("params gen: --out under a file", ["params", "gen", "--out", join(INST, "sub")], INST),
  c("params train: missing folder", ["params", "train", MISSING, "--out", `${O}/run`], MISSING),
  c("params train: malformed params.jsonl", ["params", "train", P_BAD_JSON, "--out", `${O}/run`], [
    "params.jsonl:3",
  ]),
  c("params train: a record without a target", ["params", "train", P_NO_FIELD, "--out", `${O}/run`], [
    "params.jsonl:2",
    "circles",
  ]),
  c("params train: a record without its image", ["params", "train", P_NO_IMAGE, "--out", `${O}/run`], [
    "params.jsonl:2",
    "nowhere",
  ]),
  c(
    "params train: unknown target kind",
    params("--targets", "circles:colour", "--out", `${O}/run`),
    "colour",
  ),
  c("params train: unknown weighting", params("--weighting", "loud", "--out", `${O}/run`), "loud"),
  c("params train: --epochs 0", params("--epochs", "0", "--out", `${O}/run`), "--epochs"),
  c("params train: unknown config key", params("-c", P_UNKNOWN, "--out", `${O}/run`), [
    "p_unknown.json",
    "sise",
  ]),
  c("params predict: no model", ["params", "predict", IMAGES, "--model", MISSING], MISSING),
  c("params loop: no model", ["params", "loop", "--model", MISSING, "--out", `${O}/loop`], MISSING),
  // fuse cv
  c("fuse cv: --folds 1", [
    "fuse",
    "cv",
    "--data",
    F_DATA,
    "--target",
    "y",
    "--folds",
    "1",
    "--out",
    `${O}/cv`,
  ], [
    "--folds",
  ]),
  c("fuse cv: more folds than crystals", [
    "fuse",
    "cv",
    "--modes",
    "gnn",
    "--data",
    F_DATA,
    "--target",
    "y",
    "--atom-init",
    ATOM_INIT,
    "--folds",
    "7",
    "--out",
    `${O}/cv`,
  ], "fold"),
  c("fuse cv: missing data", [
    "fuse",
    "cv",
    "--modes",
    "gnn",
    "--data",
    MISSING,
    "--target",
    "y",
    "--atom-init",
    ATOM_INIT,
    "--out",
    `${O}/cv`,
  ], MISSING),
];

/** Why a run of `cs` broke the contract, if it did. */
async function check(cs: Case, out: string): Promise<string | undefined> {
  const args = cs.args.map((a) => a.replaceAll(O, out));
  const res = await keiro(args, cs.stdin, { RUST_BACKTRACE: "1", KEIRO_ELEMENTS: "" });
  const problems: string[] = [];
  if (res.code !== 2) problems.push(`exit ${res.code}`);
  if (!/^error: [^\n]+\n$/.test(res.stderr)) problems.push("stderr is not one line `error: …`");
  for (const w of cs.want) if (!res.stderr.includes(w)) problems.push(`stderr lacks ${JSON.stringify(w)}`);
  if (res.stdout !== "") problems.push(`stdout: ${JSON.stringify(res.stdout.slice(0, 200))}`);
  if (/panic|RUST_BACKTRACE|stack backtrace|\n {4}at /.test(res.stderr)) problems.push("panic or stack text");
  const left = [...Deno.readDirSync(out)].map((e) => e.name);
  if (left.length) problems.push(`left ${left.join(", ")}`);
  return problems.length
    ? `${cs.name}: ${problems.join("; ")}\n    stderr: ${res.stderr.trimEnd()}`
    : undefined;
}

Deno.test(`bad inputs (${CASES.length} cases): exit 2, one line naming the file, line, field or flag, nothing written`, async () => {
  assert.ok(CASES.length >= 100);
  assert.equal(new Set(CASES.map((cs) => cs.name)).size, CASES.length, "case names are unique");
  const failures: string[] = [];
  const BATCH = 6;
  for (let i = 0; i < CASES.length; i += BATCH) {
    const batch = CASES.slice(i, i + BATCH);
    const results = await Promise.all(batch.map(async (cs, j) => {
      const out = join(dir, `out${i + j}`);
      await Deno.mkdir(out);
      return await check(cs, out);
    }));
    failures.push(...results.filter((r) => r !== undefined));
  }
  assert.ok(!(await Deno.stat(NO_DIR).then(() => true, () => false)), "no missing directory made");
  const tmp = [...Deno.readDirSync(dir)].filter((e) => /^\.keiro-.*\.tmp$/.test(e.name)).map((e) => e.name);
  assert.deepEqual(tmp, [], "no temporary file beside the fixtures");
  assert.deepEqual(failures, [], `${failures.length} of ${CASES.length} cases:\n${failures.join("\n")}`);
});

Deno.test({
  name: "cleanup",
  fn: async () => await Deno.remove(dir, { recursive: true }),
});

/**
 * Test helper of the fuzz harness: every reader of user input, each with valid seed inputs (small
 * ones written here, plus files of ../shared/data when present) and a check of what it returns.
 * @module
 */

import { join } from "node:path";
import { Dataset } from "../src/te/dataset.ts";
import { generate } from "../src/te/generate.ts";
import { evaluateSolutions } from "../src/te/evaluate_solutions.ts";
import { chooseReference } from "../src/te/choose_reference.ts";
import { compareMethods } from "../src/te/evaluate_solutions.ts";
import { resolveNativeConfig } from "../src/resolve_native_config.ts";
import { loadGlmConfig } from "../src/glm/config.ts";
import { GlmModel } from "../src/glm/glm_model.ts";
import type { GraphDataset } from "../src/glm/datasets/graph_dataset.ts";
import { readRepetitaDemands, readRepetitaGraph } from "../src/te/importers/repetita.ts";
import { readSndlibDemands, readSndlibNetwork } from "../src/te/importers/sndlib.ts";
import { readGml } from "../src/te/importers/gml.ts";
import { readNodeLink } from "../src/te/importers/nodelink.ts";
import { readTrafficMatrices } from "../src/te/importers/traffic_matrices.ts";
import { readOptValues } from "../src/te/importers/opt_values.ts";
import type { Topology } from "../src/te/topology.ts";
import { readCif } from "../src/materials/read_cif.ts";
import { readPoscar } from "../src/materials/read_poscar.ts";
import type { Structure } from "../src/materials/structure.ts";
import { Rng } from "../src/rng.ts";
import { mutate } from "./_mutate.ts";
import { HAVE_DATA, ROOT, TE_DATA } from "./_cli.ts";

/** A valid input of a reader, and what the reader needs besides the text (a node count, names). */
export interface FuzzSeed {
  name: string;
  text: string;
  context?: unknown;
}

/** One reader under test. */
export interface FuzzReader {
  name: string;
  seeds: FuzzSeed[];
  /** Reads `text` as the program would; returns what the reader returns. */
  read(text: string, context: unknown): unknown;
  /** What is wrong with a value the reader returned, if anything. */
  check?(value: unknown, context: unknown): string | undefined;
}

/** ../shared/data/materials beside the checkout. */
const _MATERIALS = join(TE_DATA, "..", "materials");

/**
 * Whether `path` of ../shared/data exists; says that its seeds are skipped when it does not (all of
 * ../shared/data missing is said once, by tests/_cli.ts).
 */
function _present(path: string): boolean {
  if (!HAVE_DATA) return false;
  try {
    Deno.statSync(path);
    return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    console.warn(`fuzz: ${path} is absent; its seeds are skipped`);
    return false;
  }
}

/** The files of `dir` whose names match `pattern`, at most `max` of at most 120 kB, as seeds. */
function _files(dir: string, pattern: RegExp, max = 8, context?: unknown): FuzzSeed[] {
  if (!_present(dir)) return [];
  const out: FuzzSeed[] = [];
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name))) {
    if (out.length >= max || !e.isFile || !pattern.test(e.name)) continue;
    if (Deno.statSync(join(dir, e.name)).size > 120_000) continue;
    out.push({ name: join(dir, e.name), text: Deno.readTextFileSync(join(dir, e.name)), context });
  }
  return out;
}

/** The first `lines` lines of a shared file, as a seed (absent: none). */
function _head(path: string, lines: number, context?: unknown): FuzzSeed[] {
  if (!_present(path)) return [];
  const text = Deno.readTextFileSync(path).split("\n").slice(0, lines).join("\n") + "\n";
  return [{ name: `${path} (first ${lines} lines)`, text, context }];
}

const _finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);

function _checkTopology(value: unknown): string | undefined {
  const t = value as Topology;
  const n = t.nodes.length;
  if (!t.nodes.every((x) => typeof x === "string")) return "a node name is not a string";
  for (const e of t.edges) {
    if (
      !(Number.isInteger(e.src) && Number.isInteger(e.dst) && e.src >= 0 && e.dst >= 0 && e.src < n &&
        e.dst < n)
    ) {
      return `edge ${JSON.stringify(e)} names a node outside [0, ${n})`;
    }
    if (e.capacity !== null && !(_finite(e.capacity) && e.capacity > 0)) return `capacity ${e.capacity}`;
  }
}

function _checkMatrix(value: unknown, n: number): string | undefined {
  const m = value as Float64Array;
  if (m.length !== n * n) return `${m.length} values for ${n} nodes`;
  if (!m.every((x) => Number.isFinite(x) && x >= 0)) return "a demand is negative or not finite";
}

function _checkStructure(value: unknown): string | undefined {
  const s = value as Structure;
  if (!s.lattice.flat().every(_finite) || s.lattice.length !== 3) return "the lattice is not 3×3 finite";
  if (s.species.length !== s.frac.length || s.species.length === 0) return "species and sites differ or none";
  if (!s.frac.every((p) => p.length === 3 && p.every(_finite))) return "a coordinate is not finite";
  if (!s.species.every((e) => /^[A-Z][a-z]?$/.test(e))) return `species ${JSON.stringify(s.species)}`;
}

const _INSTANCE = {
  id: "a",
  nodes: 3,
  edges: [{ src: 0, dst: 1, capacity: 10 }, { src: 1, dst: 2, capacity: 5 }, { src: 0, dst: 2, capacity: 2 }],
  commodities: [{ src: 0, dst: 2, demand: 4 }, { src: 1, dst: 2, demand: 1.5 }],
};
const _NAMED = {
  id: 7,
  nodes: ["x", "y", "z"],
  edges: [{ src: "x", dst: "y", capacity: 1e3 }, { src: "y", dst: "z", capacity: 2e3 }, {
    src: "z",
    dst: "x",
    capacity: 1e3,
  }],
  commodities: [{ src: "x", dst: "z", demand: 100 }],
  opt_mlu: 0.1,
  milp: { mlu: 0.1, optimal: true, paths: [[0, 1, 2]], time_ms: 1 },
};

const _REPETITA_GRAPH =
  "NODES 3\nlabel x y\na 0 0\nb 1 1\nc 2 2\n\nEDGES 3\nlabel src dest weight bw delay\ne0 0 1 1 100 5\ne1 1 2 1 50 5\ne2 2 0 1 70 5\n";
const _REPETITA_DEMANDS = "DEMANDS 3\nlabel src dest bw\nd0 0 1 10\nd1 0 2 5\nd2 1 0 0\n";
const _SNDLIB = `<?xml version="1.0"?><network xmlns="http://sndlib.zib.de/network"><networkStructure><nodes>
<node id="A"><coordinates><x>1</x><y>2</y></coordinates></node><node id="B"/><node id="C"/></nodes><links>
<link id="L1"><source>A</source><target>B</target><preInstalledModule><capacity>10.0</capacity><cost>1</cost></preInstalledModule></link>
<link id="L2"><source>C</source><target>B</target><additionalModules><addModule><capacity>40</capacity></addModule><addModule><capacity>20</capacity></addModule></additionalModules></link>
</links></networkStructure><demands><demand id="d1"><source>A</source><target>C</target><demandValue>3.5</demandValue></demand>
<demand id="d2"><source>B</source><target>A</target><demandValue>1e2</demandValue></demand></demands></network>`;
const _GML = `graph [
  directed 0
  node [ id 0 label "Amsterdam" ]
  node [ id 1 label "Paris" ]
  node [ id 2 label "Rome" ]
  edge [ source 0 target 1 LinkSpeedRaw 10000000000.0 ]
  edge [ source 1 target 2 LinkLabel "x" ]
  edge [ source 2 target 0 capacity 5 ]
]`;
const _NODELINK = JSON.stringify(
  {
    directed: false,
    multigraph: false,
    graph: {},
    nodes: [{ id: 0 }, { id: 2 }, { id: 1 }],
    links: [{ source: 0, target: 1, capacity: 5 }, { source: 1, target: 2 }, {
      source: 2,
      target: 0,
      capacity: 1.5,
    }],
  },
  null,
  1,
);
const _CIF = `data_nacl
_cell_length_a 5.64(1)
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_symmetry_equiv_pos_as_xyz
'x, y, z'
'-x, -y, z'
'x+1/2, y+1/2, z'
'1/2+x, y, 1/2+z'
'x, 1/2+y, 1/2+z'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Na1 Na1+ 0 0 0 1
Cl1 Cl1- 0.5 0.5 0.5 1.0
`;
const _POSCAR5 = `Fe2O3-ish
2.0
1.0 0.0 0.0
0.0 2.0 0.0
0.0 0.0 3.0
Fe_pv O/a1b2c3
1 2
Direct
0.0 0.0 0.0
0.5 0.5 0.5
-0.25 0.75 1.0 O
`;
const _POSCAR4 = `vasp4 cartesian
-8.0
1 0 0
0 2 0
0 0 4
2 1
Selective dynamics
Cartesian
0 0 0 T T F
0.5 1 2 T T T
0.25 0.5 1 F F F
`;

/** A graph for GLM configs: 12 nodes, 3 features, 2 classes, a ring. */
function _glmDataset(): GraphDataset {
  const n = 12;
  const rng = new Rng(3);
  return {
    name: "fuzz",
    numNodes: n,
    numFeatures: 3,
    features: Float32Array.from({ length: n * 3 }, () => rng.below(1000) / 1000),
    numClasses: 2,
    labels: Int32Array.from({ length: n }, (_, i) => i % 2),
    split: Uint8Array.from({ length: n }, (_, i) => 1 + (i % 3)),
    edges: Uint32Array.from(
      Array.from({ length: n }, (_, i) => [Math.min(i, (i + 1) % n), Math.max(i, (i + 1) % n)]).flat(),
    ),
    notes: [],
  };
}

/** The readers, their seeds and checks. */
export async function fuzzReaders(): Promise<FuzzReader[]> {
  const lines = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join("\n") + "\n";
  const generated = await generate({ count: 3, commodities: 4, seed: 1 });
  const nws = await generate({ topology: "nws", nodes: 8, commodities: 6, count: 1, seed: 2 });

  // the solutions reader scores against these instances
  const solved = await Dataset.parse(generated);
  const solutions: FuzzSeed[] = [];
  for (const method of ["sp", "greedy", "milp", "lp"] as const) {
    solutions.push({ name: method, text: await solved.solve(0, solved.length, { method }) });
  }
  solutions.push({
    name: "lp --flows",
    text: await solved.solve(0, 2, { method: "lp", flows: true }) + "\n",
  });
  solutions.push({ name: "sp + greedy", text: solutions[0].text + solutions[1].text });
  solutions.push({ name: "a subset", text: solutions[0].text.split("\n")[2] + "\n" });

  const tiny = resolveNativeConfig<{ config: object }>({
    domain: "hybrid",
    text: Deno.readTextFileSync(join(ROOT, "configs", "tiny.json")),
    file: "tiny.json",
  }).config;
  const configs = (re: RegExp, dir = join(ROOT, "configs")) =>
    [...Deno.readDirSync(dir)].filter((e) => re.test(e.name)).sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({ name: e.name, text: Deno.readTextFileSync(join(dir, e.name)) }));
  const glmData = _glmDataset();
  const glmFile = await Deno.makeTempFile({ prefix: "keiro-fuzz-glm-", suffix: ".json" });

  const geantGraph = _files(join(TE_DATA, "topologyzoo"), /\.graph$/);
  const geantNodes = geantGraph.length ? readRepetitaGraph(geantGraph[0].text, "g").nodes.length : 0;
  const abilene = _files(join(TE_DATA, "abilene"), /^abilene\.xml$/);
  const abileneNodes = abilene.length ? readSndlibNetwork(abilene[0].text, "a").nodes : [];
  const sndlibNodes = readSndlibNetwork(_SNDLIB, "s").nodes;

  return [
    {
      name: "instances (JSONL)",
      seeds: [
        { name: "small", text: lines([_INSTANCE, _NAMED]) },
        { name: "generated nsfnet", text: generated },
        { name: "generated nws", text: nws },
      ],
      read: async (text) => {
        using ds = await Dataset.parse(text);
        return [await ds.shapes(), await ds.referenceMlus("opt_mlu"), await ds.referenceMlus("milp")];
      },
    },
    {
      name: "solutions (JSONL)",
      seeds: solutions,
      read: async (text) => {
        const evals = await evaluateSolutions(solved, [{ name: "fuzz.jsonl", text }]);
        const methods = [...evals.keys()];
        return compareMethods(evals, await chooseReference(solved, methods, methods[0]));
      },
    },
    {
      name: "hybrid config",
      seeds: [...configs(/^(tiny|te_.*)\.json$/), ...configs(/\.json$/, join(ROOT, "configs", "seed"))],
      read: (text) => resolveNativeConfig({ domain: "hybrid", text, file: "fuzz.json" }),
    },
    {
      name: "hybrid supervised_config",
      seeds: [
        {
          name: "phase 1",
          text: '{"_c": "x", "max_epochs": 3, "learning_rate": 0.002, "supervised_batch_size": 8}',
        },
        {
          name: "aliases",
          text: '{"batch_size": 4, "decay_rate": 1.5, "edge_loss_weight": 0.3, "hidden_dim": 64}',
        },
      ],
      read: (text) =>
        resolveNativeConfig({ domain: "hybrid_supervised", text, file: "fuzz.json", base: tiny }),
    },
    {
      name: "fusion config",
      seeds: [
        {
          name: "tiny",
          text: '{"hidden": 8, "conv_layers": 1, "fc_hidden": 8, "batch_size": 16, "forest": {"trees": 10}}',
        },
        { name: "defaults", text: "{}" },
      ],
      read: (text) => resolveNativeConfig({ domain: "fusion", text, file: "fuzz.json" }),
    },
    {
      name: "glm config",
      seeds: [...configs(/^glm_.*\.json$/), {
        name: "tiny",
        text: '{"hidden": 8, "layers": 1, "graph": "input", "dropout": 0}',
      }],
      read: async (text) => {
        await Deno.writeTextFile(glmFile, text);
        using model = await GlmModel.create(glmData, await loadGlmConfig(glmFile), 1);
        return model.config;
      },
    },
    {
      name: "repetita graph",
      seeds: [{ name: "small", text: _REPETITA_GRAPH }, ...geantGraph],
      read: (text) => readRepetitaGraph(text, "fuzz.graph"),
      check: _checkTopology,
    },
    {
      name: "repetita demands",
      seeds: [
        { name: "small", text: _REPETITA_DEMANDS, context: 3 },
        ..._files(join(TE_DATA, "topologyzoo"), /\.demands$/, 2, geantNodes),
      ],
      read: (text, n) => readRepetitaDemands(text, "fuzz.demands", n as number),
      check: (v, n) => _checkMatrix(v, n as number),
    },
    {
      name: "sndlib network",
      seeds: [
        { name: "small", text: _SNDLIB },
        ...abilene,
        ..._files(join(TE_DATA, "sndlib_extra"), /\.xml$/, 2),
      ],
      read: (text) => readSndlibNetwork(text, "fuzz.xml"),
      check: _checkTopology,
    },
    {
      name: "sndlib demands",
      seeds: [
        { name: "small", text: _SNDLIB, context: sndlibNodes },
        ..._files(join(TE_DATA, "abilene"), /^demandMatrix.*\.xml$/, 1, abileneNodes),
      ],
      read: (text, nodes) => readSndlibDemands(text, "fuzz.xml", nodes as string[]),
      check: (v, nodes) => _checkMatrix(v, (nodes as string[]).length),
    },
    {
      name: "gml",
      seeds: [{ name: "small", text: _GML }],
      read: (text) => readGml(text, "fuzz.gml"),
      check: _checkTopology,
    },
    {
      name: "node-link",
      seeds: [
        { name: "small", text: _NODELINK },
        ..._files(join(TE_DATA, "b4"), /\.json$/),
        ..._files(join(TE_DATA, "geant"), /\.json$/),
        ..._files(join(TE_DATA, "topologyzoo"), /\.json$/),
      ],
      read: (text) => readNodeLink(text, "fuzz.json"),
      check: _checkTopology,
    },
    {
      name: "traffic matrices",
      seeds: [
        { name: "small", text: "# comment\nt0 0 1 2 0\n\n0 3 4 0\n0,5,6,0\n", context: 2 },
        ..._head(join(TE_DATA, "b4", "b4_tm_real.txt"), 5, 12),
      ],
      read: (text, n) => readTrafficMatrices(text, "fuzz.txt", n as number),
      check: (v, n) => {
        for (const m of v as { label: string; values: Float64Array }[]) {
          const problem = _checkMatrix(m.values, n as number);
          if (problem) return problem;
        }
      },
    },
    {
      name: "opt values",
      seeds: [
        { name: "small", text: "1.5\n\n0.25\r\n2\n" },
        ..._head(join(TE_DATA, "geant", "figret_test_7.opt"), 20),
      ],
      read: (text) => readOptValues(text, "fuzz.opt"),
      check: (v) => ((v as number[]).every((x) => Number.isFinite(x) && x >= 0) ? undefined : "a bad value"),
    },
    {
      name: "cif",
      seeds: [{ name: "small", text: _CIF }, ..._files(join(_MATERIALS, "cgcnn-sample"), /\.cif$/, 6)],
      read: (text) => readCif(text, "fuzz.cif"),
      check: _checkStructure,
    },
    {
      name: "poscar",
      seeds: [
        { name: "vasp 5", text: _POSCAR5 },
        { name: "vasp 4", text: _POSCAR4, context: ["Fe", "O"] },
        ..._files(join(_MATERIALS, "alignn-jarvis-sample"), /\.vasp$/, 8),
      ],
      read: (text, species) => readPoscar(text, "fuzz.vasp", { species: species as string[] | undefined }),
      check: _checkStructure,
    },
  ];
}

/** A 32-bit hash of `s` (FNV-1a), to seed one input's stream. */
function _hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Input `index` of `reader` under the fuzz seed `seed`: the seeds themselves first, then mutations
 * of a seed drawn from (seed, reader, index), so that any input can be made again alone.
 */
export function fuzzInput(reader: FuzzReader, seed: number, index: number): { text: string; seed: FuzzSeed } {
  if (index < reader.seeds.length) return { text: reader.seeds[index].text, seed: reader.seeds[index] };
  const rng = new Rng(_hash(`${seed}:${reader.name}:${index}`));
  const s = reader.seeds[rng.below(reader.seeds.length)];
  return { text: mutate(s.text, rng), seed: s };
}

import assert from "node:assert/strict";
import { jsonl, keiro, ROOT } from "./_cli.ts";

const GOOD = {
  id: "t",
  nodes: 3,
  edges: [{ src: 0, dst: 1, capacity: 10 }, { src: 1, dst: 2, capacity: 5 }],
  commodities: [{ src: 0, dst: 2, demand: 4 }],
};

Deno.test("gen te: same seed gives byte-identical output, another seed differs", async () => {
  const a = await keiro(["gen", "te", "--count", "5", "--seed", "9", "--commodities", "20"]);
  const b = await keiro(["gen", "te", "--count", "5", "--seed", "9", "--commodities", "20"]);
  const c = await keiro(["gen", "te", "--count", "5", "--seed", "10", "--commodities", "20"]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.notEqual(a.stdout, c.stdout);
  const insts = jsonl<{ commodities: unknown[]; edges: unknown[]; nodes: number }>(a.stdout);
  assert.equal(insts.length, 5);
  assert.ok(insts.every((i) => i.commodities.length === 20 && i.edges.length === 42 && i.nodes === 14));
  assert.equal(a.stderr, "", "nothing on stderr when not a TTY");
});

Deno.test("gen te: nws graphs are drawn per instance, grid and waxman work", async () => {
  const nws = jsonl<{ edges: unknown[] }>(
    (await keiro(["gen", "te", "--topology", "nws", "--count", "8"])).stdout,
  );
  assert.ok(
    new Set(nws.map((i) => JSON.stringify(i.edges.length))).size > 1 ||
      new Set(nws.map((i) => JSON.stringify(i.edges))).size === 8,
  );
  const grid = jsonl<{ edges: unknown[]; nodes: number }>(
    (await keiro(["gen", "te", "--topology", "grid", "--nodes", "12", "--count", "1"])).stdout,
  );
  assert.equal(grid[0].edges.length, 2 * 17); // 3×4 grid: 17 links, both directions
  const wax = await keiro([
    "gen",
    "te",
    "--topology",
    "waxman",
    "--nodes",
    "20",
    "--count",
    "2",
    "--commodities",
    "30",
  ]);
  assert.equal(wax.code, 0, wax.stderr);
});

Deno.test("every method's reported MLU equals the evaluator's and lp ≤ milp ≤ greedy", async () => {
  const inst = (await keiro(["gen", "te", "--count", "6", "--commodities", "20", "--seed", "2"])).stdout;
  const byMethod: Record<string, { mlu: number; complete: boolean }[]> = {};
  for (const m of ["milp", "greedy", "sp"]) {
    const out = await keiro(["solve", "-m", m], inst);
    assert.equal(out.code, 0, out.stderr);
    byMethod[m] = jsonl(out.stdout);
    const tmp = await Deno.makeTempFile();
    await Deno.writeTextFile(tmp, inst);
    const ev = await keiro(["eval", "--instances", tmp, "--per-instance"], out.stdout);
    assert.equal(ev.code, 0, ev.stderr);
    jsonl<{ mlu: number; complete: boolean }>(ev.stdout).forEach((e, i) => {
      assert.ok(e.complete);
      assert.ok(Math.abs(e.mlu - byMethod[m][i].mlu) <= 1e-12 * e.mlu, `${m} ${i}`);
    });
  }
  const lp = jsonl<{ mlu: number }>((await keiro(["solve", "-m", "lp"], inst)).stdout);
  byMethod.milp.forEach((s, i) => {
    assert.ok(lp[i].mlu <= s.mlu * (1 + 1e-6));
    assert.ok(s.mlu <= byMethod.greedy[i].mlu * (1 + 1e-9));
  });
});

Deno.test("lp --flows: flows conserve demand and the evaluator agrees with the LP value", async () => {
  const inst = (await keiro(["gen", "te", "--count", "3", "--commodities", "10", "--seed", "4"])).stdout;
  const out = await keiro(["solve", "-m", "lp", "--flows"], inst);
  assert.equal(out.code, 0, out.stderr);
  const tmp = await Deno.makeTempFile();
  await Deno.writeTextFile(tmp, inst);
  const ev = jsonl<{ mlu: number; complete: boolean; verified: boolean }>(
    (await keiro(["eval", "--instances", tmp, "--per-instance"], out.stdout)).stdout,
  );
  jsonl<{ mlu: number }>(out.stdout).forEach((s, i) => {
    assert.ok(ev[i].complete && ev[i].verified);
    assert.ok(Math.abs(ev[i].mlu - s.mlu) <= 1e-6 * s.mlu);
  });
});

Deno.test("eval: table and JSON summary count incomplete routings as 0", async () => {
  const inst = (await keiro(["gen", "te", "--count", "4", "--seed", "5"])).stdout;
  const tmp = await Deno.makeTempFile();
  await Deno.writeTextFile(tmp, inst);
  const milp = (await keiro(["solve", "-m", "milp"], inst)).stdout;
  const sp = jsonl<Record<string, unknown>>((await keiro(["solve", "-m", "sp"], inst)).stdout);
  sp[1].paths = (sp[1].paths as number[][]).map((p, k) => (k === 0 ? p.slice(0, 1) : p)); // break one path
  const broken = sp.map((s) => JSON.stringify(s)).join("\n") + "\n";
  const res = await keiro(["eval", "--instances", tmp, "--json"], milp + broken);
  assert.equal(res.code, 0, res.stderr);
  const summary = JSON.parse(res.stdout) as {
    reference: string;
    methods: {
      method: string;
      mean_ratio: number;
      worst_ratio: number;
      complete_pct: number;
      worst_instance: number;
    }[];
  };
  assert.equal(summary.reference, "milp");
  const [m, s] = summary.methods;
  assert.equal(m.mean_ratio, 1);
  assert.equal(s.complete_pct, 75);
  assert.equal(s.worst_ratio, 0);
  assert.equal(s.worst_instance, 1);
  const table = await keiro(["eval", "--instances", tmp], milp + broken);
  assert.match(table.stdout, /^method\s+instances\s+ratio vs milp/);
  assert.match(table.stdout, /sp\s+4\s+0\.\d{4}\s+0\.0000\s+75\.0%/);
});

Deno.test("compare prints a row per method", async () => {
  const inst = (await keiro(["gen", "te", "--count", "3", "--seed", "6"])).stdout;
  const res = await keiro(["compare", "--json"], inst);
  assert.equal(res.code, 0, res.stderr);
  const rows = (JSON.parse(res.stdout) as { methods: { method: string; mean_ratio: number }[] }).methods;
  assert.deepEqual(rows.map((r) => r.method), ["milp", "lp", "sp", "greedy", "greedy_ls"]);
  assert.equal(rows[0].mean_ratio, 1);
  assert.ok(rows[1].mean_ratio >= 1 - 1e-9, "the LP bound is never above the optimum");
  assert.ok(rows[4].mean_ratio >= rows[3].mean_ratio - 1e-12, "local search never worsens greedy");
});

const badLine = (patch: (o: typeof GOOD & Record<string, unknown>) => void) => {
  const o = structuredClone(GOOD) as typeof GOOD & Record<string, unknown>;
  patch(o);
  return JSON.stringify(GOOD) + "\n" + JSON.stringify(o) + "\n";
};

const CASES: [string, string, RegExp][] = [
  ["not JSON", JSON.stringify(GOOD) + "\n{nope\n", /^error: line 2: instance is not valid JSON/],
  [
    "demand text",
    badLine((o) => (o.commodities[0].demand = "lots" as unknown as number)),
    /^error: line 2: commodities\[0\]\.demand must be a positive number, got "lots"\n$/,
  ],
  [
    "negative capacity",
    badLine((o) => (o.edges[1].capacity = -3)),
    /^error: line 2: edges\[1\]\.capacity must be a positive number, got -3\n$/,
  ],
  [
    "missing field",
    badLine((o) => delete (o as Record<string, unknown>).edges),
    /^error: line 2: edges is missing\n$/,
  ],
  [
    "node out of range",
    badLine((o) => (o.commodities[0].dst = 9)),
    /^error: line 2: commodities\[0\]\.dst is out of range/,
  ],
  [
    "src = dst",
    badLine((o) => (o.commodities[0].dst = 0)),
    /^error: line 2: commodities\[0\]\.dst equals src/,
  ],
  [
    "unreachable",
    badLine((o) => (o.commodities[0] = { src: 2, dst: 0, demand: 1 })),
    /^error: line 2: commodities\[0\]\.dst cannot be reached from src 2/,
  ],
  [
    "capacity too large",
    badLine((o) => (o.edges[1].capacity = 1e308)),
    /^error: line 2: edges\[1\]\.capacity must be at most 1e15, got 1e\+308\n$/,
  ],
  [
    "demand too large for the capacities",
    badLine((o) => (o.commodities[0].demand = 1e300)),
    /^error: line 2: commodities\[0\]\.demand must be at most 1e15, got 1e\+300\n$/,
  ],
  [
    "demand a million times the largest capacity",
    badLine((o) => (o.commodities[0].demand = 2e7)),
    /^error: line 2: commodities\[0\]\.demand must be at most the largest capacity \(10\) × 1e6, got 20000000\n$/,
  ],
  [
    "non-finite",
    JSON.stringify(GOOD) + "\n" + JSON.stringify(GOOD).replace('"demand":4', '"demand":1e999') + "\n",
    /^error: line 2: instance is not valid JSON: number out of range/,
  ],
];

for (const [name, input, want] of CASES) {
  Deno.test(`bad input (${name}): exit 2, one message naming line and field, no partial file`, async () => {
    const out = `${await Deno.makeTempDir()}/sol.jsonl`;
    const res = await keiro(["solve", "-m", "sp", "-o", out], input);
    assert.equal(res.code, 2);
    assert.match(res.stderr, want);
    assert.equal(res.stderr.trim().split("\n").length, 1, "one line, no stack trace");
    assert.equal(res.stdout, "");
    assert.equal(
      [...Deno.readDirSync(out.replace(/\/sol.jsonl$/, ""))].length,
      0,
      "no output or temporary file left",
    );
  });
}

Deno.test("usage errors exit 2; a good run writes the output file atomically", async () => {
  for (
    const args of [["solve"], ["solve", "-m", "nope"], ["gen", "te", "--count", "x"], ["bogus"], ["eval"], [
      "gen",
      "te",
      "--capacity",
      "9:3",
    ]]
  ) {
    const res = await keiro(args);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, /error/);
  }
  const dir = await Deno.makeTempDir();
  const res = await keiro(["gen", "te", "--count", "2", "-o", `${dir}/x.jsonl`]);
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["x.jsonl"]);
  assert.equal(jsonl(await Deno.readTextFile(`${dir}/x.jsonl`)).length, 2);
});

Deno.test("--help describes every flag with its default and an example", async () => {
  const top = await keiro(["--help"]);
  assert.equal(top.code, 0);
  for (const c of ["gen", "import", "solve", "eval", "compare"]) {
    assert.match(top.stdout, new RegExp(`\\n  ${c}`));
  }
  const gen = await keiro(["gen", "te", "--help"]);
  assert.match(gen.stdout, /--capacity <lo:hi>.*\(default:\s+\[1000,10000\]\)/s);
  assert.match(gen.stdout, /Examples:/);
  const solve = await keiro(["solve", "--help"]);
  assert.match(solve.stdout, /--gap <g>.*\(default:\s+0\.000001\)/s);
  // Each flag's own help text (up to the next flag) shows its default.
  const defaults: [string[], string, string][] = [
    [["solve"], "--time-limit <s>", "60"],
    [["compare"], "--time-limit <s>", "60"],
    [["route"], "--samples <n>", "1, the greedy decode"],
    [["fuse", "train"], "--seeds <n>", "1"],
    [["import", "te"], "--tm-range <i:j>", "all"],
  ];
  for (const [args, flag, value] of defaults) {
    const lines = (await keiro([...args, "--help"])).stdout.split("\n");
    const at = lines.findIndex((l) => l.includes(`  ${flag}`));
    const end = lines.findIndex((l, i) => i > at && (/^ {2}-/.test(l) || l.trim() === ""));
    const text = lines.slice(at, end).join(" ").replace(/\s+/g, " ");
    assert.ok(text.includes(`(default: ${value})`), `${args.join(" ")}: ${text}`);
  }
  assert.ok(ROOT.length > 0);
});

Deno.test("solve -m milp|lp at the time limit: records say optimal false with the gap, one warning line", async () => {
  const cases: [string, string[]][] = [
    ["milp", ["gen", "te", "--count", "2", "--commodities", "100", "--seed", "5"]],
    // every pair of a 30-node grid at load 1.5: the first master prices out columns, so the LP
    // stops after one round
    [
      "lp",
      ["gen", "te", "--topology", "grid", "--nodes", "30", "--traffic", "gravity", "--commodities", "0"]
        .concat(["--load", "1.5", "--count", "2", "--seed", "5"]),
    ],
  ];
  for (const [method, gen] of cases) {
    const inst = (await keiro(gen)).stdout;
    const res = await keiro(["solve", "-m", method, "--time-limit", "0.001"], inst);
    assert.equal(res.code, 0, res.stderr);
    const sols = jsonl<{ optimal: boolean; gap: number; bound: number; mlu: number; complete: boolean }>(
      res.stdout,
    );
    assert.equal(sols.length, 2);
    for (const s of sols) {
      assert.ok(!s.optimal && s.complete, JSON.stringify(s));
      assert.ok(s.gap > 0 && s.gap <= 1 && s.bound <= s.mlu, JSON.stringify(s));
    }
    const gap = Math.max(...sols.map((s) => s.gap)).toPrecision(3);
    assert.equal(
      res.stderr,
      `warning: ${method} reached its time limit (0.001 s) on 2 of 2 instances before proving them optimal ` +
        `(largest gap ${gap}): their records have optimal false, the best routing found, the bound and the gap\n`,
    );
  }
  const exact = jsonl<{ optimal: boolean; gap: number; iterations: number; columns: number }>(
    (await keiro(["solve", "-m", "lp"], (await keiro(cases[1][1])).stdout)).stdout,
  );
  assert.ok(exact.every((s) => s.optimal && s.gap === 0 && s.iterations > 1 && s.columns > 0));
});

Deno.test("parallel solving keeps the input order and the results of one thread", async () => {
  const inst = (await keiro(["gen", "te", "--count", "12", "--commodities", "10", "--seed", "8"])).stdout;
  const strip = (text: string) =>
    jsonl<{ id: string; paths: number[][]; mlu: number }>(text).map(({ id, paths, mlu }) => ({
      id,
      paths,
      mlu,
    }));
  for (const m of ["milp", "greedy"]) {
    const one = strip((await keiro(["solve", "-m", m, "--threads", "1"], inst)).stdout);
    const two = strip((await keiro(["solve", "-m", m, "--threads", "2"], inst)).stdout);
    assert.deepEqual(two.map((s) => s.id), jsonl<{ id: string }>(inst).map((i) => i.id));
    assert.deepEqual(two, one, m);
  }
});

Deno.test("eval --edge-loads: per-edge loads add up to the routed demand × hops", async () => {
  const inst = (await keiro(["gen", "te", "--count", "2", "--seed", "11"])).stdout;
  const tmp = await Deno.makeTempFile();
  await Deno.writeTextFile(tmp, inst);
  const sols = jsonl<{ paths: number[][] }>((await keiro(["solve", "-m", "sp"], inst)).stdout);
  const res = await keiro(
    ["eval", "--instances", tmp, "--per-instance", "--edge-loads"],
    sols.map((s) => JSON.stringify(s)).join("\n"),
  );
  assert.equal(res.code, 0, res.stderr);
  const insts = jsonl<{ edges: { capacity: number }[]; commodities: { demand: number }[] }>(inst);
  jsonl<{ edge_loads: number[]; mlu: number }>(res.stdout).forEach((e, i) => {
    assert.equal(e.edge_loads.length, insts[i].edges.length);
    const want = insts[i].commodities.reduce((a, c, k) => a + c.demand * (sols[i].paths[k].length - 1), 0);
    assert.equal(e.edge_loads.reduce((a, b) => a + b, 0), want);
    assert.equal(Math.max(...e.edge_loads.map((l, j) => l / insts[i].edges[j].capacity)), e.mlu);
  });
});

Deno.test("import te: a bad file line is exit 2 naming the file and line; --tm-range must be integers", async () => {
  const dir = await Deno.makeTempDir();
  const graph = (bw: string) =>
    Deno.writeTextFile(
      `${dir}/g.graph`,
      `NODES 2\nlabel x y\na 0 0\nb 1 1\n\nEDGES 2\nlabel src dest weight bw delay\ne0 0 1 1 100 5\ne1 1 0 1 ${bw} 5\n`,
    );
  await Deno.writeTextFile(`${dir}/d.demands`, "DEMANDS 1\nlabel src dest bw\nd0 0 1 10\n");
  const args = [
    "import",
    "te",
    "--format",
    "repetita",
    "--graph",
    `${dir}/g.graph`,
    "--demands",
    `${dir}/d.demands`,
  ];
  await graph("-5");
  const bad = await keiro([...args, "-o", `${dir}/out.jsonl`]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, `error: ${dir}/g.graph: line 9: edge bw must be a positive number, got "-5"\n`);
  assert.ok(!(await Deno.stat(`${dir}/out.jsonl`).catch(() => null)), "no output file");
  await graph("50");
  const ok = await keiro(args);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(jsonl<{ commodities: unknown[] }>(ok.stdout)[0].commodities, [{
    src: 0,
    dst: 1,
    demand: 10,
  }]);
  await Deno.writeTextFile(`${dir}/d.opt`, "\nn/a\n");
  const opt = await keiro([...args, "--opt", `${dir}/d.opt`]);
  assert.equal(opt.code, 2, "a bad --opt value is an error, not opt_mlu: null");
  assert.equal(
    opt.stderr,
    `error: ${dir}/d.opt: line 2: an optimal MLU must be a non-negative number, got "n/a"\n`,
  );
  const range = await keiro([
    "import",
    "te",
    "--format",
    "dote",
    "--graph",
    "x.json",
    "--tm",
    "x.hist",
    "--tm-range",
    "0:2.5",
  ]);
  assert.equal(range.code, 2);
  assert.match(range.stderr, /--tm-range <i:j>' argument '0:2.5' is invalid/);
});

Deno.test("import te: --tm without a matrix and --tm-range without --tm are errors, not the static demands", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/n.xml`,
    `<?xml version="1.0"?><network xmlns="http://sndlib.zib.de/network"><networkStructure><nodes>
    <node id="A"/><node id="B"/></nodes><links>
    <link id="L1"><source>A</source><target>B</target><preInstalledModule><capacity>10</capacity></preInstalledModule></link>
    </links></networkStructure><demands><demand id="d"><source>A</source><target>B</target><demandValue>3</demandValue></demand></demands></network>`,
  );
  await Deno.writeTextFile(`${dir}/comments.txt`, "# nothing here\n");
  await Deno.writeTextFile(`${dir}/tm.txt`, "0 1 2 0\n0 3 4 0\n");
  const sndlib = ["import", "te", "--format", "sndlib", "--graph", `${dir}/n.xml`];
  const cases: [string[], RegExp][] = [
    [["--tm", `${dir}/comments.txt`], /comments\.txt: no traffic matrix/],
    [["--tm", "/dev/null"], /\/dev\/null: no traffic matrix/],
    [
      ["--tm", `${dir}/tm.txt`, "--tm-range", "10:20"],
      /tm\.txt holds matrices 0\.\.1; the range 10:20 selects none/,
    ],
    [["--tm-range", "0:1"], /--tm-range selects matrices of --tm, but no --tm was given/],
  ];
  for (const [extra, want] of cases) {
    const res = await keiro([...sndlib, ...extra, "-o", `${dir}/out.jsonl`]);
    assert.equal(res.code, 2, `${extra.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, want);
    assert.ok(!(await Deno.stat(`${dir}/out.jsonl`).catch(() => null)), "no output file");
  }
  await Deno.writeTextFile(
    `${dir}/g.json`,
    JSON.stringify({
      directed: false,
      nodes: [{ id: 0 }, { id: 1 }],
      links: [{ source: 0, target: 1, capacity: 5 }],
    }),
  );
  const dote = await keiro([
    "import",
    "te",
    "--format",
    "dote",
    "--graph",
    `${dir}/g.json`,
    "--tm",
    `${dir}/comments.txt`,
  ]);
  assert.equal(dote.code, 2);
  assert.equal(dote.stderr, `error: ${dir}/comments.txt: no traffic matrix (only blank and # lines)\n`);
  const ok = await keiro([...sndlib, "--tm", `${dir}/tm.txt`, "--tm-range", "1:2"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(jsonl<{ commodities: unknown[] }>(ok.stdout)[0].commodities, [
    { src: 0, dst: 1, demand: 3 },
    { src: 1, dst: 0, demand: 4 },
  ]);
});

Deno.test("gen te and import te: a topology link without capacity is an error naming the file and edge", async () => {
  const dir = await Deno.makeTempDir();
  const gml = `${dir}/zoo.gml`;
  await Deno.writeTextFile(
    gml,
    `graph [ directed 0 node [ id 0 label "A" ] node [ id 1 label "B" ] node [ id 2 label "C" ]
     edge [ source 0 target 1 LinkSpeedRaw 1e10 ] edge [ source 1 target 2 ] edge [ source 0 target 2 ] ]`,
  );
  await Deno.writeTextFile(`${dir}/tm.txt`, "0 5 0 0 0 7 0 0 0\n");
  const gen = ["gen", "te", "--topology", gml, "--count", "2", "--commodities", "2"];
  const imp = ["import", "te", "--format", "gml", "--graph", gml, "--tm", `${dir}/tm.txt`];
  const missing = `${gml}: edge 2 (B→C) has no capacity (nor do 3 other edges); pass --default-capacity C`;
  for (const [args, hint] of [[gen, " or --capacity lo:hi"], [imp, ""]] as const) {
    const res = await keiro([...args]);
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stderr, `error: ${missing}${hint}\n`);
    assert.equal(res.stdout, "");
  }
  // --default-capacity fills the missing links only, in both commands alike.
  for (const args of [gen, imp]) {
    const res = await keiro([...args, "--default-capacity", "1e9"]);
    assert.equal(res.code, 0, res.stderr);
    for (const inst of jsonl<{ edges: { capacity: number }[] }>(res.stdout)) {
      assert.deepEqual(inst.edges.map((e) => e.capacity), [1e10, 1e10, 1e9, 1e9, 1e9, 1e9]);
    }
  }
  // --capacity redraws every link, the file's included.
  const redrawn = await keiro([...gen, "--capacity", "10:20"]);
  assert.equal(redrawn.code, 0, redrawn.stderr);
  const caps = jsonl<{ edges: { capacity: number }[] }>(redrawn.stdout).flatMap((i) =>
    i.edges.map((e) => e.capacity)
  );
  assert.ok(caps.every((c) => c >= 10 && c < 20), String(caps));
  const cases: [string[], RegExp][] = [
    [
      [...gen, "--capacity", "10:20", "--default-capacity", "5"],
      /--default-capacity does nothing with --capacity/,
    ],
    [["gen", "te", "--default-capacity", "5"], /--default-capacity applies to a topology file only/],
  ];
  for (const [args, want] of cases) {
    const res = await keiro(args);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, want);
  }
});

Deno.test("flags that would be ignored are usage errors naming the flag", async () => {
  const inst = (await keiro(["gen", "te", "--count", "1", "--seed", "3"])).stdout;
  const tmp = await Deno.makeTempFile();
  await Deno.writeTextFile(tmp, inst);
  const cases: [string[], string, RegExp][] = [
    [["solve", "-m", "greedy", "--flows"], inst, /--flows applies to --method lp only/],
    [["solve", "-m", "sp", "--time-limit", "3"], inst, /--time-limit applies to --method milp and lp only/],
    [["solve", "-m", "lp", "--gap", "0.1"], inst, /--gap applies to --method milp only/],
    [
      ["compare", "--methods", "sp,greedy", "--time-limit", "3"],
      inst,
      /--time-limit applies to milp and lp only/,
    ],
    [
      ["gen", "te", "--topology", "nsfnet", "--nodes", "30"],
      "",
      /--nodes applies to --topology nws, grid, waxman only/,
    ],
    [["gen", "te", "--nodes", "30"], "", /--nodes applies to --topology/],
    [["gen", "te", "--load", "0.5"], "", /--load applies to --traffic gravity only/],
    [
      ["gen", "te", "--traffic", "gravity", "--demand", "1:9"],
      "",
      /--demand applies to --traffic pairs only/,
    ],
    [["eval", "--instances", tmp, "--edge-loads"], "", /--edge-loads needs --per-instance/],
    [["eval", "--instances", tmp, "--per-instance", "--json"], "", /--json applies to the summary/],
  ];
  for (const [args, stdin, want] of cases) {
    const res = await keiro(args, stdin);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.match(res.stderr, want, args.join(" "));
    assert.equal(res.stdout, "");
  }
  const ok = await keiro(["solve", "-m", "lp", "--flows"], inst);
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("empty inputs are usage errors; a byte order mark is accepted", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/empty.jsonl`, "\n  \n");
  const inst = (await keiro(["gen", "te", "--count", "2", "--seed", "4"])).stdout;
  await Deno.writeTextFile(`${dir}/inst.jsonl`, inst);
  const cases: [string[], string, string][] = [
    [["solve", "-m", "sp"], "", "no instances in stdin"],
    [["solve", "-m", "sp", "-i", `${dir}/empty.jsonl`], "", `no instances in ${dir}/empty.jsonl`],
    [["route", "--model", `${dir}/no-model`], "\n", "no instances in stdin"],
    [["compare"], "", "no instances in stdin"],
    [["eval", "--instances", `${dir}/empty.jsonl`], "", `no instances in ${dir}/empty.jsonl`],
    [["eval", "--instances", `${dir}/inst.jsonl`], "", "no solutions in stdin"],
  ];
  for (const [args, stdin, want] of cases) {
    const res = await keiro(args, stdin);
    assert.equal(res.code, 2, `${args.join(" ")}: ${res.stderr}`);
    assert.equal(res.stderr, `error: ${want}\n`, args.join(" "));
  }
  const zero = await keiro(["gen", "te", "--count", "0"]);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--count <n>' argument '0' is invalid. expected a positive integer/);
  await Deno.writeTextFile(`${dir}/bom.jsonl`, "\ufeff" + inst);
  const bom = await keiro(["solve", "-m", "sp", "-i", `${dir}/bom.jsonl`]);
  assert.equal(bom.code, 0, bom.stderr);
  assert.equal(jsonl(bom.stdout).length, 2);
  const missing = await keiro(["solve", "-m", "sp", "-o", `${dir}/nope/out.jsonl`], inst);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `error: cannot write ${dir}/nope/out.jsonl: no such directory ${dir}/nope\n`);
});

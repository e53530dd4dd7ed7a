import assert from "node:assert/strict";
import { InputError } from "../../errors.ts";
import { readGml } from "./gml.ts";
import { readNodeLink } from "./nodelink.ts";
import { readRepetitaDemands, readRepetitaGraph } from "./repetita.ts";
import { readSndlibDemands, readSndlibNetwork } from "./sndlib.ts";
import { readTrafficMatrices } from "./traffic_matrices.ts";

Deno.test("gml: Topology Zoo style, undirected, LinkSpeedRaw capacities, missing ones null", () => {
  const t = readGml(
    `graph [ directed 0 node [ id 0 label "Amsterdam" ] node [ id 1 label "Paris" ] node [ id 2 label "Rome" ]
     edge [ source 0 target 1 LinkSpeedRaw 10000000000.0 ] edge [ source 1 target 2 LinkLabel "x" ] ]`,
    "t.gml",
  );
  assert.deepEqual(t.nodes, ["Amsterdam", "Paris", "Rome"]);
  assert.deepEqual(t.edges, [
    { src: 0, dst: 1, capacity: 1e10 },
    { src: 1, dst: 0, capacity: 1e10 },
    { src: 1, dst: 2, capacity: null },
    { src: 2, dst: 1, capacity: null },
  ]);
  assert.throws(
    () => readGml(`graph [ node [ id 0 ] edge [ source 0 target 5 ] ]`, "b.gml"),
    /edge 0: target names an unknown node 5/,
  );
});

Deno.test("nodelink: parse by id, unsorted node lists, undirected graphs doubled", () => {
  const t = readNodeLink(
    JSON.stringify({
      directed: true,
      nodes: [{ id: 1 }, { id: 0 }],
      links: [{ source: 1, target: 0, capacity: 5 }],
    }),
    "x.json",
  );
  assert.deepEqual(t.edges, [{ src: 1, dst: 0, capacity: 5 }]);
  const u = readNodeLink(
    JSON.stringify({
      directed: false,
      nodes: [{ id: "a" }, { id: "b" }],
      links: [{ source: "a", target: "b" }],
    }),
    "y.json",
  );
  assert.equal(u.edges.length, 2);
  assert.throws(
    () =>
      readNodeLink(
        JSON.stringify({ nodes: [{ id: 0 }], links: [{ source: 0, target: 0, capacity: -1 }] }),
        "z.json",
      ),
    InputError,
  );
});

Deno.test("repetita: memo lines skipped, parallel demands summed", () => {
  const g = readRepetitaGraph(
    "NODES 2\nlabel x y\na 0 0\nb 1 1\n\nEDGES 2\nlabel src dest weight bw delay\ne0 0 1 1 100 5\ne1 1 0 1 50 5\n",
    "g.graph",
  );
  assert.deepEqual(g.edges, [{ src: 0, dst: 1, capacity: 100 }, { src: 1, dst: 0, capacity: 50 }]);
  const d = readRepetitaDemands(
    "DEMANDS 3\nlabel src dest bw\nd0 0 1 10\nd1 0 1 5\nd2 1 0 0\n",
    "d.demands",
    2,
  );
  assert.deepEqual([...d], [0, 15, 0, 0]);
  assert.throws(
    () => readRepetitaDemands("DEMANDS 1\nlabel\nd0 0 7 1\n", "d.demands", 2),
    /line 3: src|dest must be a node/,
  );
});

Deno.test("sndlib: pre-installed capacity, else the smallest module; demands by node name", () => {
  const xml = `<?xml version="1.0"?><network xmlns="http://sndlib.zib.de/network"><networkStructure><nodes>
    <node id="A"/><node id="B"/><node id="C"/></nodes><links>
    <link id="L1"><source>A</source><target>B</target><preInstalledModule><capacity>10.0</capacity></preInstalledModule></link>
    <link id="L2"><source>C</source><target>B</target><additionalModules><addModule><capacity>40</capacity></addModule><addModule><capacity>20</capacity></addModule></additionalModules></link>
    </links></networkStructure><demands><demand id="d"><source>A</source><target>C</target><demandValue>3.5</demandValue></demand></demands></network>`;
  const t = readSndlibNetwork(xml, "n.xml");
  assert.deepEqual(t.nodes, ["A", "B", "C"]);
  assert.deepEqual(t.edges.map((e) => e.capacity), [10, 10, 20, 20]);
  assert.equal(readSndlibDemands(xml, "n.xml", t.nodes)[2], 3.5);
  assert.throws(
    () => readSndlibNetwork("<network><nodes><node id='A'></nodes></network>", "bad.xml"),
    /bad\.xml: line 1/,
  );
});

Deno.test("traffic matrices: labelled and unlabelled lines, ranges, bad values name the line", () => {
  const text = "# comment\nt0 0 1 2 0\n\n0 3 4 0\n0 5 6 0\n";
  const all = readTrafficMatrices(text, "tm.txt", 2);
  assert.deepEqual(all.map((m) => m.label), ["t0", "1", "2"]);
  assert.deepEqual([...readTrafficMatrices(text, "tm.txt", 2, 1, 2)[0].values], [0, 3, 4, 0]);
  assert.throws(
    () => readTrafficMatrices("0 1 x 0\n", "tm.txt", 2),
    /tm\.txt: line 1: value 2 must be a non-negative number/,
  );
  assert.throws(() => readTrafficMatrices("0 1 0\n", "tm.txt", 2), /expected 4 values/);
});

Deno.test("traffic matrices: a file without matrices, or a range past its end, is an error", () => {
  const text = "# comment\nt0 0 1 2 0\n0 3 4 0\n";
  assert.throws(() => readTrafficMatrices("# only\n\n", "tm.txt", 2), /tm\.txt: no traffic matrix/);
  assert.throws(
    () => readTrafficMatrices(text, "tm.txt", 2, 10, 20),
    /tm\.txt holds matrices 0\.\.1; the range 10:20 selects none/,
  );
  assert.throws(
    () => readTrafficMatrices(text, "tm.txt", 2, 1, 1),
    /the matrix range 1:1 of tm\.txt is empty/,
  );
});

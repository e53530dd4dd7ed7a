import assert from "node:assert/strict";
import { checkSvg, elementsOfClass } from "./_check_svg.ts";
import { routingSvg, utilisationColour } from "./routing_svg.ts";

/** A square 0-1-2-3 with a diagonal 0-2, both directions; one parallel pair 0→1. */
const EDGES = [
  [0, 1, 10],
  [0, 1, 30],
  [1, 0, 40],
  [1, 2, 40],
  [2, 1, 40],
  [2, 3, 20],
  [3, 2, 20],
  [3, 0, 40],
  [0, 3, 40],
  [0, 2, 80],
  [2, 0, 80],
].map(([src, dst, capacity]) => ({ src, dst, capacity }));

Deno.test("routing svg: one link per node pair at the larger direction's utilisation, the hottest marked", () => {
  const loads = EDGES.map(() => 0);
  loads[0] = 10, loads[1] = 10; // 0→1: 20 / 40 = 0.5 (parallel edges merged)
  loads[6] = 19; // 3→2: 19 / 20 = 0.95, the hottest
  loads[10] = 8; // 2→0: 0.1
  const svg = routingSvg({
    title: "t <&>",
    nodes: ["a", "b", "c", "d"],
    edges: EDGES,
    loads,
    path: [3, 2, 0],
    pathLabel: "k",
  });
  const counts = checkSvg(svg);
  const links = [...elementsOfClass(svg, "link"), ...elementsOfClass(svg, "link hottest")];
  assert.equal(links.length, 5, "five node pairs");
  const utils = links.map((l) => Number(l["data-util"])).sort((a, b) => a - b);
  assert.deepEqual(utils, [0, 0, 0.1, 0.5, 0.95]);
  const hottest = elementsOfClass(svg, "link hottest");
  assert.equal(hottest.length, 1);
  assert.equal(hottest[0]["data-util"], "0.95");
  assert.equal(hottest[0].stroke, utilisationColour(0.95));
  assert.equal(elementsOfClass(svg, "path").length, 1);
  assert.equal(elementsOfClass(svg, "node src").length, 1);
  assert.equal(elementsOfClass(svg, "node dst").length, 1);
  assert.equal(counts.circle, 4);
  assert.ok(svg.includes("t &lt;&amp;&gt;"), "the title is escaped");
});

Deno.test("routing svg: the colour scale runs green, yellow, red and saturates", () => {
  assert.equal(utilisationColour(0), "#1a9850");
  assert.equal(utilisationColour(0.5), "#fee08b");
  assert.equal(utilisationColour(1), "#d73027");
  assert.equal(utilisationColour(3), "#d73027");
  assert.equal(utilisationColour(-1), "#1a9850");
});

Deno.test("routing svg: without loads, grey links and no hottest; bad input is a RangeError", () => {
  const svg = routingSvg({ title: "topology", nodes: ["a", "b", "c", "d"], edges: EDGES });
  checkSvg(svg);
  assert.ok(elementsOfClass(svg, "link").every((l) => l.stroke === "#999999"));
  assert.equal(elementsOfClass(svg, "link hottest").length, 0);
  assert.throws(() => routingSvg({ title: "", nodes: ["a"], edges: EDGES }), RangeError);
  assert.throws(
    () => routingSvg({ title: "", nodes: ["a", "b", "c", "d"], edges: EDGES, loads: [1] }),
    RangeError,
  );
  assert.throws(
    () => routingSvg({ title: "", nodes: ["a", "b", "c", "d"], edges: EDGES, path: [0, 7] }),
    RangeError,
  );
});

Deno.test("routing svg: the same input draws the same picture (seeded layout)", () => {
  const o = { title: "x", nodes: ["a", "b", "c", "d"], edges: EDGES };
  assert.equal(routingSvg(o), routingSvg(o));
  assert.notEqual(routingSvg({ ...o, seed: 2 }), routingSvg(o));
});

import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { parseTaskWeighting } from "./task_weighting.ts";

const tasks = ["heat_all", "dir_gap", "ind_gap"];

Deno.test("parseTaskWeighting: every accepted form", () => {
  assert.deepEqual(parseTaskWeighting("equal", tasks), { kind: "equal" });
  assert.deepEqual(parseTaskWeighting("kendall", tasks), { kind: "kendall" });
  assert.deepEqual(parseTaskWeighting("dwa", tasks), { kind: "dwa", temperature: 2 });
  assert.deepEqual(parseTaskWeighting("dwa:3", tasks), { kind: "dwa", temperature: 3 });
  assert.deepEqual(parseTaskWeighting("dwa:0.5", tasks), { kind: "dwa", temperature: 0.5 });
  assert.deepEqual(parseTaskWeighting("fixed:heat_all=1, dir_gap=0.5,ind_gap=0", tasks), {
    kind: "fixed",
    lambdas: { heat_all: 1, dir_gap: 0.5, ind_gap: 0 },
  });
  assert.deepEqual(parseTaskWeighting("inverse:latest:runs/val_losses.json", tasks), {
    kind: "inverse",
    mode: "latest",
    history: "runs/val_losses.json",
  });
  assert.deepEqual(parseTaskWeighting("inverse:average:C:\\h:x.json", tasks), {
    kind: "inverse",
    mode: "average",
    history: "C:\\h:x.json",
  });
});

Deno.test("parseTaskWeighting: anything else is a usage error listing the accepted forms", () => {
  for (const bad of ["", "uniform", "equal:1", "kendall:2", "dwa:", "dwa:0", "dwa:-1", "dwa:x", "inverse"]) {
    assert.throws(() => parseTaskWeighting(bad, tasks), (e: Error) => {
      assert.ok(e instanceof UsageError, bad);
      assert.match(e.message, /accepted forms: equal, fixed:TASK=W.*inverse:latest:PATH.*dwa:TEMPERATURE/);
      return true;
    });
  }
  for (const bad of ["inverse:latest", "inverse:latest:", "inverse:newest:p.json", "fixed", "fixed:"]) {
    assert.throws(() => parseTaskWeighting(bad, tasks), UsageError, bad);
  }
});

Deno.test("parseTaskWeighting: fixed weights name the unknown, repeated or missing task", () => {
  const all = "heat_all=1,dir_gap=1,ind_gap=1";
  assert.throws(() => parseTaskWeighting(`fixed:${all},band=2`, tasks), /unknown task 'band'/);
  assert.throws(
    () => parseTaskWeighting("fixed:heat_all=1,dir_gap=0.5", tasks),
    /no fixed weight.*'ind_gap'/,
  );
  assert.throws(() => parseTaskWeighting(`fixed:${all},dir_gap=2`, tasks), /'dir_gap' is given twice/);
  assert.throws(() => parseTaskWeighting("fixed:heat_all=-1,dir_gap=1,ind_gap=1", tasks), /finite weight/);
  assert.throws(() => parseTaskWeighting("fixed:heat_all,dir_gap=1,ind_gap=1", tasks), /TASK=WEIGHT/);
  assert.throws(
    () => parseTaskWeighting("fixed:heat_all=0,dir_gap=0,ind_gap=0", tasks),
    /every fixed weight/,
  );
});

/**
 * A fuzz / property harness over every reader of user input (instances and solutions JSONL, the
 * hybrid, GLM and fusion configs, Repetita, SNDlib, GML, node-link, traffic matrices, .opt files,
 * CIF, POSCAR): from valid seeds, seeded mutations (tests/_mutate.ts). Property: each reader
 * returns a sound value or throws an InputError or UsageError with a non-empty one-line message,
 * never another exception, a panic or "internal error" text; it never hangs, never exhausts memory
 * and never kills the process. The readers run in a subprocess (tests/_fuzz_run.ts), watched, so
 * that a hang (15 s), a memory blow-up (4 GB resident) or a crash is caught and named too.
 *
 * Bounded for CI: ~20 s with a fixed seed. `KEIRO_FUZZ_SECONDS` runs longer, `KEIRO_FUZZ_SEED`
 * draws other inputs; a failure names the reader, the input index and the seed, which make the
 * input again (`fuzzInput` in tests/_fuzz_readers.ts).
 */
import assert from "node:assert/strict";
import { ROOT } from "./_cli.ts";
import type { FuzzCount, FuzzFailure } from "./_fuzz_run.ts";

const SECONDS = Number(Deno.env.get("KEIRO_FUZZ_SECONDS") ?? 20);
const SEED = Number(Deno.env.get("KEIRO_FUZZ_SEED") ?? 20);
/** An input that runs this long is a hang. */
const HANG_MS = 15_000;
/** A fuzz process that grows past this resident size is killed (on Linux, where /proc tells). */
const MAX_RSS_MB = 4096;

/** The resident size of process `pid` in MB (0 where /proc does not tell). */
function _rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

Deno.test("fuzz: every reader returns a sound value or a one-line input/usage error; no hang, no crash", async () => {
  assert.ok(
    SECONDS > 0 && Number.isInteger(SEED) && SEED >= 0,
    "KEIRO_FUZZ_SECONDS > 0, KEIRO_FUZZ_SEED ≥ 0",
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/tests/_fuzz_run.ts`, String(SEED), String(SECONDS)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
  }).spawn();
  let current = { reader: "(setup)", index: -1 }, since = performance.now();
  let stopped: string | undefined; // why the watchdog killed the process
  const watchdog = setInterval(() => {
    if (stopped !== undefined) return;
    const rss = _rssMb(child.pid);
    if (performance.now() - since > HANG_MS) stopped = `runs for more than ${HANG_MS} ms`;
    else if (rss > MAX_RSS_MB) stopped = `grows the process to ${rss.toFixed(0)} MB`;
    if (stopped !== undefined) child.kill("SIGKILL");
  }, 100);
  const stderr = new Response(child.stderr).text();
  let result: { counts: FuzzCount[]; failures: FuzzFailure[] } | undefined;
  try {
    let pending = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        const msg = JSON.parse(line);
        if ("reader" in msg) {
          current = msg;
          since = performance.now();
        } else result = msg;
      }
    }
  } finally {
    clearInterval(watchdog);
  }
  const status = await child.status;
  const at = `${current.reader} input ${current.index} (KEIRO_FUZZ_SEED=${SEED})`;
  assert.ok(stopped === undefined, `${at} ${stopped}`);
  const err = (await stderr).trim().split("\n").slice(-5).join("\n");
  assert.ok(status.success && result, `the fuzz process ended with ${status.code} on ${at}:\n${err}`);
  const width = Math.max(...result.counts.map((c) => c.reader.length));
  console.log(`fuzz seed ${SEED}, ${SECONDS} s:`);
  for (const c of result.counts) {
    console.log(`  ${c.reader.padEnd(width)}  ${c.inputs} inputs: ${c.values} read, ${c.errors} rejected`);
  }
  const report = result.failures.map((f) =>
    `${f.reader} input ${f.index} (from ${f.seed}): ${f.problem}\n    input: ${JSON.stringify(f.input)}`
  );
  assert.equal(result.failures.length, 0, `KEIRO_FUZZ_SEED=${SEED}:\n${report.join("\n")}`);
});

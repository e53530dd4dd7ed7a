/**
 * Test helper of the fuzz harness, run as a subprocess by tests/fuzz_test.ts (which watches it for
 * hangs and crashes): `deno run -A tests/_fuzz_run.ts SEED SECONDS` feeds each reader its seeds,
 * then mutations of them, for its share of the time. On stdout, one JSON line per input before it
 * is read, `{"reader", "index"}`, and at the end `{"counts", "failures"}`.
 * @module
 */

import { InputError, UsageError } from "../src/errors.ts";
import { fuzzInput, fuzzReaders } from "./_fuzz_readers.ts";

/** How many inputs a reader was given, and how they ended. */
export interface FuzzCount {
  reader: string;
  inputs: number;
  values: number;
  errors: number;
  /** Wall time spent on the reader. */
  seconds: number;
  /** The longest time one input took, and which. */
  slowest: { ms: number; index: number };
}

/** An input that broke the property. */
export interface FuzzFailure {
  reader: string;
  index: number;
  /** The seed the input was made from. */
  seed: string;
  problem: string;
  /** The start of the input. */
  input: string;
}

/** At most this many failures are kept per reader. */
const _KEEP = 5;

/** What is wrong with how a read ended (`undefined`: nothing). */
function _problem(
  outcome: { value: unknown } | { error: unknown },
  check?: (v: unknown) => string | undefined,
) {
  if ("value" in outcome) {
    const p = check?.(outcome.value);
    return p === undefined ? undefined : `returned a bad value: ${p}`;
  }
  const e = outcome.error;
  if (!(e instanceof InputError || e instanceof UsageError)) {
    return `threw ${(e as Error)?.name ?? typeof e}: ${String((e as Error)?.message ?? e).slice(0, 300)}`;
  }
  if (e.message.trim() === "") return `${e.name} with an empty message`;
  if (e.message.includes("\n")) {
    return `${e.name} with a message of several lines: ${e.message.slice(0, 300)}`;
  }
  if (/panic|internal error/i.test(e.message)) {
    return `${e.name} reporting a panic: ${e.message.slice(0, 300)}`;
  }
  if (e.message.length > 1000) return `${e.name} with a message of ${e.message.length} characters`;
}

const _enc = new TextEncoder();

/** Writes one JSON line to stdout. */
function _say(value: unknown): void {
  const data = _enc.encode(JSON.stringify(value) + "\n");
  for (let off = 0; off < data.length;) off += Deno.stdout.writeSync(data.subarray(off));
}

/** Runs the readers for `seconds` in all under the fuzz seed `seed`. */
async function _run(seed: number, seconds: number): Promise<void> {
  const readers = await fuzzReaders();
  const counts: FuzzCount[] = [];
  const failures: FuzzFailure[] = [];
  for (const reader of readers) {
    const count: FuzzCount = {
      reader: reader.name,
      inputs: 0,
      values: 0,
      errors: 0,
      seconds: 0,
      slowest: { ms: 0, index: -1 },
    };
    const start = performance.now();
    const end = start + seconds * 1000 / readers.length;
    counts.push(count);
    let kept = 0;
    for (let index = 0; index < reader.seeds.length || performance.now() < end; index++) {
      _say({ reader: reader.name, index });
      const { text, seed: from } = fuzzInput(reader, seed, index);
      let outcome: { value: unknown } | { error: unknown };
      const t = performance.now();
      try {
        outcome = { value: await reader.read(text, from.context) };
      } catch (error) {
        outcome = { error };
      }
      const ms = performance.now() - t;
      if (ms > count.slowest.ms) count.slowest = { ms, index };
      count.inputs++;
      if ("value" in outcome) count.values++;
      else count.errors++;
      let problem = _problem(outcome, (v) => reader.check?.(v, from.context));
      if (index < reader.seeds.length && "error" in outcome && problem === undefined) {
        problem = `the seed is not valid: ${(outcome.error as Error).message}`;
      }
      if (problem !== undefined && kept++ < _KEEP) {
        failures.push({ reader: reader.name, index, seed: from.name, problem, input: text.slice(0, 400) });
      }
    }
    count.seconds = (performance.now() - start) / 1000;
  }
  _say({ counts, failures });
}

if (import.meta.main) await _run(Number(Deno.args[0]), Number(Deno.args[1]));

/**
 * Test helpers: run the CLI as a user would (a subprocess) and locate ../shared/data.
 * @module
 */

import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** ../shared/data/te beside the checkout. */
export const TE_DATA = fileURLToPath(new URL("../../shared/data/te", import.meta.url));
/** Whether the shared data is present (tests that need it skip with a message otherwise). */
export const HAVE_DATA = (() => {
  try {
    return Deno.statSync(TE_DATA).isDirectory;
  } catch {
    return false;
  }
})();
if (!HAVE_DATA) console.warn(`skipping data tests: ${TE_DATA} is absent`);

/** Result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `keiro <args>` with `stdin` (and `env` added to the environment) and returns its exit code
 * and output. */
export async function keiro(
  args: string[],
  stdin = "",
  env: Record<string, string> = {},
): Promise<CliResult> {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/cli/main.ts`, ...args],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
  }).spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await p.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Parses JSONL text. */
export function jsonl<T = Record<string, unknown>>(text: string): T[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as T);
}

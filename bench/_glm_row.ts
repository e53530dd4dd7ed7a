/**
 * One row of a GLM benchmark: `keiro glm train … --json` in its own subprocess (so its peak RSS is
 * its own), timed, with the summary of its last stdout line or the error.
 * @module
 */

import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** The summary line of `keiro glm train --json` (accuracies in %). */
export interface GlmRowSummary {
  dataset: string;
  graph: string;
  test_accuracy: { mean: number; std: number };
  val_accuracy: { mean: number; std: number };
  seeds: number;
  epoch_ms: number;
  peak_rss_mb: number;
  nodes: number;
  per_seed: unknown[];
  config: Record<string, unknown>;
  /** The config file the run used (null: the built-in defaults). */
  config_file: string | null;
}

/** A finished row: its command, wall time and summary (or the error). */
export interface GlmRow {
  argv: string[];
  seconds: number;
  summary?: GlmRowSummary;
  error?: string;
}

/** Runs `keiro <argv>` (a `glm train` command ending in `--json`) from the repository root. */
export async function runGlmRow(argv: string[]): Promise<GlmRow> {
  const t0 = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "cli/main.ts"), ...argv],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const row: GlmRow = { argv: ["keiro", ...argv], seconds: (performance.now() - t0) / 1000 };
  const last = new TextDecoder().decode(out.stdout).trimEnd().split("\n").pop() ?? "";
  if (!out.success) return { ...row, error: `exit code ${out.code}` };
  try {
    return { ...row, summary: JSON.parse(last) as GlmRowSummary };
  } catch {
    return { ...row, error: `no JSON summary on the last stdout line: ${last.slice(0, 200)}` };
  }
}

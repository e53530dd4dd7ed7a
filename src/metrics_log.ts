/**
 * The per-epoch metrics of a training run: appended to `<out>/metrics.jsonl` and mirrored, whole,
 * in `<out>/metrics.csv` (rewritten atomically after every epoch; columns in first-seen order).
 * @module
 */

import { join } from "node:path";
import { metricsCsv } from "./metrics_csv.ts";
import { writeOutput } from "./write_output.ts";

/** One epoch's row: numbers (NaN is written as null), strings, booleans or null. */
export type MetricsRow = Record<string, number | string | boolean | null>;

/** The metrics files of one run directory. */
export class MetricsLog {
  #dir: string;
  #rows: MetricsRow[] = [];

  /** The log of run directory `dir` (nothing is read or written yet). */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Rows logged so far. */
  get rows(): readonly MetricsRow[] {
    return this.#rows;
  }

  /**
   * Starts the log: fresh (files replaced), or on resume keeping the rows of epochs ≤ `upToEpoch`
   * (rows written after the checkpoint being resumed are dropped).
   */
  async open(upToEpoch?: number): Promise<void> {
    this.#rows = [];
    if (upToEpoch !== undefined) {
      let text = "";
      try {
        text = await Deno.readTextFile(join(this.#dir, "metrics.jsonl"));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      this.#rows = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as MetricsRow)
        .filter((r) => typeof r.epoch === "number" && r.epoch <= upToEpoch);
    }
    await this.#rewrite();
  }

  /** Appends one epoch's row to both files. */
  async append(row: MetricsRow): Promise<void> {
    this.#rows.push(row);
    await Deno.writeTextFile(join(this.#dir, "metrics.jsonl"), JSON.stringify(row) + "\n", { append: true });
    await this.#writeCsv();
  }

  async #rewrite(): Promise<void> {
    const jsonl = this.#rows.map((r) => JSON.stringify(r) + "\n").join("");
    await writeOutput(join(this.#dir, "metrics.jsonl"), jsonl);
    await this.#writeCsv();
  }

  async #writeCsv(): Promise<void> {
    await writeOutput(join(this.#dir, "metrics.csv"), metricsCsv(this.#rows));
  }
}

/**
 * Progress bars on stderr, only on a terminal and only once a task has run for a second, so that
 * pipes and short runs stay quiet and stdout carries data only.
 * @module
 */

import cliProgress from "cli-progress";
import process from "node:process";

/** A progress bar that appears after `delayMs` when stderr is a TTY. */
export class Progress {
  #bar: cliProgress.SingleBar | undefined;
  #start = performance.now();
  #total: number;
  #label: string;
  #enabled: boolean;
  #delayMs: number;

  /** A bar for `total` steps, labelled `label`. */
  constructor(label: string, total: number, delayMs = 1000) {
    this.#label = label;
    this.#total = total;
    this.#delayMs = delayMs;
    this.#enabled = Deno.stderr.isTerminal() && Deno.env.get("CI") === undefined;
  }

  /** Reports `done` of the total steps. */
  update(done: number): void {
    if (!this.#enabled) return;
    if (!this.#bar && performance.now() - this.#start >= this.#delayMs) {
      this.#bar = new cliProgress.SingleBar({
        format: `${this.#label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      }, cliProgress.Presets.shades_classic);
      this.#bar.start(this.#total, done);
    }
    this.#bar?.update(done);
  }

  /** Removes the bar. */
  stop(): void {
    this.#bar?.stop();
  }
}

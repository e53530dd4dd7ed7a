/**
 * The table of `keiro glm enhance` and its benchmark.
 * @module
 */

import { formatTable } from "../../format_table.ts";
import type { EnhanceRow } from "./run_enhance.ts";

/** One line per graph mode: noisy and enhanced SI-SDR, the improvement mean ± std, seconds per run. */
export function formatEnhanceTable(rows: readonly EnhanceRow[]): string {
  return formatTable(
    ["graph", "noisy SI-SDR dB", "enhanced SI-SDR dB", "improvement dB (mean ± std)", "s/run"],
    rows.map((r) => [
      r.graph,
      r.noisy_si_sdr.toFixed(2),
      r.enhanced_si_sdr.toFixed(2),
      `${r.improvement.mean.toFixed(2)} ± ${r.improvement.std.toFixed(2)}`,
      r.seconds.toFixed(1),
    ]),
  );
}

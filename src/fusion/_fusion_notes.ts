/**
 * Shared formatting of the fusion table, report and run lines (private to src/fusion).
 * @module
 */

import type { ModeSummary } from "./compare_fusion.ts";
import type { ModeResult } from "./train_fusion.ts";

/** A number with 4 significant digits, `n/a` when not finite. */
export function _num(v: number | undefined, digits = 4): string {
  return v === undefined || !Number.isFinite(v) ? "n/a" : Number(v.toPrecision(digits)).toString();
}

/** A stacking meta-model as `stack 0.31·rf + 0.72·gnn + 0.01 (λ 0.1)` (one term per base). */
export function _stackNote(s: NonNullable<ModeResult["stack"]>): string {
  const terms = Object.entries(s).filter(([k]) => k !== "intercept" && k !== "lambda")
    .map(([base, w]) => `${_num(w, 3)}·${base}`);
  return `stack ${terms.join(" + ")} + ${_num(s.intercept, 3)} (λ ${s.lambda})`;
}

/**
 * The notes column of a row: the other targets' test MAE, attention weights, importance probes, α,
 * the stacking weights, Δp and negative transfer.
 */
export function _fusionNotes(s: ModeSummary): string {
  const notes: string[] = [];
  if (s.per_target) {
    const others = Object.entries(s.per_target).slice(1);
    if (others.length > 0) notes.push(`MAE ${others.map(([t, v]) => `${t} ${_num(v)}`).join(", ")}`);
  }
  if (s.attention) notes.push(`attn desc ${_num(s.attention[0], 3)} / gnn ${_num(s.attention[1], 3)}`);
  if (s.importance) {
    notes.push(
      `desc zeroed ${_num(s.importance.descriptors_zeroed)}, emb permuted ${
        _num(s.importance.embeddings_permuted)
      }`,
    );
  }
  if (s.alpha) notes.push(`α ${s.alpha.map((a) => _num(a, 3)).join(",")}`);
  if (s.stack) notes.push(s.stack.map(_stackNote).join(", "));
  if (s.delta_p) {
    notes.push(`Δp ${_num(s.delta_p.deltaP, 3)}%`);
    const neg = s.delta_p.perTask.filter((t) => t.negativeTransfer).map((t) => t.task);
    if (neg.length > 0) notes.push(`negative transfer: ${neg.join(",")}`);
  }
  return notes.join("; ");
}

/** One line per finished run (stderr). */
export function _runLine(label: string, seed: number, r: ModeResult): string {
  const mae = r.targets.map((t) => (r.targets.length > 1 ? `${t} ` : "") + _num(r.test_mae[t])).join(", ");
  const extra = [
    r.best_epoch !== undefined ? `best epoch ${r.best_epoch}` : "",
    r.alpha !== undefined ? `α ${r.alpha}` : "",
    r.stack ? _stackNote(r.stack) : "",
    r.attention ? `attention ${r.attention.map((a) => _num(a)).join("/")}` : "",
    `${_num(r.train_s)} s`,
  ].filter((s) => s !== "");
  return `${label} seed ${seed}: test MAE ${mae}, R² ${_num(r.test_r2[r.targets[0]])} (${extra.join(", ")})`;
}

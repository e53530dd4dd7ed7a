/**
 * Ridge regression on a few columns (the meta-model of `--mode stack`): an intercept and one weight
 * per column, fit by solving the penalised normal equations.
 * @module
 */

/** A fitted ridge model: `intercept + Σ_j weights[j]·x_j`. */
export interface RidgeModel {
  weights: number[];
  intercept: number;
}

/**
 * Fits `y ≈ intercept + Σ_j w_j·columns[j]` on the rows `rows` (indices into every column and `y`),
 * minimising `Σ (y − ŷ)² + λ·s·‖w‖²` where `s` = the mean over columns of the centred columns' sum
 * of squares, so `lambda` is unit-free (0: least squares). The intercept is not penalised. A tiny
 * extra ridge (1e-9·s) keeps the system solvable for collinear columns; a column constant on `rows`
 * gets weight 0.
 * @throws {RangeError} when `rows` is empty or `lambda` is negative or not finite
 */
export function fitRidge(
  columns: readonly ArrayLike<number>[],
  y: ArrayLike<number>,
  rows: readonly number[],
  lambda: number,
): RidgeModel {
  if (rows.length === 0) throw new RangeError("fitRidge: no rows");
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`fitRidge: lambda ${lambda}`);
  const p = columns.length, n = rows.length;
  const mean = (a: ArrayLike<number>) => rows.reduce((s, r) => s + a[r], 0) / n;
  const mx = columns.map(mean), my = mean(y);
  // A = XcᵀXc + λ s I, b = Xcᵀ yc
  const a = Array.from({ length: p }, () => new Float64Array(p));
  const b = new Float64Array(p);
  for (const r of rows) {
    const yc = y[r] - my;
    for (let i = 0; i < p; i++) {
      const xi = columns[i][r] - mx[i];
      b[i] += xi * yc;
      for (let j = 0; j <= i; j++) a[i][j] += xi * (columns[j][r] - mx[j]);
    }
  }
  let trace = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) a[j][i] = a[i][j];
    trace += a[i][i];
  }
  const s = p > 0 ? trace / p : 0;
  for (let i = 0; i < p; i++) a[i][i] += (lambda + 1e-9) * s;
  const w = _solve(a, b);
  return { weights: w, intercept: my - w.reduce((acc, wi, i) => acc + wi * mx[i], 0) };
}

/** `model`'s prediction for row `r` of `columns`. */
export function predictRidge(model: RidgeModel, columns: readonly ArrayLike<number>[], r: number): number {
  return model.weights.reduce((acc, w, j) => acc + w * columns[j][r], model.intercept);
}

/** Solves `a x = b` for a small symmetric positive (semi-)definite `a` by Gaussian elimination with
 * partial pivoting (`a` and `b` are overwritten). */
function _solve(a: Float64Array[], b: Float64Array): number[] {
  const p = b.length;
  for (let k = 0; k < p; k++) {
    let piv = k;
    for (let i = k + 1; i < p; i++) if (Math.abs(a[i][k]) > Math.abs(a[piv][k])) piv = i;
    [a[k], a[piv]] = [a[piv], a[k]];
    [b[k], b[piv]] = [b[piv], b[k]];
    if (a[k][k] === 0) continue;
    for (let i = k + 1; i < p; i++) {
      const f = a[i][k] / a[k][k];
      for (let j = k; j < p; j++) a[i][j] -= f * a[k][j];
      b[i] -= f * b[k];
    }
  }
  const x = new Array<number>(p).fill(0);
  for (let k = p - 1; k >= 0; k--) {
    if (a[k][k] === 0) continue;
    let v = b[k];
    for (let j = k + 1; j < p; j++) v -= a[k][j] * x[j];
    x[k] = v / a[k][k];
  }
  return x;
}

/**
 * Z-score normalisation of a regression target, with its inverse.
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * A fitted z-score transform `z = (x − μ) / σ` and its inverse `x = z·σ + μ`.
 *
 * `fit` uses the population standard deviation σ = sqrt((1/n) · Σ (x_i − μ)²) (not the sample one:
 * the transform describes the training set itself, and it matches scikit-learn's `StandardScaler`).
 * NaN values (missing labels) are ignored by `fit` and stay NaN through `transform` and `inverse`.
 * A constant column has σ = 0; σ is then taken as 1 so that the transform only centres the values
 * instead of dividing by zero, and `inverse` still undoes it exactly.
 *
 * Errors measured on z-scored targets convert back to target units by multiplying by `std`
 * (MAE, RMSE) or `std²` (MSE).
 */
export class ZScore {
  /** μ, the mean of the fitted values. */
  readonly mean: number;
  /** σ, their population standard deviation (1 when it was 0). */
  readonly std: number;

  /**
   * A transform with known parameters (e.g. restored from a saved model).
   * @throws {RangeError} unless `mean` is finite and `std` is finite and positive
   */
  constructor(mean: number, std: number) {
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std <= 0) {
      throw new RangeError(`ZScore: need a finite mean and a positive finite std, got ${mean} and ${std}`);
    }
    this.mean = mean;
    this.std = std;
  }

  /**
   * Fits μ and σ to the non-NaN `values`.
   * @throws {InputError} when there is no non-NaN value, or a value is infinite
   */
  static fit(values: ArrayLike<number>): ZScore {
    let sum = 0, n = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v)) throw new InputError(`ZScore.fit: value ${i} is ${v}`);
      sum += v;
      n++;
    }
    if (n === 0) throw new InputError("ZScore.fit: no values to fit (all missing)");
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) ss += (values[i] - mean) ** 2;
    const std = Math.sqrt(ss / n);
    return new ZScore(mean, std > 0 ? std : 1);
  }

  /** `(x − μ) / σ` of one value. */
  transform(v: number): number;
  /** `(x − μ) / σ` of every value. */
  transform(v: ArrayLike<number>): Float64Array;
  transform(v: number | ArrayLike<number>): number | Float64Array {
    if (typeof v === "number") return (v - this.mean) / this.std;
    return Float64Array.from(v, (x) => (x - this.mean) / this.std);
  }

  /** `z·σ + μ` of one value. */
  inverse(v: number): number;
  /** `z·σ + μ` of every value. */
  inverse(v: ArrayLike<number>): Float64Array;
  inverse(v: number | ArrayLike<number>): number | Float64Array {
    if (typeof v === "number") return v * this.std + this.mean;
    return Float64Array.from(v, (z) => z * this.std + this.mean);
  }

  /** `{mean, std}`, for saving with a model; `new ZScore(mean, std)` restores it. */
  toJSON(): { mean: number; std: number } {
    return { mean: this.mean, std: this.std };
  }
}

/**
 * Composition descriptors of matminer's `ElementProperty.from_preset("magpie")`: 22 elemental
 * properties x 6 statistics = 132 features, in {@link MAGPIE_FEATURE_NAMES} order.
 *
 * With weights w_i = the amounts of the composition (any positive scale) and p_i an element's
 * property value, as matminer's `PropertyStats`:
 * - minimum, maximum, range = max - min (unweighted; NaN when any p_i is NaN);
 * - mean = sum w_i p_i / sum w_i;
 * - avg_dev = sum w_i |p_i - mean| / sum w_i;
 * - mode = the p of the element with the largest weight; on a tie (`np.isclose`: |w - w_max| <=
 *   1e-8 + 1e-5 w_max) the minimum of the tied values.
 *
 * Missing table values are imputed by default with the mean of the property over every element
 * Z = 1..118 that has a value (matminer's `MagpieData(impute_nan=True)`); `impute: false` keeps NaN
 * (the older matminer behind Matbench's RF-SCM/Magpie baseline).
 * @module
 */

import { InputError } from "../errors.ts";
import type { ElementTables } from "./element_tables.ts";
import { ELEMENT_SYMBOLS } from "./element_symbols.ts";
import { MAGPIE_PROPERTIES } from "./magpie_feature_names.ts";

/** Options of {@link magpieDescriptors}. */
export interface MagpieOptions {
  /** Replace missing element values by the property's mean over all elements (default true). */
  impute?: boolean;
}

const _P = MAGPIE_PROPERTIES.length;
const _S = 6;
const _Z = 118;

/** Element symbol to Z - 1. */
const _INDEX = new Map(ELEMENT_SYMBOLS.map((s, i) => [s, i]));

/** Per tables object: the 22 preset properties as one [22 * 118] array, raw and imputed. */
const _cache = new WeakMap<ElementTables, { raw: Float64Array; imputed: Float64Array }>();

/**
 * The 132 Magpie descriptors of a composition (element symbol to amount, any positive scale).
 * Throws {@link InputError} for an unknown element symbol, a negative or non-finite amount, or a
 * composition with no positive amount; zero amounts are dropped (as pymatgen does).
 */
export function magpieDescriptors(
  comp: Map<string, number>,
  tables: ElementTables,
  opts: MagpieOptions = {},
): Float64Array {
  const { raw, imputed } = _presetTables(tables);
  const values = opts.impute === false ? raw : imputed;
  const zs: number[] = [];
  const ws: number[] = [];
  for (const [el, amount] of comp) {
    const z = _INDEX.get(el);
    if (z === undefined) throw new InputError(`unknown element "${el}" in composition`, 0, el);
    if (!Number.isFinite(amount) || amount < 0) {
      throw new InputError(`amount of ${el} must be a finite number >= 0, got ${amount}`, 0, el);
    }
    if (amount === 0) continue;
    zs.push(z);
    ws.push(amount);
  }
  if (zs.length === 0) throw new InputError("empty composition (no element with a positive amount)");
  let wsum = 0;
  let wmax = 0;
  for (const w of ws) {
    wsum += w;
    if (w > wmax) wmax = w;
  }
  const tied = ws.map((w) => Math.abs(w - wmax) <= 1e-8 + 1e-5 * wmax);
  const out = new Float64Array(_P * _S);
  for (let p = 0; p < _P; p++) {
    const col = p * _Z;
    let min = Infinity;
    let max = -Infinity;
    let dot = 0;
    let anyNaN = false;
    for (let k = 0; k < zs.length; k++) {
      const v = values[col + zs[k]];
      if (Number.isNaN(v)) anyNaN = true;
      if (v < min) min = v;
      if (v > max) max = v;
      dot += ws[k] * v;
    }
    const mean = dot / wsum;
    let dev = 0;
    let mode = Infinity;
    for (let k = 0; k < zs.length; k++) {
      const v = values[col + zs[k]];
      dev += ws[k] * Math.abs(v - mean);
      if (tied[k] && (v < mode || Number.isNaN(v))) mode = v;
    }
    const o = p * _S;
    out[o] = anyNaN ? NaN : min;
    out[o + 1] = anyNaN ? NaN : max;
    out[o + 2] = anyNaN ? NaN : max - min;
    out[o + 3] = mean;
    out[o + 4] = dev / wsum;
    out[o + 5] = Number.isNaN(mode) ? NaN : mode;
  }
  return out;
}

function _presetTables(tables: ElementTables): { raw: Float64Array; imputed: Float64Array } {
  let c = _cache.get(tables);
  if (c) return c;
  const raw = new Float64Array(_P * _Z);
  const imputed = new Float64Array(_P * _Z);
  MAGPIE_PROPERTIES.forEach((name, p) => {
    const t = tables.property(name);
    let sum = 0;
    let n = 0;
    for (let z = 0; z < _Z; z++) {
      if (!Number.isNaN(t[z])) {
        sum += t[z];
        n++;
      }
    }
    const mean = n ? sum / n : NaN;
    for (let z = 0; z < _Z; z++) {
      raw[p * _Z + z] = t[z];
      imputed[p * _Z + z] = Number.isNaN(t[z]) ? mean : t[z];
    }
  });
  c = { raw, imputed };
  _cache.set(tables, c);
  return c;
}

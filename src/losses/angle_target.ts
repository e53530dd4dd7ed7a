/**
 * Angle targets encoded as (cos, sin), so that a regression head never sees the 2π jump.
 * @module
 */

/** Options of {@link encodeAngle} and {@link decodeAngle}. */
export interface AngleOptions {
  /** Angles are in degrees instead of radians. Default false. */
  degrees?: boolean;
}

/**
 * Encodes angles θ as the pair (cos θ, sin θ), two regression targets on [−1, 1] that are
 * continuous across the wrap-around (θ and θ + 2π encode identically). NaN stays NaN in both.
 *
 * @param angles θ, in radians (or degrees with `degrees: true`)
 */
export function encodeAngle(
  angles: ArrayLike<number>,
  options: AngleOptions = {},
): { cos: Float64Array; sin: Float64Array } {
  const k = options.degrees ? Math.PI / 180 : 1;
  const cos = new Float64Array(angles.length), sin = new Float64Array(angles.length);
  for (let i = 0; i < angles.length; i++) {
    cos[i] = Math.cos(angles[i] * k);
    sin[i] = Math.sin(angles[i] * k);
  }
  return { cos, sin };
}

/**
 * Decodes predicted (cos, sin) pairs back to angles: θ = atan2(sin, cos), in (−π, π] (or
 * (−180, 180] with `degrees: true`). The pair need not have unit norm (a network's outputs rarely
 * do); only its direction matters. (0, 0) decodes to 0.
 *
 * @param cos predicted cosines
 * @param sin predicted sines, same length
 * @throws {RangeError} when the lengths differ
 */
export function decodeAngle(
  cos: ArrayLike<number>,
  sin: ArrayLike<number>,
  options: AngleOptions = {},
): Float64Array {
  if (cos.length !== sin.length) {
    throw new RangeError(`decodeAngle: ${cos.length} cosines but ${sin.length} sines`);
  }
  const k = options.degrees ? 180 / Math.PI : 1;
  const out = new Float64Array(cos.length);
  for (let i = 0; i < cos.length; i++) out[i] = Math.atan2(sin[i], cos[i]) * k;
  return out;
}

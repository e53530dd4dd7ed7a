/**
 * Lattice vectors from the six cell parameters.
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * Builds the lattice rows from the cell lengths `a, b, c` (Å) and angles `alpha, beta, gamma`
 * (degrees; α between b and c, β between a and c, γ between a and b) in the standard orientation
 * (as ASE's `cellpar_to_cell` and pymatgen's `Lattice.from_parameters(..., vesta=True)`): **a along
 * x, b in the xy plane**, c completing a right-handed cell:
 *
 * ```text
 * a = [a, 0, 0]
 * b = [b cos γ, b sin γ, 0]
 * c = [c cos β, c (cos α − cos β cos γ) / sin γ, c √v / sin γ],
 *     v = 1 − cos²α − cos²β − cos²γ + 2 cos α cos β cos γ
 * ```
 *
 * Angles of exactly 90° get an exact zero cosine. Note that pymatgen's default
 * `Lattice.from_parameters` (`vesta=False`) puts c along z instead: the cells differ by a rotation,
 * so distances and fractional coordinates agree but Cartesian coordinates do not.
 *
 * A length that is not a positive finite number, an angle outside (0°, 180°), or angles that
 * cannot meet in a cell (zero or imaginary volume, e.g. α + β < γ) are an {@link InputError}.
 */
export function latticeFromParameters(
  a: number,
  b: number,
  c: number,
  alpha: number,
  beta: number,
  gamma: number,
): [number[], number[], number[]] {
  const lengths: [string, number][] = [["a", a], ["b", b], ["c", c]];
  for (const [name, v] of lengths) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new InputError(`impossible cell: length ${name} = ${v} is not a positive number`, 0, name);
    }
  }
  const angles: [string, number][] = [["alpha", alpha], ["beta", beta], ["gamma", gamma]];
  for (const [name, v] of angles) {
    if (!(Number.isFinite(v) && v > 0 && v < 180)) {
      throw new InputError(`impossible cell: angle ${name} = ${v}° is not between 0° and 180°`, 0, name);
    }
  }
  const ca = _cos(alpha), cb = _cos(beta), cg = _cos(gamma);
  const sg = Math.sin((gamma * Math.PI) / 180);
  const volumeFactor = 1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg;
  if (!(volumeFactor > 1e-10)) {
    throw new InputError(
      `impossible cell: the angles alpha = ${alpha}°, beta = ${beta}°, gamma = ${gamma}° do not form a ` +
        `cell (each must be less than the sum of the other two, and all three less than 360° together)`,
      0,
      "alpha",
    );
  }
  const cy = (ca - cb * cg) / sg;
  return [
    [a, 0, 0],
    [b * cg, b * sg, 0],
    [c * cb, c * cy, (c * Math.sqrt(volumeFactor)) / sg],
  ];
}

/** Cosine of an angle in degrees, exactly 0 at 90°. */
function _cos(degrees: number): number {
  return degrees === 90 ? 0 : Math.cos((degrees * Math.PI) / 180);
}

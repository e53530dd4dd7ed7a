/**
 * The names of matminer's `ElementProperty.from_preset("magpie")` features, in matminer's order.
 * @module
 */

/** The 22 Magpie properties of the preset, in matminer's order (each is a `.table` file name). */
export const MAGPIE_PROPERTIES: readonly string[] = Object.freeze([
  "Number",
  "MendeleevNumber",
  "AtomicWeight",
  "MeltingT",
  "Column",
  "Row",
  "CovalentRadius",
  "Electronegativity",
  "NsValence",
  "NpValence",
  "NdValence",
  "NfValence",
  "NValence",
  "NsUnfilled",
  "NpUnfilled",
  "NdUnfilled",
  "NfUnfilled",
  "NUnfilled",
  "GSvolume_pa",
  "GSbandgap",
  "GSmagmom",
  "SpaceGroupNumber",
]);

/** The 6 statistics of the preset, in matminer's order. */
export const MAGPIE_STATS: readonly string[] = Object.freeze([
  "minimum",
  "maximum",
  "range",
  "mean",
  "avg_dev",
  "mode",
]);

/**
 * The 132 feature names, property-major as matminer labels them: for each property the 6 stats,
 * `MagpieData minimum Number`, `MagpieData maximum Number`, ..., `MagpieData mode SpaceGroupNumber`.
 */
export const MAGPIE_FEATURE_NAMES: readonly string[] = Object.freeze(
  MAGPIE_PROPERTIES.flatMap((p) => MAGPIE_STATS.map((s) => `MagpieData ${s} ${p}`)),
);

/**
 * Crystal structures and materials datasets: structure readers (CIF, POSCAR, pymatgen JSON), formula
 * parsing, dataset loading and the featurisers (Magpie element tables and descriptors, CGCNN atom
 * features, crystal graphs and their packing). Re-exports only.
 * @module
 */

// --- structures, readers and datasets ---
export type { Structure } from "./structure.ts";
export { ELEMENT_SYMBOLS } from "./element_symbols.ts";
export { latticeFromParameters } from "./lattice_from_parameters.ts";
export { readCif } from "./read_cif.ts";
export { readPoscar, type ReadPoscarOptions } from "./read_poscar.ts";
export { readPymatgenStructure } from "./read_pymatgen_structure.ts";
export { parseFormula } from "./parse_formula.ts";
export { compositionOf } from "./composition_of.ts";
export type { CrystalDataset } from "./crystal_dataset.ts";
export { loadCrystalDataset, type LoadCrystalDatasetOptions } from "./load_crystal_dataset.ts";

// --- featurisers: element tables, descriptors, atom features, crystal graphs ---
export { type ElementTables, loadElementTables } from "./element_tables.ts";
export { MAGPIE_FEATURE_NAMES, MAGPIE_PROPERTIES, MAGPIE_STATS } from "./magpie_feature_names.ts";
export { magpieDescriptors, type MagpieOptions } from "./magpie_descriptors.ts";
export { magpieMatrix } from "./magpie_matrix.ts";
export { type AtomFeatures, atomFeaturesFromTables, loadAtomInit } from "./atom_features.ts";
export { type CrystalGraph, crystalGraph, type CrystalGraphOptions } from "./crystal_graph.ts";
export { packCrystalGraphs, type PackedCrystalGraphs } from "./pack_crystal_graphs.ts";
export { subsetCrystalDataset } from "./subset_crystal_dataset.ts";

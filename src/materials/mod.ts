/**
 * Crystal structures and materials datasets: structure readers (CIF, POSCAR, pymatgen JSON), formula
 * parsing and dataset loading. Re-exports only.
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

// --- other materials modules (element tables, descriptors, crystal graphs, …) go below ---

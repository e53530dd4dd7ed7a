/**
 * Dataset loaders of `keiro glm train`: the Planetoid citation graphs (Cora, CiteSeer, PubMed) read
 * from their Python pickles, and feature-only CSV tables (UCI Wine, optdigits) whose graph must be
 * learned.
 * @module
 */

export type { GraphDataset } from "./graph_dataset.ts";
export { type CsrMatrix, type NdArray, type NumericArray, readPickle } from "./read_pickle.ts";
export { loadPlanetoid, type LoadPlanetoidOptions } from "./load_planetoid.ts";
export { loadCsvDataset, type LoadCsvDatasetOptions } from "./load_csv_dataset.ts";
export { parseSplit, type SplitSizes } from "./parse_split.ts";

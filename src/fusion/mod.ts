/**
 * Fusion pipelines for crystal property regression: inputs (crystal graphs, Magpie descriptors,
 * targets, splits), the native fusion model and random forest, one mode's training, stacking,
 * comparisons of several modes over seeds, their report, a whole `keiro fuse` run and the k-fold
 * protocol of `keiro fuse cv`. Re-exports only; docs/fusion.md.
 * @module
 */

export { type FusionInputs, fusionInputs, type FusionInputsOptions, SPLIT } from "./fusion_inputs.ts";
export { type DatasetSplit, splitDataset } from "./split_dataset.ts";
export { DEFAULT_SPLIT, type FusionSetsOptions, loadFusionSets } from "./load_fusion_sets.ts";
export { type FusionConfigFile, loadFusionConfig, parseFusionConfig } from "./load_fusion_config.ts";
export {
  FusionModel,
  type FusionModelData,
  type FusionNativeConfig,
  type FusionPredictions,
  type FusionPredictOptions,
  type FusionStepMetrics,
} from "./fusion_model.ts";
export { fitForest, type ForestConfig, type ForestResult } from "./fit_forest.ts";
export {
  FUSION_MODES,
  type FusionMode,
  type FusionOptions,
  type ModeResult,
  trainFusion,
} from "./train_fusion.ts";
export {
  compareFusion,
  type CompareOptions,
  type Comparison,
  type ModeSummary,
  weightingLabel,
} from "./compare_fusion.ts";
export { formatFusionTable } from "./format_fusion_table.ts";
export { runFusion, type RunFusionOptions } from "./run_fusion.ts";
export { type FusionSetupOptions, type PreparedFusion, prepareFusion } from "./prepare_fusion.ts";
export { fitRidge, predictRidge, type RidgeModel } from "./fit_ridge.ts";
export { kFolds } from "./k_folds.ts";
export {
  STACK_FOLDS,
  STACK_LAMBDAS,
  type Stacked,
  type StackOptions,
  stackPredictions,
} from "./stack_predictions.ts";
export {
  type CvFold,
  type CvModeSummary,
  type CvRun,
  type CvSummary,
  runFusionCv,
  type RunFusionCvOptions,
} from "./run_fusion_cv.ts";
export { formatFusionCvTable } from "./format_fusion_cv_table.ts";
export { type FusionReportMeta, type FusionReportTruth, writeFusionReport } from "./write_fusion_report.ts";
export { type PredictionTruth, testPredictionRows } from "./test_prediction_rows.ts";
export {
  predictWithSavedFusionModel,
  readSavedFusionModel,
  type SavedFusionModel,
  type SavedFusionParts,
  type SavedFusionPredictOptions,
  writeSavedFusionModel,
} from "./saved_fusion_model.ts";
export { predictForest } from "./predict_forest.ts";

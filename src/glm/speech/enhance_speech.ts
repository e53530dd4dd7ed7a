/**
 * One speech-enhancement run in the native core (core-rs/src/glm/speech/enhancer.rs): synthetic
 * clips from the seed, a mask estimator over a graph of time-frequency bins, SI-SDR on test clips.
 * @module
 */

import { NativeHandle } from "../../native_handle.ts";

/** The result of one run (SI-SDR in dB, means over the test clips). */
export interface EnhanceResult {
  /** The resolved run config. */
  config: Record<string, unknown>;
  /** The resolved mask-estimator (GLM) config. */
  model: Record<string, unknown>;
  graph: string;
  seed: number;
  /** Bins (graph nodes) per clip. */
  nodes: number;
  /** Mean training loss and wall time of each epoch. */
  epochs: { epoch: number; loss: number; ms: number }[];
  noisy_si_sdr: number;
  enhanced_si_sdr: number;
  /** `enhanced_si_sdr − noisy_si_sdr`. */
  improvement: number;
  per_clip: { noisy: number; enhanced: number }[];
  /** The first test clip. */
  sample: { clean: number[]; noisy: number[]; enhanced: number[] };
  sample_rate: number;
}

/**
 * Trains and scores a mask estimator with the run config `config` (every key optional; the native
 * core rejects unknown keys) from `seed` on `device`.
 */
export async function enhanceSpeech(
  config: Record<string, unknown>,
  seed: number,
  device = "cpu",
): Promise<EnhanceResult> {
  return JSON.parse(
    await NativeHandle.request("glm", { kind: "enhance", config, seed, device }),
  ) as EnhanceResult;
}

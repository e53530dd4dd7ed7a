/**
 * The `--device` option of the commands that train or route with a model.
 * @module
 */

import { type Command, InvalidArgumentError, type OptionValues } from "commander";
import { DEVICE_SPELLING } from "../src/device.ts";

/** A `--device` value: cpu, cuda or cuda:N. */
function _deviceArg(v: string): string {
  if (!DEVICE_SPELLING.test(v)) {
    throw new InvalidArgumentError(`expected cpu, cuda or cuda:N, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Adds `--device <d>`; `fallback` says what decides without it. */
export function withDeviceOption<A extends unknown[], O extends OptionValues>(
  cmd: Command<A, O>,
  fallback: string,
) {
  return cmd.option(
    "--device <d>",
    `cpu, cuda (= cuda:0) or cuda:N; CUDA needs keiro's CUDA build (docs/gpu.md) (default: ${fallback})`,
    _deviceArg,
  );
}

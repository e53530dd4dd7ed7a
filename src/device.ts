/**
 * The device a command computes on (`cpu`, `cuda` = `cuda:0`, or `cuda:N`) and the native build it
 * needs. `--device` decides; without it a hybrid config's seed keys do (`use_gpu: true` →
 * `cuda:<gpu_id>`), else the CPU. The build is chosen before the library is opened, so this runs
 * before any native call of the command. The native core validates the spelling and opens the
 * device: a CUDA device on the CPU-only build, or on a machine without one, is a usage error.
 * @module
 */

import { UsageError } from "./errors.ts";
import { useNativeBuild } from "./native.ts";

/** The spellings `--device` accepts. */
export const DEVICE_SPELLING = /^(cpu|cuda(:\d+)?)$/;

/**
 * The device of a command: `flag` when given, else what the config file `config` asks for with
 * `use_gpu` / `gpu_id`, else `cpu`. Selects the native build that device needs.
 */
export async function chooseDevice(flag: string | undefined, config?: string): Promise<string> {
  const fromConfig = flag === undefined && config !== undefined ? await _configDevice(config) : undefined;
  const device = flag ?? fromConfig ?? "cpu";
  try {
    useNativeBuild(device === "cpu" ? "cpu" : "cuda");
  } catch (e) {
    if (!(e instanceof UsageError) || fromConfig === undefined) throw e;
    throw new UsageError(
      `${config} sets use_gpu: true (device ${fromConfig}); ${e.message}; or run on the CPU with --device cpu`,
    );
  }
  return device;
}

/** The seed's device keys of a hybrid config. */
export interface DeviceKeys {
  use_gpu: boolean;
  gpu_id: string | number;
}

/** The device a hybrid config's `use_gpu` / `gpu_id` name: `cuda:<gpu_id>` or `cpu`. */
export function configDevice(keys: Partial<DeviceKeys>): string {
  return keys.use_gpu === true ? `cuda:${keys.gpu_id ?? 0}` : "cpu";
}

/** The `use_gpu` / `gpu_id` keys that name `device` (the inverse of {@link configDevice}). */
export function deviceKeys(device: string): DeviceKeys {
  const m = /^cuda(?::(\d+))?$/.exec(device);
  return m ? { use_gpu: true, gpu_id: m[1] ?? "0" } : { use_gpu: false, gpu_id: "0" };
}

/** The device the JSON config `file` asks for, if it asks for a GPU; the config loader reports a bad file. */
async function _configDevice(file: string): Promise<string | undefined> {
  let cfg: unknown;
  try {
    cfg = JSON.parse(await Deno.readTextFile(file));
  } catch {
    return undefined;
  }
  const device = configDevice((typeof cfg === "object" && cfg !== null ? cfg : {}) as Partial<DeviceKeys>);
  return device === "cpu" ? undefined : device;
}

/**
 * Reading the instances a command works on: a file or stdin, parsed and validated, never empty.
 * @module
 */

import { Dataset } from "./dataset.ts";
import { UsageError } from "../errors.ts";
import { readInput } from "../read_text.ts";

/**
 * The instances of `path` (stdin when undefined or "-").
 * @throws {UsageError} `no instances in <source>` when there are none (an empty or blank input)
 */
export async function readDataset(path?: string): Promise<Dataset> {
  const ds = await Dataset.parse(await readInput(path));
  if (ds.length === 0) {
    ds.close();
    throw new UsageError(`no instances in ${path && path !== "-" ? path : "stdin"}`);
  }
  return ds;
}

/**
 * Reading the instances a command works on: a file or stdin, parsed and validated, never empty.
 * @module
 */

import { Dataset } from "./dataset.ts";
import { InputError, UsageError } from "../errors.ts";
import { readInput } from "../read_text.ts";

/**
 * The instances of `path` (stdin when undefined or "-").
 * @throws {InputError} naming the line and the field of an invalid instance, and the file when
 *   there is one (`<path>: line 3: …`)
 * @throws {UsageError} `no instances in <source>` when there are none (an empty or blank input)
 */
export async function readDataset(path?: string): Promise<Dataset> {
  const file = path && path !== "-" ? path : undefined;
  let ds: Dataset;
  try {
    ds = await Dataset.parse(await readInput(path));
  } catch (e) {
    if (e instanceof InputError && file) throw new InputError(`${file}: ${e.message}`, e.line, e.field);
    throw e;
  }
  if (ds.length === 0) {
    ds.close();
    throw new UsageError(`no instances in ${file ?? "stdin"}`);
  }
  return ds;
}

/**
 * Reading the instances a command works on: a file or stdin, parsed and validated, never empty.
 * @module
 */

import { Dataset } from "./dataset.ts";
import { InputError, UsageError } from "../errors.ts";
import { readInput } from "../read_text.ts";

/**
 * The instances of `text`, read from `source` (a file name, or undefined for stdin).
 * @throws {InputError} naming the line and the field of an invalid instance, and the file when
 *   there is one (`<path>: line 3: …`)
 * @throws {UsageError} `no instances in <source>` when there are none (an empty or blank input)
 */
export async function parseDataset(text: string, source?: string): Promise<Dataset> {
  let ds: Dataset;
  try {
    ds = await Dataset.parse(text);
  } catch (e) {
    if (e instanceof InputError && source) throw new InputError(`${source}: ${e.message}`, e.line, e.field);
    throw e;
  }
  if (ds.length === 0) {
    ds.close();
    throw new UsageError(`no instances in ${source ?? "stdin"}`);
  }
  return ds;
}

/** The instances of `path` (stdin when undefined or "-"), as {@link parseDataset} checks them. */
export async function readDataset(path?: string): Promise<Dataset> {
  return await parseDataset(await readInput(path), path && path !== "-" ? path : undefined);
}

/**
 * Reading the `model.json` that every trainer saves beside its weights.
 * @module
 */

import { join } from "node:path";
import { UsageError } from "./errors.ts";

/**
 * The parsed `model.json` of the model saved in `dir`.
 * @param writer the command that saves one, for the message (e.g. `keiro glm train --out`)
 * @throws {UsageError} when `dir` has no model.json or it is not a JSON object
 */
export async function readModelJson(dir: string, writer: string): Promise<Record<string, unknown>> {
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`no saved model in ${dir} (no model.json; ${writer} writes one)`);
    }
    if (e instanceof SyntaxError) throw new UsageError(`${dir}/model.json is not JSON: ${e.message}`);
    throw e;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`${dir}/model.json is not a JSON object`);
  }
  return json as Record<string, unknown>;
}

/**
 * Reading text from files or stdin with errors that name the file.
 * @module
 */

import { UsageError } from "./errors.ts";

/** Reads a whole file as UTF-8; a missing file is a usage error naming the path. */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`no such file: ${path}`);
    if (e instanceof Deno.errors.IsADirectory) throw new UsageError(`${path} is a directory, not a file`);
    throw e;
  }
}

/**
 * Reads a config file; a missing or unreadable file is a usage error naming the path (`no such
 * config file: …` / `cannot read config file …`).
 */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`no such config file: ${path}`);
    throw new UsageError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
}

/** Reads `path`, or all of stdin when `path` is undefined or "-". */
export async function readInput(path?: string): Promise<string> {
  if (path && path !== "-") return await readTextFile(path);
  return await new Response(Deno.stdin.readable).text();
}

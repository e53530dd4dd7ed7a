/**
 * Reading text from files or stdin with errors that name the file.
 * @module
 */

import { UsageError } from "./errors.ts";

/** `text` without a leading UTF-8 byte order mark (which editors on Windows write). */
function _withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a whole file as UTF-8 (a leading byte order mark dropped); a missing file is a usage error
 * naming the path.
 */
export async function readTextFile(path: string): Promise<string> {
  try {
    return _withoutBom(await Deno.readTextFile(path));
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
    return _withoutBom(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`no such config file: ${path}`);
    throw new UsageError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
}

/**
 * Reads `path`, or all of stdin when `path` is undefined or "-"; a leading byte order mark is
 * dropped either way (`Response.text()` decodes as the Encoding standard says, which drops it).
 */
export async function readInput(path?: string): Promise<string> {
  if (path && path !== "-") return await readTextFile(path);
  return await new Response(Deno.stdin.readable).text();
}

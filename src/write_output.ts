/**
 * Writing command output: to stdout, or to a file atomically (a temporary file in the same folder
 * renamed into place), so a failed command never leaves a partial file. The file gets the mode of
 * the file it replaces, else the usual mode of a new file (0666 less the umask).
 * @module
 */

import { basename, dirname, join } from "node:path";
import { UsageError } from "./errors.ts";

/** A sink for streamed text output. */
export interface OutputSink {
  /** Appends text. */
  write(text: string): Promise<void>;
  /** Finishes the output (renames the temporary file into place). */
  commit(): Promise<void>;
  /** Drops the output (removes the temporary file). */
  abort(): Promise<void>;
}

const _enc = new TextEncoder();

async function _writeAll(w: { write(p: Uint8Array): Promise<number> }, text: string): Promise<void> {
  const data = _enc.encode(text);
  for (let off = 0; off < data.length;) off += await w.write(data.subarray(off));
}

/** The permission bits of the file at `path`, or undefined when there is none (or no modes). */
async function _modeOf(path: string): Promise<number | undefined> {
  try {
    const mode = (await Deno.stat(path)).mode;
    return mode === null ? undefined : mode & 0o7777;
  } catch {
    return undefined;
  }
}

/**
 * Creates the temporary file for `path` beside it: created like a new file (0666 less the umask),
 * then given the mode of the file it will replace, if any.
 */
async function _createTemp(path: string): Promise<[string, Deno.FsFile]> {
  const tmp = join(dirname(path), `.keiro-${basename(path)}-${crypto.randomUUID().slice(0, 8)}.tmp`);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o666 });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UsageError(`cannot write ${path}: no such directory ${dirname(path)}`);
    }
    throw e;
  }
  const mode = await _modeOf(path);
  if (mode !== undefined) await Deno.chmod(tmp, mode);
  return [tmp, file];
}

/** Opens `path` (atomic) or stdout when `path` is undefined or "-". */
export async function openOutput(path?: string): Promise<OutputSink> {
  if (!path || path === "-") {
    return { write: (t) => _writeAll(Deno.stdout, t), commit: async () => {}, abort: async () => {} };
  }
  const [tmp, file] = await _createTemp(path);
  let closed = false;
  const close = () => {
    if (!closed) file.close();
    closed = true;
  };
  return {
    write: (t) => _writeAll(file, t),
    commit: async () => {
      close();
      await Deno.rename(tmp, path);
    },
    abort: async () => {
      close();
      await Deno.remove(tmp).catch(() => {});
    },
  };
}

/** Writes `text` to `path` (atomic) or stdout. */
export async function writeOutput(path: string | undefined, text: string): Promise<void> {
  const out = await openOutput(path);
  try {
    await out.write(text);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

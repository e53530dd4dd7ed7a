/**
 * Writing command output: to stdout, or to a file atomically (a temporary file in the same folder
 * renamed into place), so a failed command never leaves a partial file. The file gets the mode of
 * the file it replaces, else the usual mode of a new file (0666 less the umask).
 *
 * The temporary file of output `<name>` is `.keiro-<name>-<pid>-<8 hex digits>.tmp`, `<pid>` being
 * the writing process. A process killed while writing (kill -9, a power cut) leaves it behind, and the
 * output itself untouched; the next write to the same output removes every such file whose process no
 * longer runs. (One whose pid was reused by a running process stays until that process ends.)
 * @module
 */

import { basename, dirname, join, resolve } from "node:path";
import process from "node:process";
import { UsageError } from "./errors.ts";

/** A sink for streamed text output. */
export interface OutputSink {
  /** Appends text (UTF-8) or bytes. */
  write(data: string | Uint8Array): Promise<void>;
  /** Finishes the output (renames the temporary file into place). */
  commit(): Promise<void>;
  /** Drops the output (removes the temporary file). */
  abort(): Promise<void>;
}

const _enc = new TextEncoder();

async function _writeAll(
  w: { write(p: Uint8Array): Promise<number> },
  content: string | Uint8Array,
): Promise<void> {
  const data = typeof content === "string" ? _enc.encode(content) : content;
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

/** What is at `path`, or undefined when nothing is. */
async function _statOf(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return undefined;
    throw e;
  }
}

/**
 * Checks that output file `path` can be written (its folder is there and it is not a folder): a
 * usage error naming it otherwise. Nothing is created.
 */
export async function checkOutputFile(path: string): Promise<void> {
  const dir = await _statOf(dirname(path));
  if (dir === undefined) throw new UsageError(`cannot write ${path}: no such directory ${dirname(path)}`);
  if (!dir.isDirectory) throw new UsageError(`cannot write ${path}: ${dirname(path)} is not a directory`);
  if ((await _statOf(path))?.isDirectory) throw new UsageError(`cannot write ${path}: it is a directory`);
}

/**
 * Checks, before any work, that output folder `dir` is a folder or can be made one (`flag` names
 * it): a usage error otherwise. Nothing is created.
 */
export async function checkOutputDir(dir: string, flag: string): Promise<void> {
  for (let d = resolve(dir);; d = dirname(d)) {
    const info = await _statOf(d);
    if (info === undefined && d !== dirname(d)) continue;
    if (!info?.isDirectory) throw new UsageError(`${flag} ${dir}: ${d} is not a directory`);
    return;
  }
}

/** Whether process `pid` runs (or may run: without the permission to ask, it counts as running). */
function _running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== "ESRCH";
  }
}

/** Removes the temporary files of `path` whose writing process no longer runs; best effort. */
async function _removeStale(path: string): Promise<void> {
  const dir = dirname(path), prefix = `.keiro-${basename(path)}-`;
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = e.isFile && e.name.startsWith(prefix)
        ? /^(\d+)-[0-9a-f]{8}\.tmp$/.exec(e.name.slice(prefix.length))
        : null;
      if (m && !_running(Number(m[1]))) await Deno.remove(join(dir, e.name)).catch(() => {});
    }
  } catch {
    // an unreadable folder: nothing to clean
  }
}

/**
 * Creates the temporary file for `path` beside it, after removing stale ones: created like a new file
 * (0666 less the umask), then given the mode of the file it will replace, if any.
 */
async function _createTemp(path: string): Promise<[string, Deno.FsFile]> {
  await checkOutputFile(path);
  await _removeStale(path);
  const tmp = join(
    dirname(path),
    `.keiro-${basename(path)}-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o666 });
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

/** Writes `content` (text as UTF-8, or bytes) to `path` (atomic) or stdout. */
export async function writeOutput(path: string | undefined, content: string | Uint8Array): Promise<void> {
  const out = await openOutput(path);
  try {
    await out.write(content);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/**
 * Writing command output: to stdout, or to a file atomically (a temporary file in the same folder
 * renamed into place), so a failed command never leaves a partial file.
 * @module
 */

import { dirname } from "node:path";

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

/** Opens `path` (atomic) or stdout when `path` is undefined or "-". */
export async function openOutput(path?: string): Promise<OutputSink> {
  if (!path || path === "-") {
    return { write: (t) => _writeAll(Deno.stdout, t), commit: async () => {}, abort: async () => {} };
  }
  const tmp = await Deno.makeTempFile({ dir: dirname(path), prefix: ".keiro-", suffix: ".tmp" });
  const file = await Deno.open(tmp, { write: true, truncate: true });
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

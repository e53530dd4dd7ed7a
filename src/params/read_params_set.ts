/**
 * Reading a folder of images for `keiro params train`, `predict` and `loop`.
 * @module
 */

import { join } from "node:path";
import { InputError, UsageError } from "../errors.ts";
import { decodePng } from "./decode_png.ts";
import type { RgbImage } from "./rgb_image.ts";

/** A folder's images and, when it has a `params.jsonl`, their parameters. */
export interface ParamsSet {
  /** Image ids (file names without `.png`), in the order of `params.jsonl` or sorted. */
  ids: string[];
  /** The images, all of one size. */
  images: RgbImage[];
  /** The `params.jsonl` records in the order of `ids`, or null without the file. */
  records: Record<string, unknown>[] | null;
  /** The path of the folder's `params.jsonl` (named in errors about its records). */
  source: string;
}

async function _readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Parses `params.jsonl` (`file` names it): one object with a string `id` per non-empty line. */
function _records(text: string, file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`, i + 1);
    }
    if (typeof r !== "object" || r === null || Array.isArray(r)) {
      throw new InputError(`${file}:${i + 1}: a record must be a JSON object`, i + 1);
    }
    const id = (r as Record<string, unknown>).id;
    if (typeof id !== "string" || !/^[\w.-]+$/.test(id) || seen.has(id)) {
      throw new InputError(
        `${file}:${i + 1}: id must be a unique file name without .png (letters, digits, _ . -), got ${
          JSON.stringify(id)
        }`,
        i + 1,
        "id",
      );
    }
    seen.add(id);
    out.push(r as Record<string, unknown>);
  });
  return out;
}

/**
 * Reads the folder `dir`: the images listed by its `params.jsonl` (with their records), or every
 * `*.png` in it (sorted by name) when there is none.
 * @throws {UsageError} when `dir` is not a folder or holds no image
 * @throws {InputError} naming the file (and line and field) for a bad record, a missing or bad PNG,
 *   or images of different sizes
 */
export async function readParamsSet(dir: string): Promise<ParamsSet> {
  try {
    if (!(await Deno.stat(dir)).isDirectory) throw new UsageError(`${dir} is not a folder of images`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`no such folder: ${dir}`);
    throw e;
  }
  const listFile = join(dir, "params.jsonl");
  const text = await _readOrUndefined(listFile);
  const records = text === undefined ? null : _records(text, listFile);
  const ids = records ? records.map((r) => r.id as string) : [];
  if (!records) {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".png")) ids.push(e.name.slice(0, -4));
    }
    ids.sort();
  }
  if (ids.length === 0) throw new UsageError(`${dir} has no images (no params.jsonl records, no .png files)`);
  const images: RgbImage[] = [];
  for (const [i, id] of ids.entries()) {
    const file = join(dir, `${id}.png`);
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      throw new InputError(`${listFile}:${i + 1}: no image ${file} for id ${id}`, i + 1, "id");
    }
    const im = decodePng(bytes, file);
    if (images.length > 0 && (im.width !== images[0].width || im.height !== images[0].height)) {
      throw new InputError(
        `${file}: ${im.width}×${im.height} px, but ${ids[0]}.png is ${images[0].width}×${
          images[0].height
        }; all images must have one size`,
      );
    }
    images.push(im);
  }
  return { ids, images, records, source: listFile };
}

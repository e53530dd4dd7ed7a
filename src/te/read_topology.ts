/**
 * Reads a topology file in any importable format, chosen by `format` or by the file extension
 * (`.xml` SNDlib, `.json` node-link, `.graph` Repetita, `.gml` GML).
 * @module
 */

import { UsageError } from "../errors.ts";
import { readGml } from "./importers/gml.ts";
import { readNodeLink } from "./importers/nodelink.ts";
import { readRepetitaGraph } from "./importers/repetita.ts";
import { readSndlibNetwork } from "./importers/sndlib.ts";
import type { Topology } from "./topology.ts";
import { readTextFile } from "../read_text.ts";

/** The import formats. */
export const TE_FORMATS = ["sndlib", "nodelink", "repetita", "dote", "gml"] as const;
/** One of {@link TE_FORMATS}. */
export type TeFormat = typeof TE_FORMATS[number];

const BY_EXTENSION: Record<string, TeFormat> = {
  xml: "sndlib",
  json: "nodelink",
  graph: "repetita",
  gml: "gml",
};

/** The format of `path` from its extension. */
export function formatOf(path: string): TeFormat {
  const ext = path.split(".").pop()?.toLowerCase() ?? "";
  const f = BY_EXTENSION[ext];
  if (!f) {
    throw new UsageError(
      `cannot tell the format of ${path} from its extension; expected one of .${
        Object.keys(BY_EXTENSION).join(", .")
      }`,
    );
  }
  return f;
}

/** Reads the topology in `path`. */
export async function readTopology(path: string, format: TeFormat = formatOf(path)): Promise<Topology> {
  const text = await readTextFile(path);
  switch (format) {
    case "sndlib":
      return readSndlibNetwork(text, path);
    case "repetita":
      return readRepetitaGraph(text, path);
    case "gml":
      return readGml(text, path);
    case "nodelink":
    case "dote":
      return readNodeLink(text, path);
  }
}

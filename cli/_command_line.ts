/**
 * The command line as typed, for the results files that record how they were made.
 * @module
 */

import type { SubCommand } from "./_sub_command.ts";

/** `keiro …` as typed (from the root command's raw arguments), arguments quoted where needed. */
export function commandLine(cmd: SubCommand): string {
  let root: SubCommand = cmd;
  while (root.parent) root = root.parent;
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? Deno.args;
  return ["keiro", ...raw].map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

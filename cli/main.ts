/**
 * The keiro command line: `deno run -A cli/main.ts <command>` or `deno task keiro <command>`.
 *
 * One handler maps errors to exit codes: usage and input errors exit 2, everything else 1, and
 * only the message is printed (`error: ...`), never a stack trace.
 * @module
 */

import { Command, CommanderError } from "commander";
import { InputError, KeiroError, UsageError } from "../src/errors.ts";
import { compareCommand } from "./compare.ts";
import { evalCommand } from "./eval.ts";
import { fuseCommand } from "./fuse.ts";
import { genCommand } from "./gen.ts";
import { glmCommand } from "./glm.ts";
import { importCommand } from "./import.ts";
import { paramsCommand } from "./params.ts";
import { plotCommand } from "./plot.ts";
import { routeCommand } from "./route.ts";
import { solveCommand } from "./solve.ts";
import { trainCommand } from "./train.ts";
import { tuneCommand } from "./tune.ts";

/** Builds the program with every subcommand. */
export function program(): Command {
  const p = new Command("keiro")
    .description("keiro — graph learning research toolkit: learned and exact traffic engineering")
    .version("0.1.0")
    .addHelpText("after", "\nExample:\n  keiro gen te --count 20 --commodities 20 | keiro compare");
  for (
    const c of [
      genCommand(),
      importCommand(),
      solveCommand(),
      evalCommand(),
      compareCommand(),
      plotCommand(),
      trainCommand(),
      routeCommand(),
      tuneCommand(),
      glmCommand(),
      fuseCommand(),
      paramsCommand(),
    ]
  ) {
    p.addCommand(c);
  }
  // commander's messages (a suggestion included) on the one line every error gets, with the hint
  const outputError = (message: string, write: (s: string) => void) =>
    write(`${message.trim().replace(/\s*\n\s*/g, " ")} (run with --help for usage)\n`);
  const strict = (c: Command) => {
    c.exitOverride().configureOutput({ outputError });
    c.commands.forEach((s) => strict(s as Command));
  };
  strict(p);
  return p;
}

/** Runs the CLI on `args` and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    await program().parseAsync(args, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2; // commander already printed the message
    }
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`error: ${msg}`);
    if (e instanceof UsageError || e instanceof InputError) return 2;
    if (!(e instanceof KeiroError) && Deno.env.get("KEIRO_DEBUG")) console.error(e);
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

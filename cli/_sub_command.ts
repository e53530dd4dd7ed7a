/**
 * The type of a subcommand as main.ts registers it (commander's typed arguments and options
 * differ per command, so they are erased here).
 * @module
 */

import type { Command } from "commander";

// deno-lint-ignore no-explicit-any
export type SubCommand = Command<any, any, any>;

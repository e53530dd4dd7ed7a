/**
 * What every benchmark records beside its numbers: the exact command line, the commit, the
 * machine and the time.
 * @module
 */

/** Provenance of a benchmark run. */
export interface BenchEnv {
  command: string;
  commit: string;
  dirty: boolean;
  machine: { cpu: string; cores: number; memory_gib: number; os: string };
  date: string;
  deno: string;
}

function _sh(cmd: string[]): string {
  try {
    const out = new Deno.Command(cmd[0], { args: cmd.slice(1), stdout: "piped", stderr: "null" })
      .outputSync();
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return "";
  }
}

/** Collects the provenance of this run. */
export function benchEnv(): BenchEnv {
  const cpuinfo = (() => {
    try {
      return Deno.readTextFileSync("/proc/cpuinfo");
    } catch {
      return "";
    }
  })();
  return {
    command: [
      "deno",
      "run",
      "-A",
      new URL(Deno.mainModule).pathname.replace(Deno.cwd() + "/", ""),
      ...Deno.args,
    ].join(" "),
    // KEIRO_COMMIT: where the checkout has no git (a copy carried to a GPU machine).
    commit: _sh(["git", "rev-parse", "HEAD"]) || Deno.env.get("KEIRO_COMMIT") || "unknown",
    dirty: _sh(["git", "status", "--porcelain", "--untracked-files=no"]) !== "",
    machine: {
      cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? Deno.build.arch,
      cores: navigator.hardwareConcurrency,
      memory_gib: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
      os: `${Deno.build.os} ${Deno.osRelease()}`,
    },
    date: new Date().toISOString(),
    deno: Deno.version.deno,
  };
}

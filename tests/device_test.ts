/**
 * `--device` without the CUDA build: one clear line and exit 2, never a silent run on the CPU.
 * @module
 */

import assert from "node:assert/strict";
import { keiro } from "./_cli.ts";
import { locateNative } from "../src/native.ts";

/** An empty target directory: no CUDA build in it (CI has none either). */
const NO_BUILDS = { CARGO_TARGET_DIR: Deno.makeTempDirSync({ prefix: "keiro-no-builds-" }) };

/** The error line of a run that must fail with exit 2. */
function _usageLine(r: { code: number; stdout: string; stderr: string }): string {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  return lines[0];
}

Deno.test("--device cuda without the CUDA build names the build and the command that makes it", async () => {
  for (
    const args of [
      ["route", "--model", "runs/none", "--device", "cuda"],
      ["glm", "train", "csv:none.csv", "--device", "cuda:1"],
      ["fuse", "train", "--mode", "gnn", "--target", "t", "--device", "cuda"],
    ]
  ) {
    const line = _usageLine(await keiro(args, "", NO_BUILDS));
    assert.match(line, /CUDA build/, line);
    assert.match(line, /bash scripts\/install\.sh cuda/, line);
  }
});

Deno.test("a config with use_gpu: true asks for the GPU, and --device cpu overrides it", async () => {
  const line = _usageLine(
    await keiro(
      ["train", "--config", "configs/seed/hybrid_base.json", "--out", "/nonexistent/run"],
      "",
      NO_BUILDS,
    ),
  );
  assert.match(line, /hybrid_base\.json sets use_gpu: true \(device cuda:0\)/, line);
  assert.match(line, /--device cpu/, line);
  // --device cpu overrides it, and the run's resolved config (written before the data is made) says so.
  const out = Deno.makeTempDirSync({ prefix: "keiro-device-" });
  const args = [
    "train",
    "--config",
    "configs/seed/hybrid_base.json",
    "--device",
    "cpu",
    "--out",
    `${out}/run`,
  ];
  const r = await keiro([...args, "--train", `${out}/missing.jsonl`, "-q"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no such file: .*missing\.jsonl/);
  assert.doesNotMatch(r.stderr, /CUDA|use_gpu/);
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "cli/main.ts", ...args, "-q"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const config = `${out}/run/config.json`;
  let saved: { use_gpu: boolean; gpu_id: string } | undefined;
  for (let t = 0; t < 300 && saved === undefined; t++) {
    saved = await Deno.readTextFile(config).then((s) => JSON.parse(s), () => undefined);
    if (saved === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  p.kill("SIGKILL");
  const end = await p.output();
  assert.ok(saved, new TextDecoder().decode(end.stderr));
  assert.deepEqual([saved.use_gpu, saved.gpu_id], [false, "0"]);
  Deno.removeSync(out, { recursive: true });
});

Deno.test("the CPU-only library refuses a CUDA device itself, by name", async () => {
  const csv = Deno.makeTempFileSync({ suffix: ".csv" });
  Deno.writeTextFileSync(csv, "0,1,2\n0,1.5,2\n0,1.2,2\n1,5,6\n1,5.5,6\n1,5.1,6\n");
  const args = ["glm", "train", `csv:${csv}`, "--label-column", "0", "--split", "1:1", "--graph", "none"];
  const r = await keiro([...args, "--device", "cuda:1"], "", { KEIRO_LIB: locateNative("cpu").path });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  const last = r.stderr.trim().split("\n").at(-1)!;
  assert.match(
    last,
    /^error: device cuda:1 needs keiro's CUDA build; this library is the CPU-only build/,
    last,
  );
  const bad = await keiro([...args, "--device", "gpu"]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /^error: option '--device <d>' argument 'gpu' is invalid\. expected cpu, cuda or cuda:N/,
  );
  Deno.removeSync(csv);
});

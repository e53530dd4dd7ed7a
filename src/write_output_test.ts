import assert from "node:assert/strict";
import { UsageError } from "./errors.ts";
import { writeOutput } from "./write_output.ts";

const modeOf = async (path: string) => (await Deno.stat(path)).mode! & 0o777;

Deno.test({
  name: "writeOutput: a new file gets the umask's mode, a replaced file keeps its mode",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/plain`, "x"); // created as any new file is: 0666 less the umask
    await writeOutput(`${dir}/new.txt`, "a\n");
    assert.equal(await modeOf(`${dir}/new.txt`), await modeOf(`${dir}/plain`));
    assert.equal(await Deno.readTextFile(`${dir}/new.txt`), "a\n");
    for (const mode of [0o644, 0o640, 0o600]) {
      await Deno.chmod(`${dir}/new.txt`, mode);
      await writeOutput(`${dir}/new.txt`, "b\n");
      assert.equal(await modeOf(`${dir}/new.txt`), mode);
    }
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["new.txt", "plain"]);
  },
});

Deno.test("writeOutput: a missing directory is a usage error naming the path", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => writeOutput(`${dir}/nope/out.jsonl`, "x"),
    (e: Error) =>
      e instanceof UsageError &&
      e.message === `cannot write ${dir}/nope/out.jsonl: no such directory ${dir}/nope`,
  );
});

import assert from "node:assert/strict";
import { configDevice, DEVICE_SPELLING, deviceKeys } from "./device.ts";

Deno.test("device: use_gpu / gpu_id name the device and back", () => {
  assert.equal(configDevice({ use_gpu: false, gpu_id: "3" }), "cpu");
  assert.equal(configDevice({}), "cpu");
  assert.equal(configDevice({ use_gpu: true, gpu_id: "0" }), "cuda:0");
  assert.equal(configDevice({ use_gpu: true, gpu_id: 2 }), "cuda:2");
  assert.equal(configDevice({ use_gpu: true }), "cuda:0");
  for (const d of ["cpu", "cuda:0", "cuda:5"]) assert.equal(configDevice(deviceKeys(d)), d);
  assert.equal(configDevice(deviceKeys("cuda")), "cuda:0");
});

Deno.test("device: the spellings --device accepts", () => {
  for (const ok of ["cpu", "cuda", "cuda:0", "cuda:12"]) assert.ok(DEVICE_SPELLING.test(ok), ok);
  for (const bad of ["gpu", "CUDA", "cuda:", "cuda:x", "cuda:-1", "cpu:0", ""]) {
    assert.ok(!DEVICE_SPELLING.test(bad), bad);
  }
});

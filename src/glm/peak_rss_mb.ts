/**
 * Peak resident memory of this process.
 * @module
 */

/**
 * Peak resident set size of this process in MB (2^20 bytes): `VmHWM` of `/proc/self/status` (the
 * high-water mark since the process started, native allocations included). Where that file is
 * unavailable (not Linux), the current `Deno.memoryUsage().rss`, which is a lower bound.
 */
export function peakRssMb(): number {
  try {
    const m = /^VmHWM:\s*(\d+)\s*kB/m.exec(Deno.readTextFileSync("/proc/self/status"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Deno.memoryUsage().rss / 2 ** 20;
}

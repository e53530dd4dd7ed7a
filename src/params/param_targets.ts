/**
 * The targets a params model regresses, their kinds, and their encoding: counts and reals are
 * z-scored, angles become (cos, sin) and come back through atan2 (the meeting notes' v3).
 * @module
 */

import { InputError, UsageError } from "../errors.ts";
import { decodeAngle, encodeAngle } from "../losses/angle_target.ts";
import { ZScore } from "../losses/z_score.ts";

/** How a target is encoded and scored. */
export type TargetKind = "count" | "angle" | "real";

/** One regression target: a numeric field of `params.jsonl` and its kind. */
export interface ParamTarget {
  name: string;
  kind: TargetKind;
}

/** The kinds of the generator's parameters (a target named otherwise needs `name:kind`). */
const _DEFAULT_KINDS: Record<string, TargetKind> = {
  circles: "count",
  dips: "count",
  hue: "angle",
  radius: "real",
  stroke: "real",
  noise: "real",
};

/**
 * Parses `--targets`: comma-separated `name` or `name:kind` (kind count, angle or real; the
 * generator's parameters have default kinds: circles and dips count, hue angle, the rest real).
 * @throws {UsageError} on an empty list, a repeated name, an unknown kind, or a name without a
 *   default kind given without one
 */
export function parseParamTargets(spec: string): ParamTarget[] {
  const out: ParamTarget[] = [];
  for (const part of spec.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const [name, kind = _DEFAULT_KINDS[name]] = part.split(":");
    if (kind !== "count" && kind !== "angle" && kind !== "real") {
      throw new UsageError(
        `bad target '${part}': give name:kind with kind count, angle or real (defaults: ${
          Object.entries(_DEFAULT_KINDS).map(([n, k]) => `${n}:${k}`).join(", ")
        })`,
      );
    }
    if (out.some((t) => t.name === name)) throw new UsageError(`target '${name}' is given twice`);
    out.push({ name, kind });
  }
  if (out.length === 0) throw new UsageError("give at least one target, e.g. --targets circles,dips,hue");
  return out;
}

/** The numbers of field `name` of `records` (`file` names the list in errors, lines 1-based). */
export function targetValues(
  records: readonly Record<string, unknown>[],
  name: string,
  file: string,
): Float64Array {
  return Float64Array.from(records, (r, i) => {
    const v = r[name];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new InputError(
        `${file}:${i + 1}: ${name} must be a number, got ${JSON.stringify(v)}`,
        i + 1,
        name,
      );
    }
    return v;
  });
}

/** The saved form of a {@link TargetCodec}. */
export interface TargetCodecJson {
  targets: ParamTarget[];
  /** z-score of each count or real target, by name. */
  scales: Record<string, { mean: number; std: number }>;
}

/** Encodes target values into the model's `[N, K]` columns and decodes predictions back. */
export class TargetCodec {
  /** The targets, in head order. */
  readonly targets: readonly ParamTarget[];
  readonly #scales: Map<string, ZScore>;

  /** A codec with known z-scores (one per count or real target). */
  constructor(json: TargetCodecJson) {
    this.targets = json.targets;
    this.#scales = new Map(Object.entries(json.scales).map(([n, s]) => [n, new ZScore(s.mean, s.std)]));
  }

  /** A codec whose z-scores are fitted to `values` (by target name) at the rows `fitRows`. */
  static fit(
    targets: readonly ParamTarget[],
    values: Record<string, Float64Array>,
    fitRows: readonly number[],
  ): TargetCodec {
    const scales: TargetCodecJson["scales"] = {};
    for (const t of targets) {
      if (t.kind !== "angle") scales[t.name] = ZScore.fit(fitRows.map((r) => values[t.name][r])).toJSON();
    }
    return new TargetCodec({ targets: [...targets], scales });
  }

  /** Output columns of each head: 2 for an angle, else 1. */
  heads(): number[] {
    return this.targets.map((t) => (t.kind === "angle" ? 2 : 1));
  }

  /** The `[N, K]` encoded columns of `values` (by target name, N each). */
  encode(values: Record<string, Float64Array>): Float32Array {
    const k = this.heads().reduce((a, b) => a + b, 0), n = values[this.targets[0].name].length;
    const out = new Float32Array(n * k);
    let col = 0;
    for (const t of this.targets) {
      if (t.kind === "angle") {
        const { cos, sin } = encodeAngle(values[t.name], { degrees: true });
        for (let i = 0; i < n; i++) [out[i * k + col], out[i * k + col + 1]] = [cos[i], sin[i]];
        col += 2;
      } else {
        const z = this.#scales.get(t.name)!.transform(values[t.name]);
        for (let i = 0; i < n; i++) out[i * k + col] = z[i];
        col += 1;
      }
    }
    return out;
  }

  /**
   * Predicted values by target name from encoded rows `[n][K]`: counts rounded to the nearest
   * non-negative integer, angles in degrees in [0, 360), reals as predicted.
   */
  decode(rows: readonly number[][]): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {};
    let col = 0;
    for (const t of this.targets) {
      const c = col;
      if (t.kind === "angle") {
        const deg = decodeAngle(rows.map((r) => r[c]), rows.map((r) => r[c + 1]), { degrees: true });
        out[t.name] = deg.map((d) => (d + 360) % 360);
        col += 2;
      } else {
        const x = this.#scales.get(t.name)!.inverse(rows.map((r) => r[c]));
        out[t.name] = t.kind === "count" ? x.map((v) => Math.max(0, Math.round(v))) : x;
        col += 1;
      }
    }
    return out;
  }

  /** `{targets, scales}`, for saving with a model; `new TargetCodec(json)` restores it. */
  toJSON(): TargetCodecJson {
    const scales: TargetCodecJson["scales"] = {};
    for (const [n, s] of this.#scales) scales[n] = s.toJSON();
    return { targets: [...this.targets], scales };
  }
}

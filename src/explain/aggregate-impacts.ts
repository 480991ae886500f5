// The Aggregate of impact scores over a scope (one series' explained points, or every explained point): how much
// an attribute moves the forecast and which way, so that "twice the score" means "twice the impact" and the sign
// says whether the attribute raises or lowers the forecast.
//
// The signed mean of Shapley values does neither: a driver that pushes forecasts both ways around its baseline
// (a price above and below its average) averages to about zero, whatever its size, and the sign of what remains
// is noise. So the aggregate is split in two:
//   magnitude = mean |raw| over the scope's points (a size in target units, comparable across attributes);
//   direction = the sign of the attribute's effect:
//     numeric     — as its value rises: the sign of Σ raw·(value − baseline), the slope of the raw impact against
//                   the value's distance from its baseline, fitted through (baseline, 0) where a Shapley value is 0;
//     categorical — when it differs from its baseline: the sign of Σ raw over the points where value ≠ baseline
//                   (a holiday calendar is categorical with baseline 0, "no holiday": the direction on holidays).
//   signed = direction · magnitude; normalized = signed / the row's largest magnitude, in [−1, 1].
// When the direction statistic is exactly 0 (values missing, or every point at its baseline while raw ≠ 0, which
// exact Shapley values do not produce) the sign of Σ raw decides; with that 0 too the attribute counts as raising.

import { maxAbs } from "./normalize.js";

/** How an attribute's direction is read: along its value (numeric) or against its baseline (categorical). */
export type AttributeKind = "numeric" | "categorical";

export interface AggregateImpacts {
  /** Mean |raw| per attribute over the scope's points, in target units (≥ 0). */
  magnitude: Float64Array;
  /** +1 raises the forecast, −1 lowers it, 0 when the magnitude is 0. */
  direction: Int8Array;
  /** direction · magnitude, in target units: what the export's aggregate RawImpactScore holds. */
  signed: Float64Array;
  /** signed / max magnitude of the row; all 0 when every magnitude is 0. */
  normalized: Float64Array;
  /** Points accumulated. */
  points: number;
}

function differs(value: number, baseline: number): boolean {
  if (Number.isNaN(value)) return !Number.isNaN(baseline);
  return value !== baseline;
}

/**
 * Accumulates points of one scope and gives its aggregate. Points come one at a time (the export is written as
 * a stream), each with the raw impacts of its k attributes, the attributes' values at that point and their
 * baselines (what an "absent" attribute is held at when the Shapley values are computed).
 */
export class ImpactAggregator {
  private readonly sumAbs: Float64Array;
  private readonly sumRaw: Float64Array;
  private readonly directional: Float64Array;
  private count = 0;

  constructor(readonly kinds: readonly AttributeKind[]) {
    const k = kinds.length;
    this.sumAbs = new Float64Array(k);
    this.sumRaw = new Float64Array(k);
    this.directional = new Float64Array(k);
  }

  /** One point: raw[a], value[a], baseline[a] for each attribute a (value/baseline NaN where unknown). */
  add(raw: ArrayLike<number>, value: ArrayLike<number>, baseline: ArrayLike<number>): void {
    const k = this.kinds.length;
    for (let a = 0; a < k; a++) {
      const r = raw[a] as number;
      if (!Number.isFinite(r)) throw new RangeError("raw impact scores must be finite");
      this.sumAbs[a] += Math.abs(r);
      this.sumRaw[a] += r;
      const x = value[a] as number;
      const b = baseline[a] as number;
      if (this.kinds[a] === "numeric") {
        const d = x - b;
        if (Number.isFinite(d)) this.directional[a] += r * d;
      } else if (differs(x, b)) {
        this.directional[a] += r;
      }
    }
    this.count++;
  }

  /** A point whose forecast uses no attribute: every raw impact is 0 (counts toward the means). */
  addZero(): void {
    this.count++;
  }

  result(): AggregateImpacts {
    const k = this.kinds.length;
    const magnitude = new Float64Array(k);
    const direction = new Int8Array(k);
    const signed = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      const m = this.count > 0 ? (this.sumAbs[a] as number) / this.count : 0;
      magnitude[a] = m;
      if (m === 0) continue;
      const d = this.directional[a] as number;
      const fallback = this.sumRaw[a] as number;
      direction[a] = d !== 0 ? Math.sign(d) : fallback !== 0 ? Math.sign(fallback) : 1;
      signed[a] = direction[a] * m;
    }
    const top = maxAbs(magnitude);
    const normalized = new Float64Array(k);
    if (top > 0) for (let a = 0; a < k; a++) normalized[a] = (signed[a] as number) / top;
    return { magnitude, direction, signed, normalized, points: this.count };
  }
}

/** The aggregate of a whole scope at once: raw, values and baselines row-major, points × kinds.length. */
export function aggregateImpacts(
  kinds: readonly AttributeKind[],
  raw: ArrayLike<number>,
  values: ArrayLike<number>,
  baselines: ArrayLike<number>,
): AggregateImpacts {
  const k = kinds.length;
  if (raw.length !== values.length || raw.length !== baselines.length || (k > 0 && raw.length % k !== 0))
    throw new RangeError("raw, values and baselines must all be points × attributes long");
  const agg = new ImpactAggregator(kinds);
  const view = (a: ArrayLike<number>, p: number) => Array.prototype.slice.call(a, p * k, (p + 1) * k);
  const n = k > 0 ? raw.length / k : 0;
  for (let p = 0; p < n; p++) agg.add(view(raw, p), view(values, p), view(baselines, p));
  return agg.result();
}

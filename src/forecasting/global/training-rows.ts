// Which (series, origin, step) rows the model trains on. Every origin in a series' history with every step
// whose target is known is a candidate; when there are more than the budget, each series gets a share
// proportional to its candidates (as window samplers of global models do) and draws that many, seeded.

import { createRng, type Rng, randomInt } from "../rng.js";
import type { RowRefs } from "./features.js";
import type { SeriesContext } from "./series-context.js";

export interface SamplingOptions {
  horizon: number;
  /** Earliest origin: a few points of history before the first target make the lags worth something. */
  minOrigin: number;
  maxRows: number;
  seed: number;
}

/** Candidate rows of one series: origins [first, end) × steps [0, horizon) with origin + step < end. */
function candidateCount(first: number, end: number, horizon: number): number {
  let c = 0;
  for (let t = first; t < end; t++) c += Math.min(horizon, end - t);
  return c;
}

export function sampleTrainingRows(contexts: readonly SeriesContext[], o: SamplingOptions): RowRefs {
  const rng = createRng(o.seed);
  const H = o.horizon;
  const firsts = contexts.map((c) => Math.max(1, Math.min(o.minOrigin, c.end - 1)));
  const counts = contexts.map((c, i) => (c.end >= 2 ? candidateCount(firsts[i], c.end, H) : 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const fraction = total > o.maxRows ? o.maxRows / total : 1;
  const series: number[] = [];
  const origin: number[] = [];
  const step: number[] = [];
  let budget = o.maxRows;
  contexts.forEach((ctx, i) => {
    if (counts[i] === 0 || budget <= 0) return;
    // Stochastic rounding keeps the expected share exact for short series too.
    const want = Math.min(budget, counts[i], Math.floor(counts[i] * fraction + (fraction < 1 ? rng() : 0)));
    const codes = drawCodes(firsts[i], ctx.end, H, counts[i], want, rng);
    const y = ctx.series.target;
    for (const code of codes) {
      const t0 = Math.floor(code / H);
      const s = code - t0 * H;
      if (Number.isNaN(y[t0 + s])) continue;
      series.push(i);
      origin.push(t0);
      step.push(s);
    }
    budget -= want;
  });
  return { series: Int32Array.from(series), origin: Int32Array.from(origin), step: Int32Array.from(step) };
}

/** `want` distinct candidates of one series, each coded origin·H + step, in ascending order. */
function drawCodes(
  first: number,
  end: number,
  H: number,
  count: number,
  want: number,
  rng: Rng,
): Float64Array {
  if (want * 3 >= count) {
    // Dense: list every candidate and shuffle the first `want` into place (partial Fisher–Yates).
    const all = new Float64Array(count);
    let k = 0;
    for (let t = first; t < end; t++) for (let s = 0; s < H && t + s < end; s++) all[k++] = t * H + s;
    for (let i = 0; i < want; i++) {
      const j = i + randomInt(rng, count - i);
      const tmp = all[i];
      all[i] = all[j];
      all[j] = tmp;
    }
    return all.subarray(0, want).sort();
  }
  // Sparse: rejection from the origin × step rectangle; the triangle past the history's end is refused.
  const seen = new Set<number>();
  const span = end - first;
  while (seen.size < want) {
    const t = first + randomInt(rng, span);
    const s = randomInt(rng, H);
    if (t + s < end) seen.add(t * H + s);
  }
  return Float64Array.from(seen).sort();
}

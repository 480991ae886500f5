// How faithful an explainability's aggregates are to data with known drivers (driver-data.ts generateEffectData):
// the true aggregate over the explained points, the rank correlation of the reported magnitudes with it, and the
// share of right signs. Shared by the fidelity test and bench/explain/fidelity-bench.ts.

import type { EffectData } from "./driver-data.js";

export type ExportRow = Record<string, unknown>;

/** Which point of the generated data an export row stands for: series index and time index. */
export function pointOf(data: EffectData, row: ExportRow): { series: number; t: number } {
  const series = Number(String(row.item_id).replace(/^item_/, ""));
  const stamp = String(row.timestamp).slice(0, 10);
  const t = data.timestamps.findIndex((ms) => new Date(ms).toISOString().slice(0, 10) === stamp);
  if (!Number.isInteger(series) || t < 0)
    throw new Error(`no generated point for ${row.item_id} ${row.timestamp}`);
  return { series, t };
}

/** The true mean |impact| per attribute over the explained point rows, against the forecast at `origin`. */
export function trueMagnitudes(data: EffectData, pointRows: readonly ExportRow[], origin: number): number[] {
  const sum = data.attributes.map(() => 0);
  for (const row of pointRows) {
    const { series, t } = pointOf(data, row);
    data.trueImpacts(series, origin, t).forEach((v, a) => {
      sum[a] = (sum[a] as number) + Math.abs(v);
    });
  }
  return sum.map((s) => s / Math.max(1, pointRows.length));
}

/** Ranks from 1, ties at their average rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.v === order[i]?.v) j++;
    for (let k = i; k <= j; k++) out[order[k]?.i as number] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation (Pearson's on average ranks); NaN when either side is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((s, v) => s + v, 0) / n;
  const mb = rb.reduce((s, v) => s + v, 0) / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const da = (ra[i] as number) - ma;
    const db = (rb[i] as number) - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  return cov / Math.sqrt(va * vb);
}

/** Per attribute, the export's raw and normalized score of one row (null where the cell is empty). */
export function rowScores(
  row: ExportRow,
  attributes: readonly string[],
): { raw: (number | null)[]; normalized: (number | null)[] } {
  const num = (v: unknown) => (v === null || v === undefined || v === "" ? null : Number(v));
  return {
    raw: attributes.map((a) => num(row[`${a}-RawImpactScore`])),
    normalized: attributes.map((a) => num(row[`${a}-NormalizedImpactScore`])),
  };
}

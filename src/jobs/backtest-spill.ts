// The two-pass training of an AutoPredictor with learned statistical weights keeps its chunks' component
// backtest forecasts on disk between the passes. Pass one (a worker's backtestChunk) fits every component in
// every window and returns only the Gram sums the weights are solved from, the member accuracies and each
// record's actuals; the components' forecasts (k per series and window: five times what one combined forecast
// holds, plus quantiles) go to one file per chunk. Pass two (the coordinator, once the weights are known) reads
// one chunk's file at a time, combines, scores and exports it, then lets it go: at most one chunk's component
// forecasts are in memory at once, instead of every chunk's.
//
// File layout: Float64 little-endian, per backtest record in the result's order, per fitted member (components,
// then switch candidates, as `members` lists them): the mean, then each quantile level, `horizon` values each.
// A member without a forecast is written as NaN (combined() leaves a non-finite forecast out).

import fs from "node:fs";
import fsp from "node:fs/promises";
import type { AutoPredictorResult, BacktestRecord } from "../forecasting/auto/auto-predictor.js";
import type { SeriesForecast } from "../forecasting/model.js";

export interface SpillInfo {
  file: string;
  /** Fitted members in file order: the statistical components, then the switch candidates. */
  members: string[];
  /** How many of `members` are components (the records' `parts`); the rest are `others`. */
  components: number;
  horizon: number;
  quantiles: number;
}

/**
 * Writes the records' component and candidate forecasts to `file` and strips them from the result (in place):
 * what the worker sends back is then the sums and the actuals alone.
 */
export function spillBacktests(
  result: AutoPredictorResult,
  file: string,
  switchMembers: readonly string[],
  horizon: number,
  quantiles: number,
): SpillInfo {
  const components = result.statisticalComponents ?? 0;
  const members = [...result.components.slice(0, components), ...switchMembers];
  const stride = horizon * (1 + quantiles);
  const values = new Float64Array(result.backtests.length * members.length * stride).fill(Number.NaN);
  result.backtests.forEach((b, r) => {
    members.forEach((name, m) => {
      const f = m < components ? b.parts?.[m] : b.others?.[name];
      if (!f) return;
      const at = (r * members.length + m) * stride;
      values.set(f.mean.subarray(0, horizon), at);
      f.quantiles.forEach((q, j) => {
        values.set(q.subarray(0, horizon), at + (j + 1) * horizon);
      });
    });
    delete b.parts;
    delete b.others;
  });
  fs.writeFileSync(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return { file, members, components, horizon, quantiles };
}

/** Reads a chunk's file back onto its records (`parts`, and `others` when there are switch candidates). */
export async function restoreBacktests(records: readonly BacktestRecord[], spill: SpillInfo): Promise<void> {
  const bytes = await fsp.readFile(spill.file);
  const values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const { members, components, horizon, quantiles } = spill;
  const stride = horizon * (1 + quantiles);
  const forecastAt = (at: number): SeriesForecast => ({
    mean: values.subarray(at, at + horizon),
    quantiles: Array.from({ length: quantiles }, (_, j) =>
      values.subarray(at + (j + 1) * horizon, at + (j + 2) * horizon),
    ),
  });
  if (values.length !== records.length * members.length * stride)
    throw new RangeError(
      `${spill.file}: ${values.length} values, expected ${records.length * members.length * stride}`,
    );
  records.forEach((b, r) => {
    const base = r * members.length * stride;
    b.parts = members.slice(0, components).map((_, m) => forecastAt(base + m * stride));
    if (members.length > components)
      b.others = Object.fromEntries(
        members.slice(components).map((name, k) => [name, forecastAt(base + (components + k) * stride)]),
      );
  });
}

/** Lets a chunk's forecasts go once the pass is done with them. */
export function releaseBacktests(records: readonly BacktestRecord[]): void {
  for (const b of records) {
    delete b.parts;
    delete b.others;
  }
}

// Forecasts of many series as they cross between threads: one array on shared memory (per series the mean, then
// each quantile, `horizon` values each) instead of an object and several typed arrays per series, whose clone
// and garbage cost the event loop tens of milliseconds per 10,000 series. Read-only once packed.

import type { SeriesForecast } from "../forecasting/model.js";

export interface PackedForecasts {
  count: number;
  horizon: number;
  /** Quantile levels per forecast. */
  quantiles: number;
  values: Float64Array;
}

const strideOf = (p: Pick<PackedForecasts, "horizon" | "quantiles">): number => p.horizon * (1 + p.quantiles);

export function packForecasts(
  forecasts: readonly SeriesForecast[],
  horizon: number,
  quantiles: number,
): PackedForecasts {
  const stride = strideOf({ horizon, quantiles });
  const values = new Float64Array(
    new SharedArrayBuffer(forecasts.length * stride * Float64Array.BYTES_PER_ELEMENT),
  );
  forecasts.forEach((f, i) => {
    if (f.mean.length !== horizon || f.quantiles.length !== quantiles) {
      throw new RangeError(`forecast ${i} is not ${horizon} points with ${quantiles} quantile levels`);
    }
    values.set(f.mean, i * stride);
    f.quantiles.forEach((q, j) => {
      values.set(q, i * stride + (j + 1) * horizon);
    });
  });
  return { count: forecasts.length, horizon, quantiles, values };
}

/** Forecast `i`, as views on the packed array. */
export function forecastAt(packed: PackedForecasts, i: number): SeriesForecast {
  if (!(i >= 0 && i < packed.count)) throw new RangeError(`no forecast ${i} of ${packed.count}`);
  const { horizon, values } = packed;
  const start = i * strideOf(packed);
  return {
    mean: values.subarray(start, start + horizon),
    quantiles: Array.from({ length: packed.quantiles }, (_, j) =>
      values.subarray(start + (j + 1) * horizon, start + (j + 2) * horizon),
    ),
  };
}

/** Forecasts `from` to `to` (exclusive), without a copy. */
export function sliceForecasts(packed: PackedForecasts, from: number, to: number): PackedForecasts {
  const stride = strideOf(packed);
  return { ...packed, count: to - from, values: packed.values.subarray(from * stride, to * stride) };
}

/** Several packs one after the other, read as one: forecastAt over the concatenation. */
export function concatForecastsAt(packs: readonly PackedForecasts[]): (i: number) => SeriesForecast {
  const starts: number[] = [];
  let total = 0;
  for (const p of packs) {
    starts.push(total);
    total += p.count;
  }
  return (i) => {
    let lo = 0;
    let hi = packs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= i) lo = mid;
      else hi = mid - 1;
    }
    const pack = packs[lo];
    if (!pack || i < 0 || i >= total) throw new RangeError(`no forecast ${i} of ${total}`);
    return forecastAt(pack, i - (starts[lo] as number));
  };
}

// What the accuracy benches through the API do alike once a forecast is ACTIVE: query every series through
// QueryForecast (8 requests in flight; also tourism-api.ts) and, for daily-accuracy.ts and retail-accuracy.ts, score the held-out points with the engine's own
// sums (WindowAccumulator, the shape GetAccuracyMetrics reports: wQL per level and WAPE over the volume of all
// series, MASE of the point forecast averaged over series) and the share of points inside p10–p90.

import { type ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { WindowAccumulator, type WindowAccuracy } from "../../src/forecasting/auto/accuracy.js";
import { intervalHits } from "../../src/forecasting/competition-metrics.js";

export interface HeldOutSeries {
  /** QueryForecast's filters naming the series. */
  filters: Record<string, string>;
  history: readonly number[];
  actual: readonly number[];
}

const LEVELS = [0.1, 0.5, 0.9];

/**
 * QueryForecast for every item, 8 requests in flight (as a client reading a forecast would); `use` gets each
 * item's predictions as values by forecast type (p10, p50, mean, …).
 */
export async function queryEach<T>(
  query: ForecastqueryClient,
  forecastArn: string,
  items: readonly T[],
  filtersOf: (item: T) => Record<string, string>,
  use: (item: T, predictions: Record<string, number[]>) => void,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const answer = await query.send(
          new QueryForecastCommand({ ForecastArn: forecastArn, Filters: filtersOf(item) }),
        );
        const predictions = Object.fromEntries(
          Object.entries(answer.Forecast?.Predictions ?? {}).map(([type, points]) => [
            type,
            points.map((d) => d.Value as number),
          ]),
        );
        use(item, predictions);
      }
    }),
  );
}

/**
 * Scores every series' p10/p50/p90 and point forecast (the mean where the forecast has one, else p50) against
 * its held-out points; MASE is scaled by the seasonal naive at lag `period` (lag 1 for short histories), over the
 * `maseSeries` series where that scale is positive.
 */
export async function scoreQueriedForecasts(
  query: ForecastqueryClient,
  forecastArn: string,
  series: readonly HeldOutSeries[],
  period: number,
): Promise<{ accuracy: WindowAccuracy; coverage: number; maseSeries: number }> {
  const acc = new WindowAccumulator(LEVELS, 0, 0);
  let hits = 0;
  let points = 0;
  await queryEach(
    query,
    forecastArn,
    series,
    (s) => s.filters,
    (s, p) => {
      const get = (t: string) => Float64Array.from(p[t] ?? []);
      const mean = get("mean").length > 0 ? get("mean") : get("p50");
      const quantiles = LEVELS.map((tau) => get(`p${tau * 100}`));
      const actual = Float64Array.from(s.actual);
      acc.add(actual, { mean, quantiles }, Float64Array.from(s.history), period);
      hits += intervalHits(actual, quantiles[0] as Float64Array, quantiles[2] as Float64Array);
      points += actual.length;
    },
  );
  return { accuracy: acc.result(), coverage: (100 * hits) / points, maseSeries: acc.state().maseItems };
}

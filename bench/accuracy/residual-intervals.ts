// Quantiles from the backtest residuals instead of the components' own quantiles (an experiment of the validation
// bench, not the engine): per horizon step, the empirical τ-quantile of the combination's backtest errors
// (actual − centre), each divided by its series' scale before the window (the mean absolute value of the h points
// before it); a forecast's level τ at step t is then centre + scale · Q_τ,t, with the scale taken from the last h
// points of its history. Split-conformal prediction with a size-scaled error, one set of quantiles per dataset.

/** The scale of a series for its errors: the mean absolute value of its last `h` points (1 when that is 0). */
export function seriesScale(history: ArrayLike<number>, h: number): number {
  let sum = 0;
  let n = 0;
  for (let i = Math.max(0, history.length - h); i < history.length; i++) {
    const v = history[i] as number;
    if (Number.isFinite(v)) {
      sum += Math.abs(v);
      n++;
    }
  }
  return n > 0 && sum > 0 ? sum / n : 1;
}

/** The τ-quantile of `values` by linear interpolation between order statistics (type 7, R's default). */
export function empiricalQuantile(values: readonly number[], tau: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = tau * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** Scaled errors per step, gathered from backtest windows; quantiles per level and step once all are in. */
export class ResidualQuantiles {
  private readonly errors: number[][];

  constructor(private readonly steps: number) {
    this.errors = Array.from({ length: steps }, () => []);
  }

  /** One backtest window: its actuals, the forecast's centre, and the series' scale before the window. */
  add(actual: ArrayLike<number>, centre: ArrayLike<number>, scale: number): void {
    const n = Math.min(actual.length, centre.length, this.steps);
    for (let t = 0; t < n; t++) {
      const e = ((actual[t] as number) - (centre[t] as number)) / scale;
      if (Number.isFinite(e)) this.errors[t]?.push(e);
    }
  }

  /** Q[level][step]: the τ-quantile of the scaled errors at each step (0 for a step without errors). */
  quantiles(levels: readonly number[]): number[][] {
    return levels.map((tau) => this.errors.map((e) => (e.length > 0 ? empiricalQuantile(e, tau) : 0)));
  }
}

/** The levels' forecasts centre + scale · Q (Q from ResidualQuantiles.quantiles), one array per level. */
export function residualLevels(
  centre: ArrayLike<number>,
  scale: number,
  q: readonly number[][],
): Float64Array[] {
  return q.map((row) =>
    Float64Array.from({ length: centre.length }, (_, t) => {
      const step = row[Math.min(t, row.length - 1)] ?? 0;
      return (centre[t] as number) + scale * step;
    }),
  );
}

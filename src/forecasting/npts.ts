// Amazon's Non-Parametric Time Series forecaster (GluonTS NPTSPredictor): each future step copies one earlier
// value of its own sample path, the past observations and the values already sampled for that path, chosen
// with weight exp(−λ·|T − t| / (L + h − 1)). The seasonal variant only copies from the same seasonal phase,
// which is what GluonTS's season features scaled by 1000 amount to. Quantiles come from the sample paths.

import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "./model.js";
import { createRng } from "./rng.js";
import { forecastFromSamples } from "./sample-quantiles.js";

/**
 * The phase seasonal NPTS copies from, per Amazon frequency. Amazon (via GluonTS) keys the season on one time
 * feature: minute-of-hour for minute data (so a 15min series repeats every 4 steps, not every day), hour-of-day,
 * day-of-week, month-of-year. Weekly data gets day-of-month there, which has no fixed stride, and yearly none:
 * both sample without a season here. Pass the result as `period` when fitting NPTS.
 */
export function nptsSeasonStride(frequency: string): number {
  const match = /^(\d*)(Y|M|W|D|H|min)$/.exec(frequency);
  if (!match) throw new RangeError(`unknown data frequency: ${frequency}`);
  const multiple = match[1] === "" ? 1 : Number(match[1]);
  const cycle: Record<string, number> = { Y: 1, M: 12, W: 1, D: 7, H: 24, min: 60 };
  const stride = cycle[match[2]] / multiple;
  return Number.isInteger(stride) && stride >= 2 ? stride : 1;
}

export interface NptsOptions {
  /** λ of the exponential kernel; 0 gives the uniform ("climatological") kernel. Amazon's default is 1. */
  readonly kernelWeight?: number;
  /** Sample from the same seasonal phase only (Amazon's use_seasonal_model, default true). */
  readonly seasonal?: boolean;
  /** How many trailing observations are candidates (GluonTS default 1100). */
  readonly contextLength?: number;
  readonly samples?: number;
  readonly seed?: number;
}

class FittedNpts implements FittedSeries {
  constructor(
    private readonly context: Float64Array,
    private readonly stride: number,
    private readonly kernelWeight: number,
    private readonly samples: number,
    private readonly seed: number,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const { context, stride, samples } = this;
    const n = context.length;
    const paths = new Float64Array(samples * h);
    const random = createRng(this.seed);
    // Decay per lag of one stride; the GluonTS time feature spans the context plus horizon as one unit.
    const ratio = Math.exp((-this.kernelWeight * stride) / Math.max(1, n + h - 1));
    const logRatio = Math.log(ratio);
    for (let s = 0; s < samples; s++) {
      const row = s * h;
      for (let j = 0; j < h; j++) {
        // Candidate lags are stride·k for k = 1..K; P(k) ∝ ratio^k, drawn by inverting the truncated geometric.
        const position = n + j;
        const maxK = Math.floor(position / stride);
        const u = random();
        let k: number;
        if (ratio >= 1 || logRatio === 0) k = 1 + Math.floor(u * maxK);
        else k = 1 + Math.floor(Math.log(1 - u * (1 - ratio ** maxK)) / logRatio);
        if (k > maxK) k = maxK;
        if (k < 1) k = 1;
        const source = position - k * stride;
        paths[row + j] = source < n ? context[source] : paths[row + source - n];
      }
    }
    return forecastFromSamples(paths, samples, h, quantiles);
  }
}

export class NptsModel implements SeriesModel {
  readonly name = "npts";
  private readonly kernelWeight: number;
  private readonly seasonal: boolean;
  private readonly contextLength: number;
  private readonly samples: number;
  private readonly seed: number;

  constructor(options: NptsOptions = {}) {
    this.kernelWeight = options.kernelWeight ?? 1;
    this.seasonal = options.seasonal ?? true;
    this.contextLength = options.contextLength ?? 1100;
    this.samples = options.samples ?? 200;
    this.seed = options.seed ?? 42;
    if (!(this.kernelWeight >= 0)) throw new RangeError("kernelWeight must be >= 0");
    if (!(this.samples >= 1)) throw new RangeError("samples must be >= 1");
  }

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    if (y.length === 0) throw new RangeError("cannot fit an empty series");
    const context = y.slice(Math.max(0, y.length - this.contextLength));
    // Without one full season of history there is no same-phase value to copy.
    const stride = this.seasonal && ctx.period > 1 && context.length >= ctx.period ? ctx.period : 1;
    return new FittedNpts(context, stride, this.kernelWeight, this.samples, this.seed);
  }
}

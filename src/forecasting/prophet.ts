// Prophet (Taylor & Letham 2018) through augurs (Rust/WASM), with Prophet's own Stan model compiled to WASM
// (@bsull/augurs-prophet-wasmstan) finding the MAP parameters, as Stan does for Prophet in R and Python. A
// member only knows the values and the seasonal period, so time is encoded as one step = one synthetic day from
// the epoch; Prophet's calendar seasonalities are off and one Fourier seasonality of `period` steps (when two
// full seasons exist) stands in for them. Related time series and holiday indicators, when the predictor has them,
// are Prophet's extra regressors (Amazon's Prophet takes related time series as features).
//
// Prophet states its uncertainty by simulation: new trend changepoints at the historical rate with Laplace
// slope changes scaled like the fitted ones, plus normal observation noise. augurs draws them from an unseeded
// generator and reports one interval width only, so the member asks augurs for the point forecast alone and
// runs the same simulation itself with a seeded generator: reproducible, and any quantile level.

import type { Prophet, ProphetOptimizeOutput, ProphetOptions } from "@bsull/augurs/prophet";
import { optimizer as wasmstan } from "@bsull/augurs-prophet-wasmstan";
import { augursProphet } from "./augurs-wasm.js";
import {
  checkQuantileLevels,
  enforceMonotoneQuantiles,
  type FitContext,
  type FittedSeries,
  type SeriesForecast,
  type SeriesModel,
} from "./model.js";
import { NaiveModel, SeasonalNaiveModel } from "./naive.js";
import { canUseSeason } from "./periods.js";
import { createRng, standardNormal } from "./rng.js";

const DAY_SECONDS = 86_400;
/** Fewest observations fitted: Stan's line search fails on two or three points. */
const MIN_LENGTH = 4;
const OFF = { type: "manual", enabled: false } as const;

export interface ProphetMemberOptions {
  /** Simulated paths behind the quantiles (Prophet's uncertainty_samples, default 1000 as Prophet's). */
  readonly samples?: number;
  /** Seeds the optimizer and the simulation. */
  readonly seed?: number;
  /** Fourier order of the seasonality; by default min(10, ⌊period / 2⌋). */
  readonly fourierOrder?: number;
}

/** What the fit leaves for the simulation: Prophet's data and MAP parameters on its scaled axes. */
interface TrendFit {
  /** Scaled times of the potential changepoints (history spans t ∈ [0, 1]). */
  readonly changepoints: Float64Array;
  readonly deltas: Float64Array;
  readonly sigmaObs: number;
  /** Prophet's abs-max scale of y. */
  readonly yScale: number;
  /** Scaled time of one step: 1 / (n − 1). */
  readonly step: number;
}

/** Poisson draws by Knuth's product of uniforms, in chunks of mean ≤ 30 so exp(−λ) stays representable. */
function poisson(lambda: number, random: () => number): number {
  let count = 0;
  for (let rest = lambda; rest > 0; rest -= 30) {
    const limit = Math.exp(-Math.min(rest, 30));
    let product = random();
    while (product > limit) {
      count++;
      product *= random();
    }
  }
  return count;
}

function laplace(scale: number, random: () => number): number {
  const u = random() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** A regressor Prophet fits: its name in the model and its values, aligned with the history and past it. */
interface Regressor {
  readonly name: string;
  readonly values: Float64Array;
}

/**
 * The regressors Prophet can fit: finite over the history and not constant there (a constant one is
 * indistinguishable from the trend's offset, and Prophet's standardisation divides by its spread).
 */
function usableRegressors(all: readonly Float64Array[] | undefined, n: number): Regressor[] {
  const usable: Regressor[] = [];
  (all ?? []).forEach((values, k) => {
    if (values.length < n) return;
    let varies = false;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) return;
      if (v !== values[0]) varies = true;
    }
    if (varies) usable.push({ name: `regressor_${k}`, values });
  });
  return usable;
}

/** The regressors' values for the h steps after the history; a value not given repeats the last one known. */
function futureValues(regressors: readonly Regressor[], n: number, h: number): Map<string, number[]> {
  return new Map(
    regressors.map(({ name, values }) => {
      const ahead: number[] = [];
      let last = values[n - 1] as number;
      for (let j = 0; j < h; j++) {
        const v = values[n + j];
        if (v !== undefined && Number.isFinite(v)) last = v;
        ahead.push(last);
      }
      return [name, ahead];
    }),
  );
}

class FittedProphet implements FittedSeries {
  constructor(
    private readonly model: Prophet,
    private readonly trend: TrendFit,
    private readonly samples: number,
    private readonly seed: number,
    private readonly fallback: FittedSeries,
    private readonly regressors: readonly Regressor[],
    private readonly n: number,
  ) {}

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    checkQuantileLevels(quantiles);
    let point: number[];
    try {
      const future = this.model.makeFutureDataframe(h, { includeHistory: false });
      if (this.regressors.length > 0) future.x = futureValues(this.regressors, this.n, h);
      point = this.model.predict(future).yhat.point;
    } catch {
      return this.fallback.forecast(h, quantiles);
    }
    const mean = Float64Array.from(point);
    if (mean.length !== h || !mean.every(Number.isFinite)) return this.fallback.forecast(h, quantiles);
    return { mean, quantiles: this.simulate(mean, quantiles) };
  }

  /**
   * Prophet's sample_predictive_trend and sample_model for a linear trend and additive seasonality: the
   * seasonality is fixed at its MAP value, so each path is the point forecast plus the trend's deviation from new
   * changepoints on (1, T] and the observation noise.
   */
  private simulate(mean: Float64Array, levels: readonly number[]): Float64Array[] {
    const { changepoints, deltas, sigmaObs, yScale, step } = this.trend;
    const h = mean.length;
    const samples = this.samples;
    const random = createRng(this.seed);
    const tMax = 1 + h * step;
    let meanAbsDelta = 0;
    for (const d of deltas) meanAbsDelta += Math.abs(d);
    // Prophet's empirical scale of the slope changes, plus its epsilon.
    const scale = (deltas.length > 0 ? meanAbsDelta / deltas.length : 0) + 1e-8;
    const rate = changepoints.length * (tMax - 1);
    const columns = Array.from({ length: h }, () => new Float64Array(samples));
    const times: number[] = [];
    const changes: number[] = [];
    for (let s = 0; s < samples; s++) {
      times.length = 0;
      changes.length = 0;
      const count = poisson(rate, random);
      for (let c = 0; c < count; c++) times.push(1 + random() * (tMax - 1));
      for (let c = 0; c < count; c++) changes.push(laplace(scale, random));
      for (let j = 0; j < h; j++) {
        const t = 1 + (j + 1) * step;
        let deviation = 0;
        for (let c = 0; c < count; c++) {
          const at = times[c] as number;
          if (at <= t) deviation += (changes[c] as number) * (t - at);
        }
        (columns[j] as Float64Array)[s] = mean[j] + yScale * (deviation + sigmaObs * standardNormal(random));
      }
    }
    const quantiles = levels.map(() => new Float64Array(h));
    for (let j = 0; j < h; j++) {
      const column = (columns[j] as Float64Array).sort();
      for (let k = 0; k < levels.length; k++) {
        // Linear interpolation between order statistics, as Prophet's percentiles.
        const position = (levels[k] as number) * (samples - 1);
        const lo = Math.floor(position);
        const hi = Math.min(lo + 1, samples - 1);
        (quantiles[k] as Float64Array)[j] =
          (column[lo] as number) + (position - lo) * ((column[hi] as number) - (column[lo] as number));
      }
    }
    enforceMonotoneQuantiles(levels, quantiles);
    return quantiles;
  }
}

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

export class ProphetModel implements SeriesModel {
  readonly name = "prophet";
  readonly usesRegressors = true;
  private readonly samples: number;
  private readonly seed: number;
  private readonly fourierOrder?: number;

  constructor(options: ProphetMemberOptions = {}) {
    this.samples = options.samples ?? 1000;
    this.seed = options.seed ?? 42;
    this.fourierOrder = options.fourierOrder;
    if (!(Number.isInteger(this.samples) && this.samples >= 1))
      throw new RangeError("samples must be a positive integer");
    if (this.fourierOrder !== undefined && !(Number.isInteger(this.fourierOrder) && this.fourierOrder >= 1))
      throw new RangeError("fourierOrder must be a positive integer");
  }

  /**
   * Series too short for Stan, constant (Prophet's abs-max scaling divides by zero on all zeros) or non-finite
   * go to the naive benchmarks, as does anything the optimizer cannot fit.
   */
  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    const seasonal = canUseSeason(y.length, ctx.period);
    const fallback = (seasonal ? new SeasonalNaiveModel() : new NaiveModel()).fit(y, ctx);
    if (y.length < MIN_LENGTH || isConstant(y) || !y.every(Number.isFinite)) return fallback;
    let captured: ProphetOptimizeOutput | undefined;
    let changepoints: Float64Array | undefined;
    let retry = false;
    let optimizerFailed = false;
    // The optimizer as Prophet calls it, keeping the changepoints and parameters for the simulation.
    const optimizer: ProphetOptions["optimizer"] = {
      optimize: (init, data, opts) => {
        // Stan's L-BFGS line search fails on a few steeply growing series from Prophet's starting noise scale
        // (σ = 1); Python's retry with Newton traps in this WASM build, but a second L-BFGS run from σ = 0.1 fits.
        const start = retry ? { ...init, sigmaObs: 0.1 } : init;
        let output: ProphetOptimizeOutput;
        try {
          output = wasmstan.optimize(start, data, opts);
        } catch (error) {
          optimizerFailed = true;
          throw error;
        }
        changepoints = Float64Array.from((JSON.parse(data) as { t_change: number[] }).t_change);
        captured = output;
        return output;
      },
    };
    let model: Prophet | undefined;
    try {
      model = new (augursProphet().Prophet)({
        optimizer,
        yearlySeasonality: OFF,
        weeklySeasonality: OFF,
        dailySeasonality: OFF,
        uncertaintySamples: 0,
      });
      if (seasonal) {
        const order = this.fourierOrder ?? Math.min(10, Math.floor(ctx.period / 2));
        model.addSeasonality("season", { period: ctx.period, fourierOrder: order });
      }
      // Related time series and holidays enter as Prophet's extra regressors, additive as its defaults have them.
      const regressors = usableRegressors(ctx.regressors, y.length);
      for (const { name } of regressors) model.addRegressor(name);
      const ds = Array.from({ length: y.length }, (_, i) => i * DAY_SECONDS);
      const x = new Map(regressors.map(({ name, values }) => [name, values.subarray(0, y.length)]));
      const data = regressors.length > 0 ? { ds, y, x } : { ds, y };
      try {
        model.fit(data, { seed: this.seed });
      } catch (error) {
        // Only an optimizer that gave up is worth a second run; anything else fails the same way again.
        if (!optimizerFailed) throw error;
        retry = true;
        model.fit(data, { seed: this.seed });
      }
      if (!captured || !changepoints) throw new Error("the optimizer was not called");
      const { delta, sigmaObs } = captured.params;
      let yScale = 0;
      for (const v of y) yScale = Math.max(yScale, Math.abs(v));
      const trend: TrendFit = {
        changepoints,
        deltas: Float64Array.from(delta),
        sigmaObs: Number.isFinite(sigmaObs) ? Math.abs(sigmaObs) : 0,
        yScale: yScale > 0 ? yScale : 1,
        step: 1 / (y.length - 1),
      };
      return new FittedProphet(model, trend, this.samples, this.seed, fallback, regressors, y.length);
    } catch {
      // Free the WASM side now rather than at garbage collection, unless a trap left it unusable.
      try {
        model?.free();
      } catch {
        // The finalization registry of augurs' binding frees it later, if it still can.
      }
      return fallback;
    }
  }
}

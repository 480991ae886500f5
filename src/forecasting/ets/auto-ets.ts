// Automatic ETS as a forecasting member (R's forecast::ets): every admissible model of the family is fitted by
// likelihood and the lowest AICc wins. Additive-error linear models get the exact normal intervals of
// Hyndman et al. (2008, class 1); the others are simulated from the fitted state space with a fixed seed.

import { gaussianForecast } from "../gaussian.js";
import type { FitContext, FittedSeries, SeriesForecast, SeriesModel } from "../model.js";
import { NaiveModel } from "../naive.js";
import { canUseSeason } from "../periods.js";
import { seededStandardNormals } from "../rng.js";
import { forecastFromSamples } from "../sample-quantiles.js";
import { type EtsFit, type EtsFitOptions, fitEts } from "./fit.js";
import { pointForecast, simulatePaths } from "./recursion.js";
import { candidateSpecs, type EtsSpec, specName } from "./spec.js";

export interface EtsOptions extends Partial<EtsFitOptions> {
  /** Restrict the search to these models (R notation, e.g. ["AAdN", "MAM"]). */
  readonly models?: readonly string[];
  readonly simulationPaths?: number;
  readonly seed?: number;
  /** The member name it reports; "ets" unless restricted to a family (e.g. "ets-damped"). */
  readonly name?: string;
}

export class FittedEts implements FittedSeries {
  constructor(
    readonly fit: EtsFit,
    private readonly n: number,
    private readonly paths: number,
    private readonly seed: number,
  ) {}

  get model(): string {
    return specName(this.fit.spec);
  }

  forecast(h: number, quantiles: readonly number[]): SeriesForecast {
    const { spec, params, final, sigma2 } = this.fit;
    const mean = pointForecast(spec, params, final, this.n, h);
    if (spec.error === "A" && spec.season !== "M") {
      const sd = new Float64Array(h);
      const m = final.seasonal.length;
      let sum = 1;
      let damp = 0;
      let power = 1;
      for (let j = 0; j < h; j++) {
        sd[j] = Math.sqrt(sigma2 * sum);
        // c_{j+1} for the next step's variance.
        const step = j + 1;
        power *= params.phi;
        damp += power;
        let c = params.alpha;
        if (spec.trend !== "N") c += params.beta * (spec.damped ? damp : step);
        if (spec.season === "A" && step % m === 0) c += params.gamma;
        sum += c * c;
      }
      return gaussianForecast(mean, sd, quantiles);
    }
    return this.simulate(spec, mean, h, quantiles);
  }

  private simulate(
    spec: EtsSpec,
    mean: Float64Array,
    h: number,
    quantiles: readonly number[],
  ): SeriesForecast {
    const { params, final, sigma2 } = this.fit;
    const normals = seededStandardNormals(this.seed, this.paths * h);
    const samples = new Float64Array(this.paths * h);
    simulatePaths(spec, params, final, this.n, h, Math.sqrt(sigma2), normals, samples);
    const result = forecastFromSamples(samples, this.paths, h, quantiles);
    // The point forecast stays the model's conditional expectation of the state path, as R reports it.
    return { mean, quantiles: result.quantiles };
  }
}

export class EtsModel implements SeriesModel {
  readonly name: string;
  private readonly fitOptions: EtsFitOptions;

  constructor(private readonly options: EtsOptions = {}) {
    this.name = options.name ?? "ets";
    this.fitOptions = {
      // Measured on the tourism data: heuristic seasonal starting states forecast slightly better than
      // optimising all m − 1 of them (as R does) and fit four times faster; a loose simplex tolerance likewise.
      optimizeSeasonalStates: options.optimizeSeasonalStates ?? false,
      maxEvaluations: options.maxEvaluations ?? 2000,
      tolerance: options.tolerance ?? 1e-5,
      restarts: options.restarts ?? 0,
    };
  }

  fit(y: Float64Array, ctx: FitContext): FittedSeries {
    const best = y.every(Number.isFinite) && y.length >= 3 ? this.search(y, ctx.period) : null;
    if (!best) return new NaiveModel().fit(y, ctx);
    return new FittedEts(best, y.length, this.options.simulationPaths ?? 1000, this.options.seed ?? 42);
  }

  /** The lowest-AICc fit among the candidates, or null if none could be fitted. */
  search(y: Float64Array, period: number): EtsFit | null {
    const seasonal = canUseSeason(y.length, period);
    const positive = y.every((v) => v > 0);
    let specs = candidateSpecs(seasonal, positive);
    const wanted = this.options.models;
    if (wanted) specs = specs.filter((s) => wanted.includes(specName(s)));
    let best: EtsFit | null = null;
    for (const spec of specs) {
      const fit = fitEts(y, spec, seasonal ? period : 1, this.fitOptions);
      if (fit && Number.isFinite(fit.aicc) && (!best || fit.aicc < best.aicc)) best = fit;
    }
    return best;
  }
}

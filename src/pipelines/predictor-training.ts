import { randomUUID } from "node:crypto";
import { once, setMaxListeners } from "node:events";
import { createWriteStream } from "node:fs";
import { TimeSlice } from "../data/time-slice.js";
import type { WindowAccuracy } from "../forecasting/auto/accuracy.js";
import type {
  AutoPredictorOptions,
  AutoPredictorResult,
  BacktestRecord,
} from "../forecasting/auto/auto-predictor.js";
import { type CombinationRecord, seriesWeights } from "../forecasting/auto/combined-model.js";
import {
  calibrationFor,
  type IntervalCalibration,
  SpreadSums,
} from "../forecasting/auto/interval-calibration.js";
import { learnedCombinationRun } from "../forecasting/auto/learned-combination.js";
import {
  bridgeGaps,
  GLOBAL_AR_MEMBER,
  GLOBAL_MEMBER,
  INTERVAL_CALIBRATION,
  isDatasetMember,
  LEARNED_MEMBERS,
  pointAdjustmentFor,
  SWITCH_MEMBERS,
} from "../forecasting/auto/members.js";
import type { PointAdjustment } from "../forecasting/auto/point-adjustment.js";
import { keyOf, type PredictorModel } from "../forecasting/auto/predictor-model.js";
import { combined, learnWeights, type WeightLearnerState } from "../forecasting/auto/weights.js";
import { MIN_GLOBAL_POINTS } from "../forecasting/global/index.js";
import type { MemberName } from "../forecasting/members.js";
import type { SeriesForecast } from "../forecasting/model.js";
import { attributeNames, type PreparedSeries, type SeriesSet } from "../forecasting/series-set.js";
import { type ChunkSpill, openSpill, releaseBacktests, restoreBacktests } from "../jobs/backtest-spill.js";
import { forecastAt, type PackedForecasts, sliceForecasts } from "../jobs/forecast-transfer.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { packSeriesSet, sliceSeries } from "../jobs/series-transfer.js";
import { storingTaskObjects } from "../jobs/task-objects.js";
import type { WorkerPool } from "../jobs/worker-pool.js";
import type { Services } from "../resources/context.js";
import { newExplainability } from "../resources/explainabilities.js";
import { parseForecastTypes } from "../resources/predictor-config.js";
import { predictorSeries } from "../resources/series-input.js";
import { jobScratchPrefix, jobScratchRoot, resourcePrefix } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { datasetMemberRunner } from "./dataset-members.js";

/**
 * Backtest windows an AutoPredictor evaluates (fewer when the series are too short for them). Three windows judge
 * the per-series choice better than two on the tourism data (bench/accuracy/README.md).
 */
export const AUTO_BACKTEST_WINDOWS = 3;
/**
 * Series per task sent to a worker: at most this many, and fewer when that leaves fewer than CHUNKS_PER_THREAD
 * tasks per thread, so that a few hundred series still spread evenly over the threads.
 */
const MAX_CHUNK_SERIES = 250;
const CHUNKS_PER_THREAD = 4;

export function chunkSize(seriesCount: number, threads: number): number {
  return Math.max(1, Math.min(MAX_CHUNK_SERIES, Math.ceil(seriesCount / (threads * CHUNKS_PER_THREAD))));
}

/** The key prefix of a predictor's objects: model.json, each dataset member's fitted model, backtests.csv. */
export function predictorPrefix(predictor: ResourceRecord): string {
  return resourcePrefix(predictor, "predictor", predictor.name);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** How many of `wanted` windows of `horizon` fit before `shift` points from the end, leaving history to fit on. */
function windowsThatFit(set: SeriesSet, wanted: number, shift: number): number {
  const longest = Math.max(0, ...set.series.map((s) => s.target.length)) - shift;
  return Math.max(0, Math.min(wanted, Math.floor((longest - 4) / set.horizon)));
}

/**
 * What to train, from the predictor's attrs. An AutoPredictor sets none of these: all statistical members, the
 * pooled autoregression on lags (global-ar), the global model when the data has attributes (related series, item
 * metadata or holidays), up to
 * AUTO_BACKTEST_WINDOWS windows ending at the end of the history. Without attributes the global model learns from
 * lags alone: on the tourism data it then forecast worse than the combination and took 87% of the training time. A legacy predictor (legacy-predictors.ts) names
 * its members, asks for an exact number of windows, and may move the most recent window back by
 * `BacktestWindowOffset − ForecastHorizon` points (`shift`), each window still `horizon` long.
 */
interface TrainingPlan {
  /** Statistical members to backtest; undefined means all of them (and their combination). */
  members?: MemberName[];
  /** Members fitted across all series that take part (named by a legacy predictor), or "with-attributes": the
   * pooled autoregression, and the global model when the data has attributes (an AutoPredictor). */
  datasetMembers: string[] | "with-attributes";
  windows: number;
  /** Whether fewer windows than asked for is an error rather than a fallback. */
  exactWindows: boolean;
  shift: number;
}

function trainingPlan(predictor: ResourceRecord, horizon: number): TrainingPlan {
  const named = predictor.attrs.Members as string[] | undefined;
  const requested = predictor.attrs.BacktestWindows as number | undefined;
  const offset = (predictor.attrs.BacktestWindowOffset as number | undefined) ?? horizon;
  return {
    members: named?.filter((m) => !isDatasetMember(m)) as MemberName[] | undefined,
    datasetMembers: named === undefined ? "with-attributes" : named.filter(isDatasetMember),
    windows: requested ?? AUTO_BACKTEST_WINDOWS,
    exactWindows: requested !== undefined,
    shift: Math.max(0, offset - horizon),
  };
}

/**
 * Whether an AutoPredictor fits the pooled autoregression: yes unless OPENFORECAST_GLOBAL_AR=off. A benchmark
 * switch (bench/e2e/retail-accuracy.ts and daily-accuracy.ts compare with and without it on data it was not chosen
 * on); users never need it, the learned weights decide how much it counts (docs/decisions.md).
 */
function globalArEnabled(): boolean {
  return process.env.OPENFORECAST_GLOBAL_AR !== "off";
}

/** The series with their last `shift` points hidden, so that the engine's windows end `shift` points earlier. */
function shifted(series: PreparedSeries[], shift: number): PreparedSeries[] {
  if (shift === 0) return series;
  return series.map((s) => ({ ...s, target: s.target.subarray(0, Math.max(0, s.target.length - shift)) }));
}

/** Whether no known target value is negative; a loop over every point of the set, so it pauses now and then. */
async function noNegativeTarget(series: readonly PreparedSeries[]): Promise<boolean> {
  const slice = new TimeSlice();
  for (const s of series) {
    const y = s.target;
    for (let i = 0; i < y.length; i++) if ((y[i] as number) < 0) return false;
    if (slice.due()) await slice.pause();
  }
  return true;
}

/** Columns of the stored backtest file (read back by backtest exports). */
function backtestColumns(set: SeriesSet, levels: readonly number[]): string[] {
  return [
    "backtestwindow",
    ...set.keyNames,
    "timestamp",
    "target_value",
    "mean",
    ...levels.map((l) => `p${Math.round(l * 100)}`),
  ];
}

/**
 * Writes every series' backtest forecasts as the predictor forecasts them, a chunk at a time: `forecastOf` combines
 * a record's members (its own or statistical components' forecasts with the external members' backtests of the
 * whole set) by the learned weights.
 */
async function backtestWriter(file: string, set: SeriesSet, levels: readonly number[]) {
  const out = createWriteStream(file);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, "drain");
  };
  await write(backtestColumns(set, levels).join(","));
  return {
    async chunk(
      offset: number,
      result: AutoPredictorResult,
      forecastOf: (offset: number, record: BacktestRecord) => SeriesForecast | undefined,
    ): Promise<void> {
      for (const b of result.backtests) {
        const forecast = forecastOf(offset, b);
        if (!forecast) continue;
        const i = offset + b.series;
        const s = set.series[i] as PreparedSeries;
        const keys = s.key.map(csvField).join(",");
        for (let t = 0; t < b.actual.length; t++) {
          const ts = new Date(s.timestamps[b.offset + t] as number).toISOString().slice(0, 19);
          const qs = forecast.quantiles.map((q) => q[t]).join(",");
          await write(`${b.window},${keys},${ts},${b.actual[t]},${forecast.mean[t]}${qs ? `,${qs}` : ""}`);
        }
      }
    },
    async close(): Promise<void> {
      out.end();
      await once(out, "finish");
    },
  };
}

/** The grid learner's combined backtest forecast of a record: its own member's with the external members'. */
function gridForecastOf(
  external: PackedForecasts[][],
  weights: readonly number[],
  levels: readonly number[],
  nonNegative: boolean,
): (offset: number, b: BacktestRecord) => SeriesForecast | undefined {
  return (offset, b) => {
    const i = offset + b.series;
    const parts = [
      ...(weights.length > external.length ? [b.forecast] : []),
      ...external.map((perWindow) => {
        const packed = perWindow[b.window];
        return packed && i < packed.count ? forecastAt(packed, i) : undefined;
      }),
    ];
    return combined(parts, weights, levels, nonNegative);
  };
}

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Runs one task per item; at the first failure the others are aborted, and that failure is thrown once every task
 * has settled, so that nothing a task still writes for the job (its spilled chunk) comes after the job's cleanup.
 */
async function allOrFirstFailure<T, R>(
  items: readonly T[],
  signal: AbortSignal,
  task: (item: T, index: number, signal: AbortSignal) => Promise<R>,
): Promise<R[]> {
  const failure = new AbortController();
  const each = AbortSignal.any([signal, failure.signal]);
  // Every chunk's task listens to it.
  setMaxListeners(0, each);
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    items.map((item, i) =>
      task(item, i, each).catch((error: unknown) => {
        if (!first) {
          first = { error };
          failure.abort(error);
        }
        throw error;
      }),
    ),
  );
  if (first) throw signal.aborted ? signal.reason : first.error;
  return settled.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/** Training: prepare the series, backtest the members in worker threads, keep each series' best. */
export function predictorJobs(services: Services, workers: WorkerPool): JobHandler {
  // A training chunk's spilled forecasts come back from a thread of this process as task objects: stored here.
  const pool = storingTaskObjects(workers, (key, bytes) => services.blobs.putBytes(key, bytes));
  return {
    async run(ctx: JobContext) {
      const scratch = await services.blobs.scratch(ctx.record.name);
      let spill: ChunkSpill | undefined;
      try {
        const predictor = ctx.record;
        // This run holds the job's lease: any other run of it died or was abandoned, and the scratch objects it
        // left are of no use to anyone.
        await services.blobs.deletePrefix(jobScratchRoot(predictor, "predictor", predictor.name));
        const started = Date.now();
        const { set, importJobArns } = await predictorSeries(
          services.store,
          predictor,
          ctx.signal,
          scratch,
        ).catch((e: unknown) => {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          throw new JobFailure(
            `Could not prepare the training data: ${e instanceof Error ? e.message : String(e)}`,
          );
        });
        ctx.progress({ DatasetImportJobArns: importJobArns });
        if (set.series.length === 0)
          throw new JobFailure("The target time series dataset holds no series to train on.");
        const plan = trainingPlan(predictor, set.horizon);
        const longest = Math.max(...set.series.map((s) => s.target.length));
        if (plan.shift > 0 && plan.shift + set.horizon >= longest / 2) {
          throw new JobFailure(
            `BackTestWindowOffset ${plan.shift + set.horizon} must be less than half the length of the longest series ` +
              `(${longest} points); use a smaller offset or more history.`,
          );
        }
        const windows = windowsThatFit(set, plan.windows, plan.shift);
        if (plan.exactWindows && windows < plan.windows) {
          throw new JobFailure(
            `NumberOfBacktestWindows ${plan.windows} of ${set.horizon} points each does not fit in the longest series ` +
              `(${longest} points${plan.shift > 0 ? `, ${longest - plan.shift} before the offset` : ""}): at most ` +
              `${windows} fit, each leaving at least 4 points to train on. Ask for fewer windows, a shorter horizon ` +
              "or a smaller offset, or import more history.",
          );
        }
        if (windows === 0) {
          throw new JobFailure(
            `The longest series has ${Math.max(...set.series.map((s) => s.target.length))} points: too short to backtest a ` +
              `ForecastHorizon of ${set.horizon}. Use a shorter horizon or more history.`,
          );
        }
        const { quantiles } = parseForecastTypes(predictor.attrs.ForecastTypes as string[]);
        const nonNegative = await noNegativeTarget(set.series);
        const options: AutoPredictorOptions = {
          quantiles,
          metric: predictor.attrs.OptimizationMetric as AutoPredictorOptions["metric"],
          backtestWindows: windows,
          members: plan.members,
          nonNegative,
          // An AutoPredictor learns the weights of its statistical members too; a legacy predictor keeps the
          // per-series choice among the members it names.
          ...(plan.members === undefined
            ? { learnedMembers: [...LEARNED_MEMBERS], switchMembers: [...SWITCH_MEMBERS] }
            : {}),
        };
        const grid = { horizon: set.horizon, period: set.period };
        const historyPoints = set.series.reduce((sum, s) => sum + s.target.length, 0);
        // An AutoPredictor's pooled autoregression (lags alone) takes part whatever the data: the learned weights
        // decide how much it counts (on the tourism validation split it improved every period).
        const datasetMembers =
          historyPoints < MIN_GLOBAL_POINTS
            ? []
            : plan.datasetMembers === "with-attributes"
              ? [
                  ...(attributeNames(set).length > 0 ? [GLOBAL_MEMBER] : []),
                  ...(globalArEnabled() ? [GLOBAL_AR_MEMBER] : []),
                ]
              : plan.datasetMembers;
        if (plan.members?.length === 0 && datasetMembers.length === 0) {
          throw new JobFailure(
            `The global model (what Deep_AR_Plus and CNN-QR run as) learns across all series and needs at least ` +
              `${MIN_GLOBAL_POINTS} history points in all; the data has ${historyPoints}. Use ETS, ARIMA or NPTS.`,
          );
        }
        // Workers read the series from shared memory: a task clones a description of them, not their arrays.
        const shared = await packSeriesSet(set);
        // Members fitted across all series backtest first (the chunks combine their forecasts); their final fits
        // run while the statistical members backtest.
        const cutoffs = Array.from({ length: windows }, (_, w) => plan.shift + (w + 1) * set.horizon);
        const datasetRuns = datasetMembers.map((name) => {
          const runner = datasetMemberRunner(name);
          return {
            name,
            backtests: runner.backtest(pool, shared, quantiles, cutoffs, ctx.signal),
            final: runner.fit(pool, shared, quantiles, ctx.signal),
          };
        });
        const datasetBacktests = await Promise.all(datasetRuns.map((r) => r.backtests));
        const seriesPerChunk = chunkSize(set.series.length, pool.threads);
        const backtested =
          plan.shift === 0
            ? shared.series
            : (await packSeriesSet(set, shifted(set.series, plan.shift))).series;
        const parts = chunks(set.series, seriesPerChunk);
        // Learned statistical weights train in two passes (jobs/backtest-spill.ts): the chunks keep their
        // components' backtest forecasts out of memory, under this run's scratch prefix in object storage (so on
        // any WorkerPool: threads here or workers on other hosts), and the coordinator reads them back one chunk
        // at a time once the weights are known.
        const spillPrefix = options.learnedMembers
          ? `${jobScratchPrefix(predictor, "predictor", predictor.name, randomUUID())}backtest-parts/`
          : undefined;
        if (spillPrefix) spill = openSpill({ prefix: spillPrefix }, services.blobs);
        // The estimate extrapolates the chunks' own pace: counting the preparation and the global model's backtest
        // (which come first) made it several times too long until most chunks were done.
        const chunksStarted = Date.now();
        let done = 0;
        const results = await allOrFirstFailure(parts, ctx.signal, async (part, i, signal) => {
          const offset = i * seriesPerChunk;
          const end = offset + part.length;
          const external: Record<string, PackedForecasts[]> = {};
          datasetMembers.forEach((name, m) => {
            external[name] = (datasetBacktests[m] as PackedForecasts[]).map((perWindow) =>
              sliceForecasts(perWindow, offset, end),
            );
          });
          const series = sliceSeries(backtested, offset, end);
          const result = await pool.run(
            "backtestChunk",
            {
              grid,
              series,
              options,
              external,
              ...(spillPrefix ? { spill: { prefix: spillPrefix, chunk: i } } : {}),
            },
            signal,
          );
          done++;
          const perChunk = (Date.now() - chunksStarted) / done;
          ctx.progress({
            EstimatedTimeRemainingInMinutes: Math.ceil((perChunk * (parts.length - done)) / 60_000),
          });
          return { offset, result };
        });
        // The dataset-level weights, learned from all chunks' backtests.
        const components = (results[0] as { result: AutoPredictorResult }).result.components;
        let combination: CombinationRecord;
        let accuracy: WindowAccuracy[];
        let intervals: IntervalCalibration | undefined;
        // The point the OptimizationMetric asks for, in the backtests (export, accuracy) and the forecasts alike.
        let point: PointAdjustment | undefined;
        const backtestLocal = scratch.file("backtests.csv");
        const writer = await backtestWriter(backtestLocal, set, quantiles);
        let seriesChoice: (offset: number, i: number, result: AutoPredictorResult) => string;
        if (options.learnedMembers) {
          point = pointAdjustmentFor(options.metric, quantiles);
          const learned = learnedCombinationRun({
            results,
            externalAt: (m, w, i) => {
              const packed = datasetBacktests[m]?.[w];
              return packed && i < packed.count ? forecastAt(packed, i) : undefined;
            },
            historyOf: (i) => bridgeGaps((set.series[i] as PreparedSeries).target),
            period: set.period,
            levels: quantiles,
            nonNegative,
            metric: options.metric,
            switching: (options.switchMembers?.length ?? 0) > 0,
            ...(point ? { point } : {}),
          });
          // Pass two, on the event loop (a pause between chunks): each chunk's component forecasts read back,
          // its switches decided, then (with the interval calibration) the spread sums of all chunks, and the
          // combination scored and exported; a chunk's forecasts are let go before the next one's are read.
          const pacing = new TimeSlice();
          const eachChunk = async (
            work: (offset: number, result: AutoPredictorResult) => Promise<void> | void,
          ) => {
            for (const { offset, result } of results) {
              if (result.spill && spill)
                restoreBacktests(result.backtests, await spill.read(result.spill.chunk), result.spill);
              await work(offset, result);
              if (result.spill) releaseBacktests(result.backtests);
              if (pacing.due()) await pacing.pause();
            }
          };
          if (INTERVAL_CALIBRATION !== "off") {
            const sums = new SpreadSums(quantiles, set.horizon, windows);
            await eachChunk((offset, result) => {
              learned.decide(offset, result);
              for (const b of result.backtests) {
                const f = learned.forecastOf(offset, b);
                if (f) sums.add(b.actual, f, b.window);
              }
            });
            intervals = calibrationFor(sums.state(), INTERVAL_CALIBRATION);
            if (intervals) learned.calibrate(intervals);
            await eachChunk(async (offset, result) => {
              learned.score(offset, result);
              await writer.chunk(offset, result, learned.forecastOf);
            });
          } else {
            await eachChunk(async (offset, result) => {
              learned.addChunk(offset, result);
              await writer.chunk(offset, result, learned.forecastOf);
            });
          }
          await spill?.dispose();
          spill = undefined;
          combination = learned.combination;
          accuracy = learned.windows();
          seriesChoice = (offset, i) => learned.choices[offset + i] ?? "";
        } else {
          // The grid: the weighting with the best metric over all chunks' backtests.
          const learned = learnWeights(
            results.map((r) => r.result.weights as WeightLearnerState),
            options.metric,
          );
          combination = {
            components,
            weights: learned.weights,
            ...(components.length > 1
              ? {
                  learned: { metric: options.metric, candidates: learned.candidates, scores: learned.scores },
                }
              : {}),
          };
          accuracy = learned.windows;
          const forecastOf = gridForecastOf(datasetBacktests, learned.weights, quantiles, nonNegative);
          const pacing = new TimeSlice();
          for (const { offset, result } of results) {
            await writer.chunk(offset, result, forecastOf);
            if (pacing.due()) await pacing.pause();
          }
          seriesChoice = (_, i, result) => result.choices[i] ?? "";
        }
        const choices: Record<string, string> = {};
        const memberCounts: Record<string, number> = {};
        const slice = new TimeSlice();
        for (const { offset, result } of results) {
          result.choices.forEach((_, i) => {
            const choice = seriesChoice(offset, i, result);
            const key = keyOf(set.series[offset + i] as PreparedSeries);
            if (choice) choices[key] = choice;
            for (const member of seriesWeights(combination, choice).keys())
              memberCounts[member] = (memberCounts[member] ?? 0) + 1;
          });
          if (slice.due()) await slice.pause();
        }
        await writer.close();
        const prefix = predictorPrefix(predictor);
        const backtestFile = `${prefix}backtests.csv`;
        await services.blobs.put(backtestFile, backtestLocal);
        const memberFiles: Record<string, string> = {};
        for (const run of datasetRuns) {
          memberFiles[run.name] = `${prefix}${run.name}-model.json`;
          await services.blobs.putText(memberFiles[run.name] as string, JSON.stringify(await run.final));
        }
        const model: PredictorModel = {
          version: 2,
          choices,
          combination,
          nonNegative,
          memberFiles,
          ...(intervals ? { intervals } : {}),
          ...(point ? { point } : {}),
        };
        // A single-algorithm predictor forecasts a series new since training with that algorithm too.
        if (plan.members?.length === 1) model.fallback = plan.members[0];
        const modelFile = `${prefix}model.json`;
        await services.blobs.putText(modelFile, JSON.stringify(model));
        return {
          Accuracy: accuracy,
          MemberCounts: memberCounts,
          ItemCount: set.series.length,
          ModelFile: modelFile,
          BacktestFile: backtestFile,
          BacktestColumns: backtestColumns(set, quantiles),
          TrainingSeconds: (Date.now() - started) / 1000,
        };
      } finally {
        // A failed or stopped training's spilled chunks go too (and with the resource's objects in its cleanup,
        // should this fail).
        await spill
          ?.dispose()
          .catch((e: unknown) =>
            services.log.warn({ err: e, arn: ctx.record.arn }, "removing a training's spilled chunks failed"),
          );
        await scratch.dispose();
      }
    },
    async publish(record) {
      // ExplainPredictor: the predictor's explainability is created with it (unless it has one, or the name is
      // taken), and computed next.
      if (!record.attrs.ExplainPredictor) return {};
      const ctx = { accountId: record.accountId, region: record.region, accessKeyId: "", services };
      return {
        inserts: [
          newExplainability(ctx, `${record.name.slice(0, 48)}_explainability`, record, {
            ExplainabilityConfig: { TimeSeriesGranularity: "ALL", TimePointGranularity: "ALL" },
            EnableVisualization: true,
          }),
        ],
      };
    },
    async cleanup(record) {
      await services.blobs.deleteResource(record, "predictor", record.name);
    },
    async remove(record) {
      await services.blobs.deleteResource(record, "predictor", record.name);
    },
  };
}

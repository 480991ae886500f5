// The AutoPredictor through the public API on the tourism competition data (Athanasopoulos et al. 2011), side by
// side with R's forecast package on the same series: the issue's "Accuracy" and "Speed" benchmarks.
//
// Per period (monthly, quarterly, yearly) the train part of every series is uploaded to the embedded S3 as CSV
// with a synthetic calendar, imported, trained on with CreateAutoPredictor (ForecastHorizon = the period's h),
// forecast with CreateForecast and read back series by series with QueryForecast. MASE (seasonal naive scale,
// lag 12/4/1) and sMAPE are computed against the test part, as in the tourism paper. R's ets, auto.arima, thetaf
// and snaive run on the same series (bench/accuracy/r/tourism-forecasts.R) in the same run.
//
// Run:  npx tsc -p tsconfig.json && node dist/bench/accuracy/tourism-api.js
// Needs R with the forecast package: apt-get install -y r-base-core r-cran-forecast
// Environment: TOURISM_DIR (default ../shared/data/tourism beside the repository), REPEATS (service runs, default 3; timings are
// medians), LIMIT (first N series of each period only, for a quick look), R_CORES (default: the cores the
// service's worker pool uses), SKIP_R=1 (the service alone), PERIODS (e.g. YEARLY,QUARTERLY: those periods only),
// OPTIMIZATION_METRIC (CreateAutoPredictor's OptimizationMetric, e.g. MAPE; default: none sent, so the service's
// default AverageWeightedQuantileLoss).

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetImportJobCommand,
  DescribeForecastCommand,
  type ForecastClient,
  type OptimizationMetric,
} from "@aws-sdk/client-forecast";
import type { ForecastqueryClient } from "@aws-sdk/client-forecastquery";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { paperMase, percentErrorSum, pooledMape } from "../../src/forecasting/competition-metrics.js";
import { mase, smape } from "../../src/forecasting/metrics.js";
import {
  createDailyDataset,
  forecastqueryClient,
  type Harness,
  startHarness,
  untilActive,
} from "../../test/e2e/harness.js";
import { queryEach } from "../e2e/holdout-query.js";
import { emptyHoldoutCell, scoreHoldout } from "./holdout-score.js";
import {
  NBEATS_G_POOLED_MAPE,
  NBEATS_ROWS,
  PAPER_ROWS,
  type PublishedRow,
  type TourismPeriod,
} from "./published-rows.js";
import { loadTourism, parseCsv, type Series, tourismDir } from "./tourism-data.js";

const R_INSTALL = "apt-get install -y r-base-core r-cran-forecast";
const R_SCRIPT = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  "../../../bench/accuracy/r/tourism-forecasts.R",
);
const R_METHODS = ["ets", "arima", "theta", "snaive"] as const;
const R_LABEL: Record<string, string> = {
  ets: "R ets",
  arima: "R auto.arima",
  theta: "R thetaf",
  snaive: "R snaive",
};
const FORECAST_TYPES = ["0.1", "0.5", "0.9", "mean"];
const LEVELS = [0.1, 0.5, 0.9];
/** The OptimizationMetric a user would ask CreateAutoPredictor for (unset: none sent, the default). */
const OPTIMIZATION_METRIC = process.env.OPTIMIZATION_METRIC as OptimizationMetric | undefined;

interface QueriedForecast {
  mean: number[];
  p10: number[];
  p50: number[];
  p90: number[];
}
const BUCKET = "tourism";

/** The Amazon frequency of each period and how many months one step spans (for the synthetic calendar). */
const PERIODS: Record<string, { frequency: string; months: number; label: string }> = {
  MONTHLY: { frequency: "M", months: 1, label: "monthly" },
  QUARTERLY: { frequency: "3M", months: 3, label: "quarterly" },
  YEARLY: { frequency: "Y", months: 12, label: "yearly" },
};
/**
 * Every series' last training point falls in the last step before 2020: the service puts all series of a dataset
 * on one grid and forecasts from its common end, so the series (of different lengths and real end dates) are
 * aligned at the end and shorter ones simply start later.
 */
const END_MONTH_INDEX = 2019 * 12 + 11;

/** The date of step `i` of a series of `n` steps that ends at the common end (yyyy-MM-dd). */
function stepDate(i: number, n: number, months: number): string {
  // The step holding the end month starts at a multiple of `months` from year 0: Oct 2019 for quarters, Jan for years.
  const lastStart = END_MONTH_INDEX - (END_MONTH_INDEX % months);
  const index = lastStart - (n - 1 - i) * months;
  return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1)).toISOString().slice(0, 10);
}

function trainCsv(series: readonly Series[], months: number): string {
  const lines = ["item_id,timestamp,target_value"];
  for (const s of series) {
    s.train.forEach((y, i) => {
      lines.push(`${s.name},${stepDate(i, s.train.length, months)},${y}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** How long one stage (an import, training, a forecast) may take. */
const STAGE_TIMEOUT_MS = 60 * 60_000;

type Stage = "upload" | "import" | "train" | "forecast" | "query";

interface ServiceRun {
  seconds: Record<Stage, number>;
  /** CPU seconds of this process (the in-process service, its worker threads, and this client) per stage. */
  cpu: Record<Stage, number>;
  /** Mean and p10/p50/p90 forecasts per series. */
  forecasts: Map<string, QueriedForecast>;
  memberCounts?: Record<string, number>;
  /** The combination's components and weights (diagnostic, from the predictor's model file). */
  weights?: string;
}

/** One period through the API: upload, import, AutoPredictor, forecast, QueryForecast for every series. */
async function runService(
  h: Harness,
  fc: ForecastClient,
  query: ForecastqueryClient,
  s3: S3Client,
  period: string,
  series: readonly Series[],
  run: number,
): Promise<ServiceRun> {
  const { frequency, months, label } = PERIODS[period] as (typeof PERIODS)[string];
  const horizon = (series[0] as Series).h;
  const name = `tourism_${label}_${run}`;
  const clock = () => performance.now() / 1000;
  const cpuClock = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const seconds = {} as Record<Stage, number>;
  const cpu = {} as Record<Stage, number>;
  let t = clock();
  let c = cpuClock();
  const lap = (stage: Stage) => {
    seconds[stage] = clock() - t;
    cpu[stage] = cpuClock() - c;
    t = clock();
    c = cpuClock();
  };
  const key = `${name}/train.csv`;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: trainCsv(series, months) }));
  lap("upload");
  const DatasetArn = await createDailyDataset(fc, {
    name: `${name}_target`,
    type: "TARGET_TIME_SERIES",
    fields: ["target_value:float"],
    frequency,
    domain: "CUSTOM",
  });
  const { DatasetGroupArn } = await fc.send(
    new CreateDatasetGroupCommand({
      DatasetGroupName: name,
      Domain: "CUSTOM",
      DatasetArns: [DatasetArn as string],
    }),
  );
  const { DatasetImportJobArn } = await fc.send(
    new CreateDatasetImportJobCommand({
      DatasetImportJobName: `${name}_import`,
      DatasetArn,
      DataSource: { S3Config: { Path: `s3://${BUCKET}/${key}`, RoleArn: h.roleArn() } },
      TimestampFormat: "yyyy-MM-dd",
    }),
  );
  await untilActive(
    () => fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn })),
    `the ${label} import`,
    STAGE_TIMEOUT_MS,
  );
  lap("import");
  const { PredictorArn } = await fc.send(
    new CreateAutoPredictorCommand({
      PredictorName: `${name}_predictor`,
      ForecastHorizon: horizon,
      ForecastFrequency: frequency,
      ForecastTypes: FORECAST_TYPES,
      DataConfig: { DatasetGroupArn },
      ...(OPTIMIZATION_METRIC ? { OptimizationMetric: OPTIMIZATION_METRIC } : {}),
    }),
  );
  await untilActive(
    () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })),
    `the ${label} predictor`,
    STAGE_TIMEOUT_MS,
  );
  lap("train");
  const { ForecastArn } = await fc.send(
    new CreateForecastCommand({ ForecastName: `${name}_forecast`, PredictorArn }),
  );
  await untilActive(
    () => fc.send(new DescribeForecastCommand({ ForecastArn })),
    `the ${label} forecast`,
    STAGE_TIMEOUT_MS,
  );
  lap("forecast");
  const forecasts = new Map<string, QueriedForecast>();
  await queryEach(
    query,
    ForecastArn as string,
    series,
    (s) => ({ item_id: s.name }),
    (s, p) => {
      const [mean, p10, p50, p90] = ["mean", "p10", "p50", "p90"].map((t) => p[t] ?? []) as number[][];
      if ([mean, p10, p50, p90].some((f) => f?.length !== s.h))
        throw new Error(`${s.name}: ${mean?.length} mean and ${p50?.length} p50 points, expected ${s.h}`);
      forecasts.set(s.name, { mean, p10, p50, p90 } as QueriedForecast);
    },
  );
  lap("query");
  // Diagnostic only (not part of the API): which member each series got, from the in-process store.
  const attrs = (await h.service.services.store.get(PredictorArn as string))?.attrs;
  const memberCounts = attrs?.MemberCounts as Record<string, number> | undefined;
  const modelFile = attrs?.ModelFile as string | undefined;
  const record = modelFile
    ? (JSON.parse(await h.service.services.blobs.readText(modelFile)) as {
        combination?: { components: string[]; weights: number[]; learned?: { metric?: unknown } };
      })
    : undefined;
  const weights = record?.combination
    ? record.combination.components
        .map((c, m) => `${c} ${record.combination?.weights[m]?.toFixed(3)}`)
        .join(", ") +
      (typeof record.combination.learned?.metric === "string"
        ? ` (by ${record.combination.learned.metric})`
        : "")
    : undefined;
  return {
    seconds,
    cpu,
    forecasts,
    memberCounts,
    weights,
  };
}

function checkR(): void {
  const probe = spawnSync("Rscript", ["-e", 'cat(as.character(packageVersion("forecast")))'], {
    encoding: "utf8",
  });
  if (probe.error || probe.status !== 0) {
    const why = probe.error
      ? "Rscript is not on the PATH"
      : `the R package forecast is not usable (${probe.stderr.trim().split("\n").at(-1)})`;
    throw new Error(`${why}. Install R and the forecast package: ${R_INSTALL} (or set SKIP_R=1).`);
  }
  console.error(`R forecast ${probe.stdout.trim()}`);
}

interface RRun {
  forecasts: Map<string, Map<string, number[]>>;
  /** Wall and CPU seconds per method. */
  seconds: Map<string, { wall: number; cpu: number }>;
}

async function runR(series: readonly Series[], dir: string, cores: number): Promise<RRun> {
  const input = path.join(dir, "series.csv");
  const output = path.join(dir, "r-forecasts.csv");
  const timings = path.join(dir, "r-timings.csv");
  const lines = ["sn,freq,h,y", ...series.map((s) => `${s.name},${s.frequency},${s.h},${s.train.join(";")}`)];
  await fs.writeFile(input, `${lines.join("\n")}\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn("Rscript", [R_SCRIPT, input, output, timings, R_METHODS.join(","), String(cores)], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`Rscript ${R_SCRIPT} exited with ${code}; see its message above.`);
  const forecasts = new Map<string, Map<string, number[]>>();
  for (const [method, sn, step, mean] of parseCsv(await fs.readFile(output, "utf8")).slice(1)) {
    let byMethod = forecasts.get(method as string);
    if (!byMethod) {
      byMethod = new Map();
      forecasts.set(method as string, byMethod);
    }
    let f = byMethod.get(sn as string);
    if (!f) {
      f = [];
      byMethod.set(sn as string, f);
    }
    f[Number(step) - 1] = Number(mean);
  }
  const seconds = new Map<string, { wall: number; cpu: number }>();
  for (const [method, wall, cpu] of parseCsv(await fs.readFile(timings, "utf8")).slice(1))
    seconds.set(method as string, { wall: Number(wall), cpu: Number(cpu) });
  return { forecasts, seconds };
}

/** Mean MASE and sMAPE of `forecastOf` over the series of one period. */
function score(
  series: readonly Series[],
  forecastOf: (s: Series) => number[] | undefined,
): { mase: number; smape: number } {
  let m = 0;
  let s = 0;
  for (const x of series) {
    const f = forecastOf(x);
    if (!f || f.length !== x.h) throw new Error(`no forecast of ${x.name}`);
    m += mase(x.test, f, x.train, x.frequency);
    s += smape(x.test, f);
  }
  return { mase: m / series.length, smape: s / series.length };
}

/**
 * The AutoPredictor's accuracy on the papers' definitions (competition-metrics.ts; bench/accuracy/README.md,
 * "Metric definitions"), per period: MASE as the Kaggle competition defines it and on the paper's scale (taken over
 * train and test: `paperMase`, which reproduces the paper's naive rows), MAPE pooled over points as N-BEATS computes it,
 * sMAPE, Amazon's wQL at 0.1 / 0.5 / 0.9 pooled over the period, and the share of test points inside p10–p90
 * (and below p10, above p90).
 */
function printPaperMetrics(
  periods: readonly string[],
  byPeriod: ReadonlyMap<string, Series[]>,
  run: ReadonlyMap<string, ServiceRun>,
): void {
  console.log("\n## AutoPredictor (mean forecast; quantiles p10/p50/p90) on the papers' definitions\n");
  console.log(
    "| period | MASE (Kaggle) | MASE (paper) | MAPE (pooled) | sMAPE | wQL 0.1 | wQL 0.5 | wQL 0.9 | mean wQL | p10–p90 coverage | below p10 | above p90 |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
  const allMape: ReturnType<typeof percentErrorSum>[] = [];
  // The quantiles as a user gets them: points where they cross, p10 is negative (the data is positive) or p10 = p90.
  const odd: string[] = [];
  for (const p of periods) {
    const series = byPeriod.get(p) as Series[];
    const cell = emptyHoldoutCell(LEVELS);
    let maseWholeSum = 0;
    for (const s of series) {
      const f = run.get(p)?.forecasts.get(s.name) as QueriedForecast;
      const forecast = {
        mean: Float64Array.from(f.mean),
        quantiles: [f.p10, f.p50, f.p90].map((q) => Float64Array.from(q)),
      };
      scoreHoldout(cell, s.test, s.train, s.frequency, forecast, LEVELS);
      maseWholeSum += paperMase(s.test, f.mean, s.train, s.frequency);
    }
    allMape.push(...cell.mape);
    const { points } = cell;
    odd.push(`${PERIODS[p]?.label} ${cell.crossed} / ${cell.negative} / ${cell.zeroWidth} of ${points}`);
    const wql = cell.pinball.map((l) => l / cell.volume);
    console.log(
      `| ${PERIODS[p]?.label} | ${(cell.mase / cell.maseCount).toFixed(3)} | ${(maseWholeSum / series.length).toFixed(3)} | ` +
        `${pooledMape(cell.mape).toFixed(2)} | ${(cell.smape / cell.count).toFixed(2)} | ` +
        `${wql.map((w) => w.toFixed(4)).join(" | ")} | ${(wql.reduce((a, b) => a + b, 0) / 3).toFixed(4)} | ` +
        `${((100 * cell.hits) / points).toFixed(1)}% | ${((100 * cell.low) / points).toFixed(1)}% | ${((100 * cell.high) / points).toFixed(1)}% |`,
    );
  }
  console.log(
    `\nMAPE pooled over all periods' points (N-BEATS' "average"): ${pooledMape(allMape).toFixed(2)}`,
  );
  console.log(`Quantile points crossed / p10 < 0 / p10 = p90: ${odd.join("; ")}`);
}

/**
 * The issue's two accuracy aims, on the papers' own definitions: pooled MAPE against N-BEATS' table (aim: below
 * N-BEATS-G on every period and over all points) and MASE on the paper's scale against every method of the
 * tourism paper. Our rows (the AutoPredictor's mean and R's methods, scored here) stand beside the published ones.
 */
function printPublishedComparison(
  periods: readonly string[],
  byPeriod: ReadonlyMap<string, Series[]>,
  rows: readonly { name: string; forecastOf: (s: Series) => number[] | undefined }[],
): void {
  const ours = periods.map((p) => {
    const series = byPeriod.get(p) as Series[];
    return rows.map((r) => {
      const parts = series.map((s) => percentErrorSum(s.test, r.forecastOf(s) as number[]));
      const mase = series.reduce(
        (sum, s) => sum + paperMase(s.test, r.forecastOf(s) as number[], s.train, s.frequency),
        0,
      );
      return { parts, mape: pooledMape(parts), mase: mase / series.length };
    });
  });
  const tp = (p: string) => p as TourismPeriod;
  console.log("\n## The papers' rows beside ours (MAPE pooled over points; MASE on the paper's scale)\n");
  console.log(
    `| method | source | ${periods.map((p) => `${PERIODS[p]?.label} MAPE | ${PERIODS[p]?.label} MASE`).join(" | ")} |`,
  );
  console.log(`|---|---|${periods.map(() => "---|---").join("|")}|`);
  rows.forEach((r, i) => {
    const cells = periods.map((_, k) => {
      const o = ours[k]?.[i] as { mape: number; mase: number };
      return `${o.mape.toFixed(2)} | ${o.mase.toFixed(3)}`;
    });
    console.log(`| ${r.name} | this run | ${cells.join(" | ")} |`);
  });
  const published = (row: PublishedRow) =>
    periods
      .map((p) => `${row.mape[tp(p)].toFixed(2)} | ${row.mase ? row.mase[tp(p)].toFixed(2) : "–"}`)
      .join(" | ");
  for (const row of [...NBEATS_ROWS, ...PAPER_ROWS])
    console.log(`| ${row.method} | ${row.source} | ${published(row)} |`);

  // Row 0 is the AutoPredictor's mean forecast.
  const mapeVerdict = periods.map((p, k) => {
    const m = ours[k]?.[0]?.mape as number;
    const bar = (NBEATS_ROWS[0] as PublishedRow).mape[tp(p)];
    return `${PERIODS[p]?.label} ${m.toFixed(2)} vs ${bar.toFixed(2)} (${m < bar ? "below" : `${((100 * (m - bar)) / bar).toFixed(1)}% above`})`;
  });
  if (periods.length === 3) {
    const pooled = pooledMape(ours.flatMap((cells) => cells[0]?.parts ?? []));
    mapeVerdict.push(
      `pooled ${pooled.toFixed(2)} vs ${NBEATS_G_POOLED_MAPE} (${pooled < NBEATS_G_POOLED_MAPE ? "below" : `${((100 * (pooled - NBEATS_G_POOLED_MAPE)) / NBEATS_G_POOLED_MAPE).toFixed(1)}% above`})`,
    );
  }
  console.log(`\nMAPE aim (AutoPredictor mean below N-BEATS-G): ${mapeVerdict.join("; ")}`);
  const maseVerdict = periods.map((p, k) => {
    const m = ours[k]?.[0]?.mase as number;
    const best = Math.min(...PAPER_ROWS.map((r) => r.mase?.[tp(p)] ?? Number.POSITIVE_INFINITY));
    return `${PERIODS[p]?.label} ${m.toFixed(3)} vs ${best.toFixed(2)} (${m < best ? `below, by ${((100 * (best - m)) / best).toFixed(1)}%` : "not below"})`;
  });
  console.log(`MASE aim (paper scale, below every method of the tourism paper): ${maseVerdict.join("; ")}`);
}

async function main(): Promise<void> {
  const dir = tourismDir();
  const limit = Number(process.env.LIMIT ?? "0");
  const repeats = Math.max(1, Number(process.env.REPEATS ?? "3"));
  const skipR = process.env.SKIP_R === "1";
  const cores = Number(process.env.R_CORES ?? os.availableParallelism());
  if (!skipR) checkR();

  const all = loadTourism(dir);
  // PERIODS=YEARLY,QUARTERLY: those periods only (one at a time keeps a shared machine usable).
  const wanted = process.env.PERIODS?.toUpperCase().split(",");
  const periods = Object.keys(PERIODS).filter(
    (p) => all.some((s) => s.period === p) && (!wanted || wanted.includes(p)),
  );
  const byPeriod = new Map(
    periods.map((p) => {
      const ss = all.filter((s) => s.period === p);
      return [p, limit > 0 ? ss.slice(0, limit) : ss];
    }),
  );
  const series = periods.flatMap((p) => byPeriod.get(p) as Series[]);

  const h = await startHarness();
  const fc = h.forecast();
  const s3 = h.s3();
  const query = forecastqueryClient(h.service.forecastEndpoint);
  const runs: Map<string, ServiceRun>[] = [];
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (let run = 0; run < repeats; run++) {
      const perPeriod = new Map<string, ServiceRun>();
      for (const p of periods) {
        const r = await runService(h, fc, query, s3, p, byPeriod.get(p) as Series[], run);
        perPeriod.set(p, r);
        const sec = r.seconds;
        console.error(
          `run ${run + 1}/${repeats} ${p}: import ${sec.import.toFixed(1)} s, train ${sec.train.toFixed(1)} s, ` +
            `forecast ${sec.forecast.toFixed(1)} s, query ${sec.query.toFixed(1)} s`,
        );
      }
      runs.push(perPeriod);
    }
  } finally {
    query.destroy();
    await h.close();
  }

  let rRun: RRun | undefined;
  if (!skipR) {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-tourism-r-"));
    try {
      rRun = await runR(series, scratch, cores);
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  // Accuracy from the first run; later runs should forecast the same (the service is seeded).
  const first = runs[0] as Map<string, ServiceRun>;
  let maxDiff = 0;
  for (const later of runs.slice(1)) {
    for (const p of periods) {
      for (const [sn, f] of later.get(p)?.forecasts ?? []) {
        const f0 = first.get(p)?.forecasts.get(sn)?.mean ?? [];
        f.mean.forEach((v, i) => {
          maxDiff = Math.max(maxDiff, Math.abs(v - (f0[i] as number)));
        });
      }
    }
  }
  const rows: { name: string; forecastOf: (s: Series) => number[] | undefined }[] = [
    { name: "AutoPredictor (mean)", forecastOf: (s) => first.get(s.period)?.forecasts.get(s.name)?.mean },
    { name: "AutoPredictor (p50)", forecastOf: (s) => first.get(s.period)?.forecasts.get(s.name)?.p50 },
    ...(rRun
      ? R_METHODS.map((m) => ({
          name: R_LABEL[m] as string,
          forecastOf: (s: Series) => rRun?.forecasts.get(m)?.get(s.name),
        }))
      : []),
  ];
  const scores = rows.map((r) => ({
    name: r.name,
    cells: periods.map((p) => score(byPeriod.get(p) as Series[], r.forecastOf)),
  }));

  const counts = periods
    .map((p) => `${(byPeriod.get(p) as Series[]).length} ${PERIODS[p]?.label}`)
    .join(", ");
  console.log(
    `\n## Accuracy: tourism data, ${counts} series (mean over series), OptimizationMetric ${OPTIMIZATION_METRIC ?? "not sent (AverageWeightedQuantileLoss)"}\n`,
  );
  const header = [
    "method",
    ...periods.flatMap((p) => [`${PERIODS[p]?.label} MASE`, `${PERIODS[p]?.label} sMAPE`]),
  ];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const s of scores) {
    const cells = s.cells.flatMap((c) => [c.mase.toFixed(3), c.smape.toFixed(2)]);
    console.log(`| ${s.name} | ${cells.join(" | ")} |`);
  }
  if (rRun) {
    const ours = scores[0] as (typeof scores)[number];
    const others = scores.slice(2);
    const verdict = periods.map((p, i) => {
      const m = ours.cells[i]?.mase as number;
      const worse = others.filter((o) => (o.cells[i]?.mase as number) <= m).map((o) => o.name);
      return `${PERIODS[p]?.label}: ${worse.length === 0 ? "beats all" : `not better than ${worse.join(", ")}`}`;
    });
    console.log(`\nAim (AutoPredictor mean MASE below every R method and snaive): ${verdict.join("; ")}`);
  }
  if (runs.length > 1) {
    console.log(
      `Repeat runs: largest difference of a mean forecast from run 1: ${maxDiff === 0 ? "none (identical)" : maxDiff.toExponential(2)}`,
    );
  }
  printPaperMetrics(periods, byPeriod, first);
  printPublishedComparison(periods, byPeriod, rows);
  console.log("\nMembers chosen per series (diagnostic, from the store):");
  for (const p of periods)
    console.log(
      `- ${PERIODS[p]?.label}: ${JSON.stringify(first.get(p)?.memberCounts)}; weights: ${first.get(p)?.weights}`,
    );

  // Speed: the whole AutoPredictor (import, train, forecast) over all periods, median over the repeats. CPU
  // seconds are given beside wall seconds because the machine may be shared: they do not grow with contention.
  const total = (r: Map<string, ServiceRun>, k: Stage, of: "seconds" | "cpu") =>
    periods.reduce((sum, p) => sum + (r.get(p)?.[of][k] ?? 0), 0);
  const stage = (k: Stage, of: "seconds" | "cpu") => median(runs.map((r) => total(r, k, of)));
  const pipelineOf = (of: "seconds" | "cpu") =>
    median(runs.map((r) => total(r, "import", of) + total(r, "train", of) + total(r, "forecast", of)));
  const pipeline = { wall: pipelineOf("seconds"), cpu: pipelineOf("cpu") };
  const n = series.length;
  const row = (what: string, t: { wall: number; cpu: number }) =>
    console.log(
      `| ${what} | ${t.wall.toFixed(1)} | ${t.cpu.toFixed(1)} | ${(n / t.wall).toFixed(2)} | ${(n / t.cpu).toFixed(2)} |`,
    );
  console.log(
    `\n## Speed: ${n} series, service on ${os.availableParallelism()} worker threads, R on ${cores} processes ` +
      `(mclapply); service figures are medians of ${runs.length} runs\n`,
  );
  console.log("| what | wall s | CPU s | series/s | series per CPU s |");
  console.log("|---|---|---|---|---|");
  for (const k of ["upload", "import", "train", "forecast", "query"] as const)
    row(`service: ${k}`, { wall: stage(k, "seconds"), cpu: stage(k, "cpu") });
  row("**AutoPredictor import → trained → forecast**", pipeline);
  if (rRun) {
    for (const m of R_METHODS)
      row(R_LABEL[m] as string, rRun.seconds.get(m) as { wall: number; cpu: number });
    const ets = rRun.seconds.get("ets") as { wall: number; cpu: number };
    const arima = rRun.seconds.get("arima") as { wall: number; cpu: number };
    const rBoth = { wall: ets.wall + arima.wall, cpu: ets.cpu + arima.cpu };
    row("**R ets + auto.arima**", rBoth);
    console.log(
      `\nAutoPredictor throughput over R ets + auto.arima (aim ≥ 20x): ${(rBoth.wall / pipeline.wall).toFixed(1)}x ` +
        `by wall time, ${(rBoth.cpu / pipeline.cpu).toFixed(1)}x by CPU time`,
    );
  }
}

await main();

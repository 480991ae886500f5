/**
 * Accuracy on AWS's retail sample (consumer electronics: demand per item and store, monthly, price as related
 * data), through the public API: the last 3 months of demand are held out, an AutoPredictor (horizon 3, store_id
 * as a forecast dimension, ExplainPredictor) trains on the rest, a forecast is queried for every series and
 * scored against the held-out months. Also prints the backtest accuracy GetAccuracyMetrics reports and, as a
 * diagnostic read from the in-process service, the members chosen, the combination's weights and the share of
 * explained series with non-zero impact and the mean |price impact|. With OPENFORECAST_GLOBAL_AR=off the
 * AutoPredictor leaves the pooled autoregression out (issue 14: with and without it on data it was not chosen on).
 *
 * Run: node dist/bench/e2e/retail-accuracy.js [items=300]   (env OPENFORECAST_RETAIL_DIR)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateForecastCommand,
  DescribeExplainabilityCommand,
  DescribeForecastCommand,
  GetAccuracyMetricsCommand,
} from "@aws-sdk/client-forecast";
import { QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { withConnection } from "../../src/data/duckdb.js";
import { mase, quantileLossSum } from "../../src/forecasting/metrics.js";
import { ACCOUNTS, forecastqueryClient, startHarness, untilActive } from "../../test/e2e/harness.js";
import {
  firstItems,
  importRetailSample,
  RETAIL_DIR,
  RETAIL_HORIZON,
  STAGE_TIMEOUT_MS,
  trainRetailPredictor,
} from "./retail-sample.js";

const ITEMS = Number(process.argv[2] ?? 300);

interface Row {
  item: string;
  store: string;
  ts: string;
  value: number;
}

function parse(csv: string): Row[] {
  return csv
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => {
      const [item, store, ts, value] = l.split(",");
      return { item: item as string, store: store as string, ts: ts as string, value: Number(value) };
    });
}

function toCsv(header: string, rows: readonly Row[]): string {
  return `${header}\n${rows.map((r) => `${r.item},${r.store},${r.ts},${r.value}`).join("\n")}\n`;
}

async function main(): Promise<void> {
  const keep = firstItems(ITEMS);
  const tts = parse(await fs.readFile(path.join(RETAIL_DIR, "consumer_electronics_TTS.csv"), "utf8")).filter(
    (r) => keep.has(r.item),
  );
  const rts = parse(await fs.readFile(path.join(RETAIL_DIR, "consumer_electronics_RTS.csv"), "utf8")).filter(
    (r) => keep.has(r.item),
  );
  const dates = [...new Set(tts.map((r) => r.ts))].sort();
  const heldOut = new Set(dates.slice(-RETAIL_HORIZON));
  const series = new Map<string, { history: number[]; actual: number[] }>();
  for (const r of [...tts].sort((a, b) => a.ts.localeCompare(b.ts))) {
    const key = `${r.item}|${r.store}`;
    const s = series.get(key) ?? { history: [], actual: [] };
    (heldOut.has(r.ts) ? s.actual : s.history).push(r.value);
    series.set(key, s);
  }

  const h = await startHarness();
  try {
    const fc = h.forecast();
    const s3 = h.s3();
    const bucket = "retail-accuracy";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "tts.csv",
        Body: toCsv(
          "item_id,store_id,timestamp,demand",
          tts.filter((r) => !heldOut.has(r.ts)),
        ),
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "rts.csv",
        Body: toCsv("item_id,store_id,timestamp,price", rts),
      }),
    );
    const group = await importRetailSample(fc, {
      name: "retail_accuracy",
      bucket,
      roleArn: `arn:aws:iam::${ACCOUNTS[0].accountId}:role/ForecastAccess`,
    });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const predictor = await trainRetailPredictor(fc, "retail_accuracy", group);
    const { PredictorArn } = predictor;
    const trainSeconds = (performance.now() - started) / 1000;
    const cpuUsed = process.cpuUsage(cpuBefore);
    const trainCpu = (cpuUsed.user + cpuUsed.system) / 1e6;
    const metrics = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn }));
    const windows = metrics.PredictorEvaluationResults?.[0]?.TestWindows ?? [];
    const avg = (pick: (m: (typeof windows)[number]["Metrics"]) => number | undefined) =>
      windows.reduce((s, w) => s + (pick(w.Metrics) ?? Number.NaN), 0) / windows.length;
    const backtest = {
      wQL: avg((m) => m?.AverageWeightedQuantileLoss),
      WAPE: avg((m) => m?.ErrorMetrics?.find((e) => e.ForecastType === "mean")?.WAPE),
      MASE: avg((m) => m?.ErrorMetrics?.find((e) => e.ForecastType === "mean")?.MASE),
    };

    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "retail_accuracy_f", PredictorArn }),
    );
    await untilActive(
      () => fc.send(new DescribeForecastCommand({ ForecastArn })),
      "forecast",
      STAGE_TIMEOUT_MS,
    );
    const query = forecastqueryClient(h.service.forecastEndpoint);
    const levels = [0.1, 0.5, 0.9];
    const pinball = [0, 0, 0];
    let volume = 0;
    let hits = 0;
    let points = 0;
    let absErr = 0;
    let maseSum = 0;
    let maseCount = 0;
    const keys = [...series.keys()];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < keys.length) {
          const key = keys[next++] as string;
          const [item, store] = key.split("|") as [string, string];
          const s = series.get(key) as { history: number[]; actual: number[] };
          const answer = await query.send(
            new QueryForecastCommand({ ForecastArn, Filters: { item_id: item, store_id: store } }),
          );
          const p = answer.Forecast?.Predictions ?? {};
          const get = (t: string) => (p[t] ?? []).map((d) => d.Value as number);
          // The default forecast types are p10, p50 and p90: the point forecast is the mean when there is one, else p50.
          const mean = get("mean").length > 0 ? get("mean") : get("p50");
          levels.forEach((tau, q) => {
            pinball[q] = (pinball[q] as number) + quantileLossSum(s.actual, get(`p${tau * 100}`), tau);
          });
          const [lo, hi] = [get("p10"), get("p90")];
          for (let t = 0; t < s.actual.length; t++) {
            const y = s.actual[t] as number;
            if (y >= (lo[t] as number) && y <= (hi[t] as number)) hits++;
            points++;
            volume += Math.abs(s.actual[t] as number);
            absErr += Math.abs((s.actual[t] as number) - (mean[t] as number));
          }
          const m = mase(s.actual, mean, s.history, 1);
          if (Number.isFinite(m)) {
            maseSum += m;
            maseCount++;
          }
        }
      }),
    );
    query.destroy();
    const holdout = {
      wQL: pinball.reduce((x, y) => x + y, 0) / pinball.length / volume,
      WAPE: absErr / volume,
      MASE: maseSum / maseCount,
    };

    const ExplainabilityArn = predictor.ExplainabilityInfo?.ExplainabilityArn as string;
    await untilActive(
      () => fc.send(new DescribeExplainabilityCommand({ ExplainabilityArn })),
      "explainability",
      STAGE_TIMEOUT_MS,
    );
    // Diagnostics from the in-process service (not part of the API).
    const store = h.service.services.store;
    const attrs = (await store.get(PredictorArn as string))?.attrs ?? {};
    const blobs = h.service.services.blobs;
    const model = JSON.parse(await blobs.readText(String(attrs.ModelFile))) as Record<string, unknown>;
    const impact = await blobs.fetch(String((await store.get(ExplainabilityArn))?.attrs.ImpactFile));
    const impactFile = impact.path;
    const share = await withConnection(new AbortController().signal, async (c) => {
      const reader = await c.runAndReadAll(
        `SELECT count(*) FILTER (WHERE abs("price-RawImpactScore") > 0) AS nz, count(*) AS n,
                avg(abs("price-RawImpactScore")) AS mean_abs
         FROM read_parquet('${impactFile.replaceAll("'", "''")}') WHERE timestamp = 'Aggregate' AND item_id <> 'Aggregate'`,
      );
      const [nz, n, meanAbs] = reader.getRows()[0] as [bigint, bigint, number];
      return `${nz} of ${n}, mean |price RawImpactScore| ${Number(meanAbs).toFixed(4)}`;
    });
    console.log(
      `machine: ${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}`,
    );
    console.log(
      `global-ar ${process.env.OPENFORECAST_GLOBAL_AR === "off" ? "off" : "on"}; series ${keys.length}, ` +
        `training ${trainSeconds.toFixed(1)} s wall, ${trainCpu.toFixed(1)} s CPU (all threads)`,
    );
    console.log(`members chosen: ${JSON.stringify(attrs.MemberCounts)}`);
    const c = model.combination as
      | { components: string[]; weights: number[]; learned?: { gram?: { points: number; skipped: number } } }
      | undefined;
    console.log(
      `combination: ${c ? c.components.map((n, k) => `${n} ${(c.weights[k] as number).toFixed(3)}`).join(", ") : "per-series choice (no weights)"}`,
    );
    const gram = c?.learned?.gram;
    if (gram) console.log(`weights learned on ${gram.points} series windows, ${gram.skipped} skipped`);
    const f = (x: number) => x.toFixed(4);
    console.log("|  | avg wQL | WAPE | MASE |\n|---|---|---|---|");
    console.log(
      `| backtest (GetAccuracyMetrics, mean of windows) | ${f(backtest.wQL)} | ${f(backtest.WAPE)} | ${f(backtest.MASE)} |`,
    );
    console.log(
      `| held-out last ${RETAIL_HORIZON} months | ${f(holdout.wQL)} | ${f(holdout.WAPE)} | ${f(holdout.MASE)} |`,
    );
    console.log(`held-out p10–p90 coverage ${((100 * hits) / points).toFixed(1)}%`);
    console.log(`series with non-zero price impact (Aggregate rows): ${share}`);
  } finally {
    await h.close();
  }
}

await main();

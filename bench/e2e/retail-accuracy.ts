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
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { withConnection } from "../../src/data/duckdb.js";
import { ACCOUNTS, forecastqueryClient, startHarness, untilActive } from "../../test/e2e/harness.js";
import { scoreQueriedForecasts } from "./holdout-query.js";
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
    const keys = [...series.keys()];
    const scored = await scoreQueriedForecasts(
      query,
      ForecastArn as string,
      keys.map((key) => {
        const [item, store] = key.split("|") as [string, string];
        return {
          filters: { item_id: item, store_id: store },
          ...(series.get(key) as { history: number[]; actual: number[] }),
        };
      }),
      1,
    );
    query.destroy();
    const mean = scored.accuracy.ErrorMetrics[0];
    const holdout = {
      wQL: scored.accuracy.AverageWeightedQuantileLoss,
      WAPE: mean?.WAPE as number,
      MASE: mean?.MASE as number,
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
    console.log(`held-out p10–p90 coverage ${scored.coverage.toFixed(1)}%`);
    console.log(`series with non-zero price impact (Aggregate rows): ${share}`);
  } finally {
    await h.close();
  }
}

await main();

// What-if analyses through the real clients, on data with known drivers: demand falls with price (elasticity
// known) and rises with promotions. A what-if forecast that raises some items' price by 10% must lower those
// items' forecasts by about the true effect and leave every other item equal to the baseline; a replacement
// file that turns on a promotion must raise those series. Both checked with QueryWhatIfForecast and in the
// exported files (CSV and Parquet).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateWhatIfAnalysisCommand,
  CreateWhatIfForecastCommand,
  CreateWhatIfForecastExportCommand,
  DescribeWhatIfAnalysisCommand,
  DescribeWhatIfForecastCommand,
  DescribeWhatIfForecastExportCommand,
  type ForecastClient,
  ListWhatIfAnalysesCommand,
  ListWhatIfForecastExportsCommand,
  ListWhatIfForecastsCommand,
} from "@aws-sdk/client-forecast";
import {
  type ForecastqueryClient,
  QueryForecastCommand,
  QueryWhatIfForecastCommand,
} from "@aws-sdk/client-forecastquery";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { readParts } from "./export-parts.js";
import { ACCOUNTS, forecastqueryClient, type Harness, startHarness, untilActive } from "./harness.js";
import { relatedByItem, setupWhatIfForecast, WHAT_IF_SHAPE } from "./what-if-data.js";

const DAY = 86_400_000;
const BUCKET = "whatif";

type Points = { Timestamp?: string; Value?: number }[];

async function query(fq: ForecastqueryClient, arn: string, item: string, whatIf: boolean): Promise<Points> {
  const out = whatIf
    ? await fq.send(new QueryWhatIfForecastCommand({ WhatIfForecastArn: arn, Filters: { item_id: item } }))
    : await fq.send(new QueryForecastCommand({ ForecastArn: arn, Filters: { item_id: item } }));
  return (out.Forecast?.Predictions?.p50 ?? []) as Points;
}

const sum = (points: Points) => points.reduce((a, p) => a + (p.Value ?? 0), 0);

describe("what-if analyses on data with known drivers", () => {
  let h: Harness;
  let fc: ForecastClient;
  let fq: ForecastqueryClient;
  let s3: S3Client;
  let forecastArn = "";
  let analysisArn = "";
  let related = new Map<string, Map<string, { price: number; promo: number }>>();
  const priced = ["item_0", "item_3"];
  let priceArn = "";
  let promoArn = "";

  before(async () => {
    h = await startHarness();
    fc = h.forecast();
    s3 = h.s3();
    fq = forecastqueryClient(h.service.forecastEndpoint);
    const setup = await setupWhatIfForecast(fc, s3, h.roleArn(), BUCKET, WHAT_IF_SHAPE);
    forecastArn = setup.forecastArn;
    related = relatedByItem(setup.related);
    analysisArn = (
      await fc.send(
        new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "pricing", ForecastArn: forecastArn }),
      )
    ).WhatIfAnalysisArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: analysisArn })),
      "analysis",
    );
  });
  after(async () => {
    fq.destroy();
    await h.close();
  });

  test("MULTIPLY price by 1.1 lowers the chosen items by about the true elasticity, the others stay equal", async () => {
    priceArn = (
      await fc.send(
        new CreateWhatIfForecastCommand({
          WhatIfForecastName: "price_up",
          WhatIfAnalysisArn: analysisArn,
          TimeSeriesTransformations: priced.map((item) => ({
            Action: { AttributeName: "PRICE", Operation: "MULTIPLY", Value: 1.1 },
            TimeSeriesConditions: [{ AttributeName: "item_id", AttributeValue: item, Condition: "EQUALS" }],
          })),
        }),
      )
    ).WhatIfForecastArn as string;
    assert.match(priceArn, /:what-if-forecast\/pricing\/price_up$/);
    const done = await untilActive(
      () => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn: priceArn })),
      "what-if forecast",
    );
    assert.deepEqual(done.ForecastTypes, ["0.1", "0.5", "0.9"]);
    for (let i = 0; i < WHAT_IF_SHAPE.items; i++) {
      const item = `item_${i}`;
      const base = await query(fq, forecastArn, item, false);
      const whatIf = await query(fq, priceArn, item, true);
      assert.equal(whatIf.length, WHAT_IF_SHAPE.horizon);
      if (!priced.includes(item)) {
        assert.deepEqual(whatIf, base, `${item} is not transformed, so it equals the baseline`);
        continue;
      }
      // The truth: demand = base·weekly·(1 − 0.06·(price − 10)) + …, so +10% price lowers it by
      // base·weekly·0.06·0.1·price at each point.
      const level = 40 + 5 * i;
      const weekly = [1, 0.95, 0.95, 1, 1.1, 1.3, 1.25];
      let trueDrop = 0;
      for (const p of base) {
        const d = Math.round((Date.parse(`${p.Timestamp}Z`) - WHAT_IF_SHAPE.start) / DAY);
        const price = related.get(item)?.get(p.Timestamp as string)?.price as number;
        trueDrop += level * (weekly[d % 7] as number) * 0.006 * price;
      }
      const drop = sum(base) - sum(whatIf);
      console.log(item, "drop", drop.toFixed(2), "true", trueDrop.toFixed(2));
      assert.ok(drop > 0, `${item}: a higher price lowers demand (drop ${drop})`);
      assert.ok(
        drop > 0.4 * trueDrop && drop < 1.6 * trueDrop,
        `${item}: the drop ${drop.toFixed(1)} is about the true ${trueDrop.toFixed(1)}`,
      );
    }
  });

  test("a replacement file that turns on a promotion raises those series", async () => {
    const item = "item_5";
    const days = [...(related.get(item)?.keys() ?? [])].slice(-WHAT_IF_SHAPE.horizon);
    const csv = `item_id,timestamp,promo\n${days.map((d) => `${item},${d.slice(0, 10)} 00:00:00,1`).join("\n")}\n`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "whatif/promo.csv", Body: csv }));
    promoArn = (
      await fc.send(
        new CreateWhatIfForecastCommand({
          WhatIfForecastName: "promo_on",
          WhatIfAnalysisArn: analysisArn,
          TimeSeriesReplacementsDataSource: {
            S3Config: { Path: `s3://${BUCKET}/whatif/promo.csv`, RoleArn: h.roleArn() },
            Schema: {
              Attributes: [
                { AttributeName: "item_id", AttributeType: "string" },
                { AttributeName: "timestamp", AttributeType: "timestamp" },
                { AttributeName: "promo", AttributeType: "integer" },
              ],
            },
          },
        }),
      )
    ).WhatIfForecastArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn: promoArn })),
      "promotion what-if forecast",
    );
    const base = await query(fq, forecastArn, item, false);
    const whatIf = await query(fq, promoArn, item, true);
    const offDays = days.filter((d) => related.get(item)?.get(d)?.promo === 0).length;
    const rise = sum(whatIf) - sum(base);
    console.log(item, "rise", rise.toFixed(2), "true", 25 * offDays);
    assert.ok(offDays > 0);
    assert.ok(rise > 0.4 * 25 * offDays, `the promotion raises ${item} by ${rise.toFixed(1)}`);
    assert.deepEqual(
      await query(fq, promoArn, "item_4", true),
      await query(fq, forecastArn, "item_4", false),
    );
  });

  for (const format of ["CSV", "PARQUET"] as const) {
    test(`an export of both what-if forecasts as ${format} holds what QueryWhatIfForecast answers`, async () => {
      const name = `both_${format.toLowerCase()}`;
      const { WhatIfForecastExportArn } = await fc.send(
        new CreateWhatIfForecastExportCommand({
          WhatIfForecastExportName: name,
          WhatIfForecastArns: [priceArn, promoArn],
          Destination: { S3Config: { Path: `s3://${BUCKET}/out/${name}/`, RoleArn: h.roleArn() } },
          Format: format,
        }),
      );
      assert.match(WhatIfForecastExportArn as string, new RegExp(`:what-if-forecast-export/${name}$`));
      const done = await untilActive(
        () => fc.send(new DescribeWhatIfForecastExportCommand({ WhatIfForecastExportArn })),
        "export",
      );
      assert.deepEqual(done.WhatIfForecastArns, [priceArn, promoArn]);
      const rows = await readParts(s3, BUCKET, `out/${name}/`, format === "CSV" ? "csv" : "parquet");
      assert.equal(rows.length, 2 * WHAT_IF_SHAPE.items * WHAT_IF_SHAPE.horizon);
      assert.deepEqual(Object.keys(rows[0] as object), [
        "item_id",
        "date",
        "what_if_forecast_name",
        "p10",
        "p50",
        "p90",
      ]);
      for (const [whatIf, arn, item] of [
        ["price_up", priceArn, "item_0"],
        ["promo_on", promoArn, "item_5"],
      ] as const) {
        const queried = await query(fq, arn, item, true);
        const exported = rows
          .filter((r) => r.what_if_forecast_name === whatIf && r.item_id === item)
          .map((r) => ({ Timestamp: String(r.date), Value: Number(r.p50) }));
        assert.equal(exported.length, queried.length);
        exported.forEach((e, k) => {
          assert.equal(e.Timestamp, queried[k]?.Timestamp);
          assert.ok(Math.abs(e.Value - (queried[k]?.Value as number)) < 1e-9);
        });
      }
      const listed = await fc.send(new ListWhatIfForecastExportsCommand({}));
      assert.ok(
        listed.WhatIfForecastExports?.some((e) => e.WhatIfForecastExportArn === WhatIfForecastExportArn),
      );
    });
  }

  test("List operations show the analysis and its what-if forecasts", async () => {
    const analyses = await fc.send(new ListWhatIfAnalysesCommand({}));
    assert.deepEqual(
      analyses.WhatIfAnalyses?.map((a) => [a.WhatIfAnalysisName, a.ForecastArn, a.Status]),
      [["pricing", forecastArn, "ACTIVE"]],
    );
    const forecasts = await fc.send(
      new ListWhatIfForecastsCommand({
        Filters: [{ Key: "WhatIfAnalysisArn", Value: analysisArn, Condition: "IS" }],
      }),
    );
    assert.deepEqual(forecasts.WhatIfForecasts?.map((f) => f.WhatIfForecastName).sort(), [
      "price_up",
      "promo_on",
    ]);
  });

  test("an analysis with a TimeSeriesSelector covers only the series it names", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "whatif/ids.csv", Body: "item_0\nitem_3\n" }));
    const selectedArn = (
      await fc.send(
        new CreateWhatIfAnalysisCommand({
          WhatIfAnalysisName: "two_items",
          ForecastArn: forecastArn,
          TimeSeriesSelector: {
            TimeSeriesIdentifiers: {
              DataSource: { S3Config: { Path: `s3://${BUCKET}/whatif/ids.csv`, RoleArn: h.roleArn() } },
              Schema: { Attributes: [{ AttributeName: "item_id", AttributeType: "string" }] },
              Format: "CSV",
            },
          },
        }),
      )
    ).WhatIfAnalysisArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: selectedArn })),
      "analysis with a selector",
    );
    // The analysis keeps its series as an object of the internal bucket, under its own prefix.
    const selection = await h.service.services.blobs.list(
      `resources/${ACCOUNTS[0].accountId}/us-west-2/what-if-analysis/two_items/`,
    );
    assert.deepEqual(
      selection.map((o) => o.key.split("/").pop()),
      ["selection.json"],
    );
    const arn = (
      await fc.send(
        new CreateWhatIfForecastCommand({
          WhatIfForecastName: "all_up",
          WhatIfAnalysisArn: selectedArn,
          TimeSeriesTransformations: [
            { Action: { AttributeName: "price", Operation: "MULTIPLY", Value: 1.1 } },
          ],
        }),
      )
    ).WhatIfForecastArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn: arn })),
      "what-if",
    );
    for (const item of ["item_0", "item_3"]) {
      assert.ok(sum(await query(fq, arn, item, true)) < sum(await query(fq, forecastArn, item, false)), item);
    }
    await assert.rejects(
      query(fq, arn, "item_1", true),
      (e: Error) => e.name === "ResourceNotFoundException",
    );
  });
});

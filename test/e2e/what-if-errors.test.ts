// Every error of the what-if operations, reached as a user would, plus StopResource, DeleteResourceTree and
// account isolation.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateForecastCommand,
  CreatePredictorCommand,
  CreateWhatIfAnalysisCommand,
  type CreateWhatIfAnalysisCommandInput,
  CreateWhatIfForecastCommand,
  type CreateWhatIfForecastCommandInput,
  CreateWhatIfForecastExportCommand,
  type CreateWhatIfForecastExportCommandInput,
  DeleteForecastCommand,
  DeleteResourceTreeCommand,
  DeleteWhatIfAnalysisCommand,
  DeleteWhatIfForecastCommand,
  DeleteWhatIfForecastExportCommand,
  DescribeForecastCommand,
  DescribePredictorCommand,
  DescribeWhatIfAnalysisCommand,
  DescribeWhatIfForecastCommand,
  DescribeWhatIfForecastExportCommand,
  type ForecastClient,
  ListWhatIfAnalysesCommand,
  ListWhatIfForecastExportsCommand,
  ListWhatIfForecastsCommand,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import { type ForecastqueryClient, QueryWhatIfForecastCommand } from "@aws-sdk/client-forecastquery";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  ACCOUNTS,
  activeForecast,
  allRefused,
  eventually,
  forecastqueryClient,
  type Harness,
  refused,
  settled,
  startHarness,
  untilActive,
  untilGone,
} from "./harness.js";
import { setupWhatIfForecast, WHAT_IF_SHAPE } from "./what-if-data.js";

const BUCKET = "whatif-errors";

describe("what-if errors, stop, delete and isolation", () => {
  let h: Harness;
  let fc: ForecastClient;
  let fq: ForecastqueryClient;
  let s3: S3Client;
  let predictorArn = "";
  let forecastArn = "";
  let analysisArn = "";
  let whatIfArn = "";
  const missing = `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:what-if-analysis/nothing`;
  const missingForecast = `arn:aws:forecast:us-west-2:${ACCOUNTS[0].accountId}:what-if-forecast/nothing/nothing`;
  const transform = (name: string, extra: Partial<CreateWhatIfForecastCommandInput> = {}) =>
    new CreateWhatIfForecastCommand({
      WhatIfForecastName: name,
      WhatIfAnalysisArn: analysisArn,
      TimeSeriesTransformations: [{ Action: { AttributeName: "price", Operation: "ADD", Value: 1 } }],
      ...extra,
    });

  before(async () => {
    h = await startHarness();
    fc = h.forecast();
    s3 = h.s3();
    fq = forecastqueryClient(h.service.forecastEndpoint);
    ({ predictorArn, forecastArn } = await setupWhatIfForecast(fc, s3, h.roleArn(), BUCKET, {
      ...WHAT_IF_SHAPE,
      items: 4,
      name: "errors",
    }));
    analysisArn = (
      await fc.send(
        new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "errors", ForecastArn: forecastArn }),
      )
    ).WhatIfAnalysisArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: analysisArn })),
      "analysis",
    );
    whatIfArn = (await fc.send(transform("base_plus_one"))).WhatIfForecastArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn: whatIfArn })),
      "what-if forecast",
    );
  });
  after(async () => {
    fq.destroy();
    await h.close();
  });

  test("CreateWhatIfAnalysis and its kin refuse what Amazon refuses", async () => {
    const create = (input: Partial<CreateWhatIfAnalysisCommandInput>) =>
      fc.send(
        new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "a2", ForecastArn: forecastArn, ...input }),
      );
    await refused(create({ ForecastArn: `${forecastArn}_nope` }), "ResourceNotFoundException");
    await refused(create({ WhatIfAnalysisName: "errors" }), "ResourceAlreadyExistsException");
    await refused(create({ Tags: [{ Key: "aws:x", Value: "y" }] }), "InvalidInputException", /reserved/);
    await refused(
      create({ Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" })) }),
      "LimitExceededException",
    );
    await refused(
      create({
        TimeSeriesSelector: {
          TimeSeriesIdentifiers: {
            DataSource: {
              S3Config: { Path: `s3://${BUCKET}/ids.csv`, RoleArn: h.roleArn(1) },
            },
            Schema: { Attributes: [{ AttributeName: "item_id", AttributeType: "string" }] },
          },
        },
      }),
      "InvalidInputException",
      /across accounts/,
    );
    // A forecast still being made is in use.
    const pending = (
      await fc.send(new CreateForecastCommand({ ForecastName: "pending", PredictorArn: predictorArn }))
    ).ForecastArn as string;
    await refused(
      create({ WhatIfAnalysisName: "too_early", ForecastArn: pending }),
      "ResourceInUseException",
    );
    await fc.send(new StopResourceCommand({ ResourceArn: pending })).catch(() => undefined);
    await refused(
      fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: missing })),
      "ResourceNotFoundException",
    );
    await refused(
      fc.send(new DeleteWhatIfAnalysisCommand({ WhatIfAnalysisArn: analysisArn })),
      "ResourceInUseException",
      /base_plus_one/,
    );
    await refused(fc.send(new DeleteForecastCommand({ ForecastArn: forecastArn })), "ResourceInUseException");
    await refused(
      fc.send(new ListWhatIfAnalysesCommand({ Filters: [{ Key: "Nope", Value: "x", Condition: "IS" }] })),
      "InvalidInputException",
    );
    await refused(
      fc.send(new ListWhatIfAnalysesCommand({ NextToken: "bogus" })),
      "InvalidNextTokenException",
    );
  });

  test("a TimeSeriesSelector that names none of the forecast's series fails the analysis with a message", async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "ids/none.csv", Body: "item_99\n" }));
    const { WhatIfAnalysisArn } = await fc.send(
      new CreateWhatIfAnalysisCommand({
        WhatIfAnalysisName: "nobody",
        ForecastArn: forecastArn,
        TimeSeriesSelector: {
          TimeSeriesIdentifiers: {
            DataSource: { S3Config: { Path: `s3://${BUCKET}/ids/none.csv`, RoleArn: h.roleArn() } },
            Schema: { Attributes: [{ AttributeName: "item_id", AttributeType: "string" }] },
            Format: "CSV",
          },
        },
      }),
    );
    const d = await settled(
      () => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn })),
      "analysis",
    );
    assert.equal(d.Status, "CREATE_FAILED");
    assert.match(d.Message ?? "", /None of the 1 series/);
    await fc.send(new DeleteWhatIfAnalysisCommand({ WhatIfAnalysisArn }));
  });

  test("an analysis of a legacy predictor's forecast is refused", async () => {
    const legacy = (
      await fc.send(
        new CreatePredictorCommand({
          PredictorName: "legacy",
          AlgorithmArn: "arn:aws:forecast:::algorithm/NPTS",
          ForecastHorizon: WHAT_IF_SHAPE.horizon,
          InputDataConfig: {
            DatasetGroupArn: (
              await fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn }))
            ).DatasetGroupArn as string,
          },
          FeaturizationConfig: { ForecastFrequency: "D" },
        }),
      )
    ).PredictorArn as string;
    await untilActive(
      () => fc.send(new DescribePredictorCommand({ PredictorArn: legacy })),
      "legacy",
      600_000,
    );
    const legacyForecast = await activeForecast(fc, "legacy_forecast", legacy);
    await refused(
      fc.send(new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "legacy", ForecastArn: legacyForecast })),
      "InvalidInputException",
      /CreateAutoPredictor/,
    );
  });

  test("CreateWhatIfForecast checks every rule", async () => {
    const action = { AttributeName: "price", Operation: "MULTIPLY" as const, Value: 0.9 };
    const replacements = (
      attributes: { AttributeName: string; AttributeType: "string" | "timestamp" | "float" | "integer" }[],
      extra = {},
    ) => ({
      S3Config: { Path: `s3://${BUCKET}/whatif/r.csv`, RoleArn: h.roleArn() },
      Schema: { Attributes: attributes },
      ...extra,
    });
    type Attribute = { AttributeName: string; AttributeType: "string" | "timestamp" | "float" | "integer" };
    const good: Attribute[] = [
      { AttributeName: "item_id", AttributeType: "string" },
      { AttributeName: "timestamp", AttributeType: "timestamp" },
      { AttributeName: "promo", AttributeType: "integer" },
    ];
    await refused(fc.send(transform("x", { WhatIfAnalysisArn: missing })), "ResourceNotFoundException");
    await refused(fc.send(transform("base_plus_one")), "ResourceAlreadyExistsException");
    await refused(
      fc.send(transform("x", { TimeSeriesTransformations: [] })),
      "InvalidInputException",
      /needs/,
    );
    await refused(
      fc.send(transform("x", { TimeSeriesReplacementsDataSource: replacements(good) })),
      "InvalidInputException",
      /not both/,
    );
    await refused(
      fc.send(transform("x", { TimeSeriesTransformations: [{ TimeSeriesConditions: [] }] })),
      "InvalidInputException",
      /no Action/,
    );
    await refused(
      fc.send(
        transform("x", { TimeSeriesTransformations: [{ Action: { ...action, AttributeName: "colour" } }] }),
      ),
      "InvalidInputException",
      /price, promo, noise_feature/,
    );
    await refused(
      fc.send(
        transform("x", {
          TimeSeriesTransformations: [{ Action: { ...action, Operation: "DIVIDE", Value: 0 } }],
        }),
      ),
      "InvalidInputException",
      /DIVIDE by 0/,
    );
    const condition = (AttributeName: string, AttributeValue: string) => ({
      TimeSeriesTransformations: [
        {
          Action: action,
          TimeSeriesConditions: [{ AttributeName, AttributeValue, Condition: "EQUALS" as const }],
        },
      ],
    });
    await refused(fc.send(transform("x", condition("store", "1"))), "InvalidInputException", /not a field/);
    await refused(
      fc.send(transform("x", condition("timestamp", "next week"))),
      "InvalidInputException",
      /yyyy-MM-dd/,
    );
    const tooMany = {
      TimeSeriesTransformations: [
        {
          Action: action,
          TimeSeriesConditions: Array.from({ length: 11 }, () => ({
            AttributeName: "item_id",
            AttributeValue: "item_0",
            Condition: "EQUALS" as const,
          })),
        },
      ],
    };
    await assert.rejects(fc.send(transform("x", tooMany)), (e: Error) => /Exception/.test(e.name));
    const withReplacements = (attributes: typeof good, extra = {}) =>
      transform("x", {
        TimeSeriesTransformations: undefined,
        TimeSeriesReplacementsDataSource: replacements(attributes, extra),
      });
    await refused(fc.send(withReplacements(good, { Format: "PARQUET" })), "InvalidInputException", /CSV/);
    await refused(fc.send(withReplacements(good.slice(1))), "InvalidInputException", /include item_id/);
    await refused(fc.send(withReplacements(good.slice(0, 2))), "InvalidInputException", /at least one/);
    await refused(
      fc.send(withReplacements([...good, { AttributeName: "colour", AttributeType: "float" }])),
      "InvalidInputException",
      /colour/,
    );
    await refused(
      fc.send(
        transform("x", {
          TimeSeriesTransformations: undefined,
          TimeSeriesReplacementsDataSource: {
            ...replacements(good),
            S3Config: { Path: `s3://${BUCKET}/whatif/r.csv`, RoleArn: h.roleArn(1) },
          },
        }),
      ),
      "InvalidInputException",
      /across accounts/,
    );
    // Errors found in the file fail the what-if forecast with a message.
    const failing = async (name: string, body: string, pattern: RegExp) => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `whatif/${name}.csv`, Body: body }));
      const { WhatIfForecastArn } = await fc.send(
        transform(name, {
          TimeSeriesTransformations: undefined,
          TimeSeriesReplacementsDataSource: {
            ...replacements(good),
            S3Config: { Path: `s3://${BUCKET}/whatif/${name}.csv`, RoleArn: h.roleArn() },
          },
        }),
      );
      const d = await settled(() => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn })), name);
      assert.equal(d.Status, "CREATE_FAILED");
      assert.match(d.Message ?? "", pattern);
      await fc.send(new DeleteWhatIfForecastCommand({ WhatIfForecastArn }));
    };
    const day = new Date(WHAT_IF_SHAPE.start + WHAT_IF_SHAPE.days * 86_400_000).toISOString().slice(0, 10);
    await failing("duplicates", `item_0,${day},1\nitem_0,${day},0\n`, /more than one row/);
    await failing("elsewhere", "item_0,2001-01-01,1\n", /None of the 1 rows/);
    await failing("badtime", "item_0,yesterday,1\n", /does not match/);
    await failing("badvalue", `item_0,${day},lots\n`, /not a number/);
  });

  test("a transformation that matches nothing says so in Message", async () => {
    const { WhatIfForecastArn } = await fc.send(
      transform("nobody", {
        TimeSeriesTransformations: [
          {
            Action: { AttributeName: "price", Operation: "ADD", Value: 5 },
            TimeSeriesConditions: [
              { AttributeName: "item_id", AttributeValue: "item_99", Condition: "EQUALS" },
            ],
          },
        ],
      }),
    );
    const d = await untilActive(
      () => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn })),
      "nobody",
    );
    assert.match(d.Message ?? "", /equals the baseline/);
    await fc.send(new DeleteWhatIfForecastCommand({ WhatIfForecastArn }));
  });

  test("QueryWhatIfForecast's errors", async () => {
    await refused(
      fq.send(
        new QueryWhatIfForecastCommand({
          WhatIfForecastArn: missingForecast,
          Filters: { item_id: "item_0" },
        }),
      ),
      "ResourceNotFoundException",
    );
    await refused(
      fq.send(new QueryWhatIfForecastCommand({ WhatIfForecastArn: whatIfArn, Filters: { store: "1" } })),
      "InvalidInputException",
    );
    await refused(
      fq.send(
        new QueryWhatIfForecastCommand({
          WhatIfForecastArn: whatIfArn,
          Filters: { item_id: "item_0" },
          NextToken: "x",
        }),
      ),
      "InvalidNextTokenException",
    );
    await refused(
      fq.send(
        new QueryWhatIfForecastCommand({ WhatIfForecastArn: whatIfArn, Filters: { item_id: "item_99" } }),
      ),
      "ResourceNotFoundException",
    );
    const ok = await fq.send(
      new QueryWhatIfForecastCommand({
        WhatIfForecastArn: whatIfArn,
        Filters: { item_id: "item_0" },
        StartDate: "2000-01-01T00:00:00",
      }),
    );
    assert.equal(ok.Forecast?.Predictions?.p90?.length, WHAT_IF_SHAPE.horizon);
  });

  test("StopResource stops a what-if forecast; a stopped one cannot be queried or exported", async () => {
    const { WhatIfForecastArn } = await fc.send(transform("stopped"));
    await fc.send(new StopResourceCommand({ ResourceArn: WhatIfForecastArn }));
    const d = await settled(() => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn })), "stop");
    assert.equal(d.Status, "CREATE_STOPPED");
    await refused(
      fq.send(new QueryWhatIfForecastCommand({ WhatIfForecastArn, Filters: { item_id: "item_0" } })),
      "ResourceInUseException",
    );
    await refused(
      fc.send(new StopResourceCommand({ ResourceArn: WhatIfForecastArn })),
      "InvalidInputException",
    );
    await refused(
      fc.send(
        new CreateWhatIfForecastExportCommand({
          WhatIfForecastExportName: "stopped_export",
          WhatIfForecastArns: [WhatIfForecastArn as string],
          Destination: { S3Config: { Path: `s3://${BUCKET}/out/stopped/`, RoleArn: h.roleArn() } },
        }),
      ),
      "ResourceInUseException",
    );
    await fc.send(new DeleteWhatIfForecastCommand({ WhatIfForecastArn }));
  });

  test("at most 50 what-if forecasts per analysis, counted with the insert: 60 racing creates at 45 make 5", async () => {
    const { WhatIfAnalysisArn: crowded } = await fc.send(
      new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "crowded", ForecastArn: forecastArn }),
    );
    await untilActive(
      () => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: crowded })),
      "crowded",
    );
    const create = (name: string) => fc.send(transform(name, { WhatIfAnalysisArn: crowded }));
    const stop = (arns: string[]) =>
      Promise.all(
        arns.map((ResourceArn) => fc.send(new StopResourceCommand({ ResourceArn })).catch(() => undefined)),
      );
    const ofCrowded = async () =>
      (
        await fc.send(
          new ListWhatIfForecastsCommand({
            Filters: [{ Key: "WhatIfAnalysisArn", Value: crowded, Condition: "IS" }],
            MaxResults: 100,
          }),
        )
      ).WhatIfForecasts ?? [];
    // 45 first, stopped at once: a stopped what-if forecast still counts (it is the analysis' until deleted), and
    // their jobs leave the machine to the race.
    const early: string[] = [];
    for (let i = 0; i < 45; i++) early.push((await create(`early_${i}`)).WhatIfForecastArn as string);
    await stop(early);
    const raced = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => create(`raced_${i}`)));
    const made = raced.flatMap((r) =>
      r.status === "fulfilled" ? [r.value.WhatIfForecastArn as string] : [],
    );
    const refusals = raced.flatMap((r) => (r.status === "rejected" ? [r.reason as Error] : []));
    await stop(made);
    assert.equal(made.length, 5, `${made.length} of 60 racing creates passed the limit at 45`);
    assert.equal(refusals.length, 55);
    for (const e of refusals) {
      assert.equal(e.name, "LimitExceededException", e.message);
      assert.match(e.message, /already has 50 what-if forecasts; the limit is 50/);
    }
    assert.equal((await ofCrowded()).length, 50);
    // DeleteResourceTree wants every job of the tree settled.
    await eventually(
      async () =>
        (await ofCrowded()).every((f) =>
          ["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"].includes(f.Status ?? ""),
        )
          ? true
          : undefined,
      120_000,
      "the crowded analysis' what-if forecasts to settle",
    );
    await fc.send(new DeleteResourceTreeCommand({ ResourceArn: crowded }));
    await untilGone(
      () => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: crowded })),
      "the crowded analysis to go",
      120_000,
    );
  });

  test("what-if forecast exports: every error, then DeleteResourceTree removes the whole analysis", async () => {
    const create = (input: Partial<CreateWhatIfForecastExportCommandInput>) =>
      fc.send(
        new CreateWhatIfForecastExportCommand({
          WhatIfForecastExportName: "export_one",
          WhatIfForecastArns: [whatIfArn],
          Destination: { S3Config: { Path: `s3://${BUCKET}/out/one/`, RoleArn: h.roleArn() } },
          ...input,
        }),
      );
    await refused(create({ WhatIfForecastArns: [missingForecast] }), "ResourceNotFoundException");
    await refused(
      create({ WhatIfForecastArns: [whatIfArn, whatIfArn] }),
      "InvalidInputException",
      /more than once/,
    );
    await refused(
      create({ Destination: { S3Config: { Path: `s3://${BUCKET}/out/one/`, RoleArn: h.roleArn(1) } } }),
      "InvalidInputException",
    );
    await refused(
      create({
        Destination: {
          S3Config: {
            Path: `s3://${BUCKET}/out/one/`,
            RoleArn: h.roleArn(),
            KMSKeyArn: "arn:aws:kms:eu-west-1:999999999999:key/x",
          },
        },
      }),
      "InvalidInputException",
      /KMS/,
    );
    // Two analyses' what-if forecasts cannot share one export.
    const other = (
      await fc.send(
        new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "other", ForecastArn: forecastArn }),
      )
    ).WhatIfAnalysisArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: other })),
      "other",
    );
    const otherForecast = (await fc.send(transform("elsewhere", { WhatIfAnalysisArn: other })))
      .WhatIfForecastArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn: otherForecast })),
      "other forecast",
    );
    await refused(
      create({ WhatIfForecastArns: [whatIfArn, otherForecast] }),
      "InvalidInputException",
      /one what-if analysis/,
    );
    const { WhatIfForecastExportArn } = await create({});
    await refused(create({}), "ResourceAlreadyExistsException");
    await untilActive(
      () => fc.send(new DescribeWhatIfForecastExportCommand({ WhatIfForecastExportArn })),
      "export",
    );
    await refused(
      fc.send(new DeleteWhatIfForecastCommand({ WhatIfForecastArn: whatIfArn })),
      "ResourceInUseException",
      /export_one/,
    );
    await refused(
      fc.send(
        new DescribeWhatIfForecastExportCommand({ WhatIfForecastExportArn: `${WhatIfForecastExportArn}x` }),
      ),
      "ResourceNotFoundException",
    );
    await refused(
      fc.send(
        new ListWhatIfForecastExportsCommand({
          Filters: [{ Key: "ForecastArn", Value: "x", Condition: "IS" }],
        }),
      ),
      "InvalidInputException",
    );
    // Account isolation: the other account sees none of it.
    const stranger = h.forecast(1);
    const strangerQuery = forecastqueryClient(h.service.forecastEndpoint, 1);
    await allRefused("ResourceNotFoundException", [
      stranger.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn: analysisArn })),
      stranger.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn: whatIfArn })),
      stranger.send(new DescribeWhatIfForecastExportCommand({ WhatIfForecastExportArn })),
      stranger.send(
        new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "mine", ForecastArn: forecastArn }),
      ),
      strangerQuery.send(
        new QueryWhatIfForecastCommand({ WhatIfForecastArn: whatIfArn, Filters: { item_id: "item_0" } }),
      ),
    ]);
    strangerQuery.destroy();
    assert.deepEqual((await stranger.send(new ListWhatIfAnalysesCommand({}))).WhatIfAnalyses, []);
    assert.deepEqual((await stranger.send(new ListWhatIfForecastsCommand({}))).WhatIfForecasts, []);
    // Deleting the export frees the forecast; DeleteResourceTree on a what-if forecast takes its exports along.
    const second = (await create({ WhatIfForecastExportName: "export_two" }))
      .WhatIfForecastExportArn as string;
    await untilActive(
      () => fc.send(new DescribeWhatIfForecastExportCommand({ WhatIfForecastExportArn: second })),
      "second export",
    );
    await fc.send(new DeleteWhatIfForecastExportCommand({ WhatIfForecastExportArn }));
    // A what-if forecast's rows are an object of the internal bucket under its own prefix, named by its ARN.
    const { blobs } = h.service.services;
    const kindPrefix = (kind: string) => `resources/${ACCOUNTS[0].accountId}/us-west-2/${kind}/`;
    const whatIfPrefix = `${kindPrefix("what-if-forecast")}${whatIfArn.split(":what-if-forecast/")[1]}/`;
    assert.deepEqual(
      (await blobs.list(whatIfPrefix)).map((o) => o.key),
      [`${whatIfPrefix}forecast.parquet`],
    );
    await fc.send(new DeleteResourceTreeCommand({ ResourceArn: whatIfArn }));
    await eventually(
      async () =>
        (await fc.send(new ListWhatIfForecastExportsCommand({}))).WhatIfForecastExports?.length === 0
          ? true
          : undefined,
      30_000,
      "the exports to go",
    );
    await eventually(
      async () =>
        (await fc.send(new ListWhatIfForecastsCommand({}))).WhatIfForecasts?.some(
          (f) => f.WhatIfForecastArn === whatIfArn,
        )
          ? undefined
          : true,
      30_000,
      "the what-if forecast to go",
    );
    await fc.send(new DeleteResourceTreeCommand({ ResourceArn: forecastArn }));
    // The tree's deletions run as jobs side by side: an analysis can be gone while its what-if forecast's objects
    // are still being removed, so both lists are waited for.
    await eventually(
      async () =>
        (await fc.send(new ListWhatIfAnalysesCommand({}))).WhatIfAnalyses?.length === 0 &&
        (await fc.send(new ListWhatIfForecastsCommand({}))).WhatIfForecasts?.length === 0
          ? true
          : undefined,
      30_000,
      "the analyses and their what-if forecasts to go",
    );
    // Their objects went with them.
    for (const kind of ["what-if-analysis", "what-if-forecast"]) {
      const left = (await blobs.list(kindPrefix(kind))).map((o) => o.key);
      assert.deepEqual(left, [], `objects of ${kind}s left in the internal bucket`);
    }
  });
});

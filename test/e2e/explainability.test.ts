import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateExplainabilityCommand,
  CreateExplainabilityExportCommand,
  CreateForecastCommand,
  DeleteExplainabilityCommand,
  DescribeExplainabilityCommand,
  DescribeExplainabilityExportCommand,
  DescribeForecastCommand,
  type ForecastClient,
  ListExplainabilitiesCommand,
  ListExplainabilityExportsCommand,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { DuckDBInstance } from "@duckdb/node-api";
import { GLOBAL_MEMBER } from "../../src/forecasting/auto/members.js";
import { readPredictorModel } from "../../src/forecasting/auto/predictor-model.js";
import { DAYS, HORIZON, ITEMS, START, setupDriverPredictor } from "./driver-data.js";
import { readParts as readExportParts } from "./export-parts.js";
import { ACCOUNTS, type Harness, settled, startHarness } from "./harness.js";

const DAY = 86_400_000;

const readParts = (s3: S3Client, prefix: string, ext: "csv" | "parquet") =>
  readExportParts(s3, "explain", prefix, ext);

describe("explainability and its export", () => {
  let h: Harness;
  let fc: ForecastClient;
  let s3: S3Client;
  let predictorArn = "";
  let explainabilityArn = "";
  let forecastArn = "";
  before(async () => {
    h = await startHarness({ OPENFORECAST_MAX_CONCURRENT_EXPLAINABILITY_EXPORTS: "2" });
    fc = h.forecast();
    s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "explain" }));
    await s3.send(
      new PutObjectCommand({ Bucket: "explain", Key: "ids/three.csv", Body: "item_1\nitem_5\nitem_9\n" }),
    );
    ({ predictorArn, explainabilityArn } = await setupDriverPredictor(fc, s3, h.roleArn(), "explain-data"));
    forecastArn = (
      await fc.send(
        new CreateForecastCommand({ ForecastName: "drivers_forecast", PredictorArn: predictorArn }),
      )
    ).ForecastArn as string;
    const forecast = await settled(
      () => fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn })),
      "forecast",
    );
    assert.equal(forecast.Status, "ACTIVE", forecast.Message);
  });
  after(async () => h.close());

  test("predictor explainability: CSV export with the documented columns, Aggregate rows and score ranges", async () => {
    const kms = `arn:aws:kms:us-west-2:${ACCOUNTS[0].accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const { ExplainabilityExportArn } = await fc.send(
      new CreateExplainabilityExportCommand({
        ExplainabilityExportName: "predictor_csv",
        ExplainabilityArn: explainabilityArn,
        Destination: {
          S3Config: { Path: "s3://explain/out/predictor", RoleArn: h.roleArn(), KMSKeyArn: kms },
        },
      }),
    );
    const done = await settled(
      () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
      "the CSV export",
    );
    assert.equal(done.Status, "ACTIVE", done.Message);
    assert.equal(done.Format, "CSV");
    const rows = await readParts(s3, "out/predictor/", "csv");
    const columns = Object.keys(rows[0] as object);
    assert.deepEqual(columns.slice(0, 2), ["item_id", "timestamp"]);
    for (const a of ["price", "promo", "noise_feature"]) {
      assert.ok(columns.includes(`${a}-RawImpactScore`) && columns.includes(`${a}-NormalizedImpactScore`), a);
    }
    const overall = rows.filter((r) => r.item_id === "Aggregate" && r.timestamp === "Aggregate");
    assert.equal(overall.length, 1);
    const perSeries = rows.filter((r) => r.item_id !== "Aggregate" && r.timestamp === "Aggregate");
    assert.equal(perSeries.length, ITEMS);
    assert.equal(rows.length, ITEMS * HORIZON + ITEMS + 1);
    for (const r of [...overall, ...perSeries]) {
      for (const a of ["price", "promo", "noise_feature"]) {
        const n = Number(r[`${a}-NormalizedImpactScore`]);
        assert.ok(n >= -1 && n <= 1, `normalized ${a} ${n} in [-1, 1]`);
      }
    }
    const key = (await s3.send(new ListObjectsV2Command({ Bucket: "explain", Prefix: "out/predictor/" })))
      .Contents?.[0]?.Key;
    const head = await s3.send(new HeadObjectCommand({ Bucket: "explain", Key: key }));
    assert.equal(head.Metadata?.["openforecast-sse-kms-key-id"], kms, "every part carries the KMS key");
    // Fidelity: promotion days are raised, high prices lowered, and noise matters little.
    const points = rows.filter((r) => r.timestamp !== "Aggregate" && r.item_id !== "Aggregate");
    const meanAbs = (a: string) =>
      points.reduce((s, r) => s + Math.abs(Number(r[`${a}-RawImpactScore`])), 0) / points.length;
    assert.ok(meanAbs("noise_feature") < 0.2 * meanAbs("price"), "the no-effect attribute is near zero");
    assert.ok(meanAbs("price") > 1 && meanAbs("promo") > 1, "the drivers have impact");
  });

  test("with the global model weighted in, every explained series has non-zero impact", async () => {
    // The weights are the predictor's own record (model.json), read from the in-process service: the API has no
    // field for them.
    const store = h.service.services.store;
    const blobs = h.service.services.blobs;
    const model = await readPredictorModel(blobs, String((await store.get(predictorArn))?.attrs.ModelFile));
    const m = model.combination.components.indexOf(GLOBAL_MEMBER);
    const alpha = m >= 0 ? (model.combination.weights[m] as number) : 0;
    // Demand here is driven by price and promotions: the backtests must find that the covariate model helps.
    assert.ok(alpha > 0, `the global model's weight is ${alpha}`);
    const impact = await blobs.fetch(String((await store.get(explainabilityArn))?.attrs.ImpactFile));
    const impactFile = impact.path;
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    const rows = (
      await con.runAndReadAll(
        `SELECT item_id, sum(abs("price-RawImpactScore") + abs("promo-RawImpactScore") + abs("noise_feature-RawImpactScore")) AS total
         FROM read_parquet('${impactFile}') WHERE timestamp <> 'Aggregate' GROUP BY item_id`,
      )
    ).getRowObjectsJS() as { item_id: string; total: number }[];
    con.closeSync();
    impact.release();
    assert.equal(rows.length, ITEMS);
    const silent = rows.filter((r) => !(r.total > 0)).map((r) => r.item_id);
    assert.deepEqual(silent, [], "series without any impact");
  });

  test("forecast explainability for 3 series and 5 time points, exported as Parquet", async () => {
    const forecast = await fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn }));
    assert.equal(forecast.Status, "ACTIVE");
    const start = new Date(START + (DAYS + 2) * DAY).toISOString().slice(0, 19);
    const end = new Date(START + (DAYS + 6) * DAY).toISOString().slice(0, 19);
    const { ExplainabilityArn } = await fc.send(
      new CreateExplainabilityCommand({
        ExplainabilityName: "three_items",
        ResourceArn: forecastArn,
        ExplainabilityConfig: { TimeSeriesGranularity: "SPECIFIC", TimePointGranularity: "SPECIFIC" },
        DataSource: { S3Config: { Path: "s3://explain/ids/three.csv", RoleArn: h.roleArn() } },
        Schema: { Attributes: [{ AttributeName: "item_id", AttributeType: "string" }] },
        StartDateTime: start,
        EndDateTime: end,
        EnableVisualization: true,
      }),
    );
    const described = await settled(
      () => fc.send(new DescribeExplainabilityCommand({ ExplainabilityArn })),
      "forecast explainability",
    );
    assert.equal(described.Status, "ACTIVE", described.Message);
    assert.equal(described.EnableVisualization, true);
    const { ExplainabilityExportArn } = await fc.send(
      new CreateExplainabilityExportCommand({
        ExplainabilityExportName: "three_parquet",
        ExplainabilityArn,
        Format: "PARQUET",
        Destination: { S3Config: { Path: "s3://explain/out/three/", RoleArn: h.roleArn() } },
      }),
    );
    const done = await settled(
      () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
      "export",
    );
    assert.equal(done.Status, "ACTIVE", done.Message);
    const rows = await readParts(s3, "out/three/", "parquet");
    const points = rows.filter((r) => r.timestamp !== "Aggregate");
    assert.deepEqual([...new Set(points.map((r) => r.item_id))].sort(), ["item_1", "item_5", "item_9"]);
    assert.equal(points.length, 15);
    assert.ok(points.every((r) => String(r.timestamp) >= start && String(r.timestamp) <= end));
    assert.equal(typeof points[0]?.["price-RawImpactScore"], "number", "Parquet scores are doubles");
    const listed = await fc.send(
      new ListExplainabilityExportsCommand({
        Filters: [{ Key: "ResourceArn", Value: ExplainabilityArn, Condition: "IS" }],
      }),
    );
    assert.equal(listed.ExplainabilityExports?.length, 1);
    const all = await fc.send(
      new ListExplainabilitiesCommand({ Filters: [{ Key: "Status", Value: "ACTIVE", Condition: "IS" }] }),
    );
    assert.ok((all.Explainabilities?.length ?? 0) >= 2);
    await assert.rejects(fc.send(new DeleteExplainabilityCommand({ ExplainabilityArn })), {
      name: "ResourceInUseException",
    });
  });

  test("StopResource stops an export and removes what it wrote", async () => {
    const { ExplainabilityExportArn } = await fc.send(
      new CreateExplainabilityExportCommand({
        ExplainabilityExportName: "stopped",
        ExplainabilityArn: explainabilityArn,
        Destination: { S3Config: { Path: "s3://explain/out/stopped", RoleArn: h.roleArn() } },
      }),
    );
    let stopped = true;
    try {
      await fc.send(new StopResourceCommand({ ResourceArn: ExplainabilityExportArn }));
    } catch (error) {
      // It finished first: then it is complete, and StopResource says it cannot stop it.
      assert.equal((error as Error).name, "InvalidInputException");
      stopped = false;
    }
    const done = await settled(
      () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
      "stop",
    );
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "explain", Prefix: "out/stopped/" }));
    if (stopped) {
      assert.equal(done.Status, "CREATE_STOPPED");
      assert.equal(listed.KeyCount ?? 0, 0, "a stopped export leaves nothing");
    } else {
      assert.equal(done.Status, "ACTIVE");
      assert.ok((listed.KeyCount ?? 0) > 0);
    }
  });

  test("every error CreateExplainabilityExport lists, reached as a user would", async () => {
    const base = {
      ExplainabilityArn: explainabilityArn,
      Destination: { S3Config: { Path: "s3://explain/out/errors", RoleArn: h.roleArn() } },
    };
    await assert.rejects(
      fc.send(new CreateExplainabilityExportCommand({ ...base, ExplainabilityExportName: "predictor_csv" })),
      { name: "ResourceAlreadyExistsException" },
    );
    await assert.rejects(
      fc.send(
        new CreateExplainabilityExportCommand({
          ...base,
          ExplainabilityExportName: "missing",
          ExplainabilityArn: `${explainabilityArn}_nope`,
        }),
      ),
      { name: "ResourceNotFoundException" },
    );
    await assert.rejects(
      fc.send(
        new CreateExplainabilityExportCommand({
          ExplainabilityExportName: "cross",
          ExplainabilityArn: explainabilityArn,
          Destination: { S3Config: { Path: "s3://explain/out/x", RoleArn: h.roleArn(1) } },
        }),
      ),
      (e: Error) => e.name === "InvalidInputException" && /across accounts/.test(e.message),
    );
    await assert.rejects(
      fc.send(
        new CreateExplainabilityExportCommand({
          ExplainabilityExportName: "foreign_key",
          ExplainabilityArn: explainabilityArn,
          Destination: {
            S3Config: {
              Path: "s3://explain/out/x",
              RoleArn: h.roleArn(),
              KMSKeyArn: `arn:aws:kms:us-west-2:${ACCOUNTS[1].accountId}:key/abc`,
            },
          },
        }),
      ),
      { name: "InvalidInputException" },
    );
    await assert.rejects(
      fc.send(
        new CreateExplainabilityExportCommand({
          ...base,
          ExplainabilityExportName: "many_tags",
          Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" })),
        }),
      ),
      (e: Error) => ["LimitExceededException", "ValidationException"].includes(e.name),
    );
    await assert.rejects(
      fc.send(
        new CreateExplainabilityExportCommand({
          ...base,
          ExplainabilityExportName: "bad_format",
          Format: "JSON",
        }),
      ),
      { name: "ValidationException" },
    );
    // The quota of running exports (2 here): a burst of creates meets LimitExceededException.
    const burst = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        fc.send(new CreateExplainabilityExportCommand({ ...base, ExplainabilityExportName: `burst_${i}` })),
      ),
    );
    assert.ok(
      burst.some((r) => r.status === "rejected" && (r.reason as Error).name === "LimitExceededException"),
      "a quota of 2 running exports refuses part of a burst of 6",
    );
    // A bucket that does not exist fails the job with a message naming it, and nothing is left.
    const { ExplainabilityExportArn } = await fc
      .send(
        new CreateExplainabilityExportCommand({
          ExplainabilityExportName: "no_bucket",
          ExplainabilityArn: explainabilityArn,
          Destination: { S3Config: { Path: "s3://no-such-bucket/out", RoleArn: h.roleArn() } },
        }),
      )
      .catch(async (e: Error) => {
        // The burst may still hold the quota: wait for it and try again.
        if (e.name !== "LimitExceededException") throw e;
        await new Promise((r) => setTimeout(r, 3000));
        return fc.send(
          new CreateExplainabilityExportCommand({
            ExplainabilityExportName: "no_bucket",
            ExplainabilityArn: explainabilityArn,
            Destination: { S3Config: { Path: "s3://no-such-bucket/out", RoleArn: h.roleArn() } },
          }),
        );
      });
    const failed = await settled(
      () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
      "failing export",
    );
    assert.equal(failed.Status, "CREATE_FAILED");
    assert.match(failed.Message ?? "", /no-such-bucket/);
  });
});

// Bulk data lives in the internal bucket by key: after a full flow no resource attribute holds a local path, an
// old-style data dir (absolute paths in attributes) still works, and deleting resources deletes their objects.
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateExplainabilityExportCommand,
  CreateForecastCommand,
  CreateForecastExportJobCommand,
  CreatePredictorBacktestExportJobCommand,
  DeleteResourceTreeCommand,
  DescribeExplainabilityExportCommand,
  DescribeForecastCommand,
  DescribeForecastExportJobCommand,
  DescribePredictorBacktestExportJobCommand,
  type ForecastClient,
} from "@aws-sdk/client-forecast";
import { QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ResourceRecord } from "../../src/store/resource-store.js";
import { DRIVER_SHAPE, setupDriverPredictor } from "./driver-data.js";
import {
  ACCOUNTS,
  eventually,
  forecastqueryClient,
  type Harness,
  REGION,
  settled,
  startHarness,
} from "./harness.js";

const KINDS = [
  "dataset-group",
  "dataset",
  "dataset-import-job",
  "predictor",
  "forecast",
  "explainability",
  "forecast-export-job",
  "predictor-backtest-export-job",
  "explainability-export",
];
const SHAPE = { ...DRIVER_SHAPE, items: 6, days: 120, horizon: 7, name: "keys" };
const SCOPE = { accountId: ACCOUNTS[0].accountId, region: REGION };

/** Every string in a value, however deep, with the attribute path that holds it. */
function strings(value: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === "string") out.push([at, value]);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) strings(v, `${at}[${i}]`, out);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) strings(v, `${at}.${k}`, out);
  return out;
}

describe("bulk data as object keys", () => {
  let h: Harness;
  let fc: ForecastClient;
  let s3: S3Client;
  let groupArn = "";
  let predictorArn = "";
  let explainabilityArn = "";
  let forecastArn = "";
  /** The forecast's file, laid out as data dirs from before keys did. */
  let legacy = "";
  const records = async (): Promise<ResourceRecord[]> => {
    const all: ResourceRecord[] = [];
    for (const kind of KINDS)
      all.push(...(await h.service.services.store.list({ kind, scope: SCOPE, conditions: [], limit: 1000 })));
    return all;
  };
  const exported = async (send: () => Promise<{ Status?: string; Message?: string }>, what: string) => {
    const done = await settled(send, what);
    assert.equal(done.Status, "ACTIVE", done.Message);
  };

  before(async () => {
    h = await startHarness();
    fc = h.forecast();
    s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: "keys-out" }));
    ({ groupArn, predictorArn, explainabilityArn } = await setupDriverPredictor(
      fc,
      s3,
      h.roleArn(),
      "keys-data",
      SHAPE,
    ));
    forecastArn = (
      await fc.send(new CreateForecastCommand({ ForecastName: "keys_forecast", PredictorArn: predictorArn }))
    ).ForecastArn as string;
    const forecast = await settled(
      () => fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn })),
      "forecast",
    );
    assert.equal(forecast.Status, "ACTIVE", forecast.Message);
    const destination = (folder: string) => ({
      S3Config: { Path: `s3://keys-out/${folder}`, RoleArn: h.roleArn() },
    });
    const { ForecastExportJobArn } = await fc.send(
      new CreateForecastExportJobCommand({
        ForecastExportJobName: "keys_fx",
        ForecastArn: forecastArn,
        Destination: destination("fx"),
      }),
    );
    const { PredictorBacktestExportJobArn } = await fc.send(
      new CreatePredictorBacktestExportJobCommand({
        PredictorBacktestExportJobName: "keys_bx",
        PredictorArn: predictorArn,
        Destination: destination("bx"),
      }),
    );
    const { ExplainabilityExportArn } = await fc.send(
      new CreateExplainabilityExportCommand({
        ExplainabilityExportName: "keys_ex",
        ExplainabilityArn: explainabilityArn,
        Destination: destination("ex"),
      }),
    );
    await exported(
      () => fc.send(new DescribeForecastExportJobCommand({ ForecastExportJobArn })),
      "forecast export",
    );
    await exported(
      () => fc.send(new DescribePredictorBacktestExportJobCommand({ PredictorBacktestExportJobArn })),
      "backtest export",
    );
    await exported(
      () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
      "explainability export",
    );
  });
  after(async () => h?.close());

  test("after import → AutoPredictor → forecast → explainability → exports, no attribute holds a local path", async () => {
    const all = await records();
    assert.ok(all.length >= KINDS.length, `${all.length} resources`);
    const blobs = h.service.services.blobs;
    const refs: string[] = [];
    for (const record of all) {
      for (const [at, value] of strings(record.attrs, record.kind)) {
        assert.ok(!path.isAbsolute(value), `${at} of ${record.arn} is a local path: ${value}`);
        assert.ok(!value.includes(h.dataDir), `${at} of ${record.arn} names the data dir: ${value}`);
        if (/File$/.test(at)) refs.push(value);
      }
    }
    // DataFile (3 datasets), ModelFile, BacktestFile, ForecastFile, ImpactFile: each a key of the internal bucket.
    assert.ok(refs.length >= 5, `file attributes: ${refs.join(", ")}`);
    const keys = new Set((await blobs.list(`resources/${SCOPE.accountId}/`)).map((o) => o.key));
    for (const ref of refs) assert.ok(keys.has(ref), `${ref} is an object of the internal bucket`);
    // The model names its fitted members by key too.
    const predictor = all.find((r) => r.arn === predictorArn) as ResourceRecord;
    const model = JSON.parse(await blobs.readText(String(predictor.attrs.ModelFile))) as {
      memberFiles: Record<string, string>;
    };
    for (const key of Object.values(model.memberFiles)) assert.ok(keys.has(key), `member model ${key}`);
    // Nothing of the service's data is left on local disk but scratch and cache.
    const entries = await fs.readdir(h.dataDir);
    assert.ok(!entries.includes("resources"), `data dir holds ${entries.join(", ")}`);
    const jobs = await fs.readdir(path.join(h.dataDir, "tmp", "jobs")).catch(() => []);
    assert.deepEqual(jobs, [], "every job removed its scratch folder");
  });

  test("an old-style data dir (absolute paths in attributes) still works: query, export, delete", async () => {
    const { store, blobs } = h.service.services;
    const forecast = (await store.get(forecastArn)) as ResourceRecord;
    const key = String(forecast.attrs.ForecastFile);
    // Lay the forecast out as versions before keys did: the file under <dataDir>/resources/..., its path stored.
    legacy = path.join(h.dataDir, ...key.split("/"));
    await fs.mkdir(path.dirname(legacy), { recursive: true });
    const lease = await blobs.fetch(key);
    await fs.copyFile(lease.path, legacy);
    lease.release();
    await blobs.delete(key);
    await store.update(forecastArn, { attrs: { ForecastFile: legacy } });

    const query = forecastqueryClient(h.service.forecastEndpoint);
    try {
      const answer = await query.send(
        new QueryForecastCommand({ ForecastArn: forecastArn, Filters: { item_id: "item_1" } }),
      );
      assert.equal(Object.values(answer.Forecast?.Predictions ?? {})[0]?.length, SHAPE.horizon);
    } finally {
      query.destroy();
    }
    const { ForecastExportJobArn } = await fc.send(
      new CreateForecastExportJobCommand({
        ForecastExportJobName: "keys_legacy_fx",
        ForecastArn: forecastArn,
        Destination: { S3Config: { Path: "s3://keys-out/legacy", RoleArn: h.roleArn() } },
      }),
    );
    await exported(
      () => fc.send(new DescribeForecastExportJobCommand({ ForecastExportJobArn })),
      "legacy export",
    );
  });

  test("deleting the resources deletes their objects (and an old-style folder)", async () => {
    const { blobs } = h.service.services;
    assert.notEqual(legacy, "", "runs after the old-style test");
    assert.ok((await blobs.list(`resources/${SCOPE.accountId}/`)).length > 0);
    // A dataset group's tree holds its predictors and what hangs off them; datasets are trees of their own.
    const datasets = (await records()).filter((r) => r.kind === "dataset").map((r) => r.arn);
    assert.equal(datasets.length, 2);
    await fc.send(new DeleteResourceTreeCommand({ ResourceArn: groupArn }));
    for (const arn of datasets) await fc.send(new DeleteResourceTreeCommand({ ResourceArn: arn }));
    const state = async () => ({
      objects: (await blobs.list(`resources/${SCOPE.accountId}/`)).map((o) => o.key),
      legacyFolder: await fs.access(path.dirname(legacy)).then(
        () => true,
        () => false,
      ),
      resources: (await records()).map((r) => `${r.arn} ${r.status}`),
    });
    const done = await eventually(
      async () => {
        const now = await state();
        return now.objects.length === 0 && !now.legacyFolder && now.resources.length === 0 ? now : undefined;
      },
      60_000,
      "every object and the legacy folder to be deleted",
    ).catch(async () => state());
    assert.deepEqual(done, { objects: [], legacyFolder: false, resources: [] });
  });
});

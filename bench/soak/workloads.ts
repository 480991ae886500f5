// The soak's clients. Each is an AWS SDK v3 client set (Forecast, Forecast Query, S3) for one account running one
// kind of scenario in a loop until the end of the run:
//   pipeline  upload → datasets and imports → AutoPredictor → forecast → QueryForecast → forecast export
//             (→ explainability export when the data has related fields) → delete the previous round's tree
//   crud      upload, create group and dataset, tag, import (stopped now and then), describe, list, delete
//   reader    Describe/List of everything, QueryForecast on the account's forecasts, S3 read-back checks
//   fuzz      hostile requests (fuzz.ts)
// A scenario that meets an error it did not expect gives up (counted by reason) and the client starts a new one.

import {
  CreateAutoPredictorCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateExplainabilityExportCommand,
  CreateForecastCommand,
  CreateForecastExportJobCommand,
  DeleteDatasetCommand,
  DeleteDatasetGroupCommand,
  DeleteDatasetImportJobCommand,
  DeleteResourceTreeCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeExplainabilityCommand,
  DescribeExplainabilityExportCommand,
  DescribeForecastCommand,
  DescribeForecastExportJobCommand,
  ForecastClient,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListExplainabilitiesCommand,
  ListExplainabilityExportsCommand,
  ListForecastExportJobsCommand,
  ListForecastsCommand,
  ListPredictorsCommand,
  ListTagsForResourceCommand,
  StopResourceCommand,
  TagResourceCommand,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { createRng } from "../../src/forecasting/rng.js";
import { ACCOUNTS, REGION } from "../../test/e2e/harness.js";
import { call, errorName, type Stats, StepAborted } from "./calls.js";
import { type SeriesShape, seriesCsv } from "./data.js";
import { generate, sendFuzzed } from "./fuzz.js";
import { type Ledger, type Problem, readObject, type S3Send, sha256, snapshotExport } from "./ledger.js";
import type { SoakServer } from "./server.js";

export type Role = "pipeline" | "crud" | "reader" | "fuzz";

export interface SoakShared {
  stats: Stats;
  ledger: Ledger;
  server: SoakServer;
  /** Problems seen during the run (read-back mismatches, duplicated export rows at first sight). */
  problems: Problem[];
  /** ACTIVE forecasts per account (ARN → item count), for the readers' QueryForecast. */
  forecasts: Map<number, Map<string, number>>;
  /** Jobs that ended CREATE_FAILED: kind, ARN and message (a failure after a restart is worth a look). */
  failedJobs: { at: number; account: number; kind: string; arn: string; message: string }[];
  /** Scenario outcomes: "pipeline: forecast exported", "crud: aborted (ResourceInUseException)", ... */
  outcomes: Map<string, number>;
  stopping: () => boolean;
  pipelineShape: SeriesShape;
  fuzzMaxSeparators: number;
  jobTimeoutMs: number;
}

const FINAL = new Set(["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Described = { Status?: string; Message?: string };

export class SoakClient {
  private readonly fc: ForecastClient;
  private readonly fq: ForecastqueryClient;
  private readonly s3c: S3Client;
  private readonly r: () => number;
  readonly bucket: string;
  private readonly roleArn: string;
  private round = 0;
  private previous: string[] = [];
  private previousForecast: string | undefined;

  constructor(
    private readonly shared: SoakShared,
    readonly index: number,
    readonly account: number,
    readonly role: Role,
    seed: number,
  ) {
    const key = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
    const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    // maxAttempts 1: the SDK must not hide 5xx answers by retrying them; connection errors are retried in call().
    const requestHandler = { requestTimeout: 120_000, connectionTimeout: 5_000 };
    const endpoint = shared.server.forecastEndpoint;
    this.fc = new ForecastClient({ endpoint, region: REGION, credentials, maxAttempts: 1, requestHandler });
    this.fq = new ForecastqueryClient({
      endpoint,
      region: REGION,
      credentials,
      maxAttempts: 1,
      requestHandler,
    });
    this.s3c = new S3Client({
      endpoint: shared.server.s3Endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
      requestHandler,
    });
    this.r = createRng(seed);
    this.bucket = `soak-a${account + 1}-c${index}`;
    this.roleArn = `arn:aws:iam::${key.accountId}:role/SoakAccess`;
  }

  private f<O>(command: { constructor: { name: string } }): Promise<O> {
    return call<O>(this.shared.stats, this.account, "forecast", this.fc, command, this.shared.stopping);
  }
  private q<O>(command: { constructor: { name: string } }): Promise<O> {
    return call<O>(this.shared.stats, this.account, "forecast", this.fq, command, this.shared.stopping);
  }
  readonly s: S3Send = <O>(command: { constructor: { name: string } }) =>
    call<O>(this.shared.stats, this.account, "s3", this.s3c, command, this.shared.stopping);

  private outcome(what: string): void {
    const key = `${this.role}: ${what}`;
    this.shared.outcomes.set(key, (this.shared.outcomes.get(key) ?? 0) + 1);
  }

  /** Runs scenarios until the end of the soak. */
  async run(): Promise<void> {
    if (this.role !== "fuzz") {
      await this.s(new CreateBucketCommand({ Bucket: this.bucket })).catch((e) => {
        if (!/BucketAlready/.test(errorName(e) ?? "")) throw e;
      });
    }
    while (!this.shared.stopping()) {
      this.round++;
      try {
        if (this.role === "pipeline") await this.pipeline();
        else if (this.role === "crud") await this.crud();
        else if (this.role === "reader") await this.read();
        else await this.fuzz();
      } catch (error) {
        if (this.shared.stopping()) break;
        const reason =
          error instanceof StepAborted
            ? error.message.replace(/^\w+: /, "")
            : (errorName(error) ?? String(error));
        this.outcome(`aborted (${reason.slice(0, 80)})`);
        await sleep(1_000);
      }
    }
  }

  destroy(): void {
    this.fc.destroy();
    this.fq.destroy();
    this.s3c.destroy();
  }

  private async upload(key: string, body: string): Promise<void> {
    await this.s(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
    this.shared.ledger.uploaded({
      account: this.account,
      bucket: this.bucket,
      key,
      sha256: sha256(body),
      bytes: body.length,
    });
  }

  /** Polls a job's Describe until it ends; CREATE_FAILED is recorded, anything but ACTIVE aborts the scenario. */
  private async waitActive(kind: string, arn: string, describe: () => Promise<Described>): Promise<void> {
    const deadline = Date.now() + this.shared.jobTimeoutMs;
    for (;;) {
      if (this.shared.stopping()) throw new StepAborted("stopping");
      const d = await describe();
      if (FINAL.has(d.Status ?? "")) {
        if (d.Status === "ACTIVE") return;
        if (d.Status === "CREATE_FAILED") {
          this.shared.failedJobs.push({
            at: this.shared.stats.seconds(),
            account: this.account,
            kind,
            arn,
            message: (d.Message ?? "").slice(0, 300),
          });
        }
        throw new StepAborted(`${kind} ${d.Status}`);
      }
      if (Date.now() > deadline)
        throw new StepAborted(`${kind} not done in ${this.shared.jobTimeoutMs / 60_000} min`);
      await sleep(1_500 + this.r() * 1_500);
    }
  }

  private async importInto(datasetArn: string, name: string, path: string): Promise<string> {
    const { DatasetImportJobArn } = await this.f<{ DatasetImportJobArn: string }>(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: name,
        DatasetArn: datasetArn,
        DataSource: { S3Config: { Path: path, RoleArn: this.roleArn } },
        TimestampFormat: "yyyy-MM-dd HH:mm:ss",
      }),
    );
    return DatasetImportJobArn;
  }

  private dataset(
    name: string,
    type: "TARGET_TIME_SERIES" | "RELATED_TIME_SERIES",
    fields: [string, string][],
  ) {
    return this.f<{ DatasetArn: string }>(
      new CreateDatasetCommand({
        DatasetName: name,
        Domain: "RETAIL",
        DatasetType: type,
        DataFrequency: "D",
        Schema: {
          Attributes: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "timestamp", AttributeType: "timestamp" },
            ...fields.map(([n, t]) => ({ AttributeName: n, AttributeType: t as "float" })),
          ],
        },
      }),
    ).then((o) => o.DatasetArn);
  }

  private async pipeline(): Promise<void> {
    const shape = this.shared.pipelineShape;
    const name = `p${this.index}_${this.round}`;
    const related = (this.index + this.round) % 2 === 0;
    const data = seriesCsv(shape, this.index * 1000 + this.round);
    await this.upload(`in/${name}/target.csv`, data.target);
    if (related) await this.upload(`in/${name}/related.csv`, data.related);
    const { DatasetGroupArn } = await this.f<{ DatasetGroupArn: string }>(
      new CreateDatasetGroupCommand({ DatasetGroupName: name, Domain: "RETAIL" }),
    );
    const datasets: string[] = [];
    const round: string[] = [DatasetGroupArn];
    const plan: [string, "TARGET_TIME_SERIES" | "RELATED_TIME_SERIES", [string, string][], string][] = [
      [`${name}_t`, "TARGET_TIME_SERIES", [["demand", "float"]], "target.csv"],
    ];
    if (related)
      plan.push([
        `${name}_r`,
        "RELATED_TIME_SERIES",
        [
          ["price", "float"],
          ["promo", "integer"],
        ],
        "related.csv",
      ]);
    for (const [dsName, type, fields, file] of plan) {
      const arn = await this.dataset(dsName, type, fields);
      datasets.push(arn);
      round.push(arn);
      const job = await this.importInto(arn, `${dsName}_i`, `s3://${this.bucket}/in/${name}/${file}`);
      await this.waitActive("dataset import", job, () =>
        this.f(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: job })),
      );
    }
    await this.f(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: datasets }));
    const { PredictorArn } = await this.f<{ PredictorArn: string }>(
      new CreateAutoPredictorCommand({
        PredictorName: name,
        ForecastHorizon: shape.horizon,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn },
        ExplainPredictor: related,
      }),
    );
    const describePredictor = () =>
      this.f<{ Status?: string; Message?: string; ExplainabilityInfo?: { ExplainabilityArn?: string } }>(
        new DescribeAutoPredictorCommand({ PredictorArn }),
      );
    await this.waitActive("AutoPredictor", PredictorArn, describePredictor);
    this.outcome("predictor ACTIVE");
    const { ForecastArn } = await this.f<{ ForecastArn: string }>(
      new CreateForecastCommand({ ForecastName: name, PredictorArn }),
    );
    await this.waitActive("forecast", ForecastArn, () =>
      this.f(new DescribeForecastCommand({ ForecastArn })),
    );
    this.registerForecast(ForecastArn, shape.items);
    for (let i = 0; i < 3; i++) {
      await this.q(
        new QueryForecastCommand({
          ForecastArn,
          Filters: { item_id: `item_${Math.floor(this.r() * shape.items)}` },
        }),
      );
    }
    const exportPrefix = `exports/${name}/`;
    const { ForecastExportJobArn } = await this.f<{ ForecastExportJobArn: string }>(
      new CreateForecastExportJobCommand({
        ForecastExportJobName: name,
        ForecastArn,
        Destination: { S3Config: { Path: `s3://${this.bucket}/${exportPrefix}`, RoleArn: this.roleArn } },
      }),
    );
    await this.waitActive("forecast export", ForecastExportJobArn, () =>
      this.f(new DescribeForecastExportJobCommand({ ForecastExportJobArn })),
    );
    await this.snapshot("forecast export", ForecastExportJobArn, exportPrefix, shape.items * shape.horizon);
    this.outcome("forecast exported");
    if (related) {
      const ExplainabilityArn = (await describePredictor()).ExplainabilityInfo?.ExplainabilityArn;
      if (!ExplainabilityArn) throw new StepAborted("the predictor has no explainability");
      await this.waitActive("explainability", ExplainabilityArn, () =>
        this.f(new DescribeExplainabilityCommand({ ExplainabilityArn })),
      );
      const explainPrefix = `explain/${name}/`;
      const { ExplainabilityExportArn } = await this.f<{ ExplainabilityExportArn: string }>(
        new CreateExplainabilityExportCommand({
          ExplainabilityExportName: name,
          ExplainabilityArn,
          Destination: { S3Config: { Path: `s3://${this.bucket}/${explainPrefix}`, RoleArn: this.roleArn } },
        }),
      );
      await this.waitActive("explainability export", ExplainabilityExportArn, () =>
        this.f(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
      );
      await this.snapshot("explainability export", ExplainabilityExportArn, explainPrefix);
      this.outcome("explainability exported");
    }
    // The previous round's resources go now that this round's forecast serves the readers.
    if (this.previousForecast) this.shared.forecasts.get(this.account)?.delete(this.previousForecast);
    for (const arn of this.previous) {
      await this.f(new DeleteResourceTreeCommand({ ResourceArn: arn })).catch((e) => {
        if (errorName(e) === undefined) throw e;
      });
    }
    this.previous = round;
    this.previousForecast = ForecastArn;
    this.outcome("round complete");
  }

  private registerForecast(arn: string, items: number): void {
    let mine = this.shared.forecasts.get(this.account);
    if (!mine) {
      mine = new Map();
      this.shared.forecasts.set(this.account, mine);
    }
    mine.set(arn, items);
  }

  private async snapshot(kind: string, arn: string, prefix: string, expectedRows?: number): Promise<void> {
    const { seen, problems } = await snapshotExport(this.s, {
      account: this.account,
      kind,
      arn,
      bucket: this.bucket,
      prefix,
      expectedRows,
    });
    this.shared.ledger.exports.push(seen);
    for (const p of problems) this.shared.problems.push({ ...p, detail: `when first ACTIVE: ${p.detail}` });
  }

  private async crud(): Promise<void> {
    const name = `c${this.index}_${this.round}`;
    const data = seriesCsv({ items: 5, days: 40, horizon: 0 }, this.index * 7919 + this.round);
    const key = `crud/${name}.csv`;
    await this.upload(key, data.target);
    await this.readBack();
    const { DatasetGroupArn } = await this.f<{ DatasetGroupArn: string }>(
      new CreateDatasetGroupCommand({ DatasetGroupName: name, Domain: "RETAIL" }),
    );
    const DatasetArn = await this.dataset(`${name}_d`, "TARGET_TIME_SERIES", [["demand", "float"]]);
    await this.f(
      new TagResourceCommand({ ResourceArn: DatasetGroupArn, Tags: [{ Key: "soak", Value: name }] }),
    );
    await this.f(new ListTagsForResourceCommand({ ResourceArn: DatasetGroupArn }));
    await this.f(new UpdateDatasetGroupCommand({ DatasetGroupArn, DatasetArns: [DatasetArn] }));
    const job = await this.importInto(DatasetArn, `${name}_i`, `s3://${this.bucket}/${key}`);
    const stop = this.r() < 0.25;
    if (stop) {
      await this.f(new StopResourceCommand({ ResourceArn: job })).catch((e) => {
        if (errorName(e) === undefined) throw e;
      });
    }
    const describe = () =>
      this.f<Described>(new DescribeDatasetImportJobCommand({ DatasetImportJobArn: job }));
    await this.waitActive("dataset import", job, describe).catch((e) => {
      if (!(stop && e instanceof StepAborted && /STOPPED/.test(e.message))) throw e;
    });
    await this.f(new DescribeDatasetCommand({ DatasetArn }));
    await this.f(new DescribeDatasetGroupCommand({ DatasetGroupArn }));
    await this.f(
      new ListDatasetImportJobsCommand({
        Filters: [{ Key: "DatasetArn", Value: DatasetArn, Condition: "IS" }],
      }),
    );
    // Deletes: one by one (some refused while a child exists: a 4xx, fine) or as trees.
    const ignore4xx = (e: unknown) => {
      if (errorName(e) === undefined) throw e;
    };
    if (this.round % 2 === 0) {
      await this.f(new DeleteDatasetImportJobCommand({ DatasetImportJobArn: job })).catch(ignore4xx);
      await this.f(new DeleteDatasetGroupCommand({ DatasetGroupArn })).catch(ignore4xx);
      await this.f(new DeleteDatasetCommand({ DatasetArn })).catch(ignore4xx);
    }
    await this.f(new DeleteResourceTreeCommand({ ResourceArn: DatasetGroupArn })).catch(ignore4xx);
    await this.f(new DeleteResourceTreeCommand({ ResourceArn: DatasetArn })).catch(ignore4xx);
    if (this.r() < 0.3) await this.deleteSomeUpload();
    this.outcome("round complete");
  }

  /** Reads back one of this account's uploads and compares its bytes with what was sent. */
  private async readBack(): Promise<void> {
    const o = this.shared.ledger.pick(this.account, this.r);
    if (!o) return;
    const body = await readObject(this.s, o.bucket, o.key).catch((e) => {
      // A concurrent delete by the client that owns it is not a loss.
      if (
        errorName(e) === "NoSuchKey" &&
        !this.shared.ledger.uploads.has(`${o.account}|${o.bucket}|${o.key}`)
      )
        return undefined;
      throw e;
    });
    if (
      body &&
      sha256(body) !== o.sha256 &&
      this.shared.ledger.uploads.has(`${o.account}|${o.bucket}|${o.key}`)
    ) {
      this.shared.problems.push({
        account: this.account,
        what: "read-back differs",
        where: `s3://${o.bucket}/${o.key}`,
        detail: `${body.length} bytes`,
      });
    }
  }

  private async deleteSomeUpload(): Promise<void> {
    const mine = [...this.shared.ledger.uploads.values()].filter(
      (o) => o.account === this.account && o.bucket === this.bucket && o.key.startsWith("crud/"),
    );
    const o = mine[Math.floor(this.r() * mine.length)];
    if (!o) return;
    // Out of the ledger first: from now on the object may be gone.
    this.shared.ledger.deleted(this.account, o.bucket, o.key, false);
    await this.s(new DeleteObjectCommand({ Bucket: o.bucket, Key: o.key }));
    this.shared.ledger.uncertain.delete(`${o.account}|${o.bucket}|${o.key}`);
  }

  private async read(): Promise<void> {
    const lists = [
      () => this.f(new ListDatasetGroupsCommand({})),
      () => this.f(new ListDatasetsCommand({})),
      () => this.f(new ListPredictorsCommand({})),
      () => this.f(new ListForecastsCommand({})),
      () => this.f(new ListDatasetImportJobsCommand({ MaxResults: 50 })),
      () => this.f(new ListForecastExportJobsCommand({})),
      () => this.f(new ListExplainabilitiesCommand({})),
      () => this.f(new ListExplainabilityExportsCommand({})),
    ];
    const choice = this.r();
    if (choice < 0.35) {
      await (lists[Math.floor(this.r() * lists.length)] as () => Promise<unknown>)();
    } else if (choice < 0.55) {
      const { DatasetGroups } = await this.f<{ DatasetGroups?: { DatasetGroupArn?: string }[] }>(
        new ListDatasetGroupsCommand({}),
      );
      const arn = DatasetGroups?.[Math.floor(this.r() * DatasetGroups.length)]?.DatasetGroupArn;
      if (arn)
        await this.f(new DescribeDatasetGroupCommand({ DatasetGroupArn: arn })).catch(this.notFoundIsFine);
    } else if (choice < 0.85) {
      const mine = [...(this.shared.forecasts.get(this.account) ?? new Map<string, number>()).entries()];
      const pickd = mine[Math.floor(this.r() * mine.length)];
      if (pickd) {
        const [ForecastArn, items] = pickd;
        await this.q(
          new QueryForecastCommand({
            ForecastArn,
            Filters: { item_id: `item_${Math.floor(this.r() * items)}` },
          }),
        ).catch(this.notFoundIsFine);
      } else await this.f(new ListForecastsCommand({}));
    } else if (choice < 0.95) {
      await this.readBack();
    } else {
      // A bucket of a client of the same account (fuzzers have none; it may not be made yet: NoSuchBucket).
      const other = this.account * 8 + Math.floor(this.r() * 6);
      await this.s(
        new ListObjectsV2Command({ Bucket: `soak-a${this.account + 1}-c${other}`, MaxKeys: 100 }),
      ).catch((e) => {
        if (errorName(e) !== "NoSuchBucket") throw e;
      });
    }
    await sleep(100 + this.r() * 300);
  }

  /** A forecast or group another client deleted meanwhile: a 404 of the reader's own making. */
  private readonly notFoundIsFine = (e: unknown) => {
    if (errorName(e) !== "ResourceNotFoundException") throw e;
  };

  private async fuzz(): Promise<void> {
    const request = generate(this.r, this.account, { maxSeparators: this.shared.fuzzMaxSeparators });
    await sendFuzzed(this.shared.stats, this.shared.server.forecastEndpoint, this.account, request);
    if (!this.shared.server.isUp) await this.shared.server.waitUp();
    await sleep(30 + this.r() * 120);
  }
}

/**
 * End to end on AWS's retail sample (consumer electronics: demand per item and store, monthly, with price as
 * related data): upload → datasets and imports → AutoPredictor with ExplainPredictor (store_id as a forecast
 * dimension) → explainability → explainability export ACTIVE. Wall time per stage, for 100 series and for all
 * 1,500. The service runs in its own process.
 *
 * Run: npm run bench:retail   (env OPENFORECAST_RETAIL_DIR, default ../shared/data/retail-samples)
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CreateAutoPredictorCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateExplainabilityExportCommand,
  DescribeAutoPredictorCommand,
  DescribeDatasetImportJobCommand,
  DescribeExplainabilityCommand,
  DescribeExplainabilityExportCommand,
  type ForecastClient,
  UpdateDatasetGroupCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ACCOUNTS, eventually, forecastClient, s3Client, startChild } from "../../test/e2e/harness.js";

const DIR = process.env.OPENFORECAST_RETAIL_DIR ?? path.resolve("../shared/data/retail-samples");
const ROLE = `arn:aws:iam::${ACCOUNTS[0].accountId}:role/ForecastAccess`;

async function settled<T extends { Status?: string; Message?: string }>(
  get: () => Promise<T>,
  what: string,
): Promise<T> {
  const d = await eventually(
    async () => {
      const r = await get();
      return ["ACTIVE", "CREATE_FAILED", "CREATE_STOPPED"].includes(r.Status as string) ? r : undefined;
    },
    1_800_000,
    what,
  );
  if (d.Status !== "ACTIVE") throw new Error(`${what}: ${d.Status} ${d.Message ?? ""}`);
  return d;
}

/** Keeps the header and the rows of the first `items` items (all their stores). */
function subset(csv: string, items: number): string {
  const lines = csv.trim().split("\n");
  const keep = new Set(Array.from({ length: items }, (_, i) => `item_${String(i + 1).padStart(3, "0")}`));
  return `${[lines[0], ...lines.slice(1).filter((l) => keep.has(l.slice(0, l.indexOf(","))))].join("\n")}\n`;
}

async function run(
  fc: ForecastClient,
  endpointS3: string,
  label: string,
  items: number,
): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    times[name] = (now - t) / 1000;
    t = now;
  };
  const s3 = s3Client(endpointS3);
  const bucket = `retail-${label}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const tts = subset(await fs.readFile(path.join(DIR, "consumer_electronics_TTS.csv"), "utf8"), items);
  const rts = subset(await fs.readFile(path.join(DIR, "consumer_electronics_RTS.csv"), "utf8"), items);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "tts.csv", Body: tts }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "rts.csv", Body: rts }));
  lap("upload");
  const group = (
    await fc.send(new CreateDatasetGroupCommand({ DatasetGroupName: `retail_${label}`, Domain: "RETAIL" }))
  ).DatasetGroupArn as string;
  const arns: string[] = [];
  for (const [type, field, key] of [
    ["TARGET_TIME_SERIES", "demand", "tts.csv"],
    ["RELATED_TIME_SERIES", "price", "rts.csv"],
  ] as const) {
    const { DatasetArn } = await fc.send(
      new CreateDatasetCommand({
        DatasetName: `retail_${label}_${field}`,
        Domain: "RETAIL",
        DatasetType: type,
        DataFrequency: "M",
        Schema: {
          Attributes: [
            { AttributeName: "item_id", AttributeType: "string" },
            { AttributeName: "store_id", AttributeType: "string" },
            { AttributeName: "timestamp", AttributeType: "timestamp" },
            { AttributeName: field, AttributeType: "float" },
          ],
        },
      }),
    );
    const { DatasetImportJobArn } = await fc.send(
      new CreateDatasetImportJobCommand({
        DatasetImportJobName: `import_${field}`,
        DatasetArn,
        TimestampFormat: "yyyy-MM-dd",
        DataSource: { S3Config: { Path: `s3://${bucket}/${key}`, RoleArn: ROLE } },
      }),
    );
    await settled(
      () => fc.send(new DescribeDatasetImportJobCommand({ DatasetImportJobArn })),
      `import ${field}`,
    );
    arns.push(DatasetArn as string);
  }
  await fc.send(new UpdateDatasetGroupCommand({ DatasetGroupArn: group, DatasetArns: arns }));
  lap("import");
  const { PredictorArn } = await fc.send(
    new CreateAutoPredictorCommand({
      PredictorName: `retail_${label}`,
      ForecastHorizon: 3,
      ForecastFrequency: "M",
      ForecastDimensions: ["store_id"],
      DataConfig: { DatasetGroupArn: group },
      ExplainPredictor: true,
    }),
  );
  const predictor = await settled(
    () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn })),
    "training",
  );
  lap("train");
  const ExplainabilityArn = predictor.ExplainabilityInfo?.ExplainabilityArn as string;
  await settled(() => fc.send(new DescribeExplainabilityCommand({ ExplainabilityArn })), "explainability");
  lap("explain");
  const { ExplainabilityExportArn } = await fc.send(
    new CreateExplainabilityExportCommand({
      ExplainabilityExportName: `retail_${label}_export`,
      ExplainabilityArn,
      Destination: { S3Config: { Path: `s3://${bucket}/explainability/`, RoleArn: ROLE } },
    }),
  );
  await settled(
    () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
    "export",
  );
  lap("export");
  s3.destroy();
  times.total = Object.values(times).reduce((a, b) => a + b, 0);
  return times;
}

async function main() {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-bench-retail-"));
  const child = await startChild(dataDir);
  try {
    const fc = forecastClient(child.forecastEndpoint);
    console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}\n`);
    console.log("| series | upload s | import s | train s | explain s | export s | total s |");
    console.log("|---|---|---|---|---|---|---|");
    for (const [label, items] of [
      ["s100", 20],
      ["s1500", 300],
    ] as const) {
      const t = await run(fc, child.s3Endpoint, label, items);
      const f = (k: string) => (t[k] as number).toFixed(1);
      console.log(
        `| ${items * 5} | ${f("upload")} | ${f("import")} | ${f("train")} | ${f("explain")} | ${f("export")} | ${f("total")} |`,
      );
    }
    fc.destroy();
  } finally {
    await child.kill("SIGTERM");
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();

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
  CreateExplainabilityExportCommand,
  DescribeExplainabilityCommand,
  DescribeExplainabilityExportCommand,
  type ForecastClient,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ACCOUNTS, forecastClient, s3Client, startChild, untilActive } from "../../test/e2e/harness.js";
import {
  firstItems,
  importRetailSample,
  RETAIL_DIR,
  STAGE_TIMEOUT_MS,
  trainRetailPredictor,
} from "./retail-sample.js";

const ROLE = `arn:aws:iam::${ACCOUNTS[0].accountId}:role/ForecastAccess`;

/** Keeps the header and the rows of the first `items` items (all their stores). */
function subset(csv: string, items: number): string {
  const lines = csv.trim().split("\n");
  const keep = firstItems(items);
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
  const tts = subset(await fs.readFile(path.join(RETAIL_DIR, "consumer_electronics_TTS.csv"), "utf8"), items);
  const rts = subset(await fs.readFile(path.join(RETAIL_DIR, "consumer_electronics_RTS.csv"), "utf8"), items);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "tts.csv", Body: tts }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "rts.csv", Body: rts }));
  lap("upload");
  const group = await importRetailSample(fc, { name: `retail_${label}`, bucket, roleArn: ROLE });
  lap("import");
  const predictor = await trainRetailPredictor(fc, `retail_${label}`, group);
  lap("train");
  const ExplainabilityArn = predictor.ExplainabilityInfo?.ExplainabilityArn as string;
  await untilActive(
    () => fc.send(new DescribeExplainabilityCommand({ ExplainabilityArn })),
    "explainability",
    STAGE_TIMEOUT_MS,
  );
  lap("explain");
  const { ExplainabilityExportArn } = await fc.send(
    new CreateExplainabilityExportCommand({
      ExplainabilityExportName: `retail_${label}_export`,
      ExplainabilityArn,
      Destination: { S3Config: { Path: `s3://${bucket}/explainability/`, RoleArn: ROLE } },
    }),
  );
  await untilActive(
    () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
    "export",
    STAGE_TIMEOUT_MS,
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

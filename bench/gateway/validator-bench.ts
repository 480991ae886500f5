/**
 * The validator alone, in one process: validateInput on typical requests (an ARN, a name and tags, a schema) and
 * on adversarial ones, for this build and, with BENCH_BASELINE_DIST=<other checkout>/dist, for another build's
 * validator side by side (interleaved rounds, median of 5), so that machine load affects both alike.
 *
 * Run: npm run bench:validator
 */
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { validateInput } from "../../src/contract/validate.js";

type Validate = typeof validateInput;

const ARN = "arn:aws:forecast:us-west-2:111122223333:dataset-group/bench_dataset_group";
const CASES: Record<string, [string, unknown]> = {
  "DescribeDatasetGroup (one ARN)": ["DescribeDatasetGroup", { DatasetGroupArn: ARN }],
  "CreateDatasetGroup (name, 3 tags)": [
    "CreateDatasetGroup",
    {
      DatasetGroupName: "bench_group",
      Domain: "RETAIL",
      Tags: [
        { Key: "team", Value: "forecasting" },
        { Key: "env", Value: "prod" },
        { Key: "projekt:größe", Value: "groß" },
      ],
    },
  ],
  "CreateDataset (schema of 10 attributes)": [
    "CreateDataset",
    {
      DatasetName: "bench_ds",
      Domain: "RETAIL",
      DatasetType: "TARGET_TIME_SERIES",
      DataFrequency: "D",
      Schema: {
        Attributes: Array.from({ length: 10 }, (_, i) => ({
          AttributeName: `attr_${i}`,
          AttributeType: "string",
        })),
      },
    },
  ],
  "DescribeDatasetGroup (ARN attack, 250 chars)": [
    "DescribeDatasetGroup",
    { DatasetGroupArn: `arn:aws:forecast:${":".repeat(232)}\n` },
  ],
};

function perCallMicros(validate: Validate, operation: string, input: unknown, rounds: number): number {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    try {
      validate("forecast", operation, input);
    } catch {
      // refusals are part of what is measured
    }
  }
  return ((performance.now() - start) / rounds) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  const builds: [string, Validate][] = [];
  const baseline = process.env.BENCH_BASELINE_DIST;
  if (baseline) {
    const url = pathToFileURL(path.resolve(baseline, "src/contract/validate.js")).href;
    builds.push(["baseline", ((await import(url)) as { validateInput: Validate }).validateInput]);
  }
  builds.push(["this build", validateInput]);
  console.log(
    `machine: ${os.cpus().length} cores; node ${process.version}; load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  console.log("\n| request | build | µs per validateInput |\n|---|---|---|");
  for (const [name, [operation, input]] of Object.entries(CASES)) {
    const attack = name.includes("attack");
    const rounds = attack ? 20 : 20_000;
    const samples = new Map<string, number[]>(builds.map(([b]) => [b, []]));
    for (const [, v] of builds) perCallMicros(v, operation, input, rounds); // warm-up
    for (let r = 0; r < 5; r++) {
      for (const [b, v] of builds) samples.get(b)?.push(perCallMicros(v, operation, input, rounds));
    }
    for (const [b] of builds)
      console.log(`| ${name} | ${b} | ${median(samples.get(b) as number[]).toFixed(2)} |`);
  }
}

await main();

// The AutoPredictor's backtest spill, local disk against object storage (jobs/backtest-spill.ts), in the embedded
// deployment (the S3 endpoint in this process), measured side by side in one run:
//   A. the spill's own I/O: one real chunk of 250 daily series (h = 14, 3 windows, 3 quantiles, learned members)
//      is backtested once, and its bytes written and read back as CHUNKS chunks, alternating the places: a file
//      in a local folder, a key in the internal bucket through the S3 API (putBytes / getBytes on the endpoint: the
//      S3 client and the endpoint's HTTP handling both on this event loop), and the same key on the endpoint's own
//      files (what `serve` does since h-debt: storage/blob-store.ts, "Bytes on the embedded endpoint"). Wall time
//      of the writes and the reads, the event loop's utilization and its longest delay meanwhile;
//   B. whole trainings through the API (CreateAutoPredictor → ACTIVE) of TRAIN_SERIES series, ROUNDS times: the
//      pipeline's own TrainingSeconds. The comparison with the local-disk spill in bench/RESULTS.md ("Backtest spill
//      by key") was made at commit 898ed0b, whose pipeline took OPENFORECAST_BENCH_SPILL=disk; that switch and the
//      disk path of the pipeline are gone since (local disk was not faster), so both rows now train the same way.
// Run: npm run bench:spill     Environment: CHUNKS (80, i.e. 20,000 series), TRAIN_SERIES (1000), ROUNDS (2).

import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import {
  CreateAutoPredictorCommand,
  DescribeAutoPredictorCommand,
  GetAccuracyMetricsCommand,
} from "@aws-sdk/client-forecast";
import { LEARNED_MEMBERS } from "../../src/forecasting/auto/members.js";
import type { PreparedSeries } from "../../src/forecasting/series-set.js";
import { chunkKey, openSpill } from "../../src/jobs/backtest-spill.js";
import { packSeries, sliceSeries } from "../../src/jobs/series-transfer.js";
import { backtestChunk } from "../../src/jobs/worker-tasks.js";
import { importDemandGroup, startHarness, untilActive } from "../../test/e2e/harness.js";
import { loadAverage as load, openEmbeddedBlobs, timed } from "../storage/embedded-blobs.js";

const CHUNKS = Number(process.env.CHUNKS ?? 80);
const TRAIN_SERIES = Number(process.env.TRAIN_SERIES ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const DAYS = 150;
const H = 14;
const DAY = 86_400_000;

const level = (i: number, d: number) =>
  (20 + (i % 97)) * (1 + 0.3 * Math.sin((2 * Math.PI * d) / 7)) + ((i * 7919 + d * 104729) % 11) - 5;

function synthetic(i: number): PreparedSeries {
  return {
    key: [`item_${i}`],
    timestamps: Float64Array.from({ length: DAYS + H }, (_, d) => Date.UTC(2024, 0, 1) + d * DAY),
    target: Float64Array.from({ length: DAYS }, (_, d) => level(i, d)),
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  };
}

async function spillIo(): Promise<void> {
  const packed = await packSeries(
    Array.from({ length: 250 }, (_, i) => synthetic(i)),
    { keyWidth: 1, related: 0, holidays: 0 },
  );
  const prefix = "resources/1/r/predictor/bench/scratch/run/backtest-parts/";
  const result = await backtestChunk({
    grid: { horizon: H, period: 7 },
    series: sliceSeries(packed, 0, 250),
    options: {
      quantiles: [0.1, 0.5, 0.9],
      metric: "AverageWeightedQuantileLoss",
      backtestWindows: 3,
      nonNegative: true,
      learnedMembers: [...LEARNED_MEMBERS],
    },
    external: {},
    spill: { prefix, chunk: 0 },
  });
  const bytes = result.objects?.[chunkKey(prefix, 0)] as Uint8Array;
  console.log(
    `one chunk of 250 series: ${(bytes.byteLength / 1e6).toFixed(2)} MB (${(bytes.byteLength / 250 / 1e3).toFixed(1)} KB per series); ${CHUNKS} chunks = ${((bytes.byteLength * CHUNKS) / 1e6).toFixed(0)} MB`,
  );

  const { dir, blobs, direct, close } = await openEmbeddedBlobs("spill-bench");
  const rows: string[] = [];
  try {
    for (let round = 0; round < ROUNDS + 1; round++) {
      for (const where of ["local disk", "object storage", "object storage, endpoint's files"] as const) {
        const spill =
          where === "local disk"
            ? openSpill({ dir: path.join(dir, `parts-${round}`) })
            : openSpill({ prefix: `${prefix}${round}/` }, where === "object storage" ? blobs : direct);
        const delay = monitorEventLoopDelay({ resolution: 1 });
        delay.enable();
        const elu0 = performance.eventLoopUtilization();
        const writeMs = await timed(async () => {
          for (let c = 0; c < CHUNKS; c++) await spill.write(c, bytes);
        });
        let read = 0;
        const readMs = await timed(async () => {
          for (let c = 0; c < CHUNKS; c++) read += (await spill.read(c)).byteLength;
        });
        const elu = performance.eventLoopUtilization(elu0);
        delay.disable();
        await spill.dispose();
        if (read !== bytes.byteLength * CHUNKS) throw new Error("read back a different size");
        // The first round warms both paths up and is not reported.
        if (round > 0)
          rows.push(
            `| ${round} | ${where} | ${writeMs.toFixed(0)} | ${readMs.toFixed(0)} | ${(((bytes.byteLength * CHUNKS * 2) / 1e6 / (writeMs + readMs)) * 1000).toFixed(0)} | ${(elu.utilization * 100).toFixed(0)}% | ${(elu.active / CHUNKS).toFixed(1)} | ${(delay.max / 1e6).toFixed(0)} | ${load()} |`,
          );
      }
    }
  } finally {
    await close();
  }
  console.log(
    "| round | spill in | write all, ms | read all, ms | MB/s (write + read) | event loop busy | loop busy per chunk, ms | longest loop delay, ms | load 1/5/15 |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

async function trainings(): Promise<void> {
  const h = await startHarness();
  const fc = h.forecast();
  try {
    const lines = ["item_id,timestamp,demand"];
    for (let i = 0; i < TRAIN_SERIES; i++)
      for (let d = 0; d < DAYS; d++)
        lines.push(
          `item_${i},${new Date(Date.UTC(2024, 0, 1) + d * DAY).toISOString().slice(0, 10)},${level(i, d).toFixed(3)}`,
        );
    const group = await importDemandGroup(fc, h.s3(), {
      group: "spill_bench",
      dataset: "spill_bench_demand",
      bucket: "spill-bench",
      key: "d.csv",
      csv: `${lines.join("\n")}\n`,
      roleArn: h.roleArn(),
    });
    const rows: string[] = [];
    const metrics = new Map<string, string>();
    for (let round = 1; round <= ROUNDS; round++) {
      for (const where of ["object storage"] as const) {
        const name = `spill_${round}_objects`;
        const loadBefore = load();
        const cpu0 = process.cpuUsage();
        const t0 = Date.now();
        const arn = (
          await fc.send(
            new CreateAutoPredictorCommand({
              PredictorName: name,
              ForecastHorizon: H,
              ForecastFrequency: "D",
              DataConfig: { DatasetGroupArn: group },
            }),
          )
        ).PredictorArn as string;
        await untilActive(
          () => fc.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })),
          name,
          3_600_000,
        );
        const wall = (Date.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const record = await h.service.services.store.get(arn);
        const seconds = Number(record?.attrs.TrainingSeconds);
        const m = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn: arn }));
        metrics.set(name, JSON.stringify(m.PredictorEvaluationResults));
        rows.push(
          `| ${round} | ${where} | ${seconds.toFixed(1)} | ${wall.toFixed(1)} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} | ${loadBefore} → ${load()} |`,
        );
      }
    }
    console.log(
      `\n${TRAIN_SERIES} daily series × ${DAYS} days, AutoPredictor h = ${H}, threads: ${os.availableParallelism()}`,
    );
    console.log(
      "| round | spill in | TrainingSeconds | create → ACTIVE, s | process CPU s | load 1/5/15 before → after |",
    );
    console.log("|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    const distinct = new Set(metrics.values());
    console.log(`accuracy metrics identical across all ${metrics.size} trainings: ${distinct.size === 1}`);
  } finally {
    await h.close();
  }
}

if (process.env.PART !== "B") await spillIo();
if (process.env.PART !== "A") await trainings();

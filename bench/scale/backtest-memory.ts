// What the training coordinator holds once every chunk's backtest has come back, per design: main's engine (each
// series' own member, one forecast per series and window), the learned statistical weights returning every
// component's backtest forecasts, and the two-pass design (components spilled per chunk, jobs/backtest-spill.ts:
// to a local file, and by key to the internal bucket on an embedded S3 endpoint in this process, as training does
// now). Synthetic daily series (150 points, as the members see a daily history, horizon 14,
// 3 windows), fitted in-process by the worker's own task function in chunks of 250. Reports the bytes of the typed
// arrays the results hold (exact, linear in the series) and the measured heap + array-buffer growth after GC.
// Run: node --expose-gc dist/bench/scale/backtest-memory.js   (SERIES=1000)

import path from "node:path";
import type { AutoPredictorOptions, AutoPredictorResult } from "../../src/forecasting/auto/auto-predictor.js";
import { LEARNED_MEMBERS } from "../../src/forecasting/auto/members.js";
import type { PreparedSeries, SeriesSet } from "../../src/forecasting/series-set.js";
import { chunkKey, openSpill, spillBacktests } from "../../src/jobs/backtest-spill.js";
import { packSeriesSet, sliceSeries } from "../../src/jobs/series-transfer.js";
import { backtestChunk } from "../../src/jobs/worker-tasks.js";
import { openEmbeddedBlobs, timed } from "../storage/embedded-blobs.js";

const N = Number(process.env.SERIES ?? "1000");
const DAYS = 150;
const H = 14;
const CHUNK = 250;
const DAY = 86_400_000;

function synthetic(i: number): PreparedSeries {
  const level = 20 + (i % 97);
  const target = Float64Array.from(
    { length: DAYS },
    (_, d) => level * (1 + 0.3 * Math.sin((2 * Math.PI * d) / 7)) + ((i * 7919 + d * 104729) % 11) - 5,
  );
  return {
    key: [`item_${i}`],
    timestamps: Float64Array.from({ length: DAYS + H }, (_, d) => Date.UTC(2024, 0, 1) + d * DAY),
    target,
    related: [],
    metadata: new Float64Array(0),
    holidays: [],
  };
}

/** Bytes of every typed array reachable from the results' records (shared views counted at their own length). */
function arrayBytes(results: readonly AutoPredictorResult[]): number {
  let bytes = 0;
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      bytes += v.byteLength;
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x);
  };
  for (const r of results) visit(r.backtests);
  return bytes;
}

function heldBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function run(options: AutoPredictorOptions): Promise<AutoPredictorResult[]> {
  const set: SeriesSet = {
    frequency: "D",
    period: 7,
    horizon: H,
    keyNames: ["item_id"],
    relatedNames: [],
    metadataNames: [],
    metadataLevels: [],
    holidayCountries: [],
    series: Array.from({ length: N }, (_, i) => synthetic(i)),
  };
  const shared = await packSeriesSet(set);
  const out: AutoPredictorResult[] = [];
  for (let offset = 0; offset < N; offset += CHUNK) {
    const series = sliceSeries(shared.series, offset, Math.min(N, offset + CHUNK));
    // A structured clone, as a result crossing from a worker thread.
    out.push(
      structuredClone(
        await backtestChunk({ grid: { horizon: H, period: 7 }, series, options, external: {} }),
      ),
    );
  }
  return out;
}

async function main(): Promise<void> {
  const base: AutoPredictorOptions = {
    quantiles: [0.1, 0.5, 0.9],
    metric: "AverageWeightedQuantileLoss",
    backtestWindows: 3,
    nonNegative: true,
  };
  const rows: [string, number, number, number][] = [];
  const measure = async (label: string, make: () => Promise<AutoPredictorResult[]>) => {
    const before = heldBytes();
    const started = process.cpuUsage();
    const results = await make();
    const cpu = process.cpuUsage(started);
    const held = heldBytes() - before;
    rows.push([label, arrayBytes(results), held, (cpu.user + cpu.system) / 1e6]);
    return results;
  };
  await measure("main: each series' own member", () => run(base));
  const learned = { ...base, learnedMembers: [...LEARNED_MEMBERS] };
  const results = await measure("learned weights, one pass (every component's forecasts)", () =>
    run(learned),
  );
  const { dir, blobs, close } = await openEmbeddedBlobs("backtest-memory");
  try {
    const twoPasses = async (label: string, keep: (chunk: number, bytes: Uint8Array) => Promise<void>) => {
      const again = await run(learned);
      const before = heldBytes();
      const ms = await timed(async () => {
        for (const [i, r] of again.entries()) {
          const { bytes } = spillBacktests(r, i, [], H, 3);
          await keep(i, bytes);
        }
      });
      const after = heldBytes();
      rows.push([label, arrayBytes(again), (rows[1]?.[2] ?? 0) - (before - after), rows[1]?.[3] ?? 0]);
      return ms;
    };
    const disk = openSpill({ dir: path.join(dir, "parts") });
    const diskMs = await twoPasses("learned weights, two passes (components spilled to local disk)", (i, b) =>
      disk.write(i, b),
    );
    const prefix = "resources/1/r/predictor/bench/scratch/run/backtest-parts/";
    const objectMs = await twoPasses(
      "learned weights, two passes (components spilled by key to the internal bucket)",
      (i, b) => blobs.putBytes(chunkKey(prefix, i), b),
    );
    console.log(
      `spill writes of ${results.length} chunks: local disk ${diskMs.toFixed(0)} ms, object storage ${objectMs.toFixed(0)} ms`,
    );
  } finally {
    await close();
  }
  const mb = (b: number) => (b / 1e6).toFixed(1);
  console.log(
    `| ${N} daily series, h = ${H}, 3 windows | typed arrays held, MB | per series, KB | at 20,000 series, MB | at 100,000, MB | heap + buffers grown, MB | CPU s |`,
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const [label, bytes, held, cpu] of rows)
    console.log(
      `| ${label} | ${mb(bytes)} | ${(bytes / N / 1e3).toFixed(1)} | ${mb((bytes * 20_000) / N)} | ${mb((bytes * 100_000) / N)} | ${mb(held)} | ${cpu.toFixed(1)} |`,
    );
}

await main();

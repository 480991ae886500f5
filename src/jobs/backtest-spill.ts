// The two-pass training of an AutoPredictor with learned statistical weights keeps its chunks' component
// backtest forecasts out of memory between the passes. Pass one (a worker's backtestChunk) fits every component in
// every window and returns only the Gram sums the weights are solved from, the member accuracies and each
// record's actuals; the components' forecasts (k per series and window: five times what one combined forecast
// holds, plus quantiles) are written as chunk i of the training's spill. Pass two (the coordinator, once the
// weights are known) reads one chunk at a time, combines, scores and exports it, then lets it go: at most one
// chunk's component forecasts are in memory at once, instead of every chunk's.
//
// Where the chunks are kept is behind `ChunkSpill` (write chunk i, read chunk i, dispose), opened from a
// `SpillLocation`: plain data, so it goes to the worker inside its task. The location is a key prefix in the
// internal bucket, under the training job's scratch prefix (storage/blob-store.ts, `jobScratchPrefix`), so that it
// works whichever WorkerPool runs the chunks, threads of this process or worker processes on other hosts. A worker
// task cannot write to object storage itself (worker threads hold no S3 client): it returns its chunk's bytes as
// a task object under the chunk's key (jobs/task-objects.ts), which the process that ran it stores, once, before
// the result reaches the coordinator. The coordinator reads the chunk back by key, and deletes the prefix when
// training ends, fails or stops.
// A local folder (`{ dir }`) remains for the measurement against the object path (bench/scale/spill-bench.ts):
// in the embedded deployment local disk was not faster in training time (bench/RESULTS.md, "Backtest spill by
// key"), so no pipeline uses it.
//
// Chunk layout: Float64 little-endian, per backtest record in the result's order, per fitted member (components,
// then switch candidates, as `members` lists them): the mean, then each quantile level, `horizon` values each.
// A member without a forecast is written as NaN (combined() leaves a non-finite forecast out).

import fsp from "node:fs/promises";
import path from "node:path";
import type { AutoPredictorResult, BacktestRecord } from "../forecasting/auto/auto-predictor.js";
import type { SeriesForecast } from "../forecasting/model.js";
import type { BlobStore } from "../storage/blob-store.js";

/** Where a training's spilled chunks are kept: a key prefix (ending in "/") in the internal bucket, or a local folder. */
export type SpillLocation = { prefix: string } | { dir: string };

/** A training's spilled chunks: written once each for the worker that backtested it, read back by the coordinator. */
export interface ChunkSpill {
  write(chunk: number, bytes: Uint8Array): Promise<void>;
  read(chunk: number): Promise<Uint8Array>;
  /** Removes every chunk (training is done with them). */
  dispose(): Promise<void>;
}

/** The key of chunk `chunk` of the spill at `prefix`. */
export function chunkKey(prefix: string, chunk: number): string {
  return `${prefix}chunk-${chunk}.bin`;
}

/** What the object spill needs of the blob store. */
export type SpillObjects = Pick<BlobStore, "putBytes" | "getBytes" | "deletePrefix">;

/** The spill at `location`: by key through `objects`, or in a local folder (made on the first write). */
export function openSpill(location: SpillLocation, objects?: SpillObjects): ChunkSpill {
  if ("dir" in location) return folderSpill(location.dir);
  if (!objects) throw new Error("a spill in object storage needs the blob store");
  const { prefix } = location;
  return {
    write: (chunk, bytes) => objects.putBytes(chunkKey(prefix, chunk), bytes),
    read: (chunk) => objects.getBytes(chunkKey(prefix, chunk)),
    dispose: () => objects.deletePrefix(prefix),
  };
}

function folderSpill(dir: string): ChunkSpill {
  const fileOf = (chunk: number) => path.join(dir, `chunk-${chunk}.bin`);
  return {
    async write(chunk, bytes) {
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(fileOf(chunk), bytes);
    },
    async read(chunk) {
      return fsp.readFile(fileOf(chunk));
    },
    async dispose() {
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

/** What reading a chunk back needs besides its bytes (travels with the worker's result). */
export interface SpillInfo {
  chunk: number;
  /** Fitted members in layout order: the statistical components, then the switch candidates. */
  members: string[];
  /** How many of `members` are components (the records' `parts`); the rest are `others`. */
  components: number;
  horizon: number;
  quantiles: number;
}

/**
 * Encodes the records' component and candidate forecasts as chunk `chunk` and strips them from the result (in
 * place): what the worker sends back is then the sums and the actuals alone, with the chunk's bytes to be kept
 * wherever the spill is.
 */
export function spillBacktests(
  result: AutoPredictorResult,
  chunk: number,
  switchMembers: readonly string[],
  horizon: number,
  quantiles: number,
): { info: SpillInfo; bytes: Uint8Array } {
  const components = result.statisticalComponents ?? 0;
  const members = [...result.components.slice(0, components), ...switchMembers];
  const stride = horizon * (1 + quantiles);
  const values = new Float64Array(result.backtests.length * members.length * stride).fill(Number.NaN);
  result.backtests.forEach((b, r) => {
    members.forEach((name, m) => {
      const f = m < components ? b.parts?.[m] : b.others?.[name];
      if (!f) return;
      const at = (r * members.length + m) * stride;
      values.set(f.mean.subarray(0, horizon), at);
      f.quantiles.forEach((q, j) => {
        values.set(q.subarray(0, horizon), at + (j + 1) * horizon);
      });
    });
    delete b.parts;
    delete b.others;
  });
  return {
    info: { chunk, members, components, horizon, quantiles },
    bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/** Puts a chunk's bytes (read back from its spill) onto its records (`parts`, and `others` when there are switch candidates). */
export function restoreBacktests(
  records: readonly BacktestRecord[],
  bytes: Uint8Array,
  info: SpillInfo,
): void {
  // A fresh copy when the bytes are not 8-aligned in their buffer (a pooled Buffer may not be).
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : Uint8Array.from(bytes);
  const values = new Float64Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 8);
  const { members, components, horizon, quantiles } = info;
  const stride = horizon * (1 + quantiles);
  const forecastAt = (at: number): SeriesForecast => ({
    mean: values.subarray(at, at + horizon),
    quantiles: Array.from({ length: quantiles }, (_, j) =>
      values.subarray(at + (j + 1) * horizon, at + (j + 2) * horizon),
    ),
  });
  if (values.length !== records.length * members.length * stride)
    throw new RangeError(
      `Backtest chunk ${info.chunk}: ${values.length} values, expected ${records.length * members.length * stride}`,
    );
  records.forEach((b, r) => {
    const base = r * members.length * stride;
    b.parts = members.slice(0, components).map((_, m) => forecastAt(base + m * stride));
    if (members.length > components)
      b.others = Object.fromEntries(
        members.slice(components).map((name, k) => [name, forecastAt(base + (components + k) * stride)]),
      );
  });
}

/** Lets a chunk's forecasts go once the pass is done with them. */
export function releaseBacktests(records: readonly BacktestRecord[]): void {
  for (const b of records) {
    delete b.parts;
    delete b.others;
  }
}

// Series as they cross to a worker thread. Every array is a view on shared memory, and the series are described
// by numbers (block, first float, length per array) rather than as one object with its typed arrays each: cloning
// 10,000 such objects blocked the event loop for ~40 ms per task, the description clones in about a millisecond,
// and the worker rebuilds the views itself. Workers must treat the arrays as read-only: other workers read them
// at the same time.

import { onSharedMemory, SharedFloats } from "../data/shared-floats.js";
import { TimeSlice } from "../data/time-slice.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";

export interface PackedSeries {
  count: number;
  /** Key values, `keyWidth` per series. */
  keys: string[];
  keyWidth: number;
  /** Related and holiday arrays per series. */
  related: number;
  holidays: number;
  /** The shared memory every array is a view on. */
  blocks: SharedArrayBuffer[];
  /**
   * Per series, per array (timestamps, target, metadata, related…, holidays…): block index, first float, length.
   * On shared memory itself, so that a range of series (sliceSeries) crosses without a copy too.
   */
  spans: Float64Array;
}

/** A SeriesSet as it crosses to a worker. */
export type PackedSeriesSet = Omit<SeriesSet, "series"> & { series: PackedSeries };

const arraysPerSeries = (p: Pick<PackedSeries, "related" | "holidays">): number => 3 + p.related + p.holidays;

/**
 * Describes `series` for a worker. Arrays already on shared memory (prepareSeries puts them there) are referenced
 * as they are; any other buffer is copied to shared memory once, whole, so views that shared it still do.
 */
export async function packSeries(
  series: readonly PreparedSeries[],
  shape: { keyWidth: number; related: number; holidays: number },
): Promise<PackedSeries> {
  const stride = 3 * arraysPerSeries(shape);
  const spans = new Float64Array(
    new SharedArrayBuffer(series.length * stride * Float64Array.BYTES_PER_ELEMENT),
  );
  const blocks: SharedArrayBuffer[] = [];
  const blockIndex = new Map<SharedArrayBuffer, number>();
  const copies = new Map<ArrayBufferLike, Float64Array>();
  let memory: SharedFloats | undefined;
  const sharedView = (array: Float64Array): Float64Array => {
    if (onSharedMemory(array)) return array;
    let copy = copies.get(array.buffer);
    if (!copy) {
      const whole = new Float64Array(array.buffer, 0, Math.floor(array.buffer.byteLength / 8));
      memory ??= new SharedFloats();
      copy = memory.take(whole.length);
      copy.set(whole);
      copies.set(array.buffer, copy);
    }
    const start = array.byteOffset / Float64Array.BYTES_PER_ELEMENT;
    return copy.subarray(start, start + array.length);
  };
  const keys: string[] = [];
  let k = 0;
  const put = (array: Float64Array) => {
    const view = sharedView(array);
    const buffer = view.buffer as SharedArrayBuffer;
    let block = blockIndex.get(buffer);
    if (block === undefined) {
      block = blocks.push(buffer) - 1;
      blockIndex.set(buffer, block);
    }
    spans[k++] = block;
    spans[k++] = view.byteOffset / Float64Array.BYTES_PER_ELEMENT;
    spans[k++] = view.length;
  };
  const slice = new TimeSlice();
  for (const s of series) {
    if (
      s.key.length !== shape.keyWidth ||
      s.related.length !== shape.related ||
      s.holidays.length !== shape.holidays
    ) {
      throw new RangeError(
        `a series has ${s.key.length} key values, ${s.related.length} related and ${s.holidays.length} holiday arrays; ` +
          `the set has ${shape.keyWidth}, ${shape.related} and ${shape.holidays}`,
      );
    }
    keys.push(...s.key);
    put(s.timestamps);
    put(s.target);
    put(s.metadata);
    for (const a of s.related) put(a);
    for (const a of s.holidays) put(a);
    if (slice.due()) await slice.pause();
  }
  return { count: series.length, keys, ...shape, blocks, spans };
}

/** The series of a description, as views on its shared memory. */
export function unpackSeries(packed: PackedSeries): PreparedSeries[] {
  const blocks = packed.blocks.map((b) => new Float64Array(b));
  const { spans, keyWidth } = packed;
  let k = 0;
  const next = (): Float64Array => {
    const block = blocks[spans[k]] as Float64Array;
    const start = spans[k + 1];
    const length = spans[k + 2];
    k += 3;
    return block.subarray(start, start + length);
  };
  const series: PreparedSeries[] = [];
  for (let i = 0; i < packed.count; i++) {
    series.push({
      key: packed.keys.slice(i * keyWidth, (i + 1) * keyWidth),
      timestamps: next(),
      target: next(),
      metadata: next(),
      related: Array.from({ length: packed.related }, next),
      holidays: Array.from({ length: packed.holidays }, next),
    });
  }
  return series;
}

/** Series `from` to `to` (exclusive) of a description, without copying their arrays. */
export function sliceSeries(packed: PackedSeries, from: number, to: number): PackedSeries {
  const stride = 3 * arraysPerSeries(packed);
  return {
    ...packed,
    count: to - from,
    keys: packed.keys.slice(from * packed.keyWidth, to * packed.keyWidth),
    spans: packed.spans.subarray(from * stride, to * stride),
  };
}

/** A set for a worker; `series` (default: the set's) may be a selection of the set's series. */
export async function packSeriesSet(
  set: SeriesSet,
  series: readonly PreparedSeries[] = set.series,
): Promise<PackedSeriesSet> {
  const shape = {
    keyWidth: set.keyNames.length,
    related: set.relatedNames.length,
    holidays: set.holidayCountries.length,
  };
  return { ...set, series: await packSeries(series, shape) };
}

export function unpackSeriesSet(packed: PackedSeriesSet): SeriesSet {
  return { ...packed, series: unpackSeries(packed.series) };
}

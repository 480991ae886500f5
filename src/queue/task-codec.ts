// A worker task's input and result as bytes, so that they can cross machines through object storage. Within one
// process they cross threads on shared memory (series-transfer.ts); between processes shared memory means nothing,
// so every view on it is copied out, and a chunk's series are compacted to the floats the chunk refers to (a
// slice of a packed set still points at the blocks of every series, which would send the whole data set with each
// chunk). V8's own serializer keeps typed arrays, Maps and nested objects as they are.

import v8 from "node:v8";
import type { PackedSeries } from "../jobs/series-transfer.js";

function isPackedSeries(value: object): value is PackedSeries {
  const v = value as Partial<PackedSeries>;
  return (
    typeof v.count === "number" &&
    typeof v.keyWidth === "number" &&
    Array.isArray(v.blocks) &&
    v.spans instanceof Float64Array &&
    Array.isArray(v.keys)
  );
}

/** The series of a description, on one block of their own (plain memory) holding only their arrays. */
export function compactSeries(packed: PackedSeries): PackedSeries {
  const blocks = packed.blocks.map((b) => new Float64Array(b));
  const spans = new Float64Array(packed.spans.length);
  let total = 0;
  for (let k = 0; k < packed.spans.length; k += 3) total += packed.spans[k + 2] as number;
  const floats = new Float64Array(total);
  let at = 0;
  for (let k = 0; k < packed.spans.length; k += 3) {
    const block = blocks[packed.spans[k] as number] as Float64Array;
    const start = packed.spans[k + 1] as number;
    const length = packed.spans[k + 2] as number;
    floats.set(block.subarray(start, start + length), at);
    spans[k] = 0;
    spans[k + 1] = at;
    spans[k + 2] = length;
    at += length;
  }
  return {
    ...packed,
    keys: [...packed.keys],
    blocks: [floats.buffer as unknown as SharedArrayBuffer],
    spans,
  };
}

/** A copy of `value` with nothing on shared memory, series compacted. Bounded by the value's own (acyclic) size. */
function detach(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof SharedArrayBuffer) return new Uint8Array(value).slice().buffer;
  if (ArrayBuffer.isView(value)) {
    if (!(value.buffer instanceof SharedArrayBuffer)) return value;
    const Ctor = value.constructor as new (source: ArrayBufferView) => ArrayBufferView;
    return new Ctor(value);
  }
  if (Array.isArray(value)) return value.map(detach);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, detach(v)]));
  if (isPackedSeries(value)) return compactSeries(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = detach(v);
  return out;
}

export function encodeTaskValue(value: unknown): Buffer {
  return v8.serialize(detach(value));
}

export function decodeTaskValue<T>(bytes: Buffer): T {
  return v8.deserialize(bytes) as T;
}

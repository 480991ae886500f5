// The changes a what-if forecast makes to the related time series: TimeSeriesTransformations (an action on one
// related attribute where every condition holds) or replacement rows merged over the baseline. Both act on the
// forecast horizon of the prepared series only: that is where the fitted models read related data to forecast
// (docs/decisions.md, "What-if analyses"). Pure functions over a SeriesSet; the caller owns the arrays.

import { invalidInput } from "../errors.js";
import type { PreparedSeries, SeriesSet } from "../forecasting/series-set.js";

export interface Condition {
  AttributeName: string;
  AttributeValue: string;
  Condition: "EQUALS" | "NOT_EQUALS" | "LESS_THAN" | "GREATER_THAN" | string;
}

export interface Transformation {
  Action?: {
    AttributeName: string;
    Operation: "ADD" | "SUBTRACT" | "MULTIPLY" | "DIVIDE" | string;
    Value: number;
  };
  TimeSeriesConditions?: Condition[];
}

/** What a what-if forecast may name: the related fields, the key fields, the metadata fields, `timestamp`. */
export interface WhatIfSchema {
  relatedNames: readonly string[];
  keyNames: readonly string[];
  metadataNames: readonly string[];
  /** The target dataset's timestamp field (Amazon's conditions name it "timestamp"). */
  timestampName: string;
}

const lower = (s: string) => s.toLowerCase();

/** Epoch ms of "yyyy-MM-dd" or "yyyy-MM-dd HH:mm:ss" (also with a T), read as UTC; NaN otherwise. */
export function parseWhatIfTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v))) as number[];
  const ms = Date.UTC(y as number, (mo as number) - 1, d as number, h, mi, s);
  const back = new Date(ms);
  return back.getUTCDate() === d && back.getUTCMonth() === (mo as number) - 1 ? ms : Number.NaN;
}

/** Checks the transformations against the predictor's schema (at CreateWhatIfForecast, before any work). */
export function checkTransformations(transformations: readonly Transformation[], schema: WhatIfSchema): void {
  const related = new Set(schema.relatedNames.map(lower));
  const conditionNames = new Set(
    [...schema.keyNames, ...schema.metadataNames, "timestamp", schema.timestampName].map(lower),
  );
  transformations.forEach((t, i) => {
    const where = `TimeSeriesTransformations[${i}]`;
    if (!t.Action) throw invalidInput(`${where} has no Action; each transformation needs one.`);
    const { AttributeName, Operation, Value } = t.Action;
    if (!related.has(lower(AttributeName))) {
      throw invalidInput(
        schema.relatedNames.length === 0
          ? `${where}: the predictor has no related time series, so there is no attribute ${AttributeName} to change.`
          : `${where}: ${AttributeName} is not a related time series attribute of the predictor; it has ${schema.relatedNames.join(", ")}.`,
      );
    }
    if (!Number.isFinite(Value)) throw invalidInput(`${where}: the Action's Value must be a finite number.`);
    if (Operation === "DIVIDE" && Value === 0) throw invalidInput(`${where}: DIVIDE by 0 is not allowed.`);
    for (const [j, c] of (t.TimeSeriesConditions ?? []).entries()) {
      const at = `${where}.TimeSeriesConditions[${j}]`;
      if (!conditionNames.has(lower(c.AttributeName))) {
        throw invalidInput(
          `${at}: ${c.AttributeName} is not a field conditions can test; use ${[...schema.keyNames, ...schema.metadataNames, "timestamp"].join(", ")}.`,
        );
      }
      const isTime =
        lower(c.AttributeName) === "timestamp" || lower(c.AttributeName) === lower(schema.timestampName);
      if (isTime && Number.isNaN(parseWhatIfTimestamp(c.AttributeValue))) {
        throw invalidInput(
          `${at}: "${c.AttributeValue}" is not a timestamp; write it as yyyy-MM-dd or yyyy-MM-dd HH:mm:ss.`,
        );
      }
    }
  });
}

/** a (op) b for condition values: numbers when both read as numbers, else text. */
function compare(a: string | number, b: string, op: string): boolean {
  const an = typeof a === "number" ? a : a.trim() === "" ? Number.NaN : Number(a);
  const bn = b.trim() === "" ? Number.NaN : Number(b);
  const numeric = !Number.isNaN(an) && !Number.isNaN(bn);
  const x: number | string = numeric ? an : String(a);
  const y: number | string = numeric ? bn : b;
  switch (op) {
    case "EQUALS":
      return x === y;
    case "NOT_EQUALS":
      return x !== y;
    case "LESS_THAN":
      return x < y;
    case "GREATER_THAN":
      return x > y;
    default:
      return false;
  }
}

/** A condition as a test on one series (key or metadata) or on one horizon point (timestamp). */
interface CompiledCondition {
  series?: (s: PreparedSeries) => boolean;
  point?: (ms: number) => boolean;
}

function compileCondition(set: SeriesSet, timestampName: string, c: Condition): CompiledCondition {
  const name = lower(c.AttributeName);
  if (name === "timestamp" || name === lower(timestampName)) {
    const at = parseWhatIfTimestamp(c.AttributeValue);
    return { point: (ms) => compare(ms, String(at), c.Condition) };
  }
  const k = set.keyNames.findIndex((n) => lower(n) === name);
  if (k >= 0) return { series: (s) => compare(s.key[k] as string, c.AttributeValue, c.Condition) };
  const m = set.metadataNames.findIndex((n) => lower(n) === name);
  const levels = set.metadataLevels[m] ?? [];
  return {
    series: (s) => {
      const v = s.metadata[m] as number;
      if (Number.isNaN(v)) return false;
      // A categorical field holds a code into its levels; a numeric one the number itself.
      return compare(levels.length > 0 ? (levels[v] ?? "") : v, c.AttributeValue, c.Condition);
    },
  };
}

function applyOperation(value: number, op: string, by: number): number {
  switch (op) {
    case "ADD":
      return value + by;
    case "SUBTRACT":
      return value - by;
    case "MULTIPLY":
      return value * by;
    default:
      return value / by;
  }
}

/**
 * Applies the transformations in order to the horizon of `series` (in place); returns the indexes (into
 * `series`) of the series whose related values changed.
 */
export function applyTransformations(
  set: SeriesSet,
  series: readonly PreparedSeries[],
  transformations: readonly Transformation[],
  timestampName: string,
): Set<number> {
  const changed = new Set<number>();
  for (const t of transformations) {
    const action = t.Action;
    if (!action) continue;
    const r = set.relatedNames.findIndex((n) => lower(n) === lower(action.AttributeName));
    if (r < 0) continue;
    const conditions = (t.TimeSeriesConditions ?? []).map((c) => compileCondition(set, timestampName, c));
    const seriesTests = conditions.flatMap((c) => (c.series ? [c.series] : []));
    const pointTests = conditions.flatMap((c) => (c.point ? [c.point] : []));
    series.forEach((s, i) => {
      if (!seriesTests.every((test) => test(s))) return;
      const values = s.related[r] as Float64Array;
      const n = s.target.length;
      for (let step = 0; step < set.horizon; step++) {
        const ms = s.timestamps[n + step] as number;
        if (!pointTests.every((test) => test(ms))) continue;
        const before = values[n + step] as number;
        const after = applyOperation(before, action.Operation, action.Value);
        if (!Object.is(before, after)) {
          values[n + step] = after;
          changed.add(i);
        }
      }
    });
  }
  return changed;
}

/**
 * One row of a replacement file, read: the series key values at the replacement's key positions (the item id and
 * the related dataset's dimensions, which may be a subset of the forecast dimensions), the point, and the new
 * values by related index (undefined: unchanged).
 */
export interface ReplacementRow {
  key: string[];
  ms: number;
  values: (number | undefined)[];
}

/**
 * Merges replacement rows over the horizon of `series` (in place); a row applies to every series whose key has
 * its values at `keyPositions`. Rows of series outside the analysis or of points outside the horizon change
 * nothing and are counted as ignored. Returns the changed series' indexes.
 */
export function applyReplacements(
  set: SeriesSet,
  series: readonly PreparedSeries[],
  keyPositions: readonly number[],
  rows: readonly ReplacementRow[],
): { changed: Set<number>; applied: number; ignored: number } {
  const index = new Map<string, number[]>();
  series.forEach((s, i) => {
    const k = JSON.stringify(keyPositions.map((p) => s.key[p]));
    const list = index.get(k);
    if (list) list.push(i);
    else index.set(k, [i]);
  });
  const changed = new Set<number>();
  let applied = 0;
  let ignored = 0;
  for (const row of rows) {
    let hit = false;
    for (const i of index.get(JSON.stringify(row.key)) ?? []) {
      const s = series[i] as PreparedSeries;
      const n = s.target.length;
      let step = -1;
      for (let t = 0; t < set.horizon && step < 0; t++) if (s.timestamps[n + t] === row.ms) step = t;
      if (step < 0) continue;
      hit = true;
      row.values.forEach((v, r) => {
        if (v === undefined) return;
        const values = s.related[r] as Float64Array;
        if (!Object.is(values[n + step], v)) {
          values[n + step] = v;
          changed.add(i);
        }
      });
    }
    if (hit) applied++;
    else ignored++;
  }
  return { changed, applied, ignored };
}

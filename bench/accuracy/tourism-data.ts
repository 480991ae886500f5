// The tourism competition data (Athanasopoulos et al. 2011) as the accuracy benches read it: per series its
// period, seasonal frequency, horizon, train part and test part. The folder is TOURISM_DIR or ../shared/data/tourism
// relative to the repository root.

import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** TOURISM_DIR, or the shared data folder beside the repository (run from the repository root). */
export function tourismDir(): string {
  return process.env.TOURISM_DIR ?? resolve("..", "shared", "data", "tourism");
}

export interface Series {
  readonly name: string;
  readonly period: string;
  readonly frequency: number;
  readonly h: number;
  readonly train: Float64Array;
  readonly test: Float64Array;
}

export function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.split(",").map((cell) => cell.replace(/^"|"$/g, "")));
}

export function loadTourism(dir: string): Series[] {
  const info = parseCsv(readFileSync(join(dir, "tourism-info.csv"), "utf8")).slice(1);
  const rows = parseCsv(readFileSync(join(dir, "tourism-long.csv"), "utf8")).slice(1);
  const values = new Map<string, { train: number[]; test: number[] }>();
  for (const [sn, split, t, y] of rows) {
    let entry = values.get(sn);
    if (!entry) {
      entry = { train: [], test: [] };
      values.set(sn, entry);
    }
    (split === "train" ? entry.train : entry.test)[Number(t) - 1] = Number(y);
  }
  return info.map(([sn, period, , h, freq]) => {
    const entry = values.get(sn);
    if (!entry) throw new Error(`no values for ${sn}`);
    return {
      name: sn,
      period,
      frequency: Number(freq),
      h: Number(h),
      train: Float64Array.from(entry.train.filter((v) => v !== undefined)),
      test: Float64Array.from(entry.test.filter((v) => v !== undefined)).subarray(0, Number(h)),
    };
  });
}

/**
 * The validation split of a series at `origin` (1, 2, …): the h points ending (origin − 1)·h before the train
 * part's end are held out, `history` is what comes before them. The test part is not read. Origin 1 is the
 * validation split of bench/accuracy/README.md; tourism-members.ts's backtest windows are origins 1, 2, 3.
 */
export function validationSplit(s: Series, origin: number): { history: Float64Array; actual: Float64Array } {
  const end = s.train.length - (origin - 1) * s.h;
  return { history: s.train.subarray(0, end - s.h), actual: s.train.subarray(end - s.h, end) };
}

import { invalidInput } from "../errors.js";

/** Minutes per frequency unit, to compare frequencies; months and years by their average length. */
const UNIT_MINUTES: Record<string, number> = { min: 1, H: 60, D: 1440, W: 10_080, M: 43_830, Y: 525_960 };

/** Length of a frequency like "D", "15min" or "2W" in minutes, or undefined when it is not one. */
export function frequencyMinutes(frequency: string): number | undefined {
  const m = /^(\d*)(min|H|D|W|M|Y)$/.exec(frequency);
  if (!m) return undefined;
  const count = m[1] === "" ? 1 : Number(m[1]);
  return count * (UNIT_MINUTES[m[2] as string] as number);
}

/** The unit of a frequency: Y, M, W, D, H or min. */
export function frequencyUnit(frequency: string): string {
  return /(min|H|D|W|M|Y)$/.exec(frequency)?.[1] ?? frequency;
}

/** Amazon's default forecast types. */
export const DEFAULT_FORECAST_TYPES = ["0.1", "0.5", "0.9"];

/** The quantile levels and whether the mean is asked for, from ForecastTypes. */
export function parseForecastTypes(types: readonly string[] | undefined): {
  types: string[];
  quantiles: number[];
  mean: boolean;
} {
  const list = types && types.length > 0 ? [...types] : [...DEFAULT_FORECAST_TYPES];
  if (new Set(list).size !== list.length)
    throw invalidInput(`ForecastTypes lists a type twice: ${list.join(", ")}.`);
  const quantiles: number[] = [];
  let mean = false;
  for (const t of list) {
    if (t === "mean") {
      mean = true;
      continue;
    }
    const level = Number(t);
    if (!/^0?\.\d\d?$/.test(t) || !(level >= 0.01 && level <= 0.99)) {
      throw invalidInput(`ForecastTypes must be "mean" or quantiles from 0.01 to 0.99, not "${t}".`);
    }
    quantiles.push(level);
  }
  return { types: list, quantiles, mean };
}

export interface TimeAlignmentBoundary {
  Month?: string;
  DayOfMonth?: number;
  DayOfWeek?: string;
  Hour?: number;
}

/** Which boundary members each forecast frequency unit may use (coarser units align on finer boundaries). */
const BOUNDARY_MEMBERS: Record<string, readonly string[]> = {
  Y: ["Month", "DayOfMonth", "Hour"],
  M: ["DayOfMonth", "Hour"],
  W: ["DayOfWeek", "Hour"],
  D: ["Hour"],
};

export function checkTimeAlignmentBoundary(
  boundary: TimeAlignmentBoundary | undefined,
  frequency: string,
): void {
  if (!boundary) return;
  const unit = frequencyUnit(frequency);
  const allowed = BOUNDARY_MEMBERS[unit] ?? [];
  const given = Object.entries(boundary)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  for (const member of given) {
    if (!allowed.includes(member)) {
      throw invalidInput(
        allowed.length === 0
          ? `TimeAlignmentBoundary applies to forecast frequencies of a day or longer, not ${frequency}.`
          : `TimeAlignmentBoundary.${member} does not apply to the forecast frequency ${frequency}; use ${allowed.join(", ")}.`,
      );
    }
  }
  if (unit === "Y" && boundary.DayOfMonth !== undefined && boundary.Month === undefined) {
    throw invalidInput("For a yearly frequency, TimeAlignmentBoundary.DayOfMonth needs Month too.");
  }
}

/** Amazon's horizon limit for a predictor. */
export const MAX_FORECAST_HORIZON = 500;

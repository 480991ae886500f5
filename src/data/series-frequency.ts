// Amazon Forecast's frequency strings ("D", "1D", "2W", "15min", "3M"): parsed, checked and written one way.
import { SeriesPreparationError } from "./series-error.js";

export type FrequencyUnit = "Y" | "M" | "W" | "D" | "H" | "min";

export interface Frequency {
  unit: FrequencyUnit;
  /** How many units one step spans: 2 for "2W". */
  multiple: number;
  /** The canonical spelling: the bare letter for one Y/M/W/D/H ("1D" → "D"), "<n>min" for minutes. */
  name: string;
}

// Amazon allows multiples up to the next larger unit, never reaching it (60min would be 1H, 7D would be 1W).
const MAX_MULTIPLE: Readonly<Record<FrequencyUnit, number>> = { Y: 1, M: 11, W: 4, D: 6, H: 23, min: 59 };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// Typical lengths, only for ordering frequencies ("is the forecast coarser than the data?").
const UNIT_MS: Readonly<Record<FrequencyUnit, number>> = {
  Y: 365.25 * DAY_MS,
  M: (365.25 / 12) * DAY_MS,
  W: 7 * DAY_MS,
  D: DAY_MS,
  H: 60 * MINUTE_MS,
  min: MINUTE_MS,
};

/** Parses a frequency; `role` names it in the error ("forecast frequency", "target dataset frequency"). */
export function parseFrequency(text: string, role: string): Frequency {
  const match = /^(\d*)(Y|M|W|D|H|min)$/.exec(text.trim());
  const unit = match?.[2] as FrequencyUnit | undefined;
  // A bare "min" has no count; Amazon always writes minutes with one ("1min").
  const multiple = match?.[1] === "" ? (unit === "min" ? Number.NaN : 1) : Number(match?.[1]);
  if (!unit || !Number.isInteger(multiple) || multiple < 1 || multiple > MAX_MULTIPLE[unit]) {
    throw new SeriesPreparationError(
      "BAD_FREQUENCY",
      `The ${role} ${JSON.stringify(text)} is not a valid frequency: use a count and a unit, Y (1), M (1-11), ` +
        "W (1-4), D (1-6), H (1-23) or min (1-59), for example D, 2W, 3M or 15min",
    );
  }
  const name = unit === "min" ? `${multiple}min` : multiple === 1 ? unit : `${multiple}${unit}`;
  return { unit, multiple, name };
}

/** The typical length of one step, for comparing frequencies (months and years vary; this is their mean). */
export const nominalMs = (frequency: Frequency): number => UNIT_MS[frequency.unit] * frequency.multiple;

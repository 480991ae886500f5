// The ETS family of Hyndman, Koehler, Ord & Snyder (2008) as R's forecast::ets searches it: additive or
// multiplicative error, no / additive / damped trend, no / additive / multiplicative season.

export type Component = "N" | "A" | "M";

export interface EtsSpec {
  readonly error: "A" | "M";
  readonly trend: "N" | "A";
  readonly damped: boolean;
  readonly season: Component;
}

/** R's notation, e.g. "MAdM". */
export function specName(s: EtsSpec): string {
  return `${s.error}${s.trend}${s.damped ? "d" : ""}${s.season}`;
}

/**
 * Candidates for a series: seasonal ones only with a usable period, multiplicative ones only for strictly
 * positive data, and never additive error with multiplicative season (numerically unstable; R excludes it too).
 */
export function candidateSpecs(seasonal: boolean, positive: boolean): EtsSpec[] {
  const out: EtsSpec[] = [];
  const errors: ("A" | "M")[] = positive ? ["A", "M"] : ["A"];
  const seasons: Component[] = seasonal ? (positive ? ["N", "A", "M"] : ["N", "A"]) : ["N"];
  for (const error of errors) {
    for (const season of seasons) {
      if (error === "A" && season === "M") continue;
      out.push({ error, trend: "N", damped: false, season });
      out.push({ error, trend: "A", damped: false, season });
      out.push({ error, trend: "A", damped: true, season });
    }
  }
  return out;
}

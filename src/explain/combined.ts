// Impact scores of a weighted combination of members. The combined output Σ_m w_m·f_m is linear in the members'
// outputs, and Shapley values are linear in the game, so the combination's exact Shapley values are Σ_m w_m·φ_m
// (a member whose output depends on no attribute has φ_m = 0), and efficiency carries over: each row sums to
// Σ_m w_m·(f_m − f_m at the baseline), the combined output minus its value at the baseline.

export interface MemberExplanation {
  weight: number;
  /** Row-major rows × players: the member's exact Shapley values, the same rows for every member. */
  raw: Float64Array;
  /** The member's output per row, and its output with every attribute at the baseline. */
  forecast: Float64Array;
  baselineForecast: Float64Array;
}

export interface CombinedExplanation {
  raw: Float64Array;
  forecast: Float64Array;
  baselineForecast: Float64Array;
}

/** Σ_m w_m·φ_m, with the combined output and its baseline value per row (what efficiency refers to). */
export function combineExplanations(members: readonly MemberExplanation[]): CombinedExplanation {
  const first = members[0];
  if (!first) throw new RangeError("no member to combine");
  const raw = new Float64Array(first.raw.length);
  const forecast = new Float64Array(first.forecast.length);
  const baselineForecast = new Float64Array(first.forecast.length);
  for (const m of members) {
    if (m.raw.length !== raw.length || m.forecast.length !== forecast.length)
      throw new RangeError("members explain different rows");
    addScaled(raw, m.raw, m.weight);
    addScaled(forecast, m.forecast, m.weight);
    addScaled(baselineForecast, m.baselineForecast, m.weight);
  }
  return { raw, forecast, baselineForecast };
}

/** into += w·from, element by element. */
export function addScaled(into: Float64Array, from: ArrayLike<number>, w: number): void {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] as number) + w * (from[i] as number);
}

// The seasonal step shared by the Theta variants as the M3 competition ran them (Assimakopoulos & Nikolopoulos
// 2000) and as Fiorucci et al. (2016) keep it: a classical multiplicative decomposition, used only where the
// lag-m autocorrelation is significant at 90% (decompose.ts's isSeasonal, the test of R's thetaf and of the
// forecTheta package), and only for data without negative values.

import { isSeasonal, multiplicativeSeasonalIndices } from "./decompose.js";

export interface Deseasonalized {
  /** The series divided by its seasonal index (the series itself when not seasonal). */
  readonly adjusted: Float64Array;
  /** Index per phase (phase of y[i] is i mod m), or null when the series is not treated as seasonal. */
  readonly indices: Float64Array | null;
}

export function deseasonalize(y: Float64Array, period: number): Deseasonalized {
  if (period <= 1 || y.some((v) => v < 0) || !isSeasonal(y, period, 0.9))
    return { adjusted: y, indices: null };
  const indices = multiplicativeSeasonalIndices(y, period);
  if (indices.some((v) => !(Math.abs(v) >= 1e-4))) return { adjusted: y, indices: null };
  const adjusted = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) adjusted[t] = y[t] / indices[t % period];
  return { adjusted, indices };
}

/** Multiplies arrays of forecasts for steps 1..h after a history of n points by their seasonal index, in place. */
export function reseasonalize(
  arrays: readonly Float64Array[],
  indices: Float64Array | null,
  n: number,
): void {
  if (!indices) return;
  const m = indices.length;
  for (const a of arrays) for (let j = 0; j < a.length; j++) a[j] *= indices[(n + j) % m];
}

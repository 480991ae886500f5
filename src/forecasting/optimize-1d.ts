// Bounded one-dimensional minimisation for smoothing parameters: a coarse grid guards against the several
// local minima SSE curves can have, then golden-section search refines the best bracket.

export function minimizeBounded(
  f: (x: number) => number,
  lower: number,
  upper: number,
  gridPoints = 12,
  tolerance = 1e-5,
): { x: number; value: number } {
  let bestX = lower;
  let bestValue = Number.POSITIVE_INFINITY;
  const step = (upper - lower) / (gridPoints - 1);
  for (let i = 0; i < gridPoints; i++) {
    const x = lower + i * step;
    const v = f(x);
    if (v < bestValue) {
      bestValue = v;
      bestX = x;
    }
  }
  let a = Math.max(lower, bestX - step);
  let b = Math.min(upper, bestX + step);
  const invPhi = (Math.sqrt(5) - 1) / 2;
  let c = b - invPhi * (b - a);
  let d = a + invPhi * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - invPhi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + invPhi * (b - a);
      fd = f(d);
    }
  }
  const x = fc < fd ? c : d;
  const value = Math.min(fc, fd);
  return value < bestValue ? { x, value } : { x: bestX, value: bestValue };
}

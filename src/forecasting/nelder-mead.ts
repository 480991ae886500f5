// Derivative-free minimisation (Nelder & Mead 1965, with R's optim defaults: reflection 1, expansion 2,
// contraction 0.5, shrink 0.5). ETS likelihoods are cheap to evaluate but awkward to differentiate, and
// out-of-bounds points simply return +Infinity.

export interface SimplexResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
}

export function nelderMead(
  f: (x: Float64Array) => number,
  start: Float64Array,
  steps: Float64Array,
  maxEvaluations = 2000,
  relativeTolerance = 1e-8,
  absoluteTolerance = 0,
): SimplexResult {
  const k = start.length;
  const points: Float64Array[] = [];
  const values = new Float64Array(k + 1);
  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  points.push(Float64Array.from(start));
  values[0] = evaluate(points[0]);
  for (let i = 0; i < k; i++) {
    const p = Float64Array.from(start);
    p[i] += steps[i];
    points.push(p);
    values[i + 1] = evaluate(p);
  }
  const order = Array.from({ length: k + 1 }, (_, i) => i);
  const centroid = new Float64Array(k);
  const reflected = new Float64Array(k);
  const trial = new Float64Array(k);
  const place = (index: number, x: Float64Array, v: number) => {
    points[index].set(x);
    values[index] = v;
  };
  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a] - values[b]);
    const best = order[0];
    const worst = order[k];
    const secondWorst = order[k - 1];
    const spread = Math.abs(values[worst] - values[best]);
    if (spread <= relativeTolerance * (Math.abs(values[best]) + relativeTolerance) + absoluteTolerance) break;
    centroid.fill(0);
    for (let i = 0; i < k; i++) {
      const p = points[order[i]];
      for (let j = 0; j < k; j++) centroid[j] += p[j] / k;
    }
    const w = points[worst];
    for (let j = 0; j < k; j++) reflected[j] = centroid[j] + (centroid[j] - w[j]);
    const vr = evaluate(reflected);
    if (vr < values[best]) {
      for (let j = 0; j < k; j++) trial[j] = centroid[j] + 2 * (centroid[j] - w[j]);
      const ve = evaluate(trial);
      if (ve < vr) place(worst, trial, ve);
      else place(worst, reflected, vr);
      continue;
    }
    if (vr < values[secondWorst]) {
      place(worst, reflected, vr);
      continue;
    }
    // Contract towards the better of the worst point and its reflection.
    const outside = vr < values[worst];
    for (let j = 0; j < k; j++)
      trial[j] = outside
        ? centroid[j] + 0.5 * (reflected[j] - centroid[j])
        : centroid[j] + 0.5 * (w[j] - centroid[j]);
    const vc = evaluate(trial);
    if (vc < Math.min(vr, values[worst])) {
      place(worst, trial, vc);
      continue;
    }
    if (outside) {
      place(worst, reflected, vr);
      continue;
    }
    const b = points[best];
    for (let i = 1; i <= k; i++) {
      const p = points[order[i]];
      for (let j = 0; j < k; j++) p[j] = b[j] + 0.5 * (p[j] - b[j]);
      values[order[i]] = evaluate(p);
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= k; i++) if (values[i] < values[bestIndex]) bestIndex = i;
  return { x: points[bestIndex], value: values[bestIndex], evaluations };
}

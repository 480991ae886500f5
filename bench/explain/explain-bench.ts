// TreeSHAP against brute force on a GBDT of the size a predictor would train.
// Run: node dist/bench/explain/explain-bench.js [bruteRows=2500] [bigSeries=10000] [pointsPerBigSeries=50]
//
// Data: 8 player attributes over 10 columns (price and temperature own two columns each) plus 5 non-player
// columns (lags, horizon, calendar). Brute force enumerates all 2^8 coalitions per row, evaluating the hybrid
// rows of a block of rows in one batch predict call; it runs on the first `bruteRows` rows and is extrapolated
// to the full 25,000 when fewer.

import {
  allCoalitions,
  baselineTreeShapBatch,
  coalitionValueBatch,
  exactShapleyBatched,
  hybridRows,
  shapleyFromCoalitionValues,
} from "../../src/explain/index.js";
import {
  type FeatureMatrix,
  featureMatrix,
  predict,
  predictRow,
  readRow,
  trainGbdt,
} from "../../src/forecasting/gbdt/index.js";
import { createRng, type Rng } from "../../src/forecasting/rng.js";

const bruteRows = Number(process.argv[2] ?? 2_500);
const bigSeries = Number(process.argv[3] ?? 10_000);
const bigPoints = Number(process.argv[4] ?? 50);
const RUNS = 3;

// Column → player (-1 = not a player).
const COLUMNS = [
  ["price", 0],
  ["price_change", 0],
  ["promo", 1],
  ["temperature", 2],
  ["temperature_lag", 2],
  ["holiday_US", 3],
  ["category", 4],
  ["brand", 5],
  ["store_size", 6],
  ["competitor_price", 7],
  ["lag_1", -1],
  ["lag_7", -1],
  ["horizon", -1],
  ["day_of_week", -1],
  ["month", -1],
] as const;
const nF = COLUMNS.length;
const nPlayers = 8;
const groups = Int32Array.from(COLUMNS, ([, g]) => g);

function synthetic(nRows: number, rng: Rng): { X: FeatureMatrix; y: Float64Array } {
  const data = new Float64Array(nRows * nF);
  const y = new Float64Array(nRows);
  const col = (f: number) => data.subarray(f * nRows, (f + 1) * nRows);
  const c = COLUMNS.map((_, f) => col(f));
  for (let r = 0; r < nRows; r++) {
    const price = 5 + 5 * rng();
    c[0][r] = price;
    c[1][r] = rng() < 0.2 ? (rng() - 0.5) * 2 : 0;
    c[2][r] = rng() < 0.15 ? 1 : 0;
    const temp = 10 + 15 * rng();
    c[3][r] = temp;
    c[4][r] = rng() < 0.05 ? Number.NaN : temp + (rng() - 0.5) * 4;
    c[5][r] = rng() < 0.03 ? 1 : 0;
    c[6][r] = Math.floor(rng() * 12);
    c[7][r] = Math.floor(rng() * 40);
    c[8][r] = 1 + Math.floor(rng() * 5);
    c[9][r] = price * (0.8 + 0.4 * rng());
    const level = 20 + 30 * rng();
    c[10][r] = level + 3 * (rng() - 0.5);
    c[11][r] = level + 3 * (rng() - 0.5);
    c[12][r] = 1 + Math.floor(rng() * 28);
    c[13][r] = Math.floor(rng() * 7);
    c[14][r] = 1 + Math.floor(rng() * 12);
    y[r] =
      0.6 * c[10][r] +
      0.3 * c[11][r] -
      2 * (price - 7.5) +
      3 * c[1][r] +
      c[2][r] * (6 + 0.2 * c[8][r]) +
      0.3 * (temp - 17) * (c[6][r] < 4 ? 1 : -0.5) +
      8 * c[5][r] +
      (c[7][r] % 5) * 0.4 +
      1.5 * (c[9][r] - price) +
      (c[13][r] >= 5 ? 4 : 0) +
      2 * (rng() - 0.5);
  }
  return { X: featureMatrix(data, nRows, nF), y };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall and CPU time: on a shared machine CPU time is the steadier figure, so both are printed. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; result: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, result };
}

function firstRows(X: FeatureMatrix, n: number): FeatureMatrix {
  const data = new Float64Array(n * X.nFeatures);
  for (let f = 0; f < X.nFeatures; f++) data.set(X.data.subarray(f * X.nRows, f * X.nRows + n), f * n);
  return featureMatrix(data, n, X.nFeatures);
}

/** Brute force through the library as any model would use it: one predict call of 2^8 hybrid rows per row. */
function bruteForceLibrary(
  ensemble: Parameters<typeof predict>[0],
  X: FeatureMatrix,
  baseline: Float64Array,
) {
  const out = new Float64Array(X.nRows * nPlayers);
  const x = new Float64Array(nF);
  const predictBatch = (m: FeatureMatrix) => predict(ensemble, m);
  for (let r = 0; r < X.nRows; r++) {
    readRow(X, r, x);
    out.set(
      exactShapleyBatched(coalitionValueBatch(predictBatch, x, baseline, groups, nPlayers), nPlayers),
      r * nPlayers,
    );
  }
  return out;
}

/** Brute force tuned further: the hybrid rows of BLOCK rows (64 × 2^8) in one predict call. */
function bruteForce(ensemble: Parameters<typeof predict>[0], X: FeatureMatrix, baseline: Float64Array) {
  const BLOCK = 64;
  const masks = allCoalitions(nPlayers);
  const k = masks.length;
  const out = new Float64Array(X.nRows * nPlayers);
  const x = new Float64Array(nF);
  for (let from = 0; from < X.nRows; from += BLOCK) {
    const rows = Math.min(BLOCK, X.nRows - from);
    const big = new Float64Array(rows * k * nF);
    for (let i = 0; i < rows; i++) {
      const h = hybridRows(readRow(X, from + i, x), baseline, groups, masks);
      for (let f = 0; f < nF; f++) big.set(h.data.subarray(f * k, (f + 1) * k), f * rows * k + i * k);
    }
    const values = predict(ensemble, featureMatrix(big, rows * k, nF));
    for (let i = 0; i < rows; i++) {
      out.set(
        shapleyFromCoalitionValues(values.subarray(i * k, (i + 1) * k), nPlayers),
        (from + i) * nPlayers,
      );
    }
  }
  return out;
}

const rng = createRng(12345);
const train = synthetic(100_000, rng);
const trained = time(() => trainGbdt(train.X, train.y, { nTrees: 200, maxDepth: 6, learningRate: 0.1 }));
const ensemble = trained.result.ensemble;
console.log(
  `model: 200 trees depth 6 on 100,000 rows × ${nF} columns (${nPlayers} players over 10 columns), ` +
    `trained in ${(trained.ms / 1000).toFixed(1)} s, ${ensemble.feature.length} nodes`,
);

// Baseline: column means of the training data (NaN-aware), one reference per column.
const baseline = new Float64Array(nF);
for (let f = 0; f < nF; f++) {
  let s = 0;
  let n = 0;
  for (let r = 0; r < train.X.nRows; r++) {
    const v = train.X.data[f * train.X.nRows + r];
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  }
  baseline[f] = s / n;
}

const explainRows = 50 * 500;
const E = synthetic(explainRows, rng).X;

function runs<T>(fn: () => T) {
  const all = Array.from({ length: RUNS }, () => time(fn));
  return { ms: median(all.map((r) => r.ms)), cpuMs: median(all.map((r) => r.cpuMs)), result: all[0].result };
}
const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

// (a) TreeSHAP on 50 series × 500 points.
const ts = runs(() => baselineTreeShapBatch(ensemble, E, baseline, groups, nPlayers));
console.log(
  `(a) TreeSHAP, 50 series × 500 points = ${explainRows} rows: median wall ${fmt(ts.ms)}, cpu ${fmt(ts.cpuMs)} ` +
    `(${((ts.cpuMs * 1000) / explainRows).toFixed(1)} µs/row cpu)`,
);

// (b) Brute force on the first bruteRows rows, extrapolated linearly to all rows.
const nBrute = Math.min(bruteRows, explainRows);
const scale = explainRows / nBrute;
const sub = firstRows(E, nBrute);
const brute = [
  { name: "brute force, exactShapleyBatched (one batch of 2^8 hybrid rows per row)", fn: bruteForceLibrary },
  { name: "brute force, 64 rows × 2^8 hybrid rows per predict call", fn: bruteForce },
];
for (const { name, fn } of brute) {
  const bf = runs(() => fn(ensemble, sub, baseline));
  let maxDiff = 0;
  let maxEff = 0;
  const x = new Float64Array(nF);
  const hybrid = new Float64Array(nF);
  for (let r = 0; r < nBrute; r++) {
    let s = 0;
    for (let p = 0; p < nPlayers; p++) {
      const i = r * nPlayers + p;
      maxDiff = Math.max(maxDiff, Math.abs(ts.result[i] - bf.result[i]));
      s += ts.result[i];
    }
    readRow(E, r, x);
    for (let f = 0; f < nF; f++) hybrid[f] = groups[f] < 0 ? x[f] : baseline[f];
    maxEff = Math.max(maxEff, Math.abs(s - (predictRow(ensemble, x) - predictRow(ensemble, hybrid))));
  }
  console.log(
    `(b) ${name}, ${nBrute} rows: median wall ${fmt(bf.ms)}, cpu ${fmt(bf.cpuMs)}` +
      (scale > 1
        ? `; extrapolated to ${explainRows} rows: wall ${fmt(bf.ms * scale)}, cpu ${fmt(bf.cpuMs * scale)}`
        : ""),
  );
  console.log(
    `    TreeSHAP is ${((bf.cpuMs * scale) / ts.cpuMs).toFixed(0)}× faster by cpu time ` +
      `(${((bf.ms * scale) / ts.ms).toFixed(0)}× by wall time); ` +
      `max |TreeSHAP − brute force| = ${maxDiff.toExponential(2)}; TreeSHAP efficiency error ≤ ${maxEff.toExponential(2)}`,
  );
}

// (c) TreeSHAP at scale.
const bigRows = bigSeries * bigPoints;
const B = synthetic(bigRows, rng).X;
const big = runs(() => baselineTreeShapBatch(ensemble, B, baseline, groups, nPlayers).length);
console.log(
  `(c) TreeSHAP, ${bigSeries} series × ${bigPoints} points = ${bigRows} rows: median wall ${fmt(big.ms)}, ` +
    `cpu ${fmt(big.cpuMs)} (${((big.cpuMs * 1000) / bigRows).toFixed(1)} µs/row cpu, ` +
    `${Math.round(bigRows / (big.cpuMs / 1000))} rows/s)`,
);

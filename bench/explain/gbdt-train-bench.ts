// Training speed of the GBDT at the size the brief sets: 1,000,000 rows × 20 features, 100 trees, depth 6, one
// core. Run: node dist/bench/explain/gbdt-train-bench.js [rows]

import { featureMatrix, predict, trainGbdt } from "../../src/forecasting/gbdt/index.js";
import { createRng } from "../../src/forecasting/rng.js";

const nRows = Number(process.argv[2] ?? 1_000_000);
const nFeatures = 20;
const rng = createRng(7);
const data = new Float64Array(nRows * nFeatures);
for (let i = 0; i < data.length; i++) data[i] = rng() * 2 - 1;
// A nonlinear target on a few features plus noise; the rest are distractors.
const y = new Float64Array(nRows);
for (let r = 0; r < nRows; r++) {
  const x0 = data[r];
  const x1 = data[nRows + r];
  const x2 = data[2 * nRows + r];
  const x3 = data[3 * nRows + r];
  y[r] = 3 * x0 - 2 * x1 + Math.sin(3 * x2) + (x3 > 0 ? 1 : 0) * x0 + 0.1 * (rng() - 0.5);
}
const X = featureMatrix(data, nRows, nFeatures);
const c0 = process.cpuUsage();
const t0 = performance.now();
const { ensemble } = trainGbdt(X, y, { nTrees: 100, maxDepth: 6, learningRate: 0.1 });
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
const p = predict(ensemble, X);
const t2 = performance.now();
let sse = 0;
let sst = 0;
let mean = 0;
for (let r = 0; r < nRows; r++) mean += y[r] / nRows;
for (let r = 0; r < nRows; r++) {
  sse += (y[r] - p[r]) ** 2;
  sst += (y[r] - mean) ** 2;
}
console.log(
  `gbdt train ${nRows} rows × ${nFeatures} features, 100 trees depth 6: wall ${((t1 - t0) / 1000).toFixed(2)} s, ` +
    `cpu ${((c1.user + c1.system) / 1e6).toFixed(2)} s; ` +
    `predict ${((t2 - t1) / 1000).toFixed(2)} s; train R² ${(1 - sse / sst).toFixed(4)}`,
);

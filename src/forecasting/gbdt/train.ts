// The boosting loop: bin once, then per round compute gradients, grow a tree on a (sub)sample of rows, set its
// leaves through the loss, and update the running predictions; optionally stop early on a validation set.

import { createRng } from "../rng.js";
import { binMatrix, fitBinMapper } from "./binning.js";
import type { GbdtEnsemble, GbdtObjective } from "./ensemble.js";
import { type Loss, quantileLoss, squaredLoss } from "./loss.js";
import type { FeatureMatrix } from "./matrix.js";
import { type GrownTree, leafOfBinnedRow, TreeGrower } from "./tree-grower.js";

export interface GbdtParams {
  objective: GbdtObjective;
  /** Quantile level, used by the quantile objective. */
  alpha: number;
  nTrees: number;
  learningRate: number;
  /** Maximum splits on a root-to-leaf path. */
  maxDepth: number;
  /** Defaults to 2^maxDepth, i.e. plain depth-wise growth; fewer makes growth best-first (leaf-wise). */
  maxLeaves: number;
  minDataInLeaf: number;
  /** L2 penalty on leaf values (λ in the gain and in squared-error leaf outputs). */
  lambdaL2: number;
  minGainToSplit: number;
  /** Fraction of rows drawn (Bernoulli, seeded) for each tree; 1 = all rows. */
  subsample: number;
  seed: number;
  /** Value bins per feature (2..255); missing values have a bin of their own. */
  maxBins: number;
  /** Rows sampled to choose bin bounds. */
  binSampleSize: number;
  /** Stop after this many rounds without improvement on the validation set (0 = never). */
  earlyStoppingRounds: number;
}

export const DEFAULT_GBDT_PARAMS: Readonly<Omit<GbdtParams, "maxLeaves">> = {
  objective: "squared",
  alpha: 0.5,
  nTrees: 100,
  learningRate: 0.1,
  maxDepth: 6,
  minDataInLeaf: 20,
  lambdaL2: 0,
  minGainToSplit: 0,
  subsample: 1,
  seed: 42,
  maxBins: 255,
  binSampleSize: 200_000,
  earlyStoppingRounds: 0,
};

export interface ValidationSet {
  readonly X: FeatureMatrix;
  readonly y: Float64Array;
}

export interface GbdtTrainResult {
  ensemble: GbdtEnsemble;
  /** Trees kept (the best prefix when stopping early). */
  nTreesKept: number;
  /** Validation loss after each round (empty without a validation set). */
  validLoss: number[];
}

export function resolveParams(params: Partial<GbdtParams>): GbdtParams {
  const p = { ...DEFAULT_GBDT_PARAMS, ...params };
  const maxLeaves = params.maxLeaves ?? 2 ** Math.min(p.maxDepth, 16);
  const resolved: GbdtParams = { ...p, maxLeaves };
  const checks: [boolean, string][] = [
    [Number.isInteger(p.nTrees) && p.nTrees >= 1, "nTrees must be a positive integer"],
    [p.learningRate > 0, "learningRate must be > 0"],
    [Number.isInteger(p.maxDepth) && p.maxDepth >= 1, "maxDepth must be an integer >= 1"],
    [Number.isInteger(maxLeaves) && maxLeaves >= 2, "maxLeaves must be an integer >= 2"],
    [Number.isInteger(p.minDataInLeaf) && p.minDataInLeaf >= 1, "minDataInLeaf must be an integer >= 1"],
    [p.lambdaL2 >= 0, "lambdaL2 must be >= 0"],
    [p.minGainToSplit >= 0, "minGainToSplit must be >= 0"],
    [p.subsample > 0 && p.subsample <= 1, "subsample must be in (0, 1]"],
    [Number.isInteger(p.maxBins) && p.maxBins >= 2 && p.maxBins <= 255, "maxBins must be in [2, 255]"],
    [
      Number.isInteger(p.earlyStoppingRounds) && p.earlyStoppingRounds >= 0,
      "earlyStoppingRounds must be >= 0",
    ],
  ];
  for (const [ok, message] of checks) if (!ok) throw new RangeError(message);
  return resolved;
}

function lossFor(p: GbdtParams): Loss {
  return p.objective === "quantile" ? quantileLoss(p.alpha) : squaredLoss;
}

export function trainGbdt(
  X: FeatureMatrix,
  y: Float64Array,
  params: Partial<GbdtParams> = {},
  validation?: ValidationSet,
): GbdtTrainResult {
  const p = resolveParams(params);
  const loss = lossFor(p);
  const { nRows, nFeatures } = X;
  if (y.length !== nRows) throw new RangeError(`y has ${y.length} values for ${nRows} rows`);
  if (nRows === 0) throw new RangeError("no training rows");
  for (let i = 0; i < nRows; i++) if (!Number.isFinite(y[i])) throw new RangeError(`y[${i}] is not finite`);
  if (validation && validation.X.nFeatures !== nFeatures) throw new RangeError("validation features differ");

  const rng = createRng(p.seed);
  const mapper = fitBinMapper(X, p.maxBins, p.binSampleSize, rng);
  const bins = binMatrix(X, mapper);
  const grower = new TreeGrower(bins, nRows, nFeatures, mapper, p);

  const baseScore = loss.initScore(y);
  const pred = new Float64Array(nRows).fill(baseScore);
  const grad = new Float64Array(nRows);
  const idx = new Uint32Array(nRows);
  const inBag = p.subsample < 1 ? new Uint8Array(nRows) : null;
  const scratch = new Float64Array(nRows);
  const validPred = validation ? new Float64Array(validation.X.nRows).fill(baseScore) : null;

  const trees: { tree: GrownTree; value: Float64Array }[] = [];
  const validLoss: number[] = [];
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestCount = 0;

  for (let t = 0; t < p.nTrees; t++) {
    const count = drawRows(idx, nRows, p.subsample, rng, inBag);
    loss.gradients(y, pred, idx, count, grad);
    const tree = grower.grow(idx, count, grad);
    const value = new Float64Array(tree.nNodes);
    for (const leaf of tree.leaves) {
      // Only a root can be empty (a tiny subsample); it then adds nothing.
      if (leaf.count === 0) continue;
      const v = loss.leafValue(y, pred, idx, leaf.start, leaf.end, leaf.sumGrad, p.lambdaL2, scratch);
      value[leaf.node] = p.learningRate * v;
    }
    // In-bag rows know their leaf from the partition; out-of-bag rows walk the binned tree.
    for (const leaf of tree.leaves) {
      const v = value[leaf.node];
      for (let i = leaf.start; i < leaf.end; i++) pred[idx[i]] += v;
    }
    if (inBag) {
      for (let r = 0; r < nRows; r++)
        if (inBag[r] === 0) pred[r] += value[leafOfBinnedRow(tree, bins, nRows, r)];
    }
    trees.push({ tree, value });

    if (validation && validPred) {
      addTreeRaw(tree, value, validation.X, validPred);
      const l = loss.evaluate(validation.y, validPred);
      validLoss.push(l);
      if (l < bestLoss) {
        bestLoss = l;
        bestCount = t + 1;
      } else if (p.earlyStoppingRounds > 0 && t + 1 - bestCount >= p.earlyStoppingRounds) break;
    }
  }
  const kept = validation && p.earlyStoppingRounds > 0 ? bestCount : trees.length;
  return {
    ensemble: assembleEnsemble(trees.slice(0, kept), nFeatures, loss, baseScore),
    nTreesKept: kept,
    validLoss,
  };
}

/** Fills idx with the rows of this round, in ascending order; returns how many. */
function drawRows(
  idx: Uint32Array,
  nRows: number,
  subsample: number,
  rng: () => number,
  inBag: Uint8Array | null,
) {
  if (!inBag) {
    for (let r = 0; r < nRows; r++) idx[r] = r;
    return nRows;
  }
  let count = 0;
  for (let r = 0; r < nRows; r++) {
    const take = rng() < subsample;
    inBag[r] = take ? 1 : 0;
    if (take) idx[count++] = r;
  }
  return count;
}

function addTreeRaw(tree: GrownTree, value: Float64Array, X: FeatureMatrix, out: Float64Array): void {
  const { nRows, data } = X;
  for (let r = 0; r < nRows; r++) {
    let node = 0;
    while (tree.feature[node] >= 0) {
      const x = data[tree.feature[node] * nRows + r];
      const goLeft = Number.isNaN(x) ? tree.defaultLeft[node] === 1 : x <= tree.threshold[node];
      node = goLeft ? tree.left[node] : tree.right[node];
    }
    out[r] += value[node];
  }
}

function assembleEnsemble(
  trees: { tree: GrownTree; value: Float64Array }[],
  nFeatures: number,
  loss: Loss,
  baseScore: number,
): GbdtEnsemble {
  let total = 0;
  for (const { tree } of trees) total += tree.nNodes;
  const feature = new Int32Array(total);
  const threshold = new Float64Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const defaultLeft = new Uint8Array(total);
  const value = new Float64Array(total);
  const cover = new Float64Array(total);
  const treeRoots = new Int32Array(trees.length);
  let offset = 0;
  trees.forEach(({ tree, value: v }, t) => {
    treeRoots[t] = offset;
    for (let i = 0; i < tree.nNodes; i++) {
      const g = offset + i;
      feature[g] = tree.feature[i];
      threshold[g] = tree.threshold[i];
      left[g] = tree.feature[i] >= 0 ? offset + tree.left[i] : -1;
      right[g] = tree.feature[i] >= 0 ? offset + tree.right[i] : -1;
      defaultLeft[g] = tree.defaultLeft[i];
      value[g] = v[i];
      cover[g] = tree.cover[i];
    }
    offset += tree.nNodes;
  });
  return {
    nFeatures,
    objective: loss.objective,
    alpha: loss.alpha,
    baseScore,
    treeRoots,
    feature,
    threshold,
    left,
    right,
    defaultLeft,
    value,
    cover,
  };
}

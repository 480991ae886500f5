// Grows one regression tree on binned features, best-first: the leaf with the largest gain is split next, within
// maxDepth and maxLeaves. With maxLeaves >= 2^maxDepth this yields the same tree as depth-wise growth.
// Each node owns a contiguous segment of one row-index buffer; splitting partitions the segment stably, so row
// order (and memory locality of the column reads) is kept all the way down.

import type { BinMapper } from "./binning.js";
import { MISSING_BIN } from "./binning.js";
import {
  buildHistogram,
  emptySplit,
  findBestSplit,
  HIST_STRIDE,
  type SplitCandidate,
  subtractHistogram,
} from "./histogram.js";

export interface GrowParams {
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly minDataInLeaf: number;
  readonly lambdaL2: number;
  readonly minGainToSplit: number;
}

export interface GrownLeaf {
  readonly node: number;
  /** The leaf's rows are idx[start..end) of the buffer passed to grow(). */
  readonly start: number;
  readonly end: number;
  readonly sumGrad: number;
  readonly count: number;
}

/** One tree with local node indices (root = 0); leaf values are left to the loss. */
export interface GrownTree {
  readonly nNodes: number;
  readonly feature: Int32Array;
  readonly splitBin: Uint8Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly cover: Float64Array;
  readonly leaves: GrownLeaf[];
}

interface OpenLeaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  sumGrad: number;
  hist: Float64Array | null;
  split: SplitCandidate | null;
}

export class TreeGrower {
  private readonly histPool: Float64Array[] = [];
  private readonly ordered: Float64Array;
  private readonly spill: Uint32Array;

  constructor(
    private readonly bins: Uint8Array,
    private readonly nRows: number,
    private readonly nFeatures: number,
    private readonly mapper: BinMapper,
    private readonly params: GrowParams,
  ) {
    this.ordered = new Float64Array(nRows);
    this.spill = new Uint32Array(nRows);
  }

  /** Grows a tree on the rows idx[0..count) (reordered in place) with per-row gradients `grad`. */
  grow(idx: Uint32Array, count: number, grad: Float64Array): GrownTree {
    const p = this.params;
    // Leaves are also bounded by the rows: each holds at least minDataInLeaf of them.
    const capacity = 2 * Math.max(1, Math.min(p.maxLeaves, Math.floor(count / p.minDataInLeaf))) - 1;
    const feature = new Int32Array(capacity).fill(-1);
    const splitBin = new Uint8Array(capacity);
    const threshold = new Float64Array(capacity);
    const left = new Int32Array(capacity).fill(-1);
    const right = new Int32Array(capacity).fill(-1);
    const defaultLeft = new Uint8Array(capacity);
    const cover = new Float64Array(capacity);

    let sumGrad = 0;
    for (let i = 0; i < count; i++) sumGrad += grad[idx[i]];
    const root: OpenLeaf = { node: 0, start: 0, end: count, depth: 0, sumGrad, hist: null, split: null };
    cover[0] = count;
    let nNodes = 1;
    const open: OpenLeaf[] = [root];
    if (this.splittable(root)) {
      root.hist = this.takeHist();
      buildHistogram(root.hist, this.bins, this.nRows, this.nFeatures, idx, 0, count, grad, this.ordered);
      root.split = this.bestSplit(root);
    }
    this.releaseIfFinal(root);

    while (open.length < p.maxLeaves) {
      let best = -1;
      for (let i = 0; i < open.length; i++) {
        const s = open[i].split;
        if (s && (best < 0 || s.gain > (open[best].split as SplitCandidate).gain)) best = i;
      }
      if (best < 0) break;
      const parent = open[best];
      const split = parent.split as SplitCandidate;
      const mid = this.partition(idx, parent.start, parent.end, split);

      const node = parent.node;
      const upper = this.mapper.upperBounds[split.feature];
      feature[node] = split.feature;
      splitBin[node] = split.bin;
      threshold[node] = split.bin < upper.length ? upper[split.bin] : Number.POSITIVE_INFINITY;
      defaultLeft[node] = split.defaultLeft ? 1 : 0;
      left[node] = nNodes;
      right[node] = nNodes + 1;
      const l: OpenLeaf = {
        node: nNodes,
        start: parent.start,
        end: mid,
        depth: parent.depth + 1,
        sumGrad: split.leftGrad,
        hist: null,
        split: null,
      };
      const r: OpenLeaf = {
        node: nNodes + 1,
        start: mid,
        end: parent.end,
        depth: parent.depth + 1,
        sumGrad: parent.sumGrad - split.leftGrad,
        hist: null,
        split: null,
      };
      cover[l.node] = mid - parent.start;
      cover[r.node] = parent.end - mid;
      nNodes += 2;
      open.splice(best, 1, l, r);

      // Histograms only when a child may still split: the deepest level and the last split need none.
      const more = open.length < p.maxLeaves;
      if (more && (this.splittable(l) || this.splittable(r))) {
        const [small, large] = l.end - l.start <= r.end - r.start ? [l, r] : [r, l];
        small.hist = this.takeHist();
        buildHistogram(
          small.hist,
          this.bins,
          this.nRows,
          this.nFeatures,
          idx,
          small.start,
          small.end,
          grad,
          this.ordered,
        );
        const parentHist = parent.hist as Float64Array;
        subtractHistogram(parentHist, small.hist);
        large.hist = parentHist;
        parent.hist = null;
        if (this.splittable(l)) l.split = this.bestSplit(l);
        if (this.splittable(r)) r.split = this.bestSplit(r);
        this.releaseIfFinal(l);
        this.releaseIfFinal(r);
      } else if (parent.hist) {
        this.histPool.push(parent.hist);
        parent.hist = null;
      }
    }

    const leaves: GrownLeaf[] = [];
    for (const leaf of open) {
      if (leaf.hist) this.histPool.push(leaf.hist);
      leaves.push({
        node: leaf.node,
        start: leaf.start,
        end: leaf.end,
        sumGrad: leaf.sumGrad,
        count: leaf.end - leaf.start,
      });
    }
    return {
      nNodes,
      feature: feature.slice(0, nNodes),
      splitBin: splitBin.slice(0, nNodes),
      threshold: threshold.slice(0, nNodes),
      left: left.slice(0, nNodes),
      right: right.slice(0, nNodes),
      defaultLeft: defaultLeft.slice(0, nNodes),
      cover: cover.slice(0, nNodes),
      leaves,
    };
  }

  private splittable(leaf: OpenLeaf): boolean {
    return leaf.depth < this.params.maxDepth && leaf.end - leaf.start >= 2 * this.params.minDataInLeaf;
  }

  private bestSplit(leaf: OpenLeaf): SplitCandidate | null {
    const s = emptySplit();
    const p = this.params;
    const count = leaf.end - leaf.start;
    // A floor proportional to the node's score keeps rounding noise on pure nodes from passing as gain.
    const noise = 1e-12 * (1 + (leaf.sumGrad * leaf.sumGrad) / (count + p.lambdaL2));
    findBestSplit(
      leaf.hist as Float64Array,
      this.nFeatures,
      this.mapper.nBins,
      leaf.sumGrad,
      count,
      p.minDataInLeaf,
      p.lambdaL2,
      Math.max(p.minGainToSplit, noise),
      s,
    );
    return s.feature >= 0 ? s : null;
  }

  /** A leaf that will never split gives its histogram back; its parent's subtraction no longer needs it. */
  private releaseIfFinal(leaf: OpenLeaf): void {
    if (leaf.split === null && leaf.hist) {
      this.histPool.push(leaf.hist);
      leaf.hist = null;
    }
  }

  private takeHist(): Float64Array {
    return this.histPool.pop() ?? new Float64Array(this.nFeatures * HIST_STRIDE);
  }

  /** Stable partition of idx[start..end) by the split; returns the first index of the right part. */
  private partition(idx: Uint32Array, start: number, end: number, split: SplitCandidate): number {
    const col = this.bins.subarray(split.feature * this.nRows, (split.feature + 1) * this.nRows);
    const bin = split.bin;
    const missingLeft = split.defaultLeft;
    const spill = this.spill;
    let l = start;
    let nRight = 0;
    for (let i = start; i < end; i++) {
      const row = idx[i];
      const b = col[row];
      if (b === MISSING_BIN ? missingLeft : b <= bin) idx[l++] = row;
      else spill[nRight++] = row;
    }
    idx.set(spill.subarray(0, nRight), l);
    return l;
  }
}

/** Leaf reached by row `row` of the binned matrix (for rows not in the tree's sample). */
export function leafOfBinnedRow(tree: GrownTree, bins: Uint8Array, nRows: number, row: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    const b = bins[tree.feature[node] * nRows + row];
    const goLeft = b === MISSING_BIN ? tree.defaultLeft[node] === 1 : b <= tree.splitBin[node];
    node = goLeft ? tree.left[node] : tree.right[node];
  }
  return node;
}

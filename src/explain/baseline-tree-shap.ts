// Exact single-baseline Shapley values of a tree ensemble, per attribute ("player"), in O(trees·leaves·depth).
//
// The game: v(S) = f(hybrid) where players in S take the explained point's values, players outside S take the
// baseline's, and non-player columns always take the point's. A tree is a sum of leaf indicator games, so its
// Shapley values are the sum of each leaf's. Along a leaf's path:
//   - a non-player split must be satisfied by x, or no hybrid ever reaches the leaf;
//   - for a player g, A_g = x satisfies all of the path's splits on g's columns, B_g = the baseline does.
// The hybrid of S reaches the leaf iff every path player is (in S and A_g) or (not in S and B_g). Players with
// both are irrelevant, a player with neither makes the leaf unreachable. With a players A-only and b B-only,
// the leaf game is v·[all A-only in S and no B-only in S], whose Shapley values are
//   A-only player: v·(a−1)!·b!/(a+b)!        B-only player: −v·a!·(b−1)!/(a+b)!
// (only the a+b constrained players matter; the coalition must be exactly the other A-only ones).
// The walk descends both ways only where x and the baseline part on a player's split, so it visits just the
// leaves some hybrid can reach. Missing values follow each split's default direction, in x and baseline alike.

import type { GbdtEnsemble } from "../forecasting/gbdt/ensemble.js";
import { maxDepth } from "../forecasting/gbdt/ensemble.js";
import type { FeatureMatrix } from "../forecasting/gbdt/matrix.js";
import { type PackedTrees, packTrees } from "../forecasting/gbdt/packed.js";
import { checkGroups } from "./groups.js";
import { leafWeightTable } from "./shapley-weights.js";

/** What a node is to the walk: a leaf, a split on a non-player column, or a split on player g (>= 0). */
const LEAF = -2;
const NON_PLAYER = -1;
/** Node flags. */
const NAN_RIGHT = 1;
const PLAYER_BELOW = 2;
/** Shifted down to bit 0 it masks "x and the baseline part here" to player splits. */
const IS_PLAYER_SHIFT = 2;
/** A player's standing on the current path. */
const FREE = 0; // no split on its columns parts x from the baseline so far (A and B both hold)
const A_ONLY = 1;
const B_ONLY = 2;

/**
 * Reusable walker: per-ensemble tables and the scratch state of one walk.
 * - Nodes are packed with side-by-side children (packed.ts) and per-node flags, so a visit reads one small
 *   record and picks its child without a branch.
 * - The depth-first walk is iterative with an explicit stack: a frame is pushed only where x and the baseline
 *   part on a FREE player; the path of constrained players is append-only between frames, so popping a frame
 *   just truncates the path back to the frame's length.
 * - A subtree without player splits, entered while no player is constrained, is skipped: every hybrid reaches
 *   the same leaf there, which is worth nothing to anyone.
 */
export class BaselineTreeShap {
  private readonly stride: number;
  private readonly weights: Float64Array;
  private readonly roots: Int32Array;
  /** Per packed node: [kind, feature, left child, flags]. */
  private readonly links: Int32Array;
  /** Per packed node: the split threshold, or the leaf value on leaves. */
  private readonly cut: Float64Array;
  private readonly status: Uint8Array;
  private readonly pathPlayer: Int32Array;
  private readonly pathStatus: Uint8Array;
  private readonly stackNode: Int32Array;
  private readonly stackLen: Int32Array;
  private readonly stackA: Int32Array;
  private readonly stackB: Int32Array;
  private readonly stackPlayer: Int32Array;
  private scratch = new Float64Array(0);

  constructor(
    private readonly e: GbdtEnsemble,
    groups: Int32Array,
    readonly nPlayers: number,
  ) {
    checkGroups(groups, e.nFeatures, nPlayers);
    const depth = Math.max(1, maxDepth(e));
    this.stride = depth + 1;
    this.weights = leafWeightTable(depth);
    const packed = packTrees(e);
    const n = packed.feature.length;
    const below = playerSplitsBelow(packed, groups);
    this.roots = packed.roots;
    this.cut = packed.cut;
    this.links = new Int32Array(4 * n);
    for (let i = 0; i < n; i++) {
      const f = packed.feature[i];
      const player = f >= 0 && groups[f] >= 0;
      this.links[4 * i] = f < 0 ? LEAF : player ? groups[f] : NON_PLAYER;
      this.links[4 * i + 1] = f;
      this.links[4 * i + 2] = packed.left[i];
      this.links[4 * i + 3] =
        packed.nanRight[i] * NAN_RIGHT + below[i] * PLAYER_BELOW + (player ? 1 << IS_PLAYER_SHIFT : 0);
    }
    this.status = new Uint8Array(nPlayers);
    this.pathPlayer = new Int32Array(depth + 1);
    this.pathStatus = new Uint8Array(depth + 1);
    // At most one pending frame per level of the current path, plus the root.
    this.stackNode = new Int32Array(depth + 2);
    this.stackLen = new Int32Array(depth + 2);
    this.stackA = new Int32Array(depth + 2);
    this.stackB = new Int32Array(depth + 2);
    this.stackPlayer = new Int32Array(depth + 2);
  }

  /** Adds the Shapley values of point x against `baseline` to phi (length nPlayers). */
  accumulate(x: Float64Array, baseline: Float64Array, phi: Float64Array): Float64Array {
    this.accumulateRows(x, 1, baseline, 1, 0, 0, 1, phi, this.baselineDirections(baseline));
    return phi;
  }

  /** Per packed node, 1 when one shared baseline row goes right: computed once instead of at every visit. */
  baselineDirections(baseline: Float64Array | Float32Array): Uint8Array {
    const { links, cut } = this;
    const dir = new Uint8Array(cut.length);
    for (let i = 0; i < dir.length; i++) {
      const f = links[4 * i + 1];
      if (f < 0) continue;
      const v = baseline[f];
      dir[i] = v > cut[i] ? 1 : v <= cut[i] ? 0 : links[4 * i + 3] & NAN_RIGHT;
    }
    return dir;
  }

  private rowScratch(rows: number): Float64Array {
    const need = rows * this.e.nFeatures;
    if (this.scratch.length < need) this.scratch = new Float64Array(need);
    return this.scratch;
  }

  /**
   * Adds the Shapley values of rows [from, to) of the column-major `xData` (xRows rows) to `out`, row-major
   * (row r's players at [r·nPlayers, (r+1)·nPlayers)). The baseline of row r is column-major too: value of
   * column f at bData[f·bRows + r·bStep] (bStep = 0: one baseline row shared by all, whose directions
   * `sharedRight` from baselineDirections() then replace reading it).
   * Trees go outermost within the block, so one tree's nodes stay in cache while every row walks it.
   */
  accumulateRows(
    xData: Float64Array | Float32Array,
    xRows: number,
    bData: Float64Array | Float32Array,
    bRows: number,
    bStep: number,
    from: number,
    to: number,
    out: Float64Array,
    sharedRight: Uint8Array | null = null,
  ): void {
    const { roots, links, cut, status, pathPlayer, pathStatus, weights, stride, nPlayers } = this;
    const { stackNode, stackLen, stackA, stackB, stackPlayer } = this;
    const shared = sharedRight !== null;
    const bRight = sharedRight ?? new Uint8Array(0);
    // The block's rows copied row-major: a row's values then share a cache line or two during its walks.
    const nF = this.e.nFeatures;
    const rowsX = this.rowScratch(to - from);
    for (let f = 0; f < nF; f++) {
      const col = f * xRows;
      for (let r = from; r < to; r++) rowsX[(r - from) * nF + f] = xData[col + r];
    }
    for (let t = 0; t < roots.length; t++) {
      if ((links[4 * roots[t] + 3] & PLAYER_BELOW) === 0) continue;
      for (let r = from; r < to; r++) {
        const xOffset = (r - from) * nF;
        const phiOffset = r * nPlayers;
        const bOffset = r * bStep;
        // The root is walked without a frame; frames hold the baseline sides left for later.
        let sp = 0;
        let len = 0;
        let node = roots[t];
        let nA = 0;
        let nB = 0;
        for (;;) {
          for (;;) {
            const at = node << 2;
            const k = links[at];
            if (k === LEAF) {
              const v = cut[node];
              if (len > 0 && v !== 0) {
                const wA = nA > 0 ? v * weights[nA * stride + nB] : 0;
                const wB = nB > 0 ? v * weights[nB * stride + nA] : 0;
                for (let i = 0; i < len; i++) {
                  if (pathStatus[i] === A_ONLY) out[phiOffset + pathPlayer[i]] += wA;
                  else out[phiOffset + pathPlayer[i]] -= wB;
                }
              }
              break;
            }
            const flags = links[at + 3];
            if (len === 0 && (flags & PLAYER_BELOW) === 0) break;
            const f = links[at + 1];
            const th = cut[node];
            const xv = rowsX[xOffset + f];
            // 1 = right. !(x <= t) differs from x > t only for NaN, so the second term sends NaN where flagged.
            const xR = +(xv > th) | (+!(xv <= th) & flags);
            let bR: number;
            if (shared) bR = bRight[node];
            else {
              const bv = bData[f * bRows + bOffset];
              bR = +(bv > th) | (+!(bv <= th) & flags);
            }
            const child = links[at + 2];
            if (((xR ^ bR) & (flags >> IS_PLAYER_SHIFT)) === 0) {
              // A non-player split, or x and the baseline agree: a single way on.
              node = child + xR;
              continue;
            }
            const st = status[k];
            if (st === FREE) {
              // Visit x's side now (player becomes A-only), the baseline's side later from a frame.
              stackNode[sp] = child + bR;
              stackLen[sp] = len;
              stackA[sp] = nA;
              stackB[sp] = nB + 1;
              stackPlayer[sp] = k;
              sp++;
              status[k] = A_ONLY;
              pathPlayer[len] = k;
              pathStatus[len] = A_ONLY;
              len++;
              nA++;
              node = child + xR;
            } else node = child + (st === A_ONLY ? xR : bR);
          }
          // This way is done: resume the latest baseline side, if any.
          if (sp === 0) break;
          sp--;
          node = stackNode[sp];
          nA = stackA[sp];
          nB = stackB[sp];
          const frameLen = stackLen[sp];
          while (len > frameLen) status[pathPlayer[--len]] = FREE;
          // The baseline's side of a split that parted x from the baseline: the player is now B-only.
          const entering = stackPlayer[sp];
          status[entering] = B_ONLY;
          pathPlayer[len] = entering;
          pathStatus[len] = B_ONLY;
          len++;
        }
        while (len > 0) status[pathPlayer[--len]] = FREE;
      }
    }
  }
}

/** Per packed node, 1 when its subtree splits on a player's column. Children follow their parents in the
 * packed order, so one backward sweep settles every child before its parent. */
function playerSplitsBelow(p: PackedTrees, groups: Int32Array): Uint8Array {
  const below = new Uint8Array(p.feature.length);
  for (let i = below.length - 1; i >= 0; i--) {
    const f = p.feature[i];
    if (f < 0) continue;
    const l = p.left[i];
    below[i] = groups[f] >= 0 || below[l] === 1 || below[l + 1] === 1 ? 1 : 0;
  }
  return below;
}

/**
 * Per-player Shapley values of f at one feature row x against one baseline row. They sum to
 * f(x) − f(x with every player's columns at the baseline).
 */
export function baselineTreeShap(
  ensemble: GbdtEnsemble,
  x: Float64Array,
  baseline: Float64Array,
  groups: Int32Array,
  nPlayers: number,
): Float64Array {
  if (x.length !== ensemble.nFeatures || baseline.length !== ensemble.nFeatures) {
    throw new RangeError(`x and baseline must have ${ensemble.nFeatures} values`);
  }
  return new BaselineTreeShap(ensemble, groups, nPlayers).accumulate(x, baseline, new Float64Array(nPlayers));
}

/** Rows per block in batch explanation (see accumulateRows); the fastest of 32..16,384 measured. */
const SHAP_BLOCK = 1024;

/**
 * Shapley values for every row of a column-major matrix; the baseline is one row shared by all, or a matrix
 * with a baseline row per row. Returns row-major values: row r's players at [r·nPlayers, (r+1)·nPlayers).
 */
export function baselineTreeShapBatch(
  ensemble: GbdtEnsemble,
  X: FeatureMatrix,
  baseline: Float64Array | FeatureMatrix,
  groups: Int32Array,
  nPlayers: number,
): Float64Array {
  const nF = ensemble.nFeatures;
  if (X.nFeatures !== nF) throw new RangeError(`matrix has ${X.nFeatures} features, model expects ${nF}`);
  const perRow = !(baseline instanceof Float64Array);
  if (perRow) {
    if (baseline.nRows !== X.nRows || baseline.nFeatures !== nF)
      throw new RangeError("baseline matrix shape differs");
  } else if (baseline.length !== nF) throw new RangeError(`baseline must have ${nF} values`);
  const walker = new BaselineTreeShap(ensemble, groups, nPlayers);
  const out = new Float64Array(X.nRows * nPlayers);
  const bData = perRow ? baseline.data : baseline;
  const bRows = perRow ? baseline.nRows : 1;
  const sharedRight = perRow ? null : walker.baselineDirections(baseline);
  for (let from = 0; from < X.nRows; from += SHAP_BLOCK) {
    const to = Math.min(X.nRows, from + SHAP_BLOCK);
    walker.accumulateRows(X.data, X.nRows, bData, bRows, perRow ? 1 : 0, from, to, out, sharedRight);
  }
  return out;
}

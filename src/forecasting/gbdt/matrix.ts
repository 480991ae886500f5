// Feature matrices are column-major so that one feature's values are contiguous: binning, histogram building
// and split partitioning all sweep one column at a time.

/** Value of row r, feature f is `data[f * nRows + r]`; NaN marks a missing value. */
export interface FeatureMatrix {
  readonly data: Float64Array | Float32Array;
  readonly nRows: number;
  readonly nFeatures: number;
}

export function featureMatrix(
  data: Float64Array | Float32Array,
  nRows: number,
  nFeatures: number,
): FeatureMatrix {
  if (!Number.isInteger(nRows) || nRows < 0 || !Number.isInteger(nFeatures) || nFeatures < 1) {
    throw new RangeError(`bad matrix shape ${nRows} x ${nFeatures}`);
  }
  if (data.length !== nRows * nFeatures) {
    throw new RangeError(`matrix data has ${data.length} values, expected ${nRows} x ${nFeatures}`);
  }
  return { data, nRows, nFeatures };
}

/** Builds a column-major matrix from row-major rows (convenient in tests and small callers). */
export function matrixFromRows(rows: readonly ArrayLike<number>[], nFeatures?: number): FeatureMatrix {
  const nCols = nFeatures ?? (rows.length > 0 ? rows[0].length : 0);
  const n = rows.length;
  const data = new Float64Array(n * nCols);
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    if (row.length !== nCols) throw new RangeError(`row ${r} has ${row.length} values, expected ${nCols}`);
    for (let f = 0; f < nCols; f++) data[f * n + r] = row[f];
  }
  return featureMatrix(data, n, nCols);
}

/** Copies row r into `out` (length nFeatures). */
export function readRow(
  m: FeatureMatrix,
  r: number,
  out: Float64Array = new Float64Array(m.nFeatures),
): Float64Array {
  for (let f = 0; f < m.nFeatures; f++) out[f] = m.data[f * m.nRows + r];
  return out;
}

// Writing streamed values into series arrays. Arrays start as NaN ("no value yet"); callers write only present
// values (missing ones, NaN in the data included, are skipped). When several records land in one cell they are
// combined here rather than by a GROUP BY: with one record per cell, as usual when the data already has the
// forecast frequency, DuckDB's hash aggregation over tens of millions of (series, bucket) groups cost about four
// times the scan and join themselves (measured on 10,000 x 730 daily rows).

export type CellCombine = "sum" | "min" | "max" | "mean";

export class CellWriter {
  // Only cells that received more than one value have a count: duplicates are rare, so this stays small.
  private readonly counts = new Map<string, number>();

  constructor(private readonly combine: CellCombine) {}

  /** Adds `value` to `array[position]`; `arrayId` names the array for the running mean of duplicates. */
  write(array: Float64Array, arrayId: number, position: number, value: number): void {
    const old = array[position];
    if (Number.isNaN(old)) {
      array[position] = value;
      return;
    }
    switch (this.combine) {
      case "sum":
        array[position] = old + value;
        return;
      case "min":
        if (value < old) array[position] = value;
        return;
      case "max":
        if (value > old) array[position] = value;
        return;
      case "mean": {
        const key = `${arrayId}:${position}`;
        const count = (this.counts.get(key) ?? 1) + 1;
        this.counts.set(key, count);
        array[position] = old + (value - old) / count;
        return;
      }
    }
  }
}

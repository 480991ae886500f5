import type { Registry } from "prom-client";

/** The labels of the request metrics, in the order the exposition prints them. */
type RequestLabelValues = { service: string; operation: string; error_type: string };

/** One label set's tallies: its requests, their summed seconds, and how many fell in each bucket (not cumulative). */
interface Cell {
  readonly labels: RequestLabelValues;
  count: number;
  sum: number;
  /** `buckets[i]` counts the requests with seconds ≤ bounds[i] and > bounds[i - 1]; the last one is +Inf. */
  readonly buckets: Float64Array;
}

/** A sample as prom-client's registry formats it (the shape its own Counter and Histogram return). */
interface Sample {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels?: RequestLabelValues;
  metricName?: string;
}

interface Snapshot {
  name: string;
  help: string;
  type: string;
  aggregator: "sum";
  values: Sample[];
}

/**
 * What prom-client's registry asks of a metric: name, help, type, its values for the text format
 * (`getForPromString`, preferred when present) and as JSON (`get`), and `reset`.
 */
interface ExposedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "histogram";
  readonly aggregator: "sum";
  getForPromString(): Promise<Snapshot>;
  get(): Promise<Snapshot>;
  reset(): void;
}

/**
 * The per-request counting behind `openforecast_requests_total` and `openforecast_request_duration_seconds`,
 * made cheap because it runs on every API request: a request finds its label set's cell through three map
 * lookups on the label values and adds to plain numbers. prom-client's own Counter.inc and Histogram.observe
 * build a key string from the label object, validate every label name and allocate closures on every call
 * (children from `.labels()` do the same per call); here that work happens once per label set, and the
 * cumulative buckets are formed only when /metrics is scraped. Both metrics are registered into the service's
 * prom-client registry, which formats them exactly as it formats its own counters and histograms.
 */
export class RequestTally {
  private readonly cells = new Map<string, Map<string, Map<string, Cell>>>();
  private readonly bounds: Float64Array;

  constructor(
    registry: Registry,
    private readonly names: {
      counter: string;
      counterHelp: string;
      histogram: string;
      histogramHelp: string;
    },
    buckets: readonly number[],
  ) {
    this.bounds = Float64Array.from(buckets);
    // The registry formats whatever has a name, help, type and values; its typings list only its own classes.
    type Registrable = Parameters<Registry["registerMetric"]>[0];
    registry.registerMetric(this.counterMetric() as unknown as Registrable);
    registry.registerMetric(this.histogramMetric() as unknown as Registrable);
  }

  /** Counts one answered request and its duration. */
  record(service: string, operation: string, errorType: string, seconds: number): void {
    let byOperation = this.cells.get(service);
    if (byOperation === undefined) {
      byOperation = new Map();
      this.cells.set(service, byOperation);
    }
    let byError = byOperation.get(operation);
    if (byError === undefined) {
      byError = new Map();
      byOperation.set(operation, byError);
    }
    let cell = byError.get(errorType);
    if (cell === undefined) {
      cell = {
        labels: { service, operation, error_type: errorType },
        count: 0,
        sum: 0,
        buckets: new Float64Array(this.bounds.length + 1),
      };
      byError.set(errorType, cell);
    }
    cell.count += 1;
    cell.sum += seconds;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]) i++;
    cell.buckets[i] += 1;
  }

  private *allCells(): Generator<Cell> {
    for (const byOperation of this.cells.values())
      for (const byError of byOperation.values()) yield* byError.values();
  }

  private counterMetric(): ExposedMetric {
    const { counter: name, counterHelp: help } = this.names;
    const values = (): Sample[] =>
      [...this.allCells()].map((cell) => ({ value: cell.count, labels: cell.labels }));
    return this.exposed(name, help, "counter", values, values);
  }

  private histogramMetric(): ExposedMetric {
    const { histogram: name, histogramHelp: help } = this.names;
    const bucketName = `${name}_bucket`;
    // As prom-client's Histogram: for the text, `le` in each line's labels and the cell's label set shared by its
    // lines; for JSON (`get`), the two merged.
    const forText = (): Sample[] => {
      const values: Sample[] = [];
      for (const cell of this.allCells()) {
        const shared = cell.labels;
        let cumulative = 0;
        for (let i = 0; i < this.bounds.length; i++) {
          cumulative += cell.buckets[i];
          const le = this.bounds[i];
          values.push({ value: cumulative, labels: { le }, sharedLabels: shared, metricName: bucketName });
        }
        values.push({
          value: cell.count,
          labels: { le: "+Inf" },
          sharedLabels: shared,
          metricName: bucketName,
        });
        values.push({ value: cell.sum, labels: {}, sharedLabels: shared, metricName: `${name}_sum` });
        values.push({ value: cell.count, labels: {}, sharedLabels: shared, metricName: `${name}_count` });
      }
      return values;
    };
    const forJson = (): Sample[] =>
      forText().map(({ value, labels, sharedLabels, metricName }) => ({
        value,
        labels: { ...labels, ...sharedLabels },
        metricName,
      }));
    return this.exposed(name, help, "histogram", forText, forJson);
  }

  private exposed(
    name: string,
    help: string,
    type: "counter" | "histogram",
    forText: () => Sample[],
    forJson: () => Sample[],
  ): ExposedMetric {
    const snapshot = (values: Sample[]) => ({ name, help, type, aggregator: "sum" as const, values });
    return {
      name,
      help,
      type,
      aggregator: "sum",
      getForPromString: async () => snapshot(forText()),
      get: async () => snapshot(forJson()),
      // The registry's resetMetrics resets every metric: both of these share the cells, so either clears them.
      reset: () => this.cells.clear(),
    };
  }
}

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Counter, Histogram, Registry } from "prom-client";
import { RequestTally } from "../../src/ops/request-tally.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const NAMES = {
  counter: "requests_total",
  counterHelp: "Requests answered.",
  histogram: "request_duration_seconds",
  histogramHelp: "Time to answer.",
};
const LABELS = ["service", "operation", "error_type"] as const;

/** Known traffic: label sets repeated, durations on bucket bounds, between them, and past the last one. */
const TRAFFIC: [string, string, string, number][] = [
  ["forecast", "DescribeDatasetGroup", "", 0.0004],
  ["forecast", "DescribeDatasetGroup", "", 0.001],
  ["forecast", "DescribeDatasetGroup", "", 0.0011],
  ["forecast", "DescribeDatasetGroup", "ResourceNotFoundException", 0.003],
  ["forecast", "ListDatasetGroups", "", 0.25],
  ["forecastquery", "QueryForecast", "", 12],
  ["sts", "GetCallerIdentity", "", 0.02],
  ["forecast", "unknown", 'Odd"Error\\Type', 0.5],
  ["forecast", "DescribeDatasetGroup", "", 10],
];

/** The same traffic through prom-client's own Counter and Histogram: the exposition the tally must reproduce. */
async function promClientText(): Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  const counter = new Counter({
    name: NAMES.counter,
    help: NAMES.counterHelp,
    labelNames: LABELS,
    registers,
  });
  const histogram = new Histogram({
    name: NAMES.histogram,
    help: NAMES.histogramHelp,
    labelNames: LABELS,
    buckets: BUCKETS,
    registers,
  });
  for (const [service, operation, error_type, seconds] of TRAFFIC) {
    counter.inc({ service, operation, error_type });
    histogram.observe({ service, operation, error_type }, seconds);
  }
  return registry.metrics();
}

/** Sample lines sorted, so that the order label sets were first seen in does not matter. */
const lines = (text: string) => text.split("\n").filter(Boolean).sort();

describe("RequestTally: the per-request counters and latency histogram", () => {
  test("its exposition is prom-client's own for the same traffic, line for line", async () => {
    const registry = new Registry();
    const tally = new RequestTally(registry, NAMES, BUCKETS);
    for (const [service, operation, error, seconds] of TRAFFIC)
      tally.record(service, operation, error, seconds);
    assert.deepEqual(lines(await registry.metrics()), lines(await promClientText()));
  });

  test("exact counts, cumulative buckets and sums after known traffic", async () => {
    const registry = new Registry();
    const tally = new RequestTally(registry, NAMES, BUCKETS);
    for (const [service, operation, error, seconds] of TRAFFIC)
      tally.record(service, operation, error, seconds);
    const m = parsePrometheusText(await registry.metrics());
    const ok = { service: "forecast", operation: "DescribeDatasetGroup", error_type: "" };
    assert.equal(sampleValue(m, "requests_total", ok), 4);
    assert.equal(sampleValue(m, "requests_total", { ...ok, error_type: "ResourceNotFoundException" }), 1);
    assert.equal(sampleValue(m, "requests_total", { operation: "unknown" }), 1);
    assert.equal(m.types.get("requests_total"), "counter");
    assert.equal(m.types.get("request_duration_seconds"), "histogram");
    // 0.0004 and 0.001 are ≤ 1 ms (a bound is inclusive), 0.0011 is not; 10 s is in the last finite bucket.
    const bucket = (le: string) => sampleValue(m, "request_duration_seconds_bucket", { ...ok, le });
    assert.equal(bucket("0.001"), 2);
    assert.equal(bucket("0.0025"), 3);
    assert.equal(bucket("2.5"), 3);
    assert.equal(bucket("10"), 4);
    assert.equal(bucket("+Inf"), 4);
    assert.equal(sampleValue(m, "request_duration_seconds_count", ok), 4);
    assert.ok(Math.abs((sampleValue(m, "request_duration_seconds_sum", ok) as number) - 10.0025) < 1e-12);
    // Past the last bound: only in +Inf.
    const query = { service: "forecastquery", operation: "QueryForecast", error_type: "" };
    assert.equal(sampleValue(m, "request_duration_seconds_bucket", { ...query, le: "10" }), 0);
    assert.equal(sampleValue(m, "request_duration_seconds_bucket", { ...query, le: "+Inf" }), 1);
  });

  test("nothing counted yet: HELP and TYPE only; the registry's reset clears the counts", async () => {
    const registry = new Registry();
    const tally = new RequestTally(registry, NAMES, BUCKETS);
    assert.deepEqual(parsePrometheusText(await registry.metrics()).samples, []);
    tally.record("forecast", "ListDatasetGroups", "", 0.002);
    assert.equal(sampleValue(parsePrometheusText(await registry.metrics()), "requests_total"), 1);
    registry.resetMetrics();
    assert.deepEqual(parsePrometheusText(await registry.metrics()).samples, []);
  });

  test("as JSON: each sample with its full label set, as prom-client gives its own", async () => {
    const registry = new Registry();
    const tally = new RequestTally(registry, NAMES, BUCKETS);
    tally.record("forecast", "ListDatasetGroups", "", 0.002);
    const json = await registry.getMetricsAsJSON();
    const histogram = json.find((x) => x.name === NAMES.histogram);
    const inf = histogram?.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === `${NAMES.histogram}_bucket` && v.labels.le === "+Inf",
    );
    assert.deepEqual(inf?.labels, {
      le: "+Inf",
      service: "forecast",
      operation: "ListDatasetGroups",
      error_type: "",
    });
  });
});

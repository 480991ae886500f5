/**
 * What counting one API request costs, in this process, for the ways it can be done (issue 13): the service's
 * own tallies (ServiceMetrics.requestDone, src/ops/request-tally.ts), prom-client's Counter and Histogram called
 * with a label object per request (how the service counted before), and prom-client's children from `.labels()`
 * cached per label set. Each includes what the onResponse hook does before (requestLabels from the X-Amz-Target).
 * Rounds of each alternate, so that load elsewhere on the machine hits all alike; medians of the CPU time per call.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/gateway/request-metrics-cost.js   (env BENCH_ROUNDS, default 15)
 */
import os from "node:os";
import { Counter, Histogram, Registry } from "prom-client";
import { requestLabels } from "../../src/gateway/request-labels.js";
import { ServiceMetrics } from "../../src/ops/service-metrics.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const CALLS = 200_000;
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];
const LABELS = ["service", "operation", "error_type"] as const;

type Record3 = (service: string, operation: string, errorType: string, seconds: number) => void;

function promClientPerCall(): Record3 {
  const registers = [new Registry()];
  const counter = new Counter({ name: "c_total", help: "c", labelNames: LABELS, registers });
  const histogram = new Histogram({ name: "h", help: "h", labelNames: LABELS, buckets: BUCKETS, registers });
  return (service, operation, errorType, seconds) => {
    const labels = { service, operation, error_type: errorType };
    counter.inc(labels);
    histogram.observe(labels, seconds);
  };
}

function promClientChildren(): Record3 {
  const registers = [new Registry()];
  const counter = new Counter({ name: "c_total", help: "c", labelNames: LABELS, registers });
  const histogram = new Histogram({ name: "h", help: "h", labelNames: LABELS, buckets: BUCKETS, registers });
  const children = new Map<string, { inc: () => void; observe: (v: number) => void }>();
  return (service, operation, errorType, seconds) => {
    const key = `${service}\u0000${operation}\u0000${errorType}`;
    let child = children.get(key);
    if (!child) {
      const labels = { service, operation, error_type: errorType };
      const c = counter.labels(labels);
      const h = histogram.labels(labels);
      child = { inc: () => c.inc(), observe: (v) => h.observe(v) };
      children.set(key, child);
    }
    child.inc();
    child.observe(seconds);
  };
}

function tally(): Record3 {
  const metrics = new ServiceMetrics({
    pendingJobs: () => [],
    runningJobs: () => new Map(),
    workers: { threads: 2, busy: 0, queued: 0 },
  });
  return (service, operation, errorType, seconds) =>
    metrics.requestDone(service, operation, errorType, seconds);
}

/** Requests as the hook sees them: three operations, one of them answered with an error now and then. */
const requests = ["DescribeDatasetGroup", "ListDatasetGroups", "DescribePredictor"].map(
  (op) =>
    ({ headers: { "x-amz-target": `AmazonForecast.${op}` } }) as unknown as Parameters<
      typeof requestLabels
    >[0],
);

function round(record: Record3): number {
  const started = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    const request = requests[i % 3] as (typeof requests)[number];
    const error = i % 7 === 0 ? "ResourceNotFoundException" : undefined;
    const labels = requestLabels(request, error, error ? 400 : 200);
    record(labels.service, labels.operation, labels.errorType, 0.0002 + (i % 50) * 0.0001);
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / CALLS; // ns per call
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const ways: { name: string; record: Record3; ns: number[] }[] = [
  { name: "prom-client, a label object per call (before)", record: promClientPerCall(), ns: [] },
  { name: "prom-client, cached .labels() children", record: promClientChildren(), ns: [] },
  { name: "ServiceMetrics.requestDone (own tallies)", record: tally(), ns: [] },
  { name: "requestLabels alone (no counting)", record: () => undefined, ns: [] },
];
console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}`);
console.log(
  `load average at start: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(", ")}`,
);
for (const w of ways) round(w.record); // warm-up (JIT)
for (let r = 0; r < ROUNDS; r++)
  for (const w of r % 2 === 0 ? ways : [...ways].reverse()) w.ns.push(round(w.record));
console.log(
  `load average at end: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(", ")}`,
);
console.log(`${ROUNDS} rounds of ${CALLS} calls each, alternating; CPU ns per call, median\n`);
console.log("| way | ns/request |");
console.log("|---|---|");
for (const w of ways) console.log(`| ${w.name} | ${median(w.ns).toFixed(0)} |`);

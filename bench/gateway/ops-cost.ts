/**
 * The cost of metrics and job logs on the gateway (issue 13, aim under 5%), measured so that a loaded, shared
 * machine cannot decide the answer: two services of this build run in this one process, one with metrics and job
 * logs off (OPENFORECAST_METRICS=off, log level warn) and one as shipped (metrics on, log level info), and signed
 * requests go to each through fastify's inject (the whole request path: SigV4, routing, validation, handler,
 * onResponse hooks; no sockets) in short blocks that alternate between the two. Whatever the rest of the machine
 * does hits both alike; the figure is the ratio of the median CPU time per request, and of the median wall time.
 *
 * Run: npm run bench:ops   (env BENCH_BLOCKS, default 60 per service; BENCH_BLOCK_REQUESTS, default 300;
 * BENCH_ON_FIRST=1 starts the "on" service first; BENCH_ON_LEVEL sets the "on" service's log level, default info;
 * BENCH_ONLY=on or off starts that service alone and only times it, for a CPU profile of one side:
 * `node --cpu-prof dist/bench/gateway/ops-cost.js`)
 * The same comparison over real sockets with wrk: BENCH_COMPARE=metrics npm run bench:gateway.
 */
import os from "node:os";
import { CreateDatasetGroupCommand } from "@aws-sdk/client-forecast";
import { pino } from "pino";
import { type Harness, startHarness } from "../../test/e2e/harness.js";
import { signedForecastRequest } from "./signed-request.js";

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 60);
const PER_BLOCK = Number(process.env.BENCH_BLOCK_REQUESTS ?? 300);
const CONCURRENCY = 16;

interface Side {
  label: string;
  h: Harness;
  requests: { name: string; headers: Record<string, string>; body: string }[];
  cpu: number[];
  wall: number[];
}

async function signedRequest(endpoint: string, target: string, body: string) {
  const { headers } = await signedForecastRequest(endpoint, target, body);
  return { name: target.split(".")[1] as string, headers, body };
}

async function startSide(which: "on" | "off"): Promise<Side> {
  const label = `metrics+logs ${which}`;
  const env: Record<string, string> = which === "off" ? { OPENFORECAST_METRICS: "off" } : {};
  const level = which === "off" ? "warn" : (process.env.BENCH_ON_LEVEL ?? "info");
  // The service's logger writes where the CLI's does (stdout of a process), here into a discarding stream.
  const log = pino({ level }, { write: () => undefined });
  const h = await startHarness(env, log);
  const fc = h.forecast();
  const { DatasetGroupArn } = await fc.send(
    new CreateDatasetGroupCommand({ DatasetGroupName: "bench", Domain: "RETAIL" }),
  );
  const endpoint = h.service.forecastEndpoint;
  const requests = [
    await signedRequest(endpoint, "AmazonForecast.DescribeDatasetGroup", JSON.stringify({ DatasetGroupArn })),
    await signedRequest(endpoint, "AmazonForecast.ListDatasetGroups", "{}"),
    // An error answer: counted under its error type.
    await signedRequest(
      endpoint,
      "AmazonForecast.DescribeDatasetGroup",
      JSON.stringify({ DatasetGroupArn: `${DatasetGroupArn}_missing` }),
    ),
  ];
  return { label, h, requests, cpu: [], wall: [] };
}

/** One block: PER_BLOCK requests, CONCURRENCY at a time, cycling through the side's requests. */
async function block(side: Side): Promise<void> {
  const gateway = side.h.service.gateway;
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < PER_BLOCK) {
      const r = side.requests[next++ % side.requests.length] as Side["requests"][number];
      const res = await gateway.inject({ method: "POST", url: "/", headers: r.headers, payload: r.body });
      if (res.statusCode !== 200 && res.statusCode !== 400) failed++;
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (failed > 0) throw new Error(`${side.label}: ${failed} requests failed`);
  side.cpu.push((used.user + used.system) / PER_BLOCK);
  side.wall.push((wall * 1000) / PER_BLOCK);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** BENCH_ONLY: one service alone, its blocks timed, so that a CPU profile of this process is that side's. */
async function only(which: "on" | "off"): Promise<void> {
  const side = await startSide(which);
  try {
    for (let i = 0; i < 5; i++) await block(side);
    side.cpu.length = side.wall.length = 0;
    for (let b = 0; b < BLOCKS; b++) await block(side);
    console.log(
      `${side.label} alone: CPU ${median(side.cpu).toFixed(1)} µs/request, wall ${median(side.wall).toFixed(1)}`,
    );
  } finally {
    await side.h.close();
  }
}

async function main() {
  // BENCH_ON_FIRST=1 starts the "on" service first, to see that the order of start does not decide the ratio.
  const onFirst = process.env.BENCH_ON_FIRST === "1";
  const first = await startSide(onFirst ? "on" : "off");
  const second = await startSide(onFirst ? "off" : "on");
  const [off, on] = onFirst ? [second, first] : [first, second];
  try {
    const load = () =>
      os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(", ");
    console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; node ${process.version}`);
    console.log(`load average at start: ${load()}`);
    for (let i = 0; i < 5; i++) for (const s of [off, on]) await block(s); // warm-up (JIT)
    off.cpu.length = off.wall.length = on.cpu.length = on.wall.length = 0;
    for (let b = 0; b < BLOCKS; b++) {
      for (const s of b % 2 === 0 ? [off, on] : [on, off]) await block(s);
    }
    console.log(`load average at end: ${load()}`);
    console.log(
      `${BLOCKS} blocks of ${PER_BLOCK} requests per service (DescribeDatasetGroup, ListDatasetGroups, a ` +
        `ResourceNotFoundException in turn), ${CONCURRENCY} at a time, alternating\n`,
    );
    console.log("| build | CPU µs/request (median) | wall µs/request (median) |");
    console.log("|---|---|---|");
    for (const s of [off, on])
      console.log(`| ${s.label} | ${median(s.cpu).toFixed(1)} | ${median(s.wall).toFixed(1)} |`);
    const ratio = (a: number[], b: number[]) => (median(b) / median(a)).toFixed(3);
    console.log(`| on / off | ${ratio(off.cpu, on.cpu)} | ${ratio(off.wall, on.wall)} |`);
    const metrics = await on.h.service.gateway.inject({ method: "GET", url: "/metrics" });
    const counted =
      /openforecast_requests_total\{[^}]*operation="DescribeDatasetGroup",error_type=""\} (\d+)/.exec(
        metrics.body,
      )?.[1];
    console.log(`\nthe "on" service counted ${counted} successful DescribeDatasetGroup requests`);
  } finally {
    await off.h.close();
    await on.h.close();
  }
}

const onlySide = process.env.BENCH_ONLY;
if (onlySide === "on" || onlySide === "off") await only(onlySide);
else await main();

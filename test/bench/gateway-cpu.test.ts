import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compareRounds, median, quantile } from "../../bench/gateway/cpu-stats.js";
import { responseEnd } from "../../bench/gateway/gateway-cpu-child.js";

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("median and quantile on known answers", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(quantile([10, 20, 30, 40, 50], 0), 10);
  assert.equal(quantile([10, 20, 30, 40, 50], 0.5), 30);
  assert.equal(quantile([10, 20, 30, 40, 50], 0.25), 20);
  assert.equal(quantile([10, 20], 0.75), 17.5);
});

test("compareRounds: the ratio of medians, an interval around it, best rounds and paired rounds", () => {
  const baseline = [100, 102, 98, 101, 99, 150, 100];
  const other = baseline.map((x) => x * 1.2);
  const r = compareRounds(baseline, other);
  assert.ok(Math.abs(r.ratio - 1.2) < 1e-9);
  assert.ok(Math.abs(r.minRatio - 1.2) < 1e-9);
  assert.ok(Math.abs(r.pairedRatio - 1.2) < 1e-9);
  assert.ok(r.low <= 1.2 && r.high >= 1.2 && r.low > 1.0, `${r.low}–${r.high}`);
  // Same rounds on both sides: the interval holds 1, and the same seed gives the same interval.
  const same = compareRounds(baseline, baseline);
  assert.equal(same.ratio, 1);
  assert.ok(same.low <= 1 && same.high >= 1);
  assert.deepEqual(compareRounds(baseline, other), r);
});

test("responseEnd finds whole responses by Content-Length, and waits for the rest", () => {
  const body = '{"a":1}';
  const one = `HTTP/1.1 200 OK\r\ncontent-type: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const second = one.replace("200 OK", "400 Bad Request");
  const two = Buffer.from(one + second);
  assert.deepEqual(responseEnd(two), { end: one.length, status: 200 });
  assert.deepEqual(responseEnd(two.subarray(one.length)), { end: second.length, status: 400 });
  assert.equal(responseEnd(two.subarray(0, one.length - 1)), undefined);
  assert.equal(responseEnd(Buffer.from("HTTP/1.1 200 OK\r\ncontent-len")), undefined);
  assert.throws(() => responseEnd(Buffer.from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")));
});

test("the bench runs both builds end to end and prints a row per cell", { timeout: 120_000 }, async () => {
  // This checkout against itself, tiny: what matters is that every request is answered 200 (the child throws
  // otherwise) through both transports, and that the table comes out.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(dist, "bench/gateway/gateway-cpu.js")],
    {
      env: {
        ...process.env,
        BENCH_BASELINE_DIST: dist,
        BENCH_OTHER_DIST: dist,
        BENCH_ROUNDS: "2",
        BENCH_REQUESTS: "60",
        BENCH_WARMUP: "10",
        BENCH_BLOCK: "20",
        BENCH_CONCURRENCY: "1,4",
        BENCH_CPU: "none",
      },
    },
  );
  const rows = stdout.split("\n").filter((l) => /^\| (inject|socket) \|/.test(l));
  // Three tables (whole cell, least block, median block), each a row per transport, operation and concurrency.
  assert.equal(rows.length, 3 * 2 * 2 * 2, stdout);
  for (const row of rows) {
    const cpu = Number(row.split("|")[4]);
    assert.ok(cpu > 0 && Number.isFinite(cpu), row);
  }
});

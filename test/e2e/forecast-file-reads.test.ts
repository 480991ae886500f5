/**
 * The readers of a forecast's own files fetch them by version (the forecast's creation time), like QueryForecast:
 * once a copy was checked, the console's forecast page (series search and chart) and a forecast export send no
 * HeadObject for the forecast's objects. The service's bulk data lives on an S3 endpoint started by this test behind a proxy that
 * counts every request it forwards, so what reaches S3 is seen, not inferred.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateForecastExportJobCommand, DescribeForecastExportJobCommand } from "@aws-sdk/client-forecast";
import { QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { type EmbeddedS3, startEmbeddedS3 } from "../../src/storage/embedded-s3.js";
import { consoleSessionCookie } from "../console/console-service.js";
import { ACCOUNTS, forecastqueryClient, type Harness, REGION, startHarness, untilActive } from "./harness.js";
import { setupWhatIfForecast, WHAT_IF_SHAPE } from "./what-if-data.js";

/** Forwards every request to `target` as it came (the SigV4 signature covers the Host header, kept as sent). */
async function countingProxy(
  target: string,
): Promise<{ endpoint: string; seen: { method: string; path: string }[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const seen: { method: string; path: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      path: decodeURIComponent(new URL(req.url ?? "/", target).pathname),
    });
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

describe("a forecast's own files are read by version", { timeout: 900_000 }, () => {
  let dir: string;
  let s3: EmbeddedS3;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let h: Harness;
  let forecastArn: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-file-reads-"));
    s3 = await startEmbeddedS3({ host: "127.0.0.1", port: 0, directory: dir, keys: [...ACCOUNTS] });
    proxy = await countingProxy(s3.endpoint);
    h = await startHarness({ OPENFORECAST_S3_ENDPOINT: proxy.endpoint });
    ({ forecastArn } = await setupWhatIfForecast(h.forecast(), h.s3(), h.roleArn(), "file-reads", {
      ...WHAT_IF_SHAPE,
      name: "file_reads",
    }));
  });

  after(async () => {
    await h?.close();
    await proxy?.close();
    await s3?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  test("after QueryForecast, the console's search and chart send no HeadObject for the forecast's objects", async () => {
    const account = ACCOUNTS[0];
    const forecastPrefix = `/openforecast-internal/resources/${account.accountId}/${REGION}/forecast/file_reads_forecast/`;
    const datasetPrefix = `/openforecast-internal/resources/${account.accountId}/${REGION}/dataset/`;
    const heads = (from: number, prefix: string) =>
      proxy.seen.slice(from).filter((r) => r.method === "HEAD" && r.path.startsWith(prefix)).length;

    // QueryForecast checks the forecast's copy once for its version.
    const query = forecastqueryClient(h.service.forecastEndpoint);
    await query.send(new QueryForecastCommand({ ForecastArn: forecastArn, Filters: { item_id: "item_0" } }));
    query.destroy();

    const cookie = await consoleSessionCookie(h.service.forecastEndpoint);
    // The forecast's page: the series search (the series list, the forecast's own file) and the first series'
    // chart (forecast.parquet, and the dataset's current data for the history).
    const page = async () => {
      const res = await fetch(`${h.service.forecastEndpoint}/console/forecasts/file_reads_forecast`, {
        headers: { cookie },
      });
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.match(body, /item_0/, "the page lists the series and draws the first one");
      assert.doesNotMatch(body, /data-no-chart/, "the page has a chart");
    };
    const first = proxy.seen.length;
    await page();
    // The series list's first read is checked once (a cold copy); forecast.parquet was checked by QueryForecast.
    assert.ok(
      proxy.seen.slice(first).some((r) => r.method === "GET" && r.path.startsWith(forecastPrefix)),
      "the series list was read through the counting endpoint",
    );
    assert.equal(
      proxy.seen
        .slice(first)
        .filter((r) => r.method === "HEAD" && r.path === `${forecastPrefix}forecast.parquet`).length,
      0,
      "the chart reused QueryForecast's copy of forecast.parquet without a HeadObject",
    );
    const again = proxy.seen.length;
    await page();
    await page();
    assert.equal(heads(again, forecastPrefix), 0, "no HeadObject for the forecast's objects");
    // The dataset's current data may be replaced by a newer import: still checked, once per chart.
    assert.equal(heads(again, datasetPrefix), 2, "the counting endpoint sees the service's HeadObjects");
  });

  test("a forecast export reads forecast.parquet by version: no HeadObject for a checked copy", async () => {
    const forecastFile = `/openforecast-internal/resources/${ACCOUNTS[0].accountId}/${REGION}/forecast/file_reads_forecast/forecast.parquet`;
    const fc = h.forecast();
    // QueryForecast checks the copy for the forecast's version (a no-op if the test above already did).
    const query = forecastqueryClient(h.service.forecastEndpoint);
    await query.send(new QueryForecastCommand({ ForecastArn: forecastArn, Filters: { item_id: "item_0" } }));
    query.destroy();
    const from = proxy.seen.length;
    const { ForecastExportJobArn } = await fc.send(
      new CreateForecastExportJobCommand({
        ForecastExportJobName: "file_reads_export",
        ForecastArn: forecastArn,
        Destination: { S3Config: { Path: "s3://file-reads/export/", RoleArn: h.roleArn() } },
      }),
    );
    await untilActive(
      () => fc.send(new DescribeForecastExportJobCommand({ ForecastExportJobArn })),
      "forecast export",
    );
    const seen = proxy.seen.slice(from);
    assert.ok(
      seen.some((r) => r.method === "PUT" && r.path.startsWith("/file-reads/export/")),
      "the export wrote its files through the counting endpoint",
    );
    assert.equal(
      seen.filter((r) => r.method === "HEAD" && r.path === forecastFile).length,
      0,
      "the export reused the checked copy of forecast.parquet without a HeadObject",
    );
  });
});

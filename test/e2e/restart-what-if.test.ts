import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import {
  CreateWhatIfAnalysisCommand,
  CreateWhatIfForecastCommand,
  DescribeWhatIfAnalysisCommand,
  DescribeWhatIfForecastCommand,
} from "@aws-sdk/client-forecast";
import { QueryForecastCommand, QueryWhatIfForecastCommand } from "@aws-sdk/client-forecastquery";
import {
  ACCOUNTS,
  type ChildService,
  eventually,
  forecastClient,
  forecastqueryClient,
  s3Client,
  startChild,
  untilActive,
} from "./harness.js";
import { setupWhatIfForecast, WHAT_IF_SHAPE } from "./what-if-data.js";

describe("kill -9 during a what-if forecast, then restart", () => {
  let child: ChildService | undefined;
  let dataDir = "";
  after(async () => {
    await child?.kill();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("the what-if forecast runs again from the start and ends ACTIVE with the right values", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-restart-what-if-"));
    child = await startChild(dataDir);
    let fc = forecastClient(child.forecastEndpoint);
    const s3 = s3Client(child.s3Endpoint);
    const role = `arn:aws:iam::${ACCOUNTS[0].accountId}:role/r`;
    const { forecastArn } = await setupWhatIfForecast(fc, s3, role, "restart-what-if", {
      ...WHAT_IF_SHAPE,
      items: 4,
      name: "restart",
    });
    s3.destroy();
    const { WhatIfAnalysisArn } = await fc.send(
      new CreateWhatIfAnalysisCommand({ WhatIfAnalysisName: "restart", ForecastArn: forecastArn }),
    );
    await untilActive(() => fc.send(new DescribeWhatIfAnalysisCommand({ WhatIfAnalysisArn })), "analysis");
    const { WhatIfForecastArn } = await fc.send(
      new CreateWhatIfForecastCommand({
        WhatIfForecastName: "interrupted",
        WhatIfAnalysisArn,
        TimeSeriesTransformations: [
          {
            Action: { AttributeName: "price", Operation: "MULTIPLY", Value: 1.2 },
            TimeSeriesConditions: [
              { AttributeName: "item_id", AttributeValue: "item_1", Condition: "EQUALS" },
            ],
          },
        ],
      }),
    );
    // Kill at once: the job is pending or computing.
    await child.kill("SIGKILL");
    fc.destroy();

    child = await startChild(dataDir);
    fc = forecastClient(child.forecastEndpoint);
    const fq = forecastqueryClient(child.forecastEndpoint);
    const done = await eventually(
      async () => {
        const d = await fc.send(new DescribeWhatIfForecastCommand({ WhatIfForecastArn }));
        return d.Status === "ACTIVE" || d.Status === "CREATE_FAILED" ? d : undefined;
      },
      120_000,
      "the what-if forecast after the restart",
    );
    assert.equal(done.Status, "ACTIVE", done.Message);
    const p50 = async (item: string, whatIf: boolean) =>
      (whatIf
        ? await fq.send(new QueryWhatIfForecastCommand({ WhatIfForecastArn, Filters: { item_id: item } }))
        : await fq.send(new QueryForecastCommand({ ForecastArn: forecastArn, Filters: { item_id: item } }))
      ).Forecast?.Predictions?.p50 ?? [];
    const total = (points: { Value?: number }[]) => points.reduce((a, p) => a + (p.Value ?? 0), 0);
    assert.deepEqual(await p50("item_0", true), await p50("item_0", false));
    assert.ok(total(await p50("item_1", true)) < total(await p50("item_1", false)));
    // The killed run's scratch folder went at the restart, the finished run's at its end; nothing is kept in the
    // data dir outside the internal bucket.
    const leftovers = await fs.readdir(path.join(dataDir, "tmp", "jobs")).catch(() => []);
    assert.deepEqual(leftovers, [], "no job scratch folder is left");
    assert.ok(!(await fs.readdir(dataDir)).includes("resources"), "no resource folder in the data dir");
    fq.destroy();
    fc.destroy();
  });
});

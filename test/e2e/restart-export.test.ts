import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import {
  CreateExplainabilityExportCommand,
  DescribeExplainabilityExportCommand,
} from "@aws-sdk/client-forecast";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { HORIZON, ITEMS, setupDriverPredictor } from "./driver-data.js";
import { ACCOUNTS, type ChildService, eventually, forecastClient, s3Client, startChild } from "./harness.js";

describe("kill -9 during an explainability export, then restart", () => {
  let child: ChildService | undefined;
  let dataDir = "";
  after(async () => {
    await child?.kill();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  test("the export ends ACTIVE with every row, or CREATE_FAILED with nothing: never half-written", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-restart-export-"));
    child = await startChild(dataDir);
    let fc = forecastClient(child.forecastEndpoint);
    let s3 = s3Client(child.s3Endpoint);
    const role = `arn:aws:iam::${ACCOUNTS[0].accountId}:role/r`;
    const { explainabilityArn } = await setupDriverPredictor(fc, s3, role, "restart-export");
    const { ExplainabilityExportArn } = await fc.send(
      new CreateExplainabilityExportCommand({
        ExplainabilityExportName: "interrupted",
        ExplainabilityArn: explainabilityArn,
        Destination: { S3Config: { Path: "s3://restart-export/out/", RoleArn: role } },
      }),
    );
    // Kill at once: the job is pending or writing its first part.
    await child.kill("SIGKILL");
    fc.destroy();
    s3.destroy();

    child = await startChild(dataDir);
    fc = forecastClient(child.forecastEndpoint);
    s3 = s3Client(child.s3Endpoint);
    const done = await eventually(
      async () => {
        const d = await fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn }));
        return d.Status === "ACTIVE" || d.Status === "CREATE_FAILED" ? d : undefined;
      },
      60_000,
      "the export after the restart",
    );
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "restart-export", Prefix: "out/" }));
    const keys = (listed.Contents ?? []).map((o) => o.Key as string);
    if (done.Status === "CREATE_FAILED") {
      assert.deepEqual(keys, [], "a failed export leaves nothing");
    } else {
      assert.ok(keys.length >= 1);
      let lines = 0;
      for (const key of keys) {
        const body = await (
          await s3.send(new GetObjectCommand({ Bucket: "restart-export", Key: key }))
        ).Body?.transformToString();
        lines += (body ?? "").trim().split("\n").length - 1;
      }
      assert.equal(lines, ITEMS * HORIZON + ITEMS + 1, "every row, once");
    }
    fc.destroy();
    s3.destroy();
  });
});

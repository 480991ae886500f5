import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import pino from "pino";
import { duckdbMessage, withLocalNames } from "../../src/data/import-error.js";
import { JobFailure, JobRunner } from "../../src/jobs/job-runner.js";
import {
  INTERNAL_FILE,
  internalRoots,
  MAX_MESSAGE_LENGTH,
  publicMessage,
} from "../../src/jobs/public-message.js";
import { STATUS } from "../../src/jobs/statuses.js";
import { openSqliteStore } from "../../src/store/sqlite-state-store.js";

describe("publicMessage: no path of this installation reaches a client", () => {
  const roots = ["/srv/of-data", "/tmp"];

  test("paths under a root become <internal file>; the rest of the message stays", () => {
    assert.equal(
      publicMessage(
        "No magic bytes found at end of file '/srv/of-data/tmp/j-1/part-0' (s3://b/k.parquet)",
        roots,
      ),
      `No magic bytes found at end of file '${INTERNAL_FILE}' (s3://b/k.parquet)`,
    );
    assert.equal(
      publicMessage("spilled to /tmp/duckdb.0.tmp, then failed", roots),
      `spilled to ${INTERNAL_FILE}, then failed`,
    );
    assert.equal(publicMessage("at /srv/of-data", roots), `at ${INTERNAL_FILE}`);
  });

  test("a path that only starts like a root, and S3 URIs, are left alone", () => {
    assert.equal(
      publicMessage("see /tmpfiles/x and s3://tmp/of-data/k", roots),
      "see /tmpfiles/x and s3://tmp/of-data/k",
    );
  });

  test("long messages are cut, and an adversarial one is handled in linear time", () => {
    const long = publicMessage("x".repeat(10_000), roots);
    assert.equal(long.length, MAX_MESSAGE_LENGTH);
    const started = process.hrtime.bigint();
    const adversarial = publicMessage("/tmp".repeat(250_000), roots);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(!adversarial.includes("/tmp/"), adversarial.slice(0, 80));
    assert.ok(ms < 500, `${ms} ms for a 1 MB message`);
  });

  test("the roots: data directory, temp directory and installation, never '/'", () => {
    const found = internalRoots("/srv/of-data");
    assert.ok(found.includes("/srv/of-data"));
    assert.ok(found.includes(path.resolve(os.tmpdir())));
    assert.ok(!found.includes("/"));
    assert.ok(!internalRoots("/").includes("/"));
  });
});

describe("duckdbMessage: DuckDB's errors in the user's terms", () => {
  const names = [{ path: "/data/tmp/j-7/part-0", name: "s3://bucket/sales.parquet" }];

  test("the Parquet magic-bytes error says what it means", () => {
    const error = new Error(
      "Invalid Input Error: No magic bytes found at end of file '/data/tmp/j-7/part-0'\n\nLINE 1: DESCRIBE ...",
    );
    assert.equal(
      duckdbMessage(error, names),
      "it does not end with PAR1, the marker that ends every Parquet file",
    );
  });

  test("a CSV error keeps the line that says what is wrong; paths become the S3 object", () => {
    const error = new Error(
      "Invalid Input Error: CSV Error on Line: 4\nInvalid unicode detected in /data/tmp/j-7/part-0.\n\nPossible Solution: ...",
    );
    assert.equal(
      duckdbMessage(error, names),
      "CSV Error on Line: 4: Invalid unicode detected in s3://bucket/sales.parquet.",
    );
    assert.equal(
      duckdbMessage(new Error("CSV Error on Line: 1\nPossible Solution: x"), names),
      "CSV Error on Line: 1",
    );
  });

  test("withLocalNames replaces the longest path first", () => {
    assert.equal(
      withLocalNames("/o/x.parquet.tmp and /o/x.parquet", [
        { path: "/o/x.parquet", name: "the file" },
        { path: "/o/x.parquet.tmp", name: "the temporary file" },
      ]),
      "the temporary file and the file",
    );
  });
});

describe("JobRunner stores every failure message scrubbed", () => {
  test("an unexpected error and a JobFailure quoting the data directory", async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "of-public-message-"));
    const state = openSqliteStore(path.join(dataDir, "state.sqlite"));
    const store = state.resources;
    const runner = new JobRunner(store, 1, pino({ level: "silent" }), { dataDir, singleRunner: true });
    const failures: Record<string, Error> = {
      unexpected: new Error(`ENOENT: no such file or directory, open '${dataDir}/models/p/weights.bin'`),
      failure: new JobFailure(`Could not read ${path.join(dataDir, "tmp", "x")}: it is gone`),
    };
    runner.register("thing", {
      run: async (ctx) => {
        throw failures[ctx.record.name];
      },
    });
    await runner.start();
    try {
      for (const name of Object.keys(failures)) {
        const arn = `arn:aws:forecast:us-west-2:111122223333:thing/${name}`;
        await store.insert({
          record: {
            arn,
            accountId: "111122223333",
            region: "us-west-2",
            kind: "thing",
            name,
            parentArn: null,
            status: STATUS.CREATE_PENDING,
            message: null,
            createdAt: Date.now(),
            modifiedAt: Date.now(),
            attrs: {},
          },
        });
        runner.kick();
        for (let i = 0; i < 100 && (await store.get(arn))?.status !== STATUS.CREATE_FAILED; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const message = (await store.get(arn))?.message ?? "";
        assert.equal((await store.get(arn))?.status, STATUS.CREATE_FAILED);
        assert.ok(!message.includes(dataDir), message);
        assert.ok(message.includes(INTERNAL_FILE), message);
      }
    } finally {
      await runner.close();
      await state.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});

import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { type ExportColumn, ExportError, writeExportParts } from "../../src/export/index.js";
import { KMS_KEY_METADATA } from "../../src/storage/object-store.js";
import { StorageError } from "../../src/storage/storage-error.js";
import { type ExportTestBed, scratchLeft, startTestBed } from "./export-fixture.js";

const BUCKET = "export-kms";
const KMS_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const COLUMNS: ExportColumn[] = [
  { name: "item_id", type: "VARCHAR" },
  { name: "value", type: "DOUBLE" },
];
const sqlRows = (count: number): string => `SELECT 'item_' || i, i / 2 FROM range(${count}) t(i) ORDER BY i`;

describe("writeExportParts: encryption, and nothing left behind on failure", () => {
  let bed: ExportTestBed;
  before(async () => {
    bed = await startTestBed(BUCKET);
  });
  after(() => bed.close());
  beforeEach(() => bed.store.resetObservers());

  test("every part is written under the KMS key", async () => {
    const result = await writeExportParts({
      store: bed.store,
      bucket: BUCKET,
      prefix: "kms",
      baseName: "enc",
      format: "CSV",
      columns: COLUMNS,
      source: { kind: "sql", sql: sqlRows(30) },
      maxRowsPerPart: 10,
      kmsKeyArn: KMS_KEY,
      scratchDir: bed.scratch,
    });
    assert.equal(result.keys.length, 3);
    for (const key of result.keys) {
      const head = await bed.store.headObject(BUCKET, key);
      assert.equal(head.metadata[KMS_KEY_METADATA], KMS_KEY);
      assert.equal(head.serverSideEncryption, "aws:kms");
      assert.equal(head.kmsKeyId, KMS_KEY);
      assert.equal(head.contentType, "text/csv");
    }
  });

  test("stopped after the first part was uploaded: the error is the signal's reason and no part remains", async () => {
    const controller = new AbortController();
    // Part 0 is in the bucket when its upload returns; the stop comes right then.
    bed.store.afterUpload = (n) => {
      if (n === 1) controller.abort(new Error("StopResource"));
    };
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "stopped",
        baseName: "stop",
        format: "CSV",
        columns: COLUMNS,
        // Enough parts that the export is still running when the stop comes.
        source: { kind: "sql", sql: sqlRows(400_000) },
        maxRowsPerPart: 2_000,
        scratchDir: bed.scratch,
        signal: controller.signal,
      }),
      { message: "StopResource" },
    );
    assert.ok(bed.store.uploadsDone >= 1);
    assert.deepEqual(await bed.store.listObjects(BUCKET, "stopped/"), []);
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("stopped while the row producer is waiting: returns at once and removes what was written", async () => {
    const controller = new AbortController();
    const batches = (async function* () {
      for (let i = 0; i < 3; i += 1) yield Array.from({ length: 10 }, (_, j) => [`item_${i}_${j}`, j]);
      // A producer that never comes back (a model still fitting, say).
      await new Promise(() => {});
    })();
    bed.store.afterUpload = (n) => {
      if (n === 3) setTimeout(() => controller.abort(new Error("stopped")), 20);
    };
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "waiting",
        baseName: "wait",
        format: "PARQUET",
        columns: COLUMNS,
        source: { kind: "rows", batches },
        maxRowsPerPart: 10,
        scratchDir: bed.scratch,
        signal: controller.signal,
      }),
      { message: "stopped" },
    );
    assert.equal(bed.store.uploadsDone, 3);
    assert.deepEqual(await bed.store.listObjects(BUCKET, "waiting/"), []);
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("a signal aborted before the call: nothing is done", async () => {
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "early",
        baseName: "x",
        format: "CSV",
        columns: COLUMNS,
        source: { kind: "sql", sql: sqlRows(5) },
        signal: controller.signal,
      }),
      { message: "too late" },
    );
    assert.equal(bed.store.uploadsStarted, 0);
  });

  test("a missing bucket fails with the StorageError message before any work", async () => {
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: "no-such-bucket",
        prefix: "x",
        baseName: "x",
        format: "CSV",
        columns: COLUMNS,
        source: { kind: "sql", sql: sqlRows(5) },
        scratchDir: bed.scratch,
      }),
      (error: unknown) => {
        assert.ok(error instanceof StorageError);
        assert.equal(error.kind, "NoSuchBucket");
        assert.match(error.message, /"no-such-bucket"/);
        assert.match(error.message, new RegExp(bed.s3.endpoint.replaceAll(".", "\\.")));
        return true;
      },
    );
    assert.equal(bed.store.uploadsStarted, 0);
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("a 403 on the bucket check is left to the uploads (a role may write without looking at the bucket)", async () => {
    const bucketExists = bed.store.bucketExists;
    bed.store.bucketExists = async () => {
      throw new StorageError("AccessDenied", "Access denied (injected)", { bucket: BUCKET, endpoint: "x" });
    };
    try {
      const result = await writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "write-only",
        baseName: "x",
        format: "CSV",
        columns: COLUMNS,
        source: { kind: "sql", sql: sqlRows(5) },
        scratchDir: bed.scratch,
      });
      assert.deepEqual(result.keys, ["write-only/x_part0.csv"]);
    } finally {
      bed.store.bucketExists = bucketExists;
    }
  });

  test("an upload failing at the third part: that StorageError as it is, parts 0 and 1 removed", async () => {
    const failure = new StorageError("AccessDenied", "Access denied (injected)", {
      bucket: BUCKET,
      endpoint: bed.s3.endpoint,
    });
    bed.store.beforeUpload = (n) => {
      if (n === 3) throw failure;
    };
    await assert.rejects(
      writeExportParts({
        store: bed.store,
        bucket: BUCKET,
        prefix: "denied",
        baseName: "x",
        format: "PARQUET",
        columns: COLUMNS,
        source: { kind: "sql", sql: sqlRows(50) },
        maxRowsPerPart: 10,
        uploadsInFlight: 1,
        scratchDir: bed.scratch,
      }),
      (error: unknown) => error === failure,
    );
    assert.equal(bed.store.uploadsDone, 2);
    assert.deepEqual(await bed.store.listObjects(BUCKET, "denied/"), []);
    assert.deepEqual(await scratchLeft(bed), []);
  });

  test("when removing the parts fails too, the error says so and names them", async () => {
    const failure = new StorageError("Unreachable", "Could not reach the endpoint (injected)", {
      bucket: BUCKET,
      endpoint: bed.s3.endpoint,
    });
    bed.store.beforeUpload = (n) => {
      if (n === 2) throw failure;
    };
    const deleteObjects = bed.store.deleteObjects;
    bed.store.deleteObjects = async () => {
      throw new StorageError("Unreachable", "Could not delete (injected)", { endpoint: bed.s3.endpoint });
    };
    try {
      await assert.rejects(
        writeExportParts({
          store: bed.store,
          bucket: BUCKET,
          prefix: "stuck",
          baseName: "x",
          format: "CSV",
          columns: COLUMNS,
          source: { kind: "sql", sql: sqlRows(20) },
          maxRowsPerPart: 10,
          uploadsInFlight: 1,
          scratchDir: bed.scratch,
        }),
        (error: unknown) => {
          assert.ok(error instanceof ExportError);
          assert.equal(error.cause, failure);
          assert.deepEqual(error.leftoverKeys, ["stuck/x_part0.csv", "stuck/x_part1.csv"]);
          assert.equal(
            error.message,
            `The export "x" to s3://${BUCKET}/stuck/ failed (Could not reach the endpoint (injected)), and removing ` +
              "the 2 objects it had written failed as well (Could not delete (injected)); these may remain: " +
              "stuck/x_part0.csv, stuck/x_part1.csv",
          );
          return true;
        },
      );
    } finally {
      bed.store.deleteObjects = deleteObjects;
    }
    await bed.store.deleteObjects(BUCKET, ["stuck/x_part0.csv"]);
  });
});

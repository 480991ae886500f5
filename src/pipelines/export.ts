import { ExportError, folderPrefix, writeExportParts } from "../export/index.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import { STATUS } from "../jobs/statuses.js";
import { KIND_LABEL } from "../resources/common.js";
import type { Services } from "../resources/context.js";
import { type ExportKind, placement } from "../resources/export-jobs.js";
import { ownFileVersion } from "../resources/own-files.js";
import { StorageError } from "../storage/storage-error.js";
import type { ResourceRecord } from "../store/resource-store.js";

/** Objects a previous run of this job left (a crash between parts): removed before writing and after failing. */
async function removeParts(
  services: Services,
  record: ResourceRecord,
  spec: ExportKind,
  parent?: ResourceRecord,
) {
  const { bucket, prefix, baseName } = placement(record);
  const store = services.objectStoreFor(record.accountId);
  // The folders alone are wanted here: no source file is read.
  const folders = parent ? spec.parts(services, parent, "", record).map((p) => p.folder) : [""];
  for (const folder of new Set(folders)) {
    const stem = `${folderPrefix(folder ? `${folderPrefix(prefix)}${folder}` : prefix)}${baseName}_part`;
    const stale = await store.listObjects(bucket, stem).catch(() => []);
    // One key at a time: the embedded endpoint fails batch deletes of several keys in one folder.
    for (const object of stale) await store.deleteObjects(bucket, [object.key]);
  }
}

export function exportJobs(services: Services, spec: ExportKind): JobHandler {
  const parentOf = async (record: ResourceRecord) =>
    await services.store.get(String(record.attrs[spec.parentArnMember]));
  return {
    async run(ctx: JobContext) {
      const record = ctx.record;
      const parent = await parentOf(record);
      if (!parent || parent.status !== STATUS.ACTIVE) {
        throw new JobFailure(
          `The ${KIND_LABEL[spec.parentKind]} ${String(record.attrs[spec.parentArnMember])} no longer exists or is not ACTIVE.`,
        );
      }
      const { bucket, prefix, kmsKeyArn, baseName } = placement(record);
      const store = services.objectStoreFor(record.accountId);
      await removeParts(services, record, spec, parent);
      const scratch = await services.blobs.scratch(record.name);
      const keys: string[] = [];
      let rows = 0;
      try {
        const fetchSource = (key: string, version?: string) =>
          scratch.fetch(key, { version }).catch((e: unknown) => {
            if (ctx.signal.aborted) throw ctx.signal.reason;
            // The message would name the internal bucket: say what a user can act on instead.
            services.log.warn({ err: e, arn: parent.arn }, "an export could not read its source object");
            throw new JobFailure(
              `The data of the ${KIND_LABEL[spec.parentKind]} ${parent.arn} could not be read; create it again.`,
            );
          });
        const attribute = spec.sourceAttribute;
        // The parent's own file (never rewritten while it lives) by version, as QueryForecast reads it: a copy
        // already checked needs no HeadObject.
        const source = attribute
          ? await fetchSource(
              String(parent.attrs[attribute]),
              attribute === "BacktestFile" ? undefined : ownFileVersion(parent),
            )
          : "";
        const files: string[] = [];
        for (const { key, version } of spec.sources?.(record) ?? [])
          files.push(await fetchSource(key, version));
        for (const part of spec.parts(services, parent, source, record, files)) {
          const result = await writeExportParts({
            store,
            bucket,
            prefix: part.folder ? `${folderPrefix(prefix)}${part.folder}` : prefix,
            baseName,
            format: record.attrs.Format as "CSV" | "PARQUET",
            columns: part.columns,
            source: { kind: "sql", sql: part.sql },
            kmsKeyArn,
            scratchDir: scratch.dir,
            signal: ctx.signal,
          });
          keys.push(...result.keys);
          rows += result.rows;
        }
      } catch (error) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (error instanceof StorageError || error instanceof ExportError)
          throw new JobFailure(error.message);
        throw error;
      } finally {
        await scratch.dispose();
      }
      return { ExportedObjects: keys, ExportedRows: rows };
    },
    async cleanup(record) {
      await removeParts(services, record, spec, await parentOf(record));
    },
  };
}

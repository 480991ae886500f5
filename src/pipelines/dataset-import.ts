import { importFiles } from "../data/import-files.js";
import { type JobContext, JobFailure, type JobHandler } from "../jobs/job-runner.js";
import type { Services } from "../resources/context.js";
import type { SchemaAttribute } from "../resources/domains.js";
import { toJobFailure } from "../resources/storage-errors.js";
import { resourcePrefix } from "../storage/blob-store.js";
import { parseS3Path } from "../storage/s3-path.js";
import type { ResourceRecord } from "../store/resource-store.js";

/** Amazon imports at most this many files from one path. */
const MAX_FILES = 10_000;

/** The key of the Parquet object an import job writes: one per job, under its dataset's prefix. */
function outputKey(job: ResourceRecord): string {
  const datasetName = job.arn.split("/").at(-2) as string;
  return `${resourcePrefix(job, "dataset", datasetName)}${job.name}.parquet`;
}

/** The import itself: fetch the objects through S3, convert with DuckDB, publish with the ACTIVE status. */
export function datasetImportJobs(services: Services): JobHandler {
  return {
    async run(ctx: JobContext) {
      const job = ctx.record;
      const dataset = await services.store.get(String(job.attrs.DatasetArn));
      if (!dataset) throw new JobFailure(`The dataset ${String(job.attrs.DatasetArn)} no longer exists.`);
      const source = (job.attrs.DataSource as { S3Config: { Path: string } }).S3Config.Path;
      const { bucket, key } = parseS3Path(source);
      const store = services.objectStoreFor(job.accountId);
      const scratch = await services.blobs.scratch(job.name);
      try {
        const objects = await store.listPath(bucket, key).catch((e: unknown) => {
          throw toJobFailure(e, source);
        });
        if (objects.length === 0)
          throw new JobFailure(`No files found at ${source}: the path names no object.`);
        if (objects.length > MAX_FILES) {
          throw new JobFailure(
            `${source} holds ${objects.length} files; an import reads at most ${MAX_FILES}.`,
          );
        }
        const files: string[] = [];
        const labels: string[] = [];
        for (const [i, object] of objects.entries()) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const local = scratch.file(`part-${i}`);
          await store.downloadToFile(bucket, object.key, local).catch((e: unknown) => {
            throw toJobFailure(e, `s3://${bucket}/${object.key}`);
          });
          files.push(local);
          labels.push(`s3://${bucket}/${object.key}`);
        }
        const output = scratch.file("data.parquet");
        const previousRef = dataset.attrs.DataFile as string | undefined;
        const previous =
          job.attrs.ImportMode === "INCREMENTAL" && previousRef !== undefined
            ? await scratch.fetch(previousRef).catch((e: unknown) => {
                throw toJobFailure(e, source);
              })
            : undefined;
        const result = await importFiles({
          files,
          fileLabels: labels,
          format: job.attrs.Format as "CSV" | "PARQUET",
          schema: (dataset.attrs.Schema as { Attributes: SchemaAttribute[] }).Attributes as never,
          timestampFormat: job.attrs.TimestampFormat as string | undefined,
          timeZone: job.attrs.TimeZone as string | undefined,
          useGeolocationForTimeZone: job.attrs.UseGeolocationForTimeZone as boolean,
          geolocationFormat: job.attrs.GeolocationFormat as string | undefined,
          datasetType: dataset.attrs.DatasetType as never,
          dataFrequency: dataset.attrs.DataFrequency as string | undefined,
          previous,
          output,
          signal: ctx.signal,
        }).catch((e: unknown) => {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          throw toJobFailure(e, source);
        });
        await services.blobs.put(outputKey(job), output);
        return {
          FieldStatistics: result.fieldStatistics,
          DataSize: result.dataSizeBytes / 1024 ** 3,
          RowCount: result.rowCount,
          DataFile: outputKey(job),
        };
      } finally {
        await scratch.dispose();
      }
    },
    async publish(job, result) {
      return {
        updates: [
          {
            arn: String(job.attrs.DatasetArn),
            attrs: { DataFile: result?.DataFile, LatestImportJobArn: job.arn },
          },
        ],
      };
    },
    async cleanup(job) {
      await services.blobs.delete(outputKey(job));
    },
    async remove(job) {
      const dataset = await services.store.get(String(job.attrs.DatasetArn));
      // The dataset's current data stays while the dataset lives, even when the job that wrote it is deleted.
      if (dataset?.attrs.DataFile !== outputKey(job)) await services.blobs.delete(outputKey(job));
    },
  };
}

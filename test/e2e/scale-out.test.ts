/**
 * The scale-out deployment on one machine, every part a real process: one PostgreSQL, one S3 endpoint
 * (`openforecast s3`), 2 API processes (`serve --run-jobs false`) and 3 worker processes (`openforecast worker`),
 * each with a data dir of its own (scale-out-cluster.ts; the same settings as docs/deploy-at-scale.md).
 *
 * - kill -9 of a worker while it runs a training task: the predictor still ends ACTIVE, with accuracy metrics and
 *   forecasts identical to an undisturbed run of the same data and settings;
 * - StopResource through one API process stops a task running on a worker;
 * - 50 concurrent creates of one name over both API processes: exactly one wins;
 * - kill -9 of an API process: clients of the other keep working.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateAutoPredictorCommand,
  CreateDatasetGroupCommand,
  CreateForecastCommand,
  DescribeAutoPredictorCommand,
  DescribeForecastCommand,
  type ForecastClient,
  GetAccuracyMetricsCommand,
  ListDatasetGroupsCommand,
  StopResourceCommand,
} from "@aws-sdk/client-forecast";
import { QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import {
  eventually,
  forecastClient,
  forecastqueryClient,
  importDemandGroup,
  s3Client,
  settled,
  untilActive,
} from "./harness.js";
import { type Cluster, type ClusterProcess, startCluster } from "./scale-out-cluster.js";
import { weeklyDemandCsv } from "./weekly-demand.js";

const ROLE = "arn:aws:iam::111122223333:role/ForecastRole";
const SERIES = 240;
const DAYS = 240;
const LONG = 900_000;

let cluster: Cluster;
let fc1: ForecastClient;
let fc2: ForecastClient;
let groupArn: string;

before(async () => {
  cluster = await startCluster({
    apis: 2,
    workers: 3,
    workerThreads: 1,
    taskParallelism: 3,
    taskLeaseSeconds: 90,
    jobLeaseSeconds: 6,
  });
  fc1 = forecastClient(cluster.apis[0]?.endpoint as string);
  fc2 = forecastClient(cluster.apis[1]?.endpoint as string);
  groupArn = await importDemandGroup(fc1, s3Client(cluster.s3Endpoint), {
    group: "scale_out",
    dataset: "scale_out_demand",
    bucket: "scale-out-input",
    key: "demand.csv",
    csv: weeklyDemandCsv({ series: SERIES, days: DAYS }),
    roleArn: ROLE,
  });
});

after(async () => {
  await cluster?.close();
});

const startPredictor = async (fc: ForecastClient, name: string): Promise<string> =>
  (
    await fc.send(
      new CreateAutoPredictorCommand({
        PredictorName: name,
        ForecastHorizon: 7,
        ForecastFrequency: "D",
        DataConfig: { DatasetGroupArn: groupArn },
      }),
    )
  ).PredictorArn as string;

const logsOf = (p: ClusterProcess, msg: string, jobArn: string) =>
  p.logs.filter((l) => l.msg === msg && l.jobArn === jobArn);

/** A task of the job that a worker has started and not finished: [worker, taskId]. */
function runningTask(
  workers: readonly ClusterProcess[],
  jobArn: string,
  task?: string,
): [ClusterProcess, string] | undefined {
  for (const worker of workers) {
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) continue;
    const ended = new Set(
      worker.logs
        .filter((l) => l.msg !== "task started" && l.jobArn === jobArn)
        .map((l) => l.taskId as string),
    );
    const started = logsOf(worker, "task started", jobArn).filter(
      (l) => !ended.has(l.taskId as string) && (task === undefined || l.task === task),
    );
    const latest = started.at(-1);
    if (latest) return [worker, latest.taskId as string];
  }
  return undefined;
}

async function forecastOf(fc: ForecastClient, predictorArn: string, name: string) {
  const forecastArn = (
    await fc.send(new CreateForecastCommand({ ForecastName: name, PredictorArn: predictorArn }))
  ).ForecastArn as string;
  await untilActive(() => fc.send(new DescribeForecastCommand({ ForecastArn: forecastArn })), name, LONG);
  const query = forecastqueryClient(cluster.apis[1]?.endpoint as string);
  const items = ["item_0", "item_77", `item_${SERIES - 1}`];
  return Promise.all(
    items.map(async (item) => {
      const { Forecast } = await query.send(
        new QueryForecastCommand({ ForecastArn: forecastArn, Filters: { item_id: item } }),
      );
      return Forecast?.Predictions;
    }),
  );
}

test("kill -9 of a worker running a training task: the predictor ends ACTIVE, identical to an undisturbed run", {
  timeout: 2 * LONG,
}, async () => {
  // The undisturbed run first.
  const calmArn = await startPredictor(fc1, "calm");
  await untilActive(
    () => fc1.send(new DescribeAutoPredictorCommand({ PredictorArn: calmArn })),
    "calm",
    LONG,
  );

  const arn = await startPredictor(fc2, "disturbed");
  // Kill a worker the moment it is running one of this job's tasks; prove from its log that the task had started
  // and never finished there.
  let killed: { worker: ClusterProcess; taskId: string } | undefined;
  for (let attempt = 0; attempt < 3 && !killed; attempt++) {
    const [worker, taskId] = await eventually(
      async () => runningTask(cluster.workers, arn),
      LONG,
      "a task of the training running on a worker",
    );
    await worker.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 200));
    const finishedThere = worker.logs.some((l) => l.taskId === taskId && l.msg === "task finished");
    if (!finishedThere) killed = { worker, taskId };
    cluster.workers.splice(cluster.workers.indexOf(worker), 1);
    cluster.workers.push(await cluster.startWorker());
  }
  assert.ok(killed, "a worker was killed while it ran a task of the training");
  const status = await fc1.send(new DescribeAutoPredictorCommand({ PredictorArn: arn }));
  assert.equal(status.Status, "CREATE_IN_PROGRESS", "the kill happened mid-training");

  const done = await untilActive(
    () => fc1.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })),
    "disturbed",
    LONG,
  );
  assert.equal(done.Status, "ACTIVE");
  // The killed task went to another worker (pg-boss's lease), or the whole job did (the store's lease) when the
  // killed worker was also the one running the job.
  const taskId = killed.taskId;
  const others = cluster.workers.filter((w) => w !== killed?.worker);
  const taskRanElsewhere = others.some((w) =>
    w.logs.some((l) => l.taskId === taskId && l.msg === "task finished"),
  );
  const jobTakenOver = others.some((w) =>
    w.logs.some((l) => l.arn === arn && String(l.msg).startsWith("taking over a job")),
  );
  assert.ok(taskRanElsewhere || jobTakenOver, "the dead worker's work was done by another worker");

  const [calmMetrics, disturbedMetrics] = await Promise.all(
    [calmArn, arn].map((PredictorArn) => fc1.send(new GetAccuracyMetricsCommand({ PredictorArn }))),
  );
  assert.deepEqual(disturbedMetrics.PredictorEvaluationResults, calmMetrics.PredictorEvaluationResults);
  const [calmForecast, disturbedForecast] = [
    await forecastOf(fc1, calmArn, "calm_forecast"),
    await forecastOf(fc2, arn, "disturbed_forecast"),
  ];
  assert.ok(calmForecast[0]?.p50?.length === 7, "the forecast has the horizon's points");
  assert.deepEqual(disturbedForecast, calmForecast);
});

test("StopResource through one API process stops a task running on a worker", { timeout: LONG }, async () => {
  const arn = await startPredictor(fc1, "stopped");
  // A chunk's backtest: the dataset members' tasks that come first (the pooled autoregression's) take milliseconds
  // and may end before the stop reaches them.
  await eventually(
    async () => runningTask(cluster.workers, arn, "backtestChunk"),
    LONG,
    "a task of the training running on a worker",
  );
  const stopAt = Date.now();
  await fc2.send(new StopResourceCommand({ ResourceArn: arn }));
  const stopped = await settled(
    () => fc1.send(new DescribeAutoPredictorCommand({ PredictorArn: arn })),
    "stopped",
    120_000,
  );
  assert.equal(stopped.Status, "CREATE_STOPPED");
  // A task of the job that was running on a worker when the stop reached it ended there without finishing: a
  // worker logs "task abandoned" only for an attempt it aborted mid-run. (The task seen running before the stop
  // may have finished first; the job may have queued others until its runner saw the stop.)
  const abandoned = await eventually(
    async () =>
      cluster.workers.flatMap((w) => logsOf(w, "task abandoned", arn)).find((l) => l.reason === "cancelled"),
    60_000,
    "a running task cancelled on its worker",
  );
  const started = cluster.workers
    .flatMap((w) => w.logs)
    .find((l) => l.msg === "task started" && l.taskId === abandoned.taskId);
  assert.ok(started, "the cancelled task had started on a worker");
  assert.ok((abandoned.time as number) >= stopAt, "it was cancelled after the stop was sent");
  assert.ok(
    !cluster.workers.some((w) =>
      w.logs.some((l) => l.taskId === abandoned.taskId && l.msg === "task finished"),
    ),
    "the cancelled task did not finish anywhere",
  );
});

test("50 concurrent creates of one name over both API processes: exactly one wins", {
  timeout: LONG,
}, async () => {
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) =>
      (i % 2 === 0 ? fc1 : fc2).send(
        new CreateDatasetGroupCommand({ DatasetGroupName: "race", Domain: "RETAIL" }),
      ),
    ),
  );
  const won = results.filter((r) => r.status === "fulfilled");
  const lost = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
  assert.equal(won.length, 1);
  assert.equal(lost.length, 49);
  for (const r of lost) assert.equal((r.reason as Error).name, "ResourceAlreadyExistsException");
});

test("kill -9 of an API process: clients of the other keep working", { timeout: LONG }, async () => {
  await cluster.apis[1]?.kill("SIGKILL");
  await assert.rejects(fc2.send(new ListDatasetGroupsCommand({})));
  const groups = await fc1.send(new ListDatasetGroupsCommand({}));
  assert.ok(groups.DatasetGroups?.some((g) => g.DatasetGroupName === "scale_out"));
  const created = await fc1.send(
    new CreateDatasetGroupCommand({ DatasetGroupName: "after_kill", Domain: "RETAIL" }),
  );
  assert.ok(created.DatasetGroupArn);
});

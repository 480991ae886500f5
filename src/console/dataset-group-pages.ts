import type { RequestContext } from "../resources/context.js";
import { formatEpoch, type Html, html, page, statusCell } from "./html.js";
import { call, callIfFound, listUpTo } from "./resource-reads.js";
import type { ConsoleSession } from "./session-token.js";

type Answer = Record<string, unknown>;

/** How many resources a list page shows (newest first), and import jobs per dataset on a group's page. */
export const MAX_LISTED = 500;
const MAX_IMPORTS_SHOWN = 20;

/** The account's dataset groups, each linking to its page. */
export async function datasetGroupListPage(ctx: RequestContext, session: ConsoleSession): Promise<string> {
  const { items, truncated } = await listUpTo(ctx, "ListDatasetGroups", "DatasetGroups", {}, MAX_LISTED);
  // The list answer has no domain; a describe per row is cheap (one store read each).
  const rows: Html[] = [];
  for (const g of items) {
    const d = await call(ctx, "DescribeDatasetGroup", { DatasetGroupArn: g.DatasetGroupArn });
    rows.push(html`<tr data-resource="${String(g.DatasetGroupName)}">
<td><a href="/console/dataset-groups/${encodeURIComponent(String(g.DatasetGroupName))}">${String(g.DatasetGroupName)}</a></td>
<td>${String(d.Domain ?? "")}</td><td class="num">${((d.DatasetArns as unknown[]) ?? []).length}</td>
<td>${statusCell(d.Status)}</td><td>${formatEpoch(g.CreationTime)}</td></tr>`);
  }
  const body = html`<h1>Dataset groups</h1><section>${
    items.length === 0
      ? html`<p class="note">This account has no dataset groups in ${session.region}.</p>`
      : html`<table><thead><tr><th>Name</th><th>Domain</th><th class="num">Datasets</th><th>Status</th><th>Created</th></tr></thead>
<tbody>${rows}</tbody></table>`
  }${truncated ? html`<p class="note">Only the newest ${items.length} are listed.</p>` : ""}</section>`;
  return page({ title: "Dataset groups", signedIn: session, body });
}

/** One dataset group: its datasets with their schema, and each dataset's import jobs with FieldStatistics. */
export async function datasetGroupPage(
  ctx: RequestContext,
  session: ConsoleSession,
  arn: string,
): Promise<string | undefined> {
  const group = await callIfFound(ctx, "DescribeDatasetGroup", { DatasetGroupArn: arn });
  if (!group) return undefined;
  const sections: Html[] = [];
  for (const datasetArn of (group.DatasetArns as string[] | undefined) ?? []) {
    const dataset = await callIfFound(ctx, "DescribeDataset", { DatasetArn: datasetArn });
    if (dataset) sections.push(await datasetSection(ctx, dataset));
  }
  const name = String(group.DatasetGroupName);
  const body = html`<p class="note"><a href="/console/dataset-groups">Dataset groups</a> › ${name}</p>
<h1>${name}</h1>
<section><dl><dt>ARN</dt><dd>${arn}</dd><dt>Domain</dt><dd>${String(group.Domain ?? "")}</dd>
<dt>Status</dt><dd>${statusCell(group.Status)}</dd><dt>Created</dt><dd>${formatEpoch(group.CreationTime)}</dd></dl>
<p class="note"><a href="/console/predictors">Predictors</a> trained on it are listed with their dataset group.</p></section>
${sections.length === 0 ? html`<section><p class="note">This dataset group has no datasets yet.</p></section>` : sections}`;
  return page({ title: name, signedIn: session, body });
}

async function datasetSection(ctx: RequestContext, dataset: Answer): Promise<Html> {
  const attributes =
    (dataset.Schema as { Attributes?: { AttributeName: string; AttributeType: string }[] } | undefined)
      ?.Attributes ?? [];
  const { items: jobs, truncated } = await listUpTo(
    ctx,
    "ListDatasetImportJobs",
    "DatasetImportJobs",
    { Filters: [{ Key: "DatasetArn", Value: dataset.DatasetArn, Condition: "IS" }] },
    MAX_IMPORTS_SHOWN,
  );
  const imports: Html[] = [];
  for (const j of jobs) {
    const job = await callIfFound(ctx, "DescribeDatasetImportJob", {
      DatasetImportJobArn: j.DatasetImportJobArn,
    });
    if (job) imports.push(importJob(job));
  }
  const name = String(dataset.DatasetName);
  return html`<section data-dataset="${name}"><h2>${name}</h2>
<dl><dt>Type</dt><dd>${String(dataset.DatasetType)}</dd><dt>Frequency</dt><dd>${String(dataset.DataFrequency ?? "")}</dd>
<dt>Schema</dt><dd>${attributes.map((a, i) => html`${i > 0 ? ", " : ""}${a.AttributeName} (${a.AttributeType})`)}</dd>
<dt>Status</dt><dd>${statusCell(dataset.Status)}</dd></dl>
<h3>Import jobs</h3>
${imports.length === 0 ? html`<p class="note">No import jobs.</p>` : imports}
${truncated ? html`<p class="note">The newest ${jobs.length} import jobs are shown.</p>` : ""}</section>`;
}

const STATISTICS = [
  "Count",
  "CountDistinct",
  "CountNull",
  "CountNan",
  "Min",
  "Max",
  "Avg",
  "Stddev",
] as const;

function importJob(job: Answer): Html {
  const stats = Object.entries(
    (job.FieldStatistics as Record<string, Record<string, unknown>> | undefined) ?? {},
  );
  const size = Number(job.DataSize);
  const remaining = job.EstimatedTimeRemainingInMinutes;
  return html`<div class="import-job" data-import="${String(job.DatasetImportJobName)}">
<p><strong>${String(job.DatasetImportJobName)}</strong> · ${statusCell(job.Status, job.Message)}
${remaining !== undefined && job.Status !== "ACTIVE" ? html` · about ${String(remaining)} min left` : ""}
· ${formatEpoch(job.CreationTime)}${Number.isFinite(size) ? html` · ${size.toFixed(6)} GB` : ""}
<br><span class="note">${String((job.DataSource as { S3Config?: { Path?: string } } | undefined)?.S3Config?.Path ?? "")}
· ${String(job.ImportMode ?? "FULL")} · timestamps ${String(job.TimestampFormat ?? "")}</span></p>
${
  stats.length === 0
    ? ""
    : html`<table class="field-statistics"><thead><tr><th>Field</th>${STATISTICS.map((s) => html`<th class="num">${s}</th>`)}</tr></thead>
<tbody>${stats.map(
        ([field, s]) =>
          html`<tr data-field="${field}"><td>${field}</td>${STATISTICS.map(
            (k) => html`<td class="num" data-stat="${k}">${statistic(s[k])}</td>`,
          )}</tr>`,
      )}</tbody></table>`
}</div>`;
}

/** A statistic as shown: numbers (as text, as the API answers them) to 6 significant digits, dates as they are. */
function statistic(value: unknown): string {
  if (value === undefined || value === null) return "";
  const n = Number(value);
  return typeof value === "string" && /^-?\d/.test(value) && Number.isFinite(n) && !/^\d{4}-/.test(value)
    ? String(Number(n.toPrecision(6)))
    : String(value);
}

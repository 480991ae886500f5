import { BACKTEST_EXPORT } from "../resources/backtest-exports.js";
import type { RequestContext } from "../resources/context.js";
import { EXPLAINABILITY_EXPORT } from "../resources/explainability-exports.js";
import { type ExportKind, exportOutputFiles } from "../resources/export-jobs.js";
import { FORECAST_EXPORT } from "../resources/forecast-exports.js";
import { MAX_LISTED } from "./dataset-group-pages.js";
import { arnName, formatEpoch, type Html, html, page, statusCell } from "./html.js";
import { callIfFound, listUpTo } from "./resource-reads.js";
import type { ConsoleSession } from "./session-token.js";

type Answer = Record<string, unknown>;

/** The three kinds of export, with the operations that list and describe them. */
export const EXPORT_KINDS: readonly {
  slug: string;
  title: string;
  spec: ExportKind;
  list: string;
  listMember: string;
  describe: string;
  parentPath: string;
}[] = [
  {
    slug: "forecast",
    title: "Forecast exports",
    spec: FORECAST_EXPORT,
    list: "ListForecastExportJobs",
    listMember: "ForecastExportJobs",
    describe: "DescribeForecastExportJob",
    parentPath: "forecasts",
  },
  {
    slug: "explainability",
    title: "Explainability exports",
    spec: EXPLAINABILITY_EXPORT,
    list: "ListExplainabilityExports",
    listMember: "ExplainabilityExports",
    describe: "DescribeExplainabilityExport",
    parentPath: "explainabilities",
  },
  {
    slug: "backtest",
    title: "Predictor backtest exports",
    spec: BACKTEST_EXPORT,
    list: "ListPredictorBacktestExportJobs",
    listMember: "PredictorBacktestExportJobs",
    describe: "DescribePredictorBacktestExportJob",
    parentPath: "predictors",
  },
];

const pathOf = (d: Answer) =>
  String((d.Destination as { S3Config?: { Path?: string } } | undefined)?.S3Config?.Path ?? "");

/** Every export of the account, by kind, each linking to its page with the files it wrote. */
export async function exportListPage(ctx: RequestContext, session: ConsoleSession): Promise<string> {
  const sections: Html[] = [];
  for (const kind of EXPORT_KINDS) {
    const { items, truncated } = await listUpTo(ctx, kind.list, kind.listMember, {}, MAX_LISTED);
    const rows = items.map((e) => {
      const arn = String(e[kind.spec.arnMember]);
      return html`<tr data-resource="${String(e[kind.spec.nameMember])}">
<td><a href="/console/exports/${kind.slug}?arn=${encodeURIComponent(arn)}">${String(e[kind.spec.nameMember])}</a></td>
<td>${arn.split("/").slice(-2, -1)[0] ?? ""}</td><td>${pathOf(e)}</td>
<td>${statusCell(e.Status, e.Message)}</td><td>${formatEpoch(e.CreationTime)}</td></tr>`;
    });
    sections.push(
      html`<section data-kind="${kind.slug}"><h2>${kind.title}</h2>${
        items.length === 0
          ? html`<p class="note">None.</p>`
          : html`<table><thead><tr><th>Name</th><th>Of</th><th>Destination</th><th>Status</th><th>Created</th></tr></thead><tbody>${rows}</tbody></table>`
      }${truncated ? html`<p class="note">Only the newest ${items.length} are listed.</p>` : ""}</section>`,
    );
  }
  return page({ title: "Exports", signedIn: session, body: html`<h1>Exports</h1>${sections}` });
}

/** One export: its description and the files it wrote, read back from its destination. */
export async function exportPage(
  ctx: RequestContext,
  session: ConsoleSession,
  slug: string,
  arn: string,
): Promise<string | undefined> {
  const kind = EXPORT_KINDS.find((k) => k.slug === slug);
  if (!kind) return undefined;
  const d = await callIfFound(ctx, kind.describe, { [kind.spec.arnMember]: arn });
  if (!d) return undefined;
  const name = String(d[kind.spec.nameMember]);
  const parentArn = String(d[kind.spec.parentArnMember] ?? "");
  let files: Html;
  try {
    const out = await exportOutputFiles(ctx, kind.spec, arn);
    files =
      d.Status !== "ACTIVE"
        ? html`<p class="note">The files are listed once the export is ACTIVE.</p>`
        : html`<table class="export-files"><thead><tr><th>File</th><th class="num">Bytes</th></tr></thead><tbody>${out.files.map(
            (f) =>
              html`<tr data-file="${f.key}"><td>s3://${out.bucket}/${f.key}</td><td class="num">${String(f.size)}</td></tr>`,
          )}</tbody></table>${out.files.length === 0 ? html`<p class="note">No files are at the destination any more.</p>` : ""}`;
  } catch (error) {
    ctx.services.log.warn({ err: error, arn }, "console could not list an export's files");
    files = html`<p class="error">The destination could not be listed; the service log has the details.</p>`;
  }
  const body = html`<p class="note"><a href="/console/exports">Exports</a> › ${name}</p><h1>${name}</h1>
<section><dl><dt>ARN</dt><dd>${arn}</dd>
<dt>Of</dt><dd><a href="/console/${kind.parentPath}/${encodeURIComponent(arnName(parentArn))}">${parentArn}</a></dd>
<dt>Destination</dt><dd>${pathOf(d)}</dd><dt>Format</dt><dd>${String(d.Format ?? "CSV")}</dd>
<dt>Status</dt><dd>${statusCell(d.Status, d.Message)}</dd><dt>Created</dt><dd>${formatEpoch(d.CreationTime)}</dd></dl></section>
<section><h2>Files</h2>${files}</section>`;
  return page({ title: name, signedIn: session, body });
}

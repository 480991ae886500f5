import type { ResourceRecord } from "../store/resource-store.js";
import { formatTime, resourceLabel } from "./explainability-list-page.js";
import { type Html, html, page } from "./html.js";
import { impactChart } from "./impact-chart.js";
import type { ImpactScope, ImpactView } from "./impact-rows.js";
import type { ConsoleSession } from "./session-token.js";

/** What the page can show of the scores: the view, or why there is none. */
export type ImpactState =
  | { kind: "not-active" }
  | { kind: "not-enabled" }
  | { kind: "unreadable" }
  | { kind: "view"; view: ImpactView; selected: number };

/** "item_1" or "item_1 (store=A, region=B)": a series named by its item and dimensions. */
export function seriesLabel(keyNames: readonly string[], series: ImpactScope): string {
  const [item, ...dimensions] = series.key;
  if (dimensions.length === 0) return item ?? "";
  return `${item} (${dimensions.map((d, i) => `${keyNames[i + 1]}=${d}`).join(", ")})`;
}

/** The index of the series to show: the `series` query value when it names one of the listed series, else 0. */
export function selectedSeries(query: unknown, count: number): number {
  const n = Number(query);
  return Number.isInteger(n) && n >= 0 && n < count ? n : 0;
}

/** One explainability: its description and, when ACTIVE with EnableVisualization, a chart per scope. */
export function explainabilityPage(
  session: ConsoleSession,
  record: ResourceRecord,
  state: ImpactState,
): string {
  const config = record.attrs.ExplainabilityConfig as
    | { TimeSeriesGranularity?: string; TimePointGranularity?: string }
    | undefined;
  const resourceArn = String(record.attrs.ResourceArn ?? "");
  const details = html`<section><dl>
<dt>ARN</dt><dd>${record.arn}</dd>
<dt>Resource</dt><dd title="${resourceArn}">${resourceLabel(resourceArn)}</dd>
<dt>Status</dt><dd><span class="status-${record.status}">${record.status}</span>${record.message ? html` · ${record.message}` : ""}</dd>
<dt>Granularity</dt><dd>time series: ${config?.TimeSeriesGranularity ?? "ALL"}, time points: ${config?.TimePointGranularity ?? "ALL"}</dd>
<dt>Visualization</dt><dd>${record.attrs.EnableVisualization === true ? "enabled" : "not enabled"}</dd>
<dt>Created</dt><dd>${formatTime(record.createdAt)}</dd>
</dl></section>`;
  const body = html`<p class="note"><a href="/console/explainabilities">Explainabilities</a> › ${record.name}</p>
<h1>${record.name}</h1>
${details}
${impacts(record, state)}`;
  return page({ title: record.name, signedIn: session, body });
}

function impacts(record: ResourceRecord, state: ImpactState): Html {
  switch (state.kind) {
    case "not-active":
      return html`<section class="impact-message" data-reason="not-active"><h2>Impact scores</h2>
<p class="note">The impact scores are shown once the explainability is ACTIVE; it is ${record.status}.</p></section>`;
    case "not-enabled":
      return html`<section class="impact-message" data-reason="not-enabled"><h2>Impact scores</h2>
<p class="note">Visualization was not enabled for this explainability (it was created with EnableVisualization
false), so the console does not show its impact scores. Export them with CreateExplainabilityExport.</p></section>`;
    case "unreadable":
      return html`<section class="impact-message" data-reason="unreadable"><h2>Impact scores</h2>
<p class="error">The impact scores could not be read; the service log has the details.</p></section>`;
    case "view":
      return charts(state.view, state.selected);
  }
}

const EXPLANATION = "Normalized impact scores from \u22121 to 1: how much each attribute moves the forecast.";

function charts(view: ImpactView, selected: number): Html {
  const overall = view.overall
    ? impactChart(view.overall.impacts, {
        scope: "overall",
        caption: "Normalized impact scores of every attribute over all series",
      })
    : html`<p class="note">The impact file has no overall aggregate row.</p>`;
  const series = view.series[selected];
  const options = view.series.map(
    (s, i) =>
      html`<option value="${i}"${i === selected ? html` selected` : ""}>${seriesLabel(view.keyNames, s)}</option>`,
  );
  const more =
    view.seriesCount > view.series.length
      ? html`<p class="note">The first ${view.series.length} of ${view.seriesCount} series can be chosen here; export the explainability for all of them.</p>`
      : "";
  const one = series
    ? html`<form method="get" class="series-form"><label for="series">Time series</label>
<select id="series" name="series">${options}</select><button type="submit">Show</button></form>
${more}
${impactChart(series.impacts, {
  scope: "series",
  caption: `Normalized impact scores of every attribute for ${seriesLabel(view.keyNames, series)}`,
})}`
    : html`<p class="note">No series was explained.</p>`;
  return html`<section><h2>Impact scores: all time series</h2>
<p class="note">${EXPLANATION} Aggregated over every explained series and time point.</p>
${overall}</section>
<section><h2>Impact scores: one time series</h2>
<p class="note">${EXPLANATION} Aggregated over the series' explained time points.</p>
${one}</section>`;
}

import type { SeriesSearchResult } from "../resources/series-search.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { formatTime, resourceLabel } from "./explainability-list-page.js";
import { type Html, html, page } from "./html.js";
import { impactChart } from "./impact-chart.js";
import type { ImpactScope, ImpactView, SeriesImpacts } from "./impact-rows.js";
import { seriesPicker } from "./series-picker.js";
import type { ConsoleSession } from "./session-token.js";

/** What the page can show of the scores: the view, or why there is none. */
export type ImpactState =
  | { kind: "not-active" }
  | { kind: "not-enabled" }
  | { kind: "unreadable" }
  | {
      kind: "view";
      view: ImpactView;
      /** The series search: its text and the page of matches. */
      query: string;
      search: SeriesSearchResult;
      /** The chosen series' rows (the first match when none was chosen), when there is one. */
      series?: SeriesImpacts | undefined;
      /** The chosen time point of that series, when one was chosen and explained. */
      timePoint?: string | undefined;
      noAttributeReason?: string | undefined;
    };

/** "item_1" or "item_1 (store=A, region=B)": a series named by its item and dimensions. */
export function seriesLabel(keyNames: readonly string[], series: ImpactScope): string {
  const [item, ...dimensions] = series.key;
  if (dimensions.length === 0) return item ?? "";
  return `${item} (${dimensions.map((d, i) => `${keyNames[i + 1]}=${d}`).join(", ")})`;
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
      return charts(state, record);
  }
}

/** What an aggregate bar means (docs/decisions.md, "Aggregation"; explain/aggregate-impacts.ts). */
const LEGEND = html`<div class="impact-legend" data-legend="aggregate">
<p><strong>How to read the bars.</strong> Each bar is one attribute's impact on the forecast over the scope.
Its <em>length</em> is the attribute's mean absolute impact (the Shapley values of the explained time points, in
the target's units) divided by the largest attribute's, so a bar twice as long means twice the impact on the
forecast values. Its <em>colour</em> says which way the attribute pushes the forecast:
<span class="raises">blue, to the right: raises it</span>; <span class="lowers">red, to the left: lowers it</span>.</p>
<p>For a numeric attribute (a related time series such as price, or a numeric item field) the direction is that of
its effect as its value rises: red for price means a higher price lowers the forecast. For a categorical item
field it is the effect of a value other than the most common one, and for a holiday calendar the effect on
holidays. The exported RawImpactScore of these Aggregate rows is the signed mean absolute impact; the scores of
single time points stay exact Shapley values, which add up to the forecast minus its value with every attribute
at its baseline.</p></div>`;

const EXPLANATION =
  "Normalized impact scores from \u22121 to 1: how much each attribute moves the forecast, and which way.";

/** The note on series whose forecast uses no attribute (their scores are empty in the export, not 0). */
function attributeUseNote(record: ResourceRecord): Html | string {
  const message = record.attrs.AttributeUseMessage;
  return typeof message === "string"
    ? html`<p class="note no-attribute" data-note="attribute-use">${message}</p>`
    : "";
}

function charts(state: Extract<ImpactState, { kind: "view" }>, record: ResourceRecord): Html {
  const { view, series, timePoint, noAttributeReason } = state;
  const overall = !view.overall
    ? html`<p class="note">The impact file has no overall aggregate row.</p>`
    : !view.overall.usesAttributes
      ? html`<p class="note no-attribute" data-reason="no-attribute">No explained series uses an attribute, so there is no impact to show.</p>`
      : impactChart(view.overall.impacts, {
          scope: "overall",
          caption: "Normalized impact scores of every attribute over all series",
        });
  const basePath = `/console/explainabilities/${encodeURIComponent(record.name)}`;
  const picker = seriesPicker({
    basePath,
    result: state.search,
    query: state.query,
    selected: series?.aggregate.key,
  });
  return html`<section><h2>Impact scores: all time series</h2>
<p class="note">${EXPLANATION} Aggregated over every explained series and time point.</p>
${attributeUseNote(record)}
${overall}
${LEGEND}</section>
<section><h2>Impact scores: one time series</h2>
<p class="note">${EXPLANATION} Aggregated over the series' explained time points, or at one time point.</p>
${picker}
${series ? oneSeries(view, series, timePoint, noAttributeReason, basePath, state.query) : html`<p class="note">No series was explained${state.query ? " that matches the search" : ""}.</p>`}</section>`;
}

/** The chosen series: a time point menu (all explained points together, or one) and its chart. */
function oneSeries(
  view: ImpactView,
  series: SeriesImpacts,
  timePoint: string | undefined,
  noAttributeReason: string | undefined,
  basePath: string,
  query: string,
): Html {
  const label = seriesLabel(view.keyNames, series.aggregate);
  if (!series.aggregate.usesAttributes) {
    return html`<p class="note no-attribute" data-reason="no-attribute">The forecast of ${label} uses no attribute${noAttributeReason ? html`: ${noAttributeReason}` : ""}. Its impact scores are empty in the export, not 0: no attribute moves this forecast.</p>`;
  }
  const point = series.timePoints.find((p) => p.timestamp === timePoint);
  const options = [
    html`<option value=""${point ? "" : html` selected`}>All explained time points (aggregate)</option>`,
    ...series.timePoints.map(
      (p) =>
        html`<option value="${p.timestamp}"${p === point ? html` selected` : ""}>${p.timestamp}</option>`,
    ),
  ];
  const menu = html`<form method="get" class="series-form" action="${basePath}"><input type="hidden" name="q" value="${query}">
<input type="hidden" name="key" value="${JSON.stringify(series.aggregate.key)}">
<label for="time-point">Time point</label><select id="time-point" name="at">${options}</select><button type="submit">Show</button>
<span class="note" data-time-points="${series.timePoints.length}">${series.timePoints.length} explained time points</span></form>`;
  const chart = point
    ? impactChart(point.impacts, {
        scope: "time-point",
        caption: `Impact of every attribute on the forecast of ${label} at ${point.timestamp}, relative to the largest at that point (the raw Shapley values in the tooltips)`,
      })
    : impactChart(series.aggregate.impacts, {
        scope: "series",
        caption: `Normalized impact scores of every attribute for ${label}`,
      });
  return html`<h3 data-selected-series="${JSON.stringify(series.aggregate.key)}">${label}</h3>${menu}${chart}${
    point
      ? html`<p class="note" data-time-point="${point.timestamp}">At ${point.timestamp}: bars are the attributes' Shapley values (in the target's units, shown in each bar's tooltip) divided by the largest magnitude at this time point, so the longest bar is ±1; together the raw values add up to the forecast minus its value with every attribute at its baseline.</p>`
      : ""
  }`;
}

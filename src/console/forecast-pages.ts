import type { RequestContext } from "../resources/context.js";
import {
  forecastSeriesView,
  type SeriesForecastView,
  searchForecastSeries,
  seriesText,
} from "../resources/series-search.js";
import { MAX_LISTED } from "./dataset-group-pages.js";
import { arnName, formatEpoch, type Html, html, page, statusCell, trusted } from "./html.js";
import { callIfFound, listUpTo } from "./resource-reads.js";
import { parseSeriesKey, searchOffset, searchQuery, seriesPicker } from "./series-picker.js";
import type { ConsoleSession } from "./session-token.js";

/** The account's forecasts, each linking to its page. */
export async function forecastListPage(ctx: RequestContext, session: ConsoleSession): Promise<string> {
  const { items, truncated } = await listUpTo(ctx, "ListForecasts", "Forecasts", {}, MAX_LISTED);
  const rows = items.map(
    (f) => html`<tr data-resource="${String(f.ForecastName)}">
<td><a href="/console/forecasts/${encodeURIComponent(String(f.ForecastName))}">${String(f.ForecastName)}</a></td>
<td><a href="/console/predictors/${encodeURIComponent(arnName(f.PredictorArn))}">${arnName(f.PredictorArn)}</a></td>
<td>${statusCell(f.Status, f.Message)}</td><td>${formatEpoch(f.CreationTime)}</td></tr>`,
  );
  const body = html`<h1>Forecasts</h1><section>${
    items.length === 0
      ? html`<p class="note">This account has no forecasts in ${session.region}.</p>`
      : html`<table><thead><tr><th>Name</th><th>Predictor</th><th>Status</th><th>Created</th></tr></thead>
<tbody>${rows}</tbody></table>`
  }${truncated ? html`<p class="note">Only the newest ${items.length} are listed.</p>` : ""}</section>`;
  return page({ title: "Forecasts", signedIn: session, body });
}

/** The band the chart shades: the lowest and the highest quantile of the forecast (p10 and p90 by default). */
export function bandOf(types: readonly string[]): [string, string] | undefined {
  const quantiles = types
    .filter((t) => /^p\d+$/.test(t))
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  return quantiles.length >= 2
    ? [quantiles[0] as string, quantiles[quantiles.length - 1] as string]
    : undefined;
}

/** JSON for a `<script type="application/json">` block: `<` escaped so that no text can end the element. */
function jsonBlock(value: unknown): Html {
  return trusted(JSON.stringify(value).replaceAll("<", "\\u003c"));
}

/**
 * One forecast: its description, the series search and the chart of the chosen series (the first match when
 * none is chosen): history, the band between the lowest and highest quantile, the other forecast types.
 */
export async function forecastPage(
  ctx: RequestContext,
  session: ConsoleSession,
  arn: string,
  query: Record<string, unknown>,
): Promise<string | undefined> {
  const forecast = await callIfFound(ctx, "DescribeForecast", { ForecastArn: arn });
  if (!forecast) return undefined;
  const name = String(forecast.ForecastName);
  const types = (forecast.ForecastTypes as string[] | undefined) ?? [];
  let content: Html;
  let chart = false;
  if (forecast.Status !== "ACTIVE") {
    content = html`<section><p class="note">The chart is shown once the forecast is ACTIVE.</p></section>`;
  } else {
    const q = searchQuery(query.q);
    const result = await searchForecastSeries(ctx, arn, q, searchOffset(query.offset));
    // A search lists its matches to choose from; without one the first series is drawn right away.
    const chosen = parseSeriesKey(query.key, result.keyNames.length) ?? (q ? undefined : result.series[0]);
    const view = chosen ? await forecastSeriesView(ctx, arn, chosen) : undefined;
    chart = view !== undefined;
    const basePath = `/console/forecasts/${encodeURIComponent(name)}`;
    content = html`<section><h2>Time series</h2>${seriesPicker({ basePath, result, query: q, selected: view?.key })}</section>
${view ? chartSection(view) : html`<section><p class="note" data-no-chart>${chosen ? "This forecast has no such series." : result.series.length > 0 ? "Choose a series above to see its chart." : "No series to show."}</p></section>`}`;
  }
  const body = html`<p class="note"><a href="/console/forecasts">Forecasts</a> › ${name}</p>
<h1>${name}</h1>
<section><dl><dt>ARN</dt><dd>${arn}</dd>
<dt>Predictor</dt><dd><a href="/console/predictors/${encodeURIComponent(arnName(forecast.PredictorArn))}">${arnName(forecast.PredictorArn)}</a></dd>
<dt>Status</dt><dd>${statusCell(forecast.Status, forecast.Message)}</dd>
<dt>Forecast types</dt><dd>${types.join(", ")}</dd>
<dt>Created</dt><dd>${formatEpoch(forecast.CreationTime)}</dd></dl></section>
${content}`;
  return page({
    title: name,
    signedIn: session,
    body,
    // A list of search results draws nothing: no script to fetch.
    ...(chart ? { scripts: ["forecast-chart.js"], styles: ["uplot.css"] } : {}),
  });
}

function chartSection(view: SeriesForecastView): Html {
  const band = bandOf(view.types);
  const label = seriesText(view.keyNames, view.key);
  return html`<section><h2>${label}</h2>
<div id="forecast-chart" class="forecast-chart" data-series="${JSON.stringify(view.key)}"
  data-history-points="${view.history.time.length}" data-forecast-points="${view.forecast.time.length}"
  data-band="${band ? band.join(",") : ""}" role="img" aria-label="History and forecast of ${label}"></div>
<script type="application/json" id="forecast-data">${jsonBlock({ ...view, band })}</script>
<p class="chart-legend">Black: the history (the target summed per timestamp${view.historyCut ? ", its most recent points" : ""}).
${band ? html`Shaded: from ${band[0]} to ${band[1]}, the range the forecast expects the value in with ${String(Number(band[1].slice(1)) - Number(band[0].slice(1)))}% probability. ` : ""}
${view.types.includes("p50") ? "Blue: p50, the median. " : ""}${view.types.includes("mean") ? "Orange, dashed: the mean. " : ""}
All times are the data's own wall-clock times.</p></section>`;
}

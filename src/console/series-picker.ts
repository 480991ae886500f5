import {
  MAX_SEARCH_LENGTH,
  SEARCH_PAGE_SIZE,
  type SeriesSearchResult,
  seriesText,
} from "../resources/series-search.js";
import { type Html, html } from "./html.js";

/** The longest `key` query value taken (a JSON list of the series' key values). */
const MAX_KEY_LENGTH = 2_000;

/** The series a page's `key` query names: a JSON list of strings of the right length, else undefined. */
export function parseSeriesKey(value: unknown, width: number): string[] | undefined {
  if (typeof value !== "string" || value.length > MAX_KEY_LENGTH) return undefined;
  try {
    const key = JSON.parse(value) as unknown;
    return Array.isArray(key) && key.length === width && key.every((k) => typeof k === "string")
      ? (key as string[])
      : undefined;
  } catch {
    return undefined;
  }
}

/** The search text of a page's `q`: a string, cut to the longest search taken. */
export function searchQuery(value: unknown): string {
  return typeof value === "string" ? value.slice(0, MAX_SEARCH_LENGTH) : "";
}

/** A page's `offset`: a non-negative integer, else 0. */
export function searchOffset(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** `?q=…&offset=…&key=…` (and any extra parameters) for a link back to the same page. */
function link(basePath: string, params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") search.set(k, String(v));
  const text = search.toString();
  return text ? `${basePath}?${text}` : basePath;
}

/**
 * The series search: a form (item id and dimension values, every word must occur), the page of matches as links
 * that choose a series, and previous/next links. The search runs on the server over every series of the file.
 */
export function seriesPicker(opts: {
  basePath: string;
  result: SeriesSearchResult;
  query: string;
  selected: readonly string[] | undefined;
  /** Other parameters the links keep (e.g. the chosen time point). */
  keep?: Record<string, string | undefined>;
}): Html {
  const { basePath, result, query, selected } = opts;
  const selectedJson = selected ? JSON.stringify(selected) : undefined;
  const items = result.series.map((key) => {
    const json = JSON.stringify(key);
    const href = link(basePath, { q: query, offset: result.offset, key: json, ...opts.keep });
    return html`<li><a href="${href}" data-series="${json}"${json === selectedJson ? html` class="selected" aria-current="true"` : ""}>${seriesText(result.keyNames, key)}</a></li>`;
  });
  const from = result.matches === 0 ? 0 : result.offset + 1;
  const to = result.offset + result.series.length;
  const previous =
    result.offset > 0
      ? html`<a rel="prev" href="${link(basePath, { q: query, offset: Math.max(0, result.offset - SEARCH_PAGE_SIZE), key: selectedJson, ...opts.keep })}">← previous</a>`
      : "";
  const next =
    to < result.matches
      ? html`<a rel="next" href="${link(basePath, { q: query, offset: result.offset + SEARCH_PAGE_SIZE, key: selectedJson, ...opts.keep })}">next →</a>`
      : "";
  return html`<form method="get" class="search-form" action="${basePath}" role="search">
<label for="series-search">Find a time series</label>
<input type="search" id="series-search" name="q" value="${query}" maxlength="${MAX_SEARCH_LENGTH}" placeholder="item id or dimension value">
<button type="submit">Search</button></form>
<p class="note" data-matches="${result.matches}" data-total="${result.total}">${
    query ? `${result.matches} of ${result.total} series match "${query}"` : `${result.total} series`
  }${result.matches > 0 ? `; showing ${from}–${to}` : ""}.</p>
<ul class="series-results">${items}</ul>
<div class="pager">${previous}${next}</div>`;
}

import { assetUrl, inlineStyle } from "./assets.js";

/** Text made safe for HTML and inline SVG, in element content and in quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A value already escaped (or built only from escaped parts), so the layout can tell it from raw text. */
export interface Html {
  readonly html: string;
}

export const trusted = (html: string): Html => ({ html });

/**
 * A tagged template that escapes every interpolated value unless it is already `Html` (or a list of them), so
 * that forgetting to escape takes effort rather than the other way round.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] as string;
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] as string);
  });
  return { html: out };
}

function render(value: unknown): string {
  if (Array.isArray(value)) return value.map(render).join("");
  if (value && typeof value === "object" && "html" in value) return String((value as Html).html);
  if (value === undefined || value === null || value === false) return "";
  return escapeHtml(value);
}

// Kept inline: the console loads nothing from elsewhere (its Content-Security-Policy forbids it).
const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #16191f;
  background: #f2f3f3; }
header { background: #232f3e; color: #fff; padding: 10px 24px; display: flex; align-items: center; gap: 16px; }
header a { color: #fff; text-decoration: none; font-weight: 600; }
header nav { display: flex; gap: 14px; }
header nav a { font-weight: 400; color: #d5dbdb; font-size: 14px; }
header .who { margin-left: auto; font-size: 13px; color: #d5dbdb; }
header form { margin: 0; }
header button { background: none; border: 1px solid #879596; color: #fff; border-radius: 2px; padding: 3px 10px;
  cursor: pointer; }
main { padding: 20px 24px; max-width: 1100px; }
h1 { font-size: 22px; margin: 0 0 16px; }
h2 { font-size: 17px; margin: 0 0 8px; }
section, .panel { background: #fff; border: 1px solid #d5dbdb; border-radius: 4px; padding: 16px 20px;
  margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #eaeded; vertical-align: top; }
th { background: #fafafa; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 20px; margin: 0; font-size: 14px; }
dt { color: #545b64; }
dd { margin: 0; word-break: break-all; }
a { color: #0073bb; }
.status-ACTIVE { color: #1d8102; font-weight: 600; }
.status-CREATE_FAILED { color: #d13212; font-weight: 600; }
.note { color: #545b64; font-size: 14px; }
.error { color: #d13212; font-weight: 600; }
label { display: block; margin: 10px 0 4px; font-size: 14px; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 6px 8px; font-size: 14px;
  border: 1px solid #aab7b8; border-radius: 2px; }
.signin { max-width: 420px; margin: 40px auto; }
.primary { margin-top: 16px; background: #ec7211; border: 1px solid #ec7211; color: #fff; font-weight: 600;
  padding: 6px 18px; border-radius: 2px; cursor: pointer; }
.series-form { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; font-size: 14px; }
.series-form label { display: inline; margin: 0; }
.series-form select { font-size: 14px; padding: 3px; max-width: 480px; }
svg.impact-chart { display: block; max-width: 100%; height: auto; }
.no-attribute { background: #f1faff; border-left: 4px solid #0073bb; padding: 8px 12px; color: #16191f; }
.status-CREATE_IN_PROGRESS, .status-CREATE_PENDING { color: #0073bb; font-weight: 600; }
.search-form { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; font-size: 14px; }
.search-form input[type=search] { width: 320px; padding: 4px 8px; font-size: 14px; }
.search-form label { display: inline; margin: 0; }
ul.series-results { list-style: none; padding: 0; margin: 6px 0; columns: 2; font-size: 14px; }
ul.series-results li { padding: 2px 0; }
ul.series-results a.selected { font-weight: 700; color: #16191f; }
.pager { display: flex; gap: 12px; font-size: 14px; }
.forecast-chart { width: 100%; min-height: 360px; }
.chart-legend { font-size: 13px; color: #545b64; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.impact-legend { font-size: 13px; color: #545b64; border-top: 1px solid #eaeded; margin-top: 12px; }
.impact-legend .raises { color: #1f77b4; font-weight: 600; }
.impact-legend .lowers { color: #d62728; font-weight: 600; }
`;

/** The console's sections, in the order of the workflow. */
const NAV = html`<nav>${[
  ["dataset-groups", "Dataset groups"],
  ["predictors", "Predictors"],
  ["forecasts", "Forecasts"],
  ["explainabilities", "Explainabilities"],
  ["exports", "Exports"],
].map(([path, label]) => html`<a href="/console/${path}">${label}</a>`)}</nav>`;

/** A resource's status, coloured, with its message when it has one. */
export function statusCell(status: unknown, message?: unknown): Html {
  return html`<span class="status status-${String(status)}" data-status="${String(status)}">${String(status)}</span>${
    message ? html`<div class="note">${String(message)}</div>` : ""
  }`;
}

/** An API time (seconds since the epoch, as the handlers answer) in UTC. */
export function formatEpoch(seconds: unknown): string {
  const n = Number(seconds);
  return Number.isFinite(n) && n > 0
    ? `${new Date(n * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`
    : "";
}

/** The last part of an ARN: a resource's name. */
export function arnName(arn: unknown): string {
  return (
    String(arn ?? "")
      .split("/")
      .pop() ?? ""
  );
}

/** A whole console page: the top bar (with the signed-in account and a sign-out button) and the content. */
export function page(opts: {
  title: string;
  signedIn?: { accountId: string; region: string };
  body: Html;
  /** Scripts of /console/assets the page loads, and style sheets it carries inline (its chart's). */
  scripts?: readonly string[];
  styles?: readonly string[];
}): string {
  // Scripts are deferred from the head: fetched while the page is still arriving, run in order once it is parsed.
  const head = html`${(opts.scripts ?? []).map((s) => html`<script defer src="${assetUrl(s)}"></script>`)}`;
  const css = [STYLE, ...(opts.styles ?? []).map(inlineStyle)].join("\n");
  const who = opts.signedIn
    ? html`<span class="who">Account ${opts.signedIn.accountId} · ${opts.signedIn.region}</span>
        <form method="post" action="/console/sign-out"><button type="submit">Sign out</button></form>`
    : html``;
  return `<!doctype html>
${
  html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · OpenForecast console</title>${head}<style>${trusted(css)}</style></head>
<body><header><a href="/console/dataset-groups">OpenForecast console</a>${opts.signedIn ? NAV : ""}${who}</header>
<main>${opts.body}</main></body></html>`.html
}
`;
}

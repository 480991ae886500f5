import { type Html, html } from "./html.js";
import type { AttributeImpact } from "./impact-rows.js";

/** The colours of Amazon's console (and matplotlib's first two): blue raises the forecast, red lowers it. */
export const RAISES_COLOUR = "#1f77b4";
export const LOWERS_COLOUR = "#d62728";
export const NO_IMPACT_COLOUR = "#7f7f7f";

// Geometry in SVG units; the drawing scales to the page width.
const WIDTH = 760;
const LABEL_RIGHT = 196;
const PLOT_LEFT = 210;
const PLOT_WIDTH = 440;
const ZERO_X = PLOT_LEFT + PLOT_WIDTH / 2;
const HALF = PLOT_WIDTH / 2;
const VALUE_LEFT = PLOT_LEFT + PLOT_WIDTH + 14;
const LEGEND_HEIGHT = 30;
const ROW_HEIGHT = 30;
const BAR_HEIGHT = 18;
const AXIS_HEIGHT = 28;
const TICKS = [-1, -0.5, 0, 0.5, 1];
const MAX_LABEL = 26;

export function impactColour(normalized: number): string {
  if (normalized > 0) return RAISES_COLOUR;
  if (normalized < 0) return LOWERS_COLOUR;
  return NO_IMPACT_COLOUR;
}

/** A score as the page shows it: three decimals, with a true minus sign. */
export function formatScore(value: number): string {
  const text = value.toFixed(3);
  return text.startsWith("-") ? `\u2212${text.slice(1)}` : text;
}

/** An axis tick: −1, −0.5, 0, 0.5, 1. */
function formatTick(value: number): string {
  return value < 0 ? `\u2212${-value}` : String(value);
}

/**
 * One scope's normalized impact scores as an inline SVG bar chart on a −1..1 axis: one horizontal bar per
 * attribute from the zero line, right and blue when the attribute raises the forecast, left and red when it
 * lowers it, the strongest first. Each bar carries its attribute and exact value as data attributes (and a
 * tooltip with the raw score), so that tests and assistive tools need not measure pixels.
 */
export function impactChart(
  impacts: readonly AttributeImpact[],
  opts: { scope: string; caption: string },
): Html {
  const rows = [...impacts].sort(
    (a, b) => Math.abs(b.normalized) - Math.abs(a.normalized) || a.attribute.localeCompare(b.attribute),
  );
  const plotTop = LEGEND_HEIGHT;
  const plotBottom = plotTop + rows.length * ROW_HEIGHT;
  const height = plotBottom + AXIS_HEIGHT;
  const grid = TICKS.map((t) => {
    const x = ZERO_X + t * HALF;
    return html`<line class="${t === 0 ? "zero-line" : "grid-line"}" x1="${x}" y1="${plotTop - 4}" x2="${x}" y2="${plotBottom}" stroke="${t === 0 ? "#545b64" : "#e1e4e8"}" stroke-width="${t === 0 ? 1.5 : 1}"/>
<text x="${x}" y="${plotBottom + 18}" text-anchor="middle" class="tick">${formatTick(t)}</text>`;
  });
  const bars = rows.map((impact, i) => {
    const v = impact.normalized;
    const clamped = Math.max(-1, Math.min(1, v));
    // A tiny but nonzero score still shows a sliver of its colour.
    const length = v === 0 ? 0 : Math.max(1, Math.abs(clamped) * HALF);
    const x = clamped < 0 ? ZERO_X - length : ZERO_X;
    const y = plotTop + i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    const textY = plotTop + i * ROW_HEIGHT + ROW_HEIGHT / 2 + 5;
    const label =
      impact.attribute.length > MAX_LABEL
        ? `${impact.attribute.slice(0, MAX_LABEL - 1)}\u2026`
        : impact.attribute;
    const effect = v > 0 ? "raises" : v < 0 ? "lowers" : "does not change";
    return html`<g class="impact-row" data-attribute="${impact.attribute}">
<title>${impact.attribute}: normalized ${formatScore(v)}, raw ${impact.raw.toPrecision(4)} (signed mean absolute impact in the target's units; ${effect} the forecast)</title>
<text x="${LABEL_RIGHT}" y="${textY}" text-anchor="end" class="attribute">${label}</text>
<rect class="impact-bar" data-attribute="${impact.attribute}" data-normalized="${String(v)}" x="${x.toFixed(2)}" y="${y}" width="${length.toFixed(2)}" height="${BAR_HEIGHT}" fill="${impactColour(v)}"/>
<text x="${VALUE_LEFT}" y="${textY}" class="impact-value">${formatScore(v)}</text>
</g>`;
  });
  const legend = html`<g class="legend">
<rect x="${PLOT_LEFT}" y="8" width="12" height="12" fill="${RAISES_COLOUR}"/>
<text x="${PLOT_LEFT + 18}" y="18">raises the forecast</text>
<rect x="${PLOT_LEFT + 170}" y="8" width="12" height="12" fill="${LOWERS_COLOUR}"/>
<text x="${PLOT_LEFT + 188}" y="18">lowers the forecast</text>
</g>`;
  return html`<svg class="impact-chart" data-scope="${opts.scope}" role="img" aria-label="${opts.caption}"
 viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg"
 font-family="system-ui, sans-serif" font-size="13" fill="#16191f">
<style>.tick { font-size: 11px; fill: #545b64; } .legend text { font-size: 12px; fill: #545b64; }
.impact-value { font-variant-numeric: tabular-nums; }</style>
${legend}${grid}${bars}
</svg>`;
}

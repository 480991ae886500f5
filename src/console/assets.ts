import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { FORECAST_CHART_SCRIPT } from "./forecast-chart-script.js";

const require = createRequire(import.meta.url);

const readDependency = (file: string): string => readFileSync(require.resolve(file), "utf8");

/**
 * What /console/assets serves: the forecast chart as one script, uPlot (MIT, ~51 kB minified; an npm dependency,
 * read from node_modules, its licence comment kept) followed by the chart's own code: one request, not two. A
 * fixed table: the requested name is looked up, never turned into a path.
 */
const ASSETS: Record<string, { type: string; load: () => string }> = {
  "forecast-chart.js": {
    type: "text/javascript; charset=utf-8",
    load: () => `${readDependency("uplot/dist/uPlot.iife.min.js")}\n${FORECAST_CHART_SCRIPT}`,
  },
};

/**
 * Style sheets pages carry inline, in their `<style>` (the Content-Security-Policy allows inline styles, not
 * scripts): uPlot's 1.9 kB, so that drawing waits for no second request.
 */
const STYLES: Record<string, () => string> = {
  "uplot.css": () => readDependency("uplot/dist/uPlot.min.css"),
};

const loadedStyles = new Map<string, string>();

/** A style sheet's text, to go inside a page's `<style>`; throws for an unknown name (a programming error). */
export function inlineStyle(name: string): string {
  let css = loadedStyles.get(name);
  if (css === undefined) {
    const load = Object.hasOwn(STYLES, name) ? STYLES[name] : undefined;
    if (!load) throw new Error(`no console style sheet named ${name}`);
    css = load();
    // Nothing in it may end the element it goes into.
    if (/<\/style/i.test(css)) throw new Error(`the style sheet ${name} cannot be put inline`);
    loadedStyles.set(name, css);
  }
  return css;
}

export interface ConsoleAsset {
  type: string;
  body: string;
  /** A hash of the body: pages name an asset with it (`?v=`), so a browser may keep it for good. */
  version: string;
}

const loaded = new Map<string, ConsoleAsset>();

/** An asset by its name, read once (a few small files, read synchronously on first use); undefined for any other. */
export function consoleAsset(name: string): ConsoleAsset | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let out = loaded.get(name);
  if (!out) {
    const body = asset.load();
    out = { type: asset.type, body, version: createHash("sha256").update(body).digest("hex").slice(0, 16) };
    loaded.set(name, out);
  }
  return out;
}

/**
 * The URL a page loads an asset by: its version in the query, so that the answer can be cached as immutable
 * (a new release changes the URL) and a repeated page load fetches nothing but its HTML.
 */
export function assetUrl(name: string): string {
  const asset = consoleAsset(name);
  if (!asset) throw new Error(`no console asset named ${name}`);
  return `/console/assets/${name}?v=${asset.version}`;
}

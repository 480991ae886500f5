import fs from "node:fs/promises";
import { createRequire } from "node:module";
import { FORECAST_CHART_SCRIPT } from "./forecast-chart-script.js";

const require = createRequire(import.meta.url);

/**
 * What /console/assets serves: uPlot (MIT, ~51 kB minified; an npm dependency, read from node_modules) and the
 * chart's own script. A fixed table: the requested name is looked up, never turned into a path.
 */
const ASSETS: Record<string, { type: string; load: () => Promise<string> }> = {
  "uplot.js": {
    type: "text/javascript; charset=utf-8",
    load: () => fs.readFile(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
  },
  "uplot.css": {
    type: "text/css; charset=utf-8",
    load: () => fs.readFile(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
  },
  "forecast-chart.js": { type: "text/javascript; charset=utf-8", load: async () => FORECAST_CHART_SCRIPT },
};

const loaded = new Map<string, Promise<string>>();

/** An asset by its name, read once; undefined for any other name. */
export async function consoleAsset(name: string): Promise<{ type: string; body: string } | undefined> {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let body = loaded.get(name);
  if (!body) {
    body = asset.load();
    loaded.set(name, body);
  }
  return { type: asset.type, body: await body };
}

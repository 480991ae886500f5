/**
 * The browser side of the forecast chart, served as /console/assets/forecast-chart.js after uPlot in the same file
 * (the console's Content-Security-Policy allows scripts from its own origin only, never inline). It reads the
 * page's `application/json` data block and draws it with uPlot: the
 * history, the band between the lowest and the highest quantile, the median and the other forecast types. The
 * uPlot instance is left on the container as `uplot`, which the tests read to check what was drawn. Loaded with
 * `defer` after uPlot, so it runs once the page is parsed.
 */
export const FORECAST_CHART_SCRIPT = `"use strict";
(function () {
  var el = document.getElementById("forecast-chart");
  var source = document.getElementById("forecast-data");
  if (!el || !source || typeof uPlot !== "function") return;
  var d = JSON.parse(source.textContent);
  var times = [];
  var seen = {};
  d.history.time.concat(d.forecast.time).forEach(function (t) { if (!seen[t]) { seen[t] = true; times.push(t); } });
  times.sort(function (a, b) { return a - b; });
  var at = {};
  times.forEach(function (t, i) { at[t] = i; });
  function column(ts, vs) {
    var out = times.map(function () { return null; });
    ts.forEach(function (t, i) { out[at[t]] = vs[i]; });
    return out;
  }
  var data = [times.map(function (t) { return t / 1000; })];
  var series = [{}];
  data.push(column(d.history.time, d.history.value));
  series.push({ label: "history", stroke: "#16191f", width: 1.5 });
  var band = d.band;
  var lower = -1;
  var upper = -1;
  d.types.forEach(function (type) {
    data.push(column(d.forecast.time, d.forecast.values[type]));
    var inBand = band && (type === band[0] || type === band[1]);
    if (band && type === band[0]) lower = data.length - 1;
    if (band && type === band[1]) upper = data.length - 1;
    series.push({
      label: type,
      stroke: type === "p50" ? "#1f77b4" : type === "mean" ? "#ec7211" : inBand ? "rgba(31,119,180,0.5)" : "#879596",
      width: type === "p50" || type === "mean" ? 2 : 1,
      dash: type === "mean" ? [6, 4] : undefined,
    });
  });
  var opts = {
    width: Math.max(320, el.clientWidth),
    height: 360,
    series: series,
    scales: { x: { time: true } },
    axes: [{}, { size: 60 }],
    legend: { show: true },
  };
  // uPlot fills between the first series of a band (the upper) and the second (the lower).
  if (lower > 0 && upper > 0) opts.bands = [{ series: [upper, lower], fill: "rgba(31,119,180,0.22)" }];
  var u = new uPlot(opts, data, el);
  el.uplot = u;
  el.dataset.drawn = "true";
  // For timing in the browser (bench/console): when the chart was on the canvas, from the navigation's start.
  if (typeof performance !== "undefined" && performance.mark) performance.mark("forecast-chart-drawn");
})();
`;

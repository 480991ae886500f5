import type { RequestContext } from "../resources/context.js";
import { predictorMembers } from "../resources/predictor-members.js";
import { MAX_LISTED } from "./dataset-group-pages.js";
import { arnName, formatEpoch, type Html, html, page, statusCell } from "./html.js";
import { call, callIfFound, listUpTo } from "./resource-reads.js";
import type { ConsoleSession } from "./session-token.js";

type Answer = Record<string, unknown>;

/** The account's predictors, each linking to its page. */
export async function predictorListPage(ctx: RequestContext, session: ConsoleSession): Promise<string> {
  const { items, truncated } = await listUpTo(ctx, "ListPredictors", "Predictors", {}, MAX_LISTED);
  const rows = items.map(
    (p) => html`<tr data-resource="${String(p.PredictorName)}">
<td><a href="/console/predictors/${encodeURIComponent(String(p.PredictorName))}">${String(p.PredictorName)}</a></td>
<td><a href="/console/dataset-groups/${encodeURIComponent(arnName(p.DatasetGroupArn))}">${arnName(p.DatasetGroupArn)}</a></td>
<td>${p.IsAutoPredictor ? "AutoPredictor" : "legacy"}</td>
<td>${statusCell(p.Status, p.Message)}</td><td>${formatEpoch(p.CreationTime)}</td></tr>`,
  );
  const body = html`<h1>Predictors</h1><section>${
    items.length === 0
      ? html`<p class="note">This account has no predictors in ${session.region}.</p>`
      : html`<table><thead><tr><th>Name</th><th>Dataset group</th><th>Kind</th><th>Status</th><th>Created</th></tr></thead>
<tbody>${rows}</tbody></table>`
  }${truncated ? html`<p class="note">Only the newest ${items.length} are listed.</p>` : ""}</section>`;
  return page({ title: "Predictors", signedIn: session, body });
}

/** One predictor: status and time remaining, accuracy per backtest window, the members chosen and their weights. */
export async function predictorPage(
  ctx: RequestContext,
  session: ConsoleSession,
  arn: string,
): Promise<string | undefined> {
  const legacy = await callIfFound(ctx, "DescribePredictor", { PredictorArn: arn });
  if (!legacy) return undefined;
  const predictor = legacy.IsAutoPredictor
    ? await call(ctx, "DescribeAutoPredictor", { PredictorArn: arn })
    : legacy;
  const name = String(predictor.PredictorName);
  const active = predictor.Status === "ACTIVE";
  const accuracy = active ? await call(ctx, "GetAccuracyMetrics", { PredictorArn: arn }) : undefined;
  const members = active ? await predictorMembers(ctx, arn) : undefined;
  const remaining = predictor.EstimatedTimeRemainingInMinutes;
  const types = (predictor.ForecastTypes as string[] | undefined) ?? [];
  const body = html`<p class="note"><a href="/console/predictors">Predictors</a> › ${name}</p>
<h1>${name}</h1>
<section><dl><dt>ARN</dt><dd>${arn}</dd>
<dt>Dataset group</dt><dd><a href="/console/dataset-groups/${encodeURIComponent(arnName(legacy.DatasetGroupArn ?? (legacy.InputDataConfig as Answer | undefined)?.DatasetGroupArn))}">${arnName(legacy.DatasetGroupArn ?? (legacy.InputDataConfig as Answer | undefined)?.DatasetGroupArn)}</a></dd>
<dt>Status</dt><dd>${statusCell(predictor.Status, predictor.Message)}</dd>
<dt>Time remaining</dt><dd data-field="EstimatedTimeRemainingInMinutes">${
    active ? "done" : remaining === undefined ? "not estimated yet" : `about ${String(remaining)} min`
  }</dd>
<dt>Horizon</dt><dd>${String(predictor.ForecastHorizon ?? "")} × ${String(predictor.ForecastFrequency ?? (legacy.FeaturizationConfig as Answer | undefined)?.ForecastFrequency ?? "")}</dd>
<dt>Forecast types</dt><dd>${types.join(", ")}</dd>
<dt>Optimization metric</dt><dd>${String(predictor.OptimizationMetric ?? accuracy?.OptimizationMetric ?? "")}</dd>
<dt>Created</dt><dd>${formatEpoch(predictor.CreationTime)}</dd></dl></section>
${active ? accuracySection(accuracy as Answer) : html`<section><p class="note">Accuracy metrics and members are shown once the predictor is ACTIVE.</p></section>`}
${members ? membersSection(members) : ""}`;
  return page({ title: name, signedIn: session, body });
}

interface TestWindow {
  TestWindowStart?: number;
  TestWindowEnd?: number;
  ItemCount?: number;
  EvaluationType?: string;
  Metrics?: {
    RMSE?: number;
    AverageWeightedQuantileLoss?: number;
    WeightedQuantileLosses?: { Quantile?: number; LossValue?: number }[];
    ErrorMetrics?: { ForecastType?: string; WAPE?: number; RMSE?: number; MASE?: number; MAPE?: number }[];
  };
}

const fixed = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "" : v.toFixed(4));

function accuracySection(accuracy: Answer): Html {
  const windows =
    (accuracy.PredictorEvaluationResults as { TestWindows?: TestWindow[] }[] | undefined)?.[0]?.TestWindows ??
    [];
  if (windows.length === 0)
    return html`<section><h2>Accuracy</h2><p class="note">No backtest window fitted.</p></section>`;
  const quantiles = [
    ...new Set(windows.flatMap((w) => (w.Metrics?.WeightedQuantileLosses ?? []).map((q) => q.Quantile))),
  ].filter((q): q is number => q !== undefined);
  const metric = (w: TestWindow, k: "WAPE" | "MASE" | "MAPE") => {
    const m = w.Metrics?.ErrorMetrics?.find((e) => e.ForecastType === "mean") ?? w.Metrics?.ErrorMetrics?.[0];
    return fixed(m?.[k]);
  };
  const rows = windows.map(
    (w, i) => html`<tr data-window="${w.EvaluationType === "SUMMARY" ? "summary" : String(i)}">
<td>${w.EvaluationType === "SUMMARY" ? html`<strong>Average</strong>` : html`${formatEpoch(w.TestWindowStart)} – ${formatEpoch(w.TestWindowEnd)}`}</td>
<td class="num">${String(w.ItemCount ?? "")}</td>
<td class="num" data-metric="RMSE">${fixed(w.Metrics?.RMSE)}</td>
<td class="num" data-metric="WAPE">${metric(w, "WAPE")}</td><td class="num" data-metric="MASE">${metric(w, "MASE")}</td>
<td class="num" data-metric="MAPE">${metric(w, "MAPE")}</td>
<td class="num" data-metric="AverageWeightedQuantileLoss">${fixed(w.Metrics?.AverageWeightedQuantileLoss)}</td>
${quantiles.map((q) => html`<td class="num">${fixed(w.Metrics?.WeightedQuantileLosses?.find((l) => l.Quantile === q)?.LossValue)}</td>`)}
</tr>`,
  );
  return html`<section class="accuracy"><h2>Accuracy per backtest window</h2>
<table><thead><tr><th>Window</th><th class="num">Items</th><th class="num">RMSE</th><th class="num">WAPE</th><th class="num">MASE</th><th class="num">MAPE</th><th class="num">Avg wQL</th>${quantiles.map((q) => html`<th class="num">wQL[${String(q)}]</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

function membersSection(members: NonNullable<Awaited<ReturnType<typeof predictorMembers>>>): Html {
  const counts = Object.entries(members.memberCounts).sort((a, b) => b[1] - a[1]);
  return html`<section class="members"><h2>Members chosen</h2>
<p class="note">A series' forecast is the weighted sum of these components' forecasts${members.metric ? html`, the weights chosen by ${members.metric} over the backtest windows` : ""}.</p>
<table><thead><tr><th>Component</th><th class="num">Weight</th></tr></thead><tbody>${members.components.map(
    (c) =>
      html`<tr data-member="${c.name}"><td>${c.name}</td><td class="num" data-weight="${String(c.weight)}">${c.weight.toFixed(3)}</td></tr>`,
  )}</tbody></table>
<h3>Members by the number of series using them (of ${String(members.seriesCount)})</h3>
<table><thead><tr><th>Member</th><th class="num">Series</th></tr></thead><tbody>${counts.map(
    ([m, n]) => html`<tr data-member-count="${m}"><td>${m}</td><td class="num">${String(n)}</td></tr>`,
  )}</tbody></table></section>`;
}

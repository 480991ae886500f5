import { parseArn } from "../resources/arn.js";
import type { RequestContext } from "../resources/context.js";
import { MAX_LISTED } from "./dataset-group-pages.js";
import { formatEpoch, type Html, html, page, statusCell } from "./html.js";
import { call, listUpTo } from "./resource-reads.js";
import type { ConsoleSession } from "./session-token.js";

/** Date and time as the page shows them, in UTC so that every viewer reads the same. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "predictor/my_predictor" from a Forecast ARN; the whole ARN when it is not one. */
export function resourceLabel(arn: string): string {
  const parsed = parseArn(arn);
  return parsed ? `${parsed.kind}/${parsed.names.join("/")}` : arn;
}

/** The caller's explainabilities (its account and region), newest first, each linking to its chart. */
export async function explainabilityListPage(ctx: RequestContext, session: ConsoleSession): Promise<string> {
  const { items, truncated } = await listUpTo(
    ctx,
    "ListExplainabilities",
    "Explainabilities",
    {},
    MAX_LISTED,
  );
  const rows: Html[] = [];
  for (const e of items) {
    // The list answer has no EnableVisualization; Describe has.
    const d = await call(ctx, "DescribeExplainability", { ExplainabilityArn: e.ExplainabilityArn });
    const name = String(e.ExplainabilityName);
    const resourceArn = String(e.ResourceArn ?? "");
    rows.push(html`<tr data-resource="${name}">
<td><a href="/console/explainabilities/${encodeURIComponent(name)}">${name}</a></td>
<td title="${resourceArn}">${resourceLabel(resourceArn)}</td>
<td>${statusCell(e.Status, e.Message)}</td>
<td>${d.EnableVisualization === true ? "Yes" : "No"}</td>
<td>${formatEpoch(e.CreationTime)}</td>
</tr>`);
  }
  const body = html`<h1>Explainabilities</h1>
<section>
${
  items.length === 0
    ? html`<p class="note">This account has no explainabilities in ${session.region}.</p>`
    : html`<table><thead><tr><th>Name</th><th>Resource</th><th>Status</th><th>Visualization</th><th>Created</th></tr></thead>
<tbody>${rows}</tbody></table>`
}
${truncated ? html`<p class="note">Only the newest ${items.length} are listed.</p>` : ""}
</section>`;
  return page({ title: "Explainabilities", signedIn: session, body });
}

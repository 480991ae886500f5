import { parseArn } from "../resources/arn.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { html, page } from "./html.js";
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
export function explainabilityListPage(
  session: ConsoleSession,
  records: readonly ResourceRecord[],
  truncated: boolean,
): string {
  const rows = records.map(
    (r) => html`<tr>
<td><a href="/console/explainabilities/${encodeURIComponent(r.name)}">${r.name}</a></td>
<td title="${String(r.attrs.ResourceArn ?? "")}">${resourceLabel(String(r.attrs.ResourceArn ?? ""))}</td>
<td><span class="status-${r.status}">${r.status}</span>${r.message ? html`<div class="note">${r.message}</div>` : ""}</td>
<td>${r.attrs.EnableVisualization === true ? "Yes" : "No"}</td>
<td>${formatTime(r.createdAt)}</td>
</tr>`,
  );
  const body = html`<h1>Explainabilities</h1>
<section>
${
  records.length === 0
    ? html`<p class="note">This account has no explainabilities in ${session.region}.</p>`
    : html`<table><thead><tr><th>Name</th><th>Resource</th><th>Status</th><th>Visualization</th><th>Created</th></tr></thead>
<tbody>${rows}</tbody></table>`
}
${truncated ? html`<p class="note">Only the newest ${records.length} are listed.</p>` : ""}
</section>`;
  return page({ title: "Explainabilities", signedIn: session, body });
}

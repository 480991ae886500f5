import { html, page } from "./html.js";

/**
 * The sign-in form. A browser cannot sign requests with SigV4, so the user gives the same access key the API
 * takes; the service checks it and answers with a session cookie. What was typed is shown again on a failed
 * attempt, except the secret, which never goes back to the browser.
 */
export function signInPage(opts: { accessKeyId?: string; region?: string; error?: string }): string {
  return page({
    title: "Sign in",
    body: html`<div class="panel signin">
<h1>Sign in</h1>
<p class="note">Use an access key of this service, the one your AWS SDK or CLI signs with.</p>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ""}
<form method="post" action="/console/session" autocomplete="off">
<label for="accessKeyId">Access key ID</label>
<input type="text" id="accessKeyId" name="accessKeyId" required spellcheck="false" value="${opts.accessKeyId ?? ""}">
<label for="secretAccessKey">Secret access key</label>
<input type="password" id="secretAccessKey" name="secretAccessKey" required>
<label for="region">Region</label>
<input type="text" id="region" name="region" required spellcheck="false" value="${opts.region ?? "us-east-1"}">
<button type="submit" class="primary">Sign in</button>
</form>
</div>`,
  });
}

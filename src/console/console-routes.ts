import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ServiceError } from "../errors.js";
import type { AccessKey } from "../identity/keys.js";
import { buildArn } from "../resources/arn.js";
import { explainedSeriesAttributeUse } from "../resources/attribute-use.js";
import { requireResource } from "../resources/common.js";
import type { RequestContext, Services } from "../resources/context.js";
import { fetchOwnFile } from "../resources/own-files.js";
import { searchExplainedSeries } from "../resources/series-search.js";
import type { BlobLease } from "../storage/blob-store.js";
import type { ResourceRecord } from "../store/resource-store.js";
import { consoleAsset } from "./assets.js";
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from "./cookies.js";
import { datasetGroupListPage, datasetGroupPage } from "./dataset-group-pages.js";
import { explainabilityListPage } from "./explainability-list-page.js";
import { explainabilityPage, type ImpactState } from "./explainability-page.js";
import { exportListPage, exportPage } from "./export-pages.js";
import { forecastListPage, forecastPage } from "./forecast-pages.js";
import { html, page } from "./html.js";
import { type ImpactView, readImpactView, readSeriesImpacts } from "./impact-rows.js";
import { predictorListPage, predictorPage } from "./predictor-pages.js";
import { consoleContext } from "./resource-reads.js";
import { parseSeriesKey, searchOffset, searchQuery } from "./series-picker.js";
import { type ConsoleSession, SESSION_SECONDS, SessionTokens } from "./session-token.js";
import { matchAccessKey, REGION_PATTERN } from "./sign-in-check.js";
import { signInPage } from "./sign-in-page.js";

export interface ConsoleOptions {
  services: Services;
  /** The access keys the API accepts; the console takes the same ones. */
  keys: readonly AccessKey[];
}

/**
 * Sign-in attempts allowed per client address and window. Generated secrets are 40 random characters and beyond
 * guessing; the limit is for secrets people chose themselves in the credentials file. Twenty covers any amount of
 * mistyping, and makes trying a list of passwords take days.
 */
export const SIGN_IN_ATTEMPTS = 20;
export const SIGN_IN_WINDOW_MS = 10 * 60_000;

/** What the rate limiter throws when an address has used its attempts: the handler renders it as the form. */
class TooManySignIns extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfter: string) {
    super(`Too many sign-in attempts from this address; try again in ${retryAfter}.`);
  }
}

/** Resource names as the service model allows them; anything else cannot exist. */
const NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,62}$/;

// Everything the console serves is self-contained: scripts and style sheets only from /console/assets (never
// inline scripts), nothing from elsewhere.
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};
/** Pages show the account's resources as they are now: never cached. Assets say otherwise themselves. */
const PAGE_CACHE_CONTROL = "no-store";
/** A versioned asset (`?v=` its hash, as pages name it) never changes: kept for a year, not even revalidated. */
const VERSIONED_ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

/**
 * Serves the console under /console on the API's own server: a sign-in form, the list of the caller's
 * explainabilities and a page per explainability with its impact-score charts. Browsers cannot sign requests
 * with SigV4, so a sign-in with an access key (checked against the same keys) yields a signed session cookie;
 * every page but the form requires it. See src/console/README.md.
 */
export function registerConsole(app: FastifyInstance, opts: ConsoleOptions): void {
  const { services } = opts;
  // The signing key is read from the state store (async) once, before the server takes requests.
  let sessionTokens: SessionTokens | undefined;
  app.addHook("onReady", async () => {
    sessionTokens = new SessionTokens(
      await SessionTokens.keyFrom((name, make) => services.store.setting(name, make)),
      opts.keys,
    );
  });
  const tokens = {
    get(): SessionTokens {
      if (!sessionTokens) throw new Error("the console is not ready: its session key is not loaded yet");
      return sessionTokens;
    },
  };
  const sessionOf = (request: FastifyRequest): ConsoleSession | undefined =>
    tokens.get().verify(readCookie(request.headers.cookie, SESSION_COOKIE));
  const secure = (request: FastifyRequest): boolean => request.protocol === "https";

  /** No valid session: a browser goes to the form (303), anything else gets 401; a bad cookie is removed. */
  const refuse = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (readCookie(request.headers.cookie, SESSION_COOKIE) !== undefined) {
      reply.header("set-cookie", clearedSessionCookie(secure(request)));
    }
    if (request.method === "GET" || request.method === "HEAD") {
      return reply.code(303).header("location", "/console").send();
    }
    return sendHtml(reply, 401, signInPage({ error: "Sign in first." }));
  };

  app.register(
    async (scope) => {
      // Only the sign-in route is limited (route config below); the plugin counts each address in memory.
      await scope.register(rateLimit, {
        global: false,
        errorResponseBuilder: (_request, context) => new TooManySignIns(context.after),
      });
      scope.addHook("onSend", async (_request, reply, payload) => {
        reply.headers(SECURITY_HEADERS);
        if (!reply.hasHeader("cache-control")) reply.header("cache-control", PAGE_CACHE_CONTROL);
        return payload;
      });

      scope.get("/", async (request, reply) => {
        if (sessionOf(request)) return reply.code(303).header("location", "/console/dataset-groups").send();
        return sendHtml(reply, 200, signInPage({}));
      });

      const signInLimit = { rateLimit: { max: SIGN_IN_ATTEMPTS, timeWindow: SIGN_IN_WINDOW_MS } };
      scope.post("/session", { config: signInLimit }, async (request, reply) => {
        if (!sameOrigin(request))
          return sendHtml(reply, 403, signInPage({ error: "Sign in from this page." }));
        const form = formFields(request);
        const accessKeyId = form.get("accessKeyId")?.trim() ?? "";
        const secretAccessKey = form.get("secretAccessKey")?.trim() ?? "";
        const region = form.get("region")?.trim() ?? "";
        if (!accessKeyId || !secretAccessKey || !region) {
          return sendHtml(
            reply,
            400,
            signInPage({
              accessKeyId,
              region,
              error: "Enter an access key ID, a secret access key and a region.",
            }),
          );
        }
        if (!REGION_PATTERN.test(region)) {
          return sendHtml(
            reply,
            400,
            signInPage({ accessKeyId, region, error: `'${region}' is not a region name (like us-west-2).` }),
          );
        }
        const key = matchAccessKey(opts.keys, accessKeyId, secretAccessKey);
        if (!key) {
          // What was typed is not logged: a secret pasted into the wrong field would end up in the log.
          services.log.warn({ ip: request.ip }, "console sign-in refused");
          return sendHtml(
            reply,
            401,
            signInPage({
              accessKeyId,
              region,
              error: "The access key ID or the secret access key is not right.",
            }),
          );
        }
        const { token } = tokens.get().issue(key, region);
        services.log.info(
          { accountId: key.accountId, accessKeyId: key.accessKeyId, region },
          "console sign-in",
        );
        return reply
          .code(303)
          .header("set-cookie", sessionCookie(token, SESSION_SECONDS, secure(request)))
          .header("location", "/console/dataset-groups")
          .send();
      });

      scope.post("/sign-out", async (request, reply) => {
        if (!sameOrigin(request))
          return sendHtml(reply, 403, signInPage({ error: "Sign out from the console." }));
        return reply
          .code(303)
          .header("set-cookie", clearedSessionCookie(secure(request)))
          .header("location", "/console")
          .send();
      });

      // The charting library and the chart's script, from the package itself (no CDN: nothing else is reachable).
      // Pages name them with their version (`assetUrl`): a repeated page load then fetches its HTML alone. Any
      // other URL of an asset (an old version, none) is answered with the current one, to be checked again.
      scope.get<{ Params: { file: string }; Querystring: { v?: unknown } }>(
        "/assets/:file",
        async (request, reply) => {
          const asset = consoleAsset(request.params.file);
          if (!asset) return reply.code(404).type("text/plain").send("no such asset");
          const current = request.query.v === asset.version;
          return reply
            .code(200)
            .type(asset.type)
            .header("cache-control", current ? VERSIONED_ASSET_CACHE_CONTROL : "no-cache")
            .send(asset.body);
        },
      );

      /** A GET page of the signed-in account: `render` answers its HTML, or undefined for a 404. */
      const signedInPage = <Q>(
        path: string,
        render: (
          ctx: RequestContext,
          session: ConsoleSession,
          request: FastifyRequest<{ Params: { name: string }; Querystring: Q }>,
        ) => Promise<string | undefined>,
        what: string,
      ) =>
        scope.get<{ Params: { name: string }; Querystring: Q }>(path, async (request, reply) => {
          const session = sessionOf(request);
          if (!session) return refuse(request, reply);
          const name = request.params.name;
          if (name !== undefined && !NAME.test(name)) {
            return sendHtml(
              reply,
              404,
              notFoundPage(session, `No ${what} named ${name} in ${session.region}.`),
            );
          }
          try {
            const out = await render(consoleContext(session, services), session, request);
            if (out === undefined) {
              return sendHtml(
                reply,
                404,
                notFoundPage(session, `No ${what} named ${name ?? ""} in ${session.region}.`),
              );
            }
            return sendHtml(reply, 200, out);
          } catch (error) {
            // A search the resource functions refuse (too long, too many words) is the user's to fix.
            if (error instanceof ServiceError && error.httpStatus === 400) {
              return sendHtml(reply, 400, messagePage(session, "Not shown", error.message));
            }
            throw error;
          }
        });

      type PageQuery = Record<string, unknown>;
      signedInPage("/dataset-groups", (ctx, session) => datasetGroupListPage(ctx, session), "page");
      signedInPage(
        "/dataset-groups/:name",
        (ctx, session, r) =>
          datasetGroupPage(ctx, session, buildArn(session, "dataset-group", r.params.name)),
        "dataset group",
      );
      signedInPage("/predictors", (ctx, session) => predictorListPage(ctx, session), "page");
      signedInPage(
        "/predictors/:name",
        (ctx, session, r) => predictorPage(ctx, session, buildArn(session, "predictor", r.params.name)),
        "predictor",
      );
      signedInPage("/forecasts", (ctx, session) => forecastListPage(ctx, session), "page");
      signedInPage<PageQuery>(
        "/forecasts/:name",
        (ctx, session, r) =>
          forecastPage(ctx, session, buildArn(session, "forecast", r.params.name), r.query),
        "forecast",
      );
      signedInPage("/exports", (ctx, session) => exportListPage(ctx, session), "page");
      signedInPage<{ arn?: string }>(
        "/exports/:name",
        (ctx, session, r) =>
          exportPage(
            ctx,
            session,
            r.params.name,
            typeof r.query.arn === "string" ? r.query.arn.slice(0, 2048) : "",
          ),
        "export",
      );
      signedInPage("/explainabilities", (ctx, session) => explainabilityListPage(ctx, session), "page");
      signedInPage<PageQuery>(
        "/explainabilities/:name",
        async (ctx, session, request) => {
          // The ARN is built from the session's account and region: another account's resource is never found.
          let record: ResourceRecord;
          try {
            record = await requireResource(ctx, buildArn(session, "explainability", request.params.name), [
              "explainability",
            ]);
          } catch {
            return undefined;
          }
          let state: ImpactState;
          // Without EnableVisualization there will never be a chart, whatever the status; say so first.
          if (record.attrs.EnableVisualization !== true) state = { kind: "not-enabled" };
          else if (record.status !== "ACTIVE") state = { kind: "not-active" };
          else {
            let lease: BlobLease;
            let view: ImpactView;
            try {
              lease = await fetchOwnFile(services.blobs, record, "ImpactFile");
            } catch (error) {
              services.log.error({ err: error, arn: record.arn }, "console could not fetch the impact file");
              return explainabilityPage(session, record, { kind: "unreadable" });
            }
            const file = lease.path;
            try {
              view = await readImpactView(file);
            } catch (error) {
              lease.release();
              services.log.error({ err: error, arn: record.arn }, "console could not read the impact file");
              return explainabilityPage(session, record, { kind: "unreadable" });
            }
            const query = searchQuery(request.query.q);
            const search = await searchExplainedSeries(
              ctx,
              record.arn,
              view.keyNames,
              query,
              searchOffset(request.query.offset),
            );
            const chosen = parseSeriesKey(request.query.key, view.keyNames.length) ?? search.series[0];
            let series: Awaited<ReturnType<typeof readSeriesImpacts>> | undefined;
            try {
              series = chosen ? await readSeriesImpacts(file, view, chosen) : undefined;
            } finally {
              lease.release();
            }
            // The export marks a series whose forecast uses no attribute; the predictor's model says why.
            const use =
              series && !series.aggregate.usesAttributes
                ? await explainedSeriesAttributeUse(services, record, series.aggregate.key)
                : undefined;
            state = {
              kind: "view",
              view,
              query,
              search,
              series,
              timePoint: typeof request.query.at === "string" ? request.query.at : undefined,
              noAttributeReason: use && !use.uses ? use.reason : undefined,
            };
          }
          return explainabilityPage(session, record, state);
        },
        "explainability",
      );

      scope.setNotFoundHandler((request, reply) => {
        const session = sessionOf(request);
        if (!session) return refuse(request, reply);
        return sendHtml(reply, 404, notFoundPage(session, "There is no such console page."));
      });

      scope.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
        if (error instanceof TooManySignIns) {
          services.log.warn({ ip: request.ip }, "console sign-in attempts over the limit");
          return sendHtml(reply, 429, signInPage({ error: error.message }));
        }
        const status =
          error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
        if (status === 500) services.log.error({ err: error }, "unexpected error in the console");
        return sendHtml(
          reply,
          status,
          page({
            title: "Error",
            body: html`<section><h1>Something went wrong</h1><p>${status === 500 ? "The service failed to show this page; its log has the details." : error.message}</p></section>`,
          }),
        );
      });
    },
    { prefix: "/console" },
  );
}

function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").send(body);
}

function notFoundPage(session: ConsoleSession, message: string): string {
  return messagePage(session, "Not found", message);
}

function messagePage(session: ConsoleSession, title: string, message: string): string {
  return page({
    title,
    signedIn: session,
    body: html`<section><h1>${title}</h1><p>${message}</p><p><a href="/console/dataset-groups">Dataset groups</a></p></section>`,
  });
}

/** The fields of a form post; the gateway hands every body over as raw bytes. */
function formFields(request: FastifyRequest): URLSearchParams {
  const type = String(request.headers["content-type"] ?? "");
  if (!type.startsWith("application/x-www-form-urlencoded") || !Buffer.isBuffer(request.body)) {
    return new URLSearchParams();
  }
  return new URLSearchParams(request.body.toString("utf8"));
}

/**
 * A browser names the page a form was sent from; a post from another site is refused (the session cookie is
 * SameSite=Strict already, this also covers the sign-in form itself). Clients that send no Origin pass.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateExplainabilityCommand,
  CreateExplainabilityExportCommand,
  CreateForecastCommand,
  CreateForecastExportJobCommand,
  DescribeExplainabilityCommand,
  DescribeExplainabilityExportCommand,
  DescribeForecastCommand,
  DescribeForecastExportJobCommand,
  type ForecastClient,
  GetAccuracyMetricsCommand,
} from "@aws-sdk/client-forecast";
import { ForecastqueryClient, QueryForecastCommand } from "@aws-sdk/client-forecastquery";
import { DuckDBInstance } from "@duckdb/node-api";
import { chromium, type Locator, type Page } from "playwright-core";
import { generateEffectData, setupPredictor } from "../e2e/driver-data.js";
import { ACCOUNTS, REGION } from "../e2e/harness.js";
import { ATTRIBUTES, ITEMS, settle, setupConsolePredictor } from "./console-data.js";
import { type ConsoleService, startConsoleService } from "./console-service.js";

const CHROMIUM = "/usr/bin/chromium";
const BLUE = "rgb(31, 119, 180)";
const RED = "rgb(214, 39, 40)";
const GREY = "rgb(127, 127, 127)";

type Row = Record<string, unknown>;
/** What the page function uses of the browser's window (this project compiles without the DOM library). */
type BrowserWindow = { getComputedStyle(element: unknown): { fill: string } };

/** One series' time point rows of an impact file, oldest first, read independently of the console. */
async function pointRows(file: string, item: string): Promise<Row[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    return (
      await con.runAndReadAll(
        `SELECT * FROM read_parquet('${file}') WHERE item_id = '${item}' AND timestamp <> 'Aggregate' ORDER BY timestamp`,
      )
    ).getRowObjectsJS() as Row[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** The aggregate rows of an impact file, read independently of the console. */
async function aggregateRows(file: string): Promise<Row[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    return (
      await con.runAndReadAll(`SELECT * FROM read_parquet('${file}') WHERE timestamp = 'Aggregate'`)
    ).getRowObjectsJS() as Row[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

function signIn(
  endpoint: string,
  fields: { accessKeyId: string; secretAccessKey: string; region: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${endpoint}/console/session`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
  });
}

/** Signs in as an account and returns the `name=value` of the session cookie. */
async function sessionCookieFor(endpoint: string, account: number, region = REGION): Promise<string> {
  const a = ACCOUNTS[account] as (typeof ACCOUNTS)[number];
  const res = await signIn(endpoint, {
    accessKeyId: a.accessKeyId,
    secretAccessKey: a.secretAccessKey,
    region,
  });
  assert.equal(res.status, 303);
  const cookie = res.headers.getSetCookie()[0];
  assert.ok(cookie, "a session cookie is set");
  return cookie.split(";")[0] as string;
}

function get(endpoint: string, pathname: string, cookie?: string): Promise<Response> {
  return fetch(`${endpoint}${pathname}`, { redirect: "manual", headers: cookie ? { cookie } : {} });
}

/** The chart of one scope as the browser shows it: per bar its attribute, value, text and rendered colour. */
async function readChart(page: Page, scope: "overall" | "series") {
  const chart = page.locator(`svg[data-scope="${scope}"]`);
  await chart.waitFor();
  const zero = await chart.locator("line.zero-line").boundingBox();
  assert.ok(zero, "the chart draws its zero line");
  const rows = chart.locator("g.impact-row");
  const bars: {
    attribute: string;
    normalized: number;
    shown: number;
    colour: string;
    box: { x: number; width: number };
  }[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const bar: Locator = row.locator("rect.impact-bar");
    const box = await bar.boundingBox();
    assert.ok(box, "the bar is laid out");
    const shown = ((await row.locator(".impact-value").textContent()) ?? "").replace("\u2212", "-");
    bars.push({
      attribute: (await bar.getAttribute("data-attribute")) as string,
      normalized: Number(await bar.getAttribute("data-normalized")),
      shown: Number(shown),
      colour: await bar.evaluate((el) => (globalThis as unknown as BrowserWindow).getComputedStyle(el).fill),
      box,
    });
  }
  return { bars, zeroX: zero.x + zero.width / 2 };
}

/** The checks every chart must pass: one bar per attribute, colours by sign, values shown in [-1, 1]. */
function checkChart(chart: Awaited<ReturnType<typeof readChart>>, expected: Row, what: string): void {
  assert.deepEqual(
    chart.bars.map((b) => b.attribute).sort(),
    [...ATTRIBUTES].sort(),
    `${what}: one bar each`,
  );
  for (const b of chart.bars) {
    const label = `${what}, ${b.attribute}`;
    assert.ok(b.shown >= -1 && b.shown <= 1, `${label}: shown value ${b.shown} in [-1, 1]`);
    assert.ok(Math.abs(b.shown - b.normalized) <= 0.0005, `${label}: the text shows the bar's value`);
    const fromFile = Number(expected[`${b.attribute}-NormalizedImpactScore`]);
    assert.ok(
      Math.abs(b.normalized - fromFile) < 1e-9,
      `${label}: ${b.normalized} is the file's ${fromFile}`,
    );
    const sign = Math.sign(b.shown) || Math.sign(b.normalized);
    assert.equal(b.colour, sign > 0 ? BLUE : sign < 0 ? RED : GREY, `${label}: colour matches the sign`);
    // Bars start at the zero line and go right when raising, left when lowering.
    if (sign > 0) assert.ok(Math.abs(b.box.x - chart.zeroX) < 1.5, `${label}: starts at zero`);
    if (sign < 0) assert.ok(Math.abs(b.box.x + b.box.width - chart.zeroX) < 1.5, `${label}: ends at zero`);
  }
  // Longer bars for larger scores: the bar of |value| 1 is the longest, others in proportion.
  const longest = Math.max(...chart.bars.map((b) => b.box.width));
  const strongest = Math.max(...chart.bars.map((b) => Math.abs(b.normalized)));
  assert.ok(Math.abs(strongest - 1) < 1e-9, `${what}: normalized to a largest magnitude of 1`);
  for (const b of chart.bars) {
    assert.ok(
      Math.abs(b.box.width / longest - Math.abs(b.normalized)) < 0.02,
      `${what}: bar length ∝ |value|`,
    );
  }
}

describe("console", () => {
  let s: ConsoleService;
  let fc: ForecastClient;
  let explainabilityArn = "";
  let name = "";
  let hiddenName = "";
  let unusedName = "";
  let forecastArn = "";
  let made = { predictorArn: "", explainabilityArn: "" };

  before(async () => {
    s = await startConsoleService();
    fc = s.forecast();
    made = await setupConsolePredictor(fc, s.s3(), s.roleArn(), "console-data");
    explainabilityArn = made.explainabilityArn;
    name = explainabilityArn.split("/").pop() as string;
    // A second explainability, on a forecast, made without EnableVisualization.
    const { ForecastArn } = await fc.send(
      new CreateForecastCommand({ ForecastName: "console_forecast", PredictorArn: made.predictorArn }),
    );
    forecastArn = ForecastArn as string;
    const forecast = await settle(() => fc.send(new DescribeForecastCommand({ ForecastArn })), "forecast");
    assert.equal(forecast.Status, "ACTIVE");
    hiddenName = "no_charts";
    const { ExplainabilityArn } = await fc.send(
      new CreateExplainabilityCommand({
        ExplainabilityName: hiddenName,
        ResourceArn: ForecastArn,
        ExplainabilityConfig: { TimeSeriesGranularity: "ALL", TimePointGranularity: "ALL" },
        EnableVisualization: false,
      }),
    );
    const hidden = await settle(
      () => fc.send(new DescribeExplainabilityCommand({ ExplainabilityArn })),
      "explainability without visualization",
    );
    assert.equal(hidden.Status, "ACTIVE", hidden.Message);
    // A third, of a predictor with too little data for the model with attributes: no series uses an attribute.
    const unused = await setupPredictor(
      fc,
      s.s3(),
      s.roleArn(),
      "console-unused",
      generateEffectData({
        name: "unused",
        frequency: "D",
        start: Date.UTC(2024, 0, 1),
        items: 3,
        points: 60,
        horizon: 7,
        seed: 5,
        numeric: [{ name: "price", effect: -30 }],
        binary: [{ name: "promo", effect: 20, rate: 0.4 }],
      }),
    );
    unusedName = unused.explainabilityArn.split("/").pop() as string;
  });
  after(async () => s?.close());

  test("sign-in and session rules, without a browser", async () => {
    const one = ACCOUNTS[0];
    const pagePath = `/console/explainabilities/${name}`;
    // No cookie: pages send the browser to the form.
    for (const p of ["/console/explainabilities", pagePath, "/console/nowhere"]) {
      const res = await get(s.endpoint, p);
      assert.equal(res.status, 303, p);
      assert.equal(res.headers.get("location"), "/console");
    }
    const form = await get(s.endpoint, "/console");
    assert.equal(form.status, 200);
    assert.match(await form.text(), /name="secretAccessKey"/);
    assert.match(form.headers.get("content-security-policy") ?? "", /default-src 'none'/);

    // Wrong secret, unknown key, bad region: refused, no cookie, the secret typed never echoed.
    const wrong = await signIn(s.endpoint, {
      accessKeyId: one.accessKeyId,
      secretAccessKey: "typed-wrong-secret-xyz",
      region: REGION,
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.headers.getSetCookie(), []);
    assert.doesNotMatch(await wrong.text(), /typed-wrong-secret-xyz/);
    const unknown = await signIn(s.endpoint, {
      accessKeyId: "AKIANOSUCHKEY0000000",
      secretAccessKey: one.secretAccessKey,
      region: REGION,
    });
    assert.equal(unknown.status, 401);
    const badRegion = await signIn(s.endpoint, {
      accessKeyId: one.accessKeyId,
      secretAccessKey: one.secretAccessKey,
      region: "<b>",
    });
    assert.equal(badRegion.status, 400);
    assert.doesNotMatch(await badRegion.text(), /<b>/, "what was typed is escaped");
    // A secret pasted into the key id field is refused and not logged.
    await signIn(s.endpoint, { accessKeyId: one.secretAccessKey, secretAccessKey: "x", region: REGION });
    // A sign-in form posted from another site is refused.
    const crossSite = await signIn(
      s.endpoint,
      { accessKeyId: one.accessKeyId, secretAccessKey: one.secretAccessKey, region: REGION },
      { origin: "https://evil.example" },
    );
    assert.equal(crossSite.status, 403);
    assert.deepEqual(crossSite.headers.getSetCookie(), []);

    // The right pair: an HttpOnly, SameSite=Strict cookie holding neither the secret nor anything unsigned.
    const ok = await signIn(s.endpoint, {
      accessKeyId: one.accessKeyId,
      secretAccessKey: one.secretAccessKey,
      region: REGION,
    });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("location"), "/console/dataset-groups");
    const setCookie = ok.headers.getSetCookie()[0] as string;
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Strict/);
    assert.match(setCookie, /; Path=\/console/);
    const cookie = setCookie.split(";")[0] as string;
    const token = cookie.slice(cookie.indexOf("=") + 1);
    const [payload, mac] = token.split(".") as [string, string];
    const decoded = Buffer.from(payload, "base64url").toString("utf8");
    assert.ok(!setCookie.includes(one.secretAccessKey) && !decoded.includes(one.secretAccessKey));
    assert.match(decoded, new RegExp(one.accountId));

    const list = await get(s.endpoint, "/console/explainabilities", cookie);
    assert.equal(list.status, 200);
    const listed = await list.text();
    assert.ok(listed.includes(`href="/console/explainabilities/${name}"`) && listed.includes(hiddenName));
    const detail = await get(s.endpoint, pagePath, cookie);
    assert.equal(detail.status, 200);
    assert.match(await detail.text(), /<svg class="impact-chart" data-scope="overall"/);

    // Forged cookies: another account's payload under this MAC, a changed MAC, junk. All refused and removed.
    const two = ACCOUNTS[1];
    const forgedPayload = Buffer.from(
      JSON.stringify([two.accountId, REGION, two.accessKeyId, Math.floor(Date.now() / 1000) + 3600]),
    ).toString("base64url");
    const flipped = `${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}`;
    for (const forged of [`${forgedPayload}.${mac}`, `${payload}.${flipped}`, "junk", `${payload}.`]) {
      const res = await get(s.endpoint, "/console/explainabilities", `openforecast_console=${forged}`);
      assert.equal(res.status, 303, forged);
      assert.match(res.headers.getSetCookie()[0] ?? "", /^openforecast_console=; .*Max-Age=0/);
    }

    // Another account (or this account in another region) does not see the explainability.
    const otherAccount = await sessionCookieFor(s.endpoint, 1);
    const foreign = await get(s.endpoint, pagePath, otherAccount);
    assert.equal(foreign.status, 404);
    assert.doesNotMatch(await foreign.text(), /<svg/);
    assert.ok(
      !(await (await get(s.endpoint, "/console/explainabilities", otherAccount)).text()).includes(name),
    );
    const otherRegion = await sessionCookieFor(s.endpoint, 0, "eu-west-1");
    assert.equal((await get(s.endpoint, pagePath, otherRegion)).status, 404);

    // Names are escaped on the way back.
    const odd = await get(
      s.endpoint,
      "/console/explainabilities/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      cookie,
    );
    assert.equal(odd.status, 404);
    assert.doesNotMatch(await odd.text(), /<script>/);

    // The cookie is no credential for the API, which takes SigV4 only.
    const api = await fetch(`${s.endpoint}/`, {
      method: "POST",
      headers: {
        cookie,
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonForecast.ListExplainabilities",
      },
      body: "{}",
    });
    assert.equal(api.status, 403);

    // Signing out removes the cookie.
    const out = await fetch(`${s.endpoint}/console/sign-out`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie },
    });
    assert.equal(out.status, 303);
    assert.match(out.headers.getSetCookie()[0] ?? "", /Max-Age=0/);

    // No secret ever reaches the log.
    const log = s.logLines.join("");
    assert.match(log, /console sign-in refused/);
    for (const a of ACCOUNTS) assert.ok(!log.includes(a.secretAccessKey), "no secret in the log");
    assert.ok(!log.includes("typed-wrong-secret-xyz"));
  });

  test("without EnableVisualization the page says so and draws nothing", async () => {
    const cookie = await sessionCookieFor(s.endpoint, 0);
    const res = await get(s.endpoint, `/console/explainabilities/${hiddenName}`, cookie);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /Visualization was not enabled/);
    assert.doesNotMatch(body, /<svg class="impact-chart"/);
  });

  test("the charts in headless Chromium", async () => {
    try {
      await fs.access(CHROMIUM, fs.constants.X_OK);
    } catch {
      assert.fail(
        `Chromium is not installed at ${CHROMIUM}; this test needs it (Debian: apt-get install chromium). ` +
          "`npm test` installs it (scripts/test-setup.sh).",
      );
    }
    const record = await s.service.services.store.get(explainabilityArn);
    const impact = await s.service.services.blobs.fetch(String(record?.attrs.ImpactFile));
    const rows = await aggregateRows(impact.path).finally(() => impact.release());
    const overallRow = rows.find((r) => r.item_id === "Aggregate") as Row;
    assert.ok(overallRow, "the file has the overall aggregate row");

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));

      await page.goto(`${s.endpoint}/console/explainabilities`);
      assert.equal(new URL(page.url()).pathname, "/console", "sent to the sign-in form");

      const one = ACCOUNTS[0];
      const submit = async (secret: string) => {
        await page.fill("#accessKeyId", one.accessKeyId);
        await page.fill("#secretAccessKey", secret);
        await page.fill("#region", REGION);
        await page.click("form[action='/console/session'] button[type=submit]");
      };
      await submit("not-the-secret");
      assert.match((await page.locator("[role=alert]").textContent()) ?? "", /not right/);
      assert.deepEqual(await context.cookies(), [], "a wrong secret yields no session");
      problems.length = 0; // the browser reports the refused sign-in's 401; that one is expected
      await submit(one.secretAccessKey);
      await page.waitForURL("**/console/dataset-groups");
      await page.click("header nav a[href='/console/explainabilities']");
      await page.waitForURL("**/console/explainabilities");
      const [cookie] = await context.cookies();
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, "Strict");

      await page.getByRole("link", { name, exact: true }).click();
      await page.waitForURL(`**/console/explainabilities/${name}`);
      const overallChart = await readChart(page, "overall");
      checkChart(overallChart, overallRow, "overall");
      // The drivers' directions, in Amazon's colours: a higher price lowers demand, a promotion raises it.
      const colourOf = (a: string) => overallChart.bars.find((b) => b.attribute === a)?.colour;
      assert.equal(colourOf("price"), RED, "price lowers the forecast");
      assert.equal(colourOf("promo"), BLUE, "promo raises the forecast");
      const legend = (await page.locator("[data-legend=aggregate]").textContent()) ?? "";
      assert.match(legend, /mean absolute impact/, "the legend defines the bar length");
      assert.match(legend, /as its value rises/, "the legend defines a numeric attribute's direction");
      // The note on series that use no attribute is the explainability's Message, shown when there is one.
      const described = await fc.send(
        new DescribeExplainabilityCommand({ ExplainabilityArn: explainabilityArn }),
      );
      const note = page.locator("[data-note=attribute-use]");
      if (described.Message) assert.equal((await note.textContent())?.trim(), described.Message);
      else assert.equal(await note.count(), 0, "no note when every series uses attributes");

      // The series search lists every explained series (8 here); pick the fourth one.
      const links = page.locator("ul.series-results a");
      assert.equal(await links.count(), ITEMS);
      const keys = await links.evaluateAll((els) =>
        els.map((e) => (e as unknown as { dataset: { series: string } }).dataset.series),
      );
      const chosenKey = keys[3] as string;
      const item = (JSON.parse(chosenKey) as string[])[0] as string;
      await links.nth(3).click();
      await page.waitForURL((url) => url.searchParams.get("key") === chosenKey);
      assert.equal(await page.locator("ul.series-results a.selected").textContent(), item);
      const seriesRow = rows.find((r) => r.item_id === item) as Row;
      assert.ok(seriesRow, `the file has ${item}'s aggregate row`);
      const usesNone = ATTRIBUTES.every((a) => seriesRow[`${a}-NormalizedImpactScore`] === null);
      if (usesNone) {
        const why = (await page.locator("[data-reason=no-attribute]").textContent()) ?? "";
        assert.match(why, /uses no attribute: its forecast comes from/);
      } else checkChart(await readChart(page, "series"), seriesRow, item);
      // Every series without attributes is counted in the Message.
      const without = rows.filter(
        (r) => r.item_id !== "Aggregate" && ATTRIBUTES.every((a) => r[`${a}-NormalizedImpactScore`] === null),
      ).length;
      if (without > 0)
        assert.match(described.Message ?? "", new RegExp(`^${without} of ${ITEMS} explained series`));

      const shot = path.join(os.tmpdir(), `openforecast-console-${Date.now()}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`console screenshot: ${shot}`);
      assert.ok((await fs.stat(shot)).size > 10_000, "the screenshot has content");
      assert.deepEqual(problems, [], "no script errors or blocked resources");

      // An explainability whose series use no attribute: the note, the marked list, the reason, no chart.
      await page.goto(
        `${s.endpoint}/console/explainabilities/${unusedName}?key=${encodeURIComponent('["item_1"]')}`,
      );
      assert.match(
        (await page.locator("[data-note=attribute-use]").textContent()) ?? "",
        /^3 of 3 explained series use no attribute/,
      );
      assert.equal(await page.locator("ul.series-results a.selected").textContent(), "item_1");
      assert.match(
        (await page.locator("[data-reason=no-attribute]").last().textContent()) ?? "",
        /The forecast of item_1 uses no attribute: the predictor has no model that uses attributes: the model that learns from them needs at least 200 history points/,
      );
      assert.equal(await page.locator("svg.impact-chart").count(), 0, "no chart of zeros");
      const unusedShot = path.join(os.tmpdir(), `openforecast-console-unused-${Date.now()}.png`);
      await page.screenshot({ path: unusedShot, fullPage: true });
      console.log(`console screenshot (no attribute): ${unusedShot}`);
      assert.deepEqual(problems, [], "no script errors or blocked resources");

      await page.click("header button");
      await page.waitForURL("**/console");
      await page.goto(`${s.endpoint}/console/explainabilities/${name}`);
      assert.equal(new URL(page.url()).pathname, "/console", "signed out");
    } finally {
      await browser.close();
    }
  });

  test("the workflow pages in headless Chromium: lists, imports, accuracy, the forecast band, search, time points, exports", async () => {
    await fs.access(CHROMIUM, fs.constants.X_OK);
    // Two exports through the API, to be listed with their files.
    const { ForecastExportJobArn } = await fc.send(
      new CreateForecastExportJobCommand({
        ForecastExportJobName: "console_forecast_export",
        ForecastArn: forecastArn,
        Destination: { S3Config: { Path: "s3://console-data/out/forecast/", RoleArn: s.roleArn() } },
      }),
    );
    const { ExplainabilityExportArn } = await fc.send(
      new CreateExplainabilityExportCommand({
        ExplainabilityExportName: "console_explainability_export",
        ExplainabilityArn: explainabilityArn,
        Destination: { S3Config: { Path: "s3://console-data/out/explainability/", RoleArn: s.roleArn() } },
      }),
    );
    const forecastExport = await settle(
      () => fc.send(new DescribeForecastExportJobCommand({ ForecastExportJobArn })),
      "forecast export",
    );
    assert.equal(forecastExport.Status, "ACTIVE", forecastExport.Message);
    await settle(
      () => fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn })),
      "explainability export",
    );

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    const shots: string[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const cookie = await sessionCookieFor(s.endpoint, 0);
      const [cookieName, cookieValue] = cookie.split("=") as [string, string];
      await context.addCookies([{ name: cookieName, value: cookieValue, url: `${s.endpoint}/console` }]);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      const shoot = async (what: string) => {
        const file = path.join(os.tmpdir(), `openforecast-console-${what}-${Date.now()}.png`);
        await page.screenshot({ path: file, fullPage: true });
        shots.push(file);
      };

      // Dataset groups → the group: its datasets, import jobs and their field statistics.
      await page.goto(`${s.endpoint}/console`);
      await page.waitForURL("**/console/dataset-groups");
      await page.click("tr[data-resource=console] a");
      await page.waitForURL("**/console/dataset-groups/console");
      assert.equal(await page.locator("section[data-dataset]").count(), 2, "target and related datasets");
      const job = page.locator("section[data-dataset] .import-job").first();
      assert.equal(await job.locator("[data-status]").first().getAttribute("data-status"), "ACTIVE");
      const demandCount = await page.locator("tr[data-field=demand] td[data-stat=Count]").textContent();
      assert.equal(Number(demandCount), ITEMS * 120, "Count of the target field: every row imported");
      await shoot("dataset-group");

      // Predictors → the predictor: accuracy per window, members and weights summing to 1.
      await page.click("header nav a[href='/console/predictors']");
      await page.click("tr[data-resource=console_predictor] a");
      await page.waitForURL("**/console/predictors/console_predictor");
      const windows = page.locator(".accuracy tr[data-window]");
      assert.ok((await windows.count()) >= 2, "the average and at least one backtest window");
      const accuracy = await fc.send(new GetAccuracyMetricsCommand({ PredictorArn: made.predictorArn }));
      const summary = accuracy.PredictorEvaluationResults?.[0]?.TestWindows?.find(
        (w) => w.EvaluationType === "SUMMARY",
      );
      const shownRmse = Number(
        await page.locator(".accuracy tr[data-window=summary] [data-metric=RMSE]").textContent(),
      );
      assert.ok(Math.abs(shownRmse - Number(summary?.Metrics?.RMSE)) < 1e-3, "the summary RMSE is the API's");
      const weights = await page
        .locator(".members [data-weight]")
        .evaluateAll((els) =>
          els.map((e) => Number((e as unknown as { dataset: { weight: string } }).dataset.weight)),
        );
      assert.ok(
        weights.length >= 1 && Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-6,
        "weights sum to 1",
      );
      assert.equal(
        (await page.locator("[data-field=EstimatedTimeRemainingInMinutes]").textContent())?.trim(),
        "done",
      );
      await shoot("predictor");

      // Forecasts → the forecast: the chart of the first series with its p10..p90 band.
      await page.click("header nav a[href='/console/forecasts']");
      await page.click("tr[data-resource=console_forecast] a");
      await page.waitForURL("**/console/forecasts/console_forecast");
      const drawn = async () => {
        const chart = page.locator("#forecast-chart[data-drawn=true]");
        await chart.waitFor();
        return chart.evaluate((el) => {
          type U = {
            data: (number | null)[][];
            series: { label?: string }[];
            valToPos(v: number, scale: string, canvas?: boolean): number;
            ctx: { getImageData(x: number, y: number, w: number, h: number): { data: number[] } };
          };
          const u = (el as unknown as { uplot: U }).uplot;
          const index = (label: string) => u.series.findIndex((x) => x.label === label);
          const [lo, mid, hi, hist] = [index("p10"), index("p50"), index("p90"), index("history")];
          const points: { t: number; lo: number; mid: number; hi: number; pixel: number[] }[] = [];
          // One read of the whole canvas (repeated reads make Chromium warn).
          const canvas = (u.ctx as unknown as { canvas: { width: number; height: number } }).canvas;
          const image = u.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          (u.data[0] as number[]).forEach((t, i) => {
            const l = u.data[lo]?.[i];
            const h = u.data[hi]?.[i];
            const m = u.data[mid]?.[i];
            if (l == null || h == null || m == null) return;
            // The colour drawn halfway between the band's edges, on the canvas itself.
            const x = Math.round(u.valToPos(t, "x", true));
            const y = Math.round((u.valToPos(l, "y", true) + u.valToPos(h, "y", true)) / 2);
            const at = (y * canvas.width + x) * 4;
            points.push({ t, lo: l, mid: m, hi: h, pixel: Array.from(image.slice(at, at + 4)) });
          });
          return {
            series: (el as unknown as { dataset: { series: string } }).dataset.series,
            history: (u.data[hist] ?? []).filter((v) => v != null).length,
            points,
            bandEdges: [lo, hi],
          };
        });
      };
      const first = await drawn();
      assert.equal(first.series, JSON.stringify(["item_0"]), "the first series when none is chosen");
      assert.ok(first.history >= 100, `history drawn (${first.history} points)`);
      assert.equal(first.points.length, 7, "the horizon's points with their band");
      for (const p of first.points) {
        assert.ok(p.hi >= p.mid && p.mid >= p.lo, "p90 ≥ p50 ≥ p10");
        // The band is filled: the pixel between its edges is tinted blue, not the white background.
        const [r, g, b] = p.pixel as [number, number, number];
        if (p.hi - p.lo > 0)
          assert.ok(b > r && !(r > 250 && g > 250), `band fill at ${p.t}: rgb(${r},${g},${b})`);
      }
      await shoot("forecast");

      // Search over every series (server-side): item_5 alone, then its chart, which matches QueryForecast.
      await page.fill("#series-search", "item_5");
      await page.click(".search-form button");
      await page.waitForURL("**q=item_5**");
      assert.equal(await page.locator("[data-matches]").getAttribute("data-matches"), "1");
      assert.equal(await page.locator("#forecast-chart").count(), 0, "a search lists; a click draws");
      await page.click("ul.series-results a");
      await page.waitForURL((url) => url.searchParams.get("key") === '["item_5"]');
      const fifth = await drawn();
      assert.equal(fifth.series, '["item_5"]');
      // The second chart page: its script came from the browser's cache (nothing transferred).
      const scripts = await page.evaluate(() =>
        (
          globalThis as unknown as {
            performance: { getEntriesByType(t: string): { name: string; transferSize: number }[] };
          }
        ).performance
          .getEntriesByType("resource")
          .filter((e) => e.name.includes("/console/assets/"))
          .map((e) => ({ name: new URL(e.name).pathname, transferSize: e.transferSize })),
      );
      // (Chromium may leave hits of its memory cache out of Resource Timing; a fetch over the network is always in.)
      for (const e of scripts) assert.equal(e.transferSize, 0, `${e.name} from the cache`);
      const chartPage = await get(s.endpoint, "/console/forecasts/console_forecast", cookie);
      assert.equal(chartPage.headers.get("cache-control"), "no-store", "pages are never cached");
      const assetUrls = [
        ...(await chartPage.text()).matchAll(/\/console\/assets\/[a-z.-]+\?v=[0-9a-f]{16}/g),
      ];
      assert.equal(assetUrls.length, 1, "one script (uPlot and the chart's code), named with its version");
      assert.ok(
        !(
          await get(s.endpoint, "/console/forecasts/console_forecast", cookie).then((r) => r.text())
        ).includes("stylesheet"),
        "uPlot's styles inline",
      );
      for (const [url] of assetUrls) {
        const asset = await get(s.endpoint, url, cookie);
        assert.equal(asset.status, 200);
        assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable", url);
        assert.match(asset.headers.get("content-security-policy") ?? "", /script-src 'self'/);
        const unversioned = await get(s.endpoint, url.replace(/\?v=.*/, ""));
        assert.equal(unversioned.headers.get("cache-control"), "no-cache", `${url} without its version`);
        assert.equal(await unversioned.text(), await asset.text());
      }
      // The forecast job wrote its series list, which the search reads: the forecast's series in key order.
      const forecastRecord = await s.service.services.store.get(forecastArn);
      const listed = await s.service.services.blobs.readText(String(forecastRecord?.attrs.SeriesListFile));
      assert.deepEqual(listed.trimEnd().split("\n"), [
        "item_id",
        ...Array.from({ length: ITEMS }, (_, i) => `item_${i}`).sort(),
      ]);
      const queried = await new ForecastqueryClient({
        endpoint: s.endpoint,
        region: REGION,
        credentials: { accessKeyId: ACCOUNTS[0].accessKeyId, secretAccessKey: ACCOUNTS[0].secretAccessKey },
      }).send(new QueryForecastCommand({ ForecastArn: forecastArn, Filters: { item_id: "item_5" } }));
      const p90 = queried.Forecast?.Predictions?.p90 ?? [];
      assert.deepEqual(
        fifth.points.map((p) => p.hi),
        p90.map((x) => x.Value),
        "the band's upper edge is QueryForecast's p90",
      );
      await page.fill("#series-search", "no_such_item");
      await page.click(".search-form button");
      await page.waitForURL("**q=no_such_item**");
      assert.equal(await page.locator("[data-matches]").getAttribute("data-matches"), "0");
      // A search longer than the bound is refused with a message, not run.
      const long = await get(s.endpoint, `/console/forecasts/console_forecast?q=${"x".repeat(300)}`, cookie);
      assert.equal(long.status, 200, "cut to the bound");
      const words = await get(s.endpoint, `/console/forecasts/console_forecast?q=${"a+".repeat(20)}`, cookie);
      assert.equal(words.status, 400);

      // The explainability: search a series, choose a time point, the chart of that point's Shapley values.
      await page.goto(`${s.endpoint}/console/explainabilities/${name}?q=item_2`);
      assert.equal(await page.locator("[data-matches]").getAttribute("data-matches"), "1");
      const record = await s.service.services.store.get(explainabilityArn);
      const impactLease = await s.service.services.blobs.fetch(String(record?.attrs.ImpactFile));
      const allRows = await pointRows(impactLease.path, "item_2").finally(() => impactLease.release());
      const pointsOffered = await page.locator("#time-point option").count();
      if (ATTRIBUTES.some((a) => allRows[0]?.[`${a}-RawImpactScore`] != null)) {
        assert.equal(pointsOffered, allRows.length + 1, "every explained time point, and the aggregate");
        const at = String(allRows[2]?.timestamp);
        await page.selectOption("#time-point", at);
        await page.click("#time-point ~ button");
        await page.waitForURL((url) => url.searchParams.get("at") === at);
        const chart = page.locator("svg[data-scope=time-point] rect.impact-bar");
        assert.equal(await chart.count(), ATTRIBUTES.length);
        const row = allRows[2] as Row;
        const largest = Math.max(...ATTRIBUTES.map((a) => Math.abs(Number(row[`${a}-RawImpactScore`]))));
        for (const bar of await chart.all()) {
          const a = (await bar.getAttribute("data-attribute")) as string;
          const expected = Number(row[`${a}-RawImpactScore`]) / largest;
          assert.ok(Math.abs(Number(await bar.getAttribute("data-normalized")) - expected) < 1e-9, a);
        }
        await shoot("explainability-time-point");
      }

      // Exports: both listed; the forecast export's page lists the files it wrote.
      await page.click("header nav a[href='/console/exports']");
      assert.equal(await page.locator("tr[data-resource=console_forecast_export]").count(), 1);
      assert.equal(await page.locator("tr[data-resource=console_explainability_export]").count(), 1);
      await page.click("tr[data-resource=console_forecast_export] a");
      const files = await page
        .locator("tr[data-file]")
        .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: { file: string } }).dataset.file));
      assert.ok(
        files.length >= 1 &&
          files.every((f) => /^out\/forecast\/console_forecast_export_.*_part\d+\.csv$/.test(f)),
        files.join(),
      );
      await shoot("export");
      assert.deepEqual(problems, [], "no script errors or blocked resources");

      // Account isolation: account 2 sees none of it, and gets 404 for every page of account 1.
      const other = await sessionCookieFor(s.endpoint, 1);
      for (const list of ["dataset-groups", "predictors", "forecasts", "exports", "explainabilities"]) {
        const text = await (await get(s.endpoint, `/console/${list}`, other)).text();
        assert.ok(!text.includes("console_") && !text.includes('data-resource="console"'), list);
      }
      for (const p of [
        "/console/dataset-groups/console",
        "/console/predictors/console_predictor",
        "/console/forecasts/console_forecast",
        `/console/exports/forecast?arn=${encodeURIComponent(ForecastExportJobArn as string)}`,
        `/console/explainabilities/${name}`,
      ]) {
        assert.equal((await get(s.endpoint, p, other)).status, 404, p);
      }
      console.log(`console screenshots: ${shots.join(" ")}`);
    } finally {
      await browser.close();
    }
  });
});

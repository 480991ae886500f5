import assert from "node:assert/strict";
import { test } from "node:test";
import { explainabilityPage } from "../../src/console/explainability-page.js";
import type { ImpactScope } from "../../src/console/impact-rows.js";
import type { ResourceRecord } from "../../src/store/resource-store.js";

const session = { accountId: "111122223333", region: "us-west-2", accessKeyId: "AKIA", expiresAt: 2e9 };
const MESSAGE =
  "1 of 2 explained series use no attribute, so their impact scores are empty (not 0) in the export: x.";

function record(attrs: Record<string, unknown> = {}): ResourceRecord {
  return {
    arn: "arn:aws:forecast:us-west-2:111122223333:explainability/e",
    accountId: "111122223333",
    region: "us-west-2",
    kind: "explainability",
    name: "e",
    parentArn: null,
    status: "ACTIVE",
    message: null,
    createdAt: 0,
    modifiedAt: 0,
    attrs: { EnableVisualization: true, ResourceArn: "arn:aws:forecast:us-west-2:1:predictor/p", ...attrs },
  };
}

const used: ImpactScope = {
  key: ["item_1"],
  impacts: [
    { attribute: "price", raw: -3, normalized: -1 },
    { attribute: "promo", raw: 1.5, normalized: 0.5 },
  ],
  usesAttributes: true,
};
const unused: ImpactScope = {
  key: ["item_2"],
  impacts: used.impacts.map((i) => ({ ...i, raw: 0, normalized: 0 })),
  usesAttributes: false,
};
const view = {
  keyNames: ["item_id"],
  attributes: ["price", "promo"],
  overall: { ...used, key: [] },
  seriesCount: 2,
};
const search = { keyNames: ["item_id"], series: [["item_1"], ["item_2"]], matches: 2, total: 2, offset: 0 };
const rowsOf = (scope: ImpactScope) => ({
  aggregate: scope,
  timePoints: [
    { timestamp: "2024-05-01T00:00:00", impacts: scope.impacts.map((i) => ({ ...i, raw: i.raw * 2 })) },
  ],
});

test("a series that uses no attribute gets the reason instead of a chart of zeros, and is marked in the list", () => {
  const page = explainabilityPage(session, record({ AttributeUseMessage: MESSAGE }), {
    kind: "view",
    view,
    query: "",
    search,
    series: rowsOf(unused),
    noAttributeReason: "its forecast comes from ETS, which uses no attribute",
  });
  assert.ok(!page.includes('data-scope="series"'), "no series chart");
  assert.match(
    page,
    /data-reason="no-attribute">The forecast of item_2 uses no attribute: its forecast comes from ETS/,
  );
  assert.match(
    page,
    /<a href="[^"]*key=%5B%22item_2%22%5D" data-series="\[&quot;item_2&quot;\]" class="selected"/,
  );
  assert.match(page, /data-series="\[&quot;item_1&quot;\]">item_1<\/a>/);
  assert.ok(!page.includes('id="time-point"'), "no time point menu for a series without impacts");
  assert.ok(page.includes(`data-note="attribute-use">${MESSAGE}</p>`), "the Message as a note");
  assert.ok(page.includes('data-scope="overall"'), "the overall chart is drawn");
  assert.match(page, /data-legend="aggregate"/);
});

test("series that use attributes get their chart; no note without a Message", () => {
  const page = explainabilityPage(session, record(), {
    kind: "view",
    view,
    query: "item",
    search,
    series: rowsOf(used),
  });
  assert.ok(page.includes('data-scope="series"'));
  assert.match(page, /<option value="2024-05-01T00:00:00">2024-05-01T00:00:00<\/option>/);
  assert.match(page, /value="item"/, "the search text is kept");
  assert.ok(!page.includes("data-note="));
  assert.ok(!page.includes('data-reason="no-attribute"'));
});

test("an overall row without scores says that no explained series uses an attribute", () => {
  const page = explainabilityPage(session, record({ AttributeUseMessage: MESSAGE }), {
    kind: "view",
    view: { ...view, overall: { ...unused, key: [] }, seriesCount: 1 },
    query: "",
    search: { ...search, series: [["item_2"]], matches: 1, total: 1 },
    series: rowsOf(unused),
  });
  assert.ok(!page.includes("<svg"), "no chart at all");
  assert.match(page, /No explained series uses an attribute/);
});

test("a chosen time point draws that point's Shapley values, scaled to the largest", () => {
  const page = explainabilityPage(session, record(), {
    kind: "view",
    view,
    query: "",
    search,
    series: rowsOf(used),
    timePoint: "2024-05-01T00:00:00",
  });
  assert.ok(page.includes('data-scope="time-point"'));
  assert.ok(!page.includes('data-scope="series"'));
  assert.match(page, /<option value="2024-05-01T00:00:00" selected>/);
});

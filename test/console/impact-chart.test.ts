import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { escapeHtml, html } from "../../src/console/html.js";
import {
  formatScore,
  impactChart,
  LOWERS_COLOUR,
  NO_IMPACT_COLOUR,
  RAISES_COLOUR,
} from "../../src/console/impact-chart.js";

/** The bars of a rendered chart, in drawing order, from their attributes. */
function bars(svg: string) {
  return [...svg.matchAll(/<rect class="impact-bar" ([^>]*)\/>/g)].map((m) => {
    const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(m[1] as string)?.[1] as string;
    return {
      attribute: attr("data-attribute"),
      normalized: Number(attr("data-normalized")),
      x: Number(attr("x")),
      width: Number(attr("width")),
      fill: attr("fill"),
    };
  });
}

describe("impact chart", () => {
  const impacts = [
    { attribute: "price", raw: -3, normalized: -0.6 },
    { attribute: "promo", raw: 5, normalized: 1 },
    { attribute: "noise", raw: 0, normalized: 0 },
    { attribute: "weather", raw: 0.001, normalized: 0.0002 },
  ];

  test("one bar per attribute, strongest first, coloured and directed by sign, sized by |value|", () => {
    const drawn = bars(impactChart(impacts, { scope: "overall", caption: "c" }).html);
    assert.deepEqual(
      drawn.map((b) => b.attribute),
      ["promo", "price", "weather", "noise"],
    );
    const [promo, price, weather, noise] = drawn as [
      (typeof drawn)[0],
      (typeof drawn)[0],
      (typeof drawn)[0],
      (typeof drawn)[0],
    ];
    assert.equal(promo.fill, RAISES_COLOUR);
    assert.equal(price.fill, LOWERS_COLOUR);
    assert.equal(noise.fill, NO_IMPACT_COLOUR);
    assert.equal(weather.fill, RAISES_COLOUR);
    const zero = promo.x;
    assert.ok(Math.abs(price.x + price.width - zero) < 0.01, "a lowering bar ends at the zero line");
    assert.ok(Math.abs(price.width / promo.width - 0.6) < 0.001, "lengths in proportion");
    assert.equal(noise.width, 0);
    assert.ok(weather.width >= 1, "a tiny nonzero score still shows its colour");
  });

  test("values outside [-1, 1] are drawn at the axis' end, and scores read as the page shows them", () => {
    const [bar] = bars(
      impactChart([{ attribute: "a", raw: 1, normalized: -1.5 }], { scope: "s", caption: "" }).html,
    );
    const [full] = bars(
      impactChart([{ attribute: "a", raw: 1, normalized: -1 }], { scope: "s", caption: "" }).html,
    );
    assert.equal(bar?.width, full?.width);
    assert.equal(formatScore(-0.1234), "\u22120.123");
    assert.equal(formatScore(0.5), "0.500");
  });

  test("attribute names are escaped", () => {
    const svg = impactChart([{ attribute: '<script>"x"</script>', raw: 1, normalized: 1 }], {
      scope: "s",
      caption: "<b>",
    }).html;
    assert.ok(!svg.includes("<script>") && !svg.includes("<b>"));
    assert.match(svg, /&lt;script&gt;&quot;x&quot;/);
  });
});

describe("html", () => {
  test("interpolated values are escaped unless already html", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    const inner = html`<i>${"<b>"}</i>`;
    assert.equal(
      html`<p>${inner}${["<", html`<br>`]}${undefined}${false}${0}</p>`.html,
      "<p><i>&lt;b&gt;</i>&lt;<br>0</p>",
    );
  });
});

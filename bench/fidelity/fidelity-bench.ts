/**
 * Fidelity of the explainability aggregates (issue 10) over generated data sets with known drivers, daily and
 * weekly, 3 to 12 attributes: through the real service (in this process) and the JS SDK, an AutoPredictor with
 * ExplainPredictor per data set, its explainability exported as CSV, and then
 *   - Spearman's rank correlation of the overall Aggregate's magnitudes with the true mean |impact|;
 *   - sign accuracy of the overall Aggregate (attributes with an effect), and of the per-series Aggregates
 *     (series × attributes whose true impact in that series' window is not 0, among series that use attributes);
 *   - the largest |normalized| score of a no-effect attribute;
 *   - the share of explained series with non-zero impact (the rest carry the marker: empty scores);
 *   - for comparison, the former aggregate (signed mean of the point scores) on the same points.
 * d4_half_inert: half the items ignore every driver (level and noise only), so a statistical member may forecast
 * them; the others as d3.
 * Prints a Markdown table.
 *
 * Run: npm run bench:fidelity   [env FIDELITY_ITEMS, default 10]
 */

import {
  CreateExplainabilityExportCommand,
  DescribeExplainabilityCommand,
  DescribeExplainabilityExportCommand,
} from "@aws-sdk/client-forecast";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { type EffectSpec, generateEffectData, setupPredictor } from "../../test/e2e/driver-data.js";
import { readParts } from "../../test/e2e/export-parts.js";
import { rowScores, spearman, trueMagnitudes } from "../../test/e2e/fidelity.js";
import { eventually, startHarness } from "../../test/e2e/harness.js";

const ITEMS = Number(process.env.FIDELITY_ITEMS ?? 10);
const MONDAY = Date.UTC(2023, 4, 1);
const daily = { frequency: "D" as const, start: MONDAY, items: ITEMS, points: 420, horizon: 14 };
const weekly = {
  frequency: "W" as const,
  start: Date.UTC(2021, 4, 3),
  items: ITEMS,
  points: 150,
  horizon: 8,
};
const numeric = (effects: number[]) => effects.map((effect, i) => ({ name: `x${i + 1}`, effect }));

const SETS: EffectSpec[] = [
  {
    ...daily,
    name: "d4_half_inert",
    seed: 6,
    numeric: [
      { name: "price", effect: -60 },
      { name: "noise", effect: 0 },
    ],
    binary: [{ name: "promo", effect: 25, rate: 0.4 }],
    holidayEffect: 60,
    unaffectedItems: Math.floor(ITEMS / 2),
  },
  {
    ...daily,
    name: "d3",
    seed: 1,
    numeric: [{ name: "price", effect: -60 }],
    binary: [{ name: "promo", effect: 25, rate: 0.4 }],
    holidayEffect: 60,
  },
  {
    ...weekly,
    name: "w3",
    seed: 2,
    numeric: [{ name: "price", effect: -60 }],
    binary: [{ name: "promo", effect: 25, rate: 0.4 }],
    holidayEffect: 40,
  },
  {
    ...daily,
    name: "d6",
    seed: 3,
    numeric: numeric([-60, 40, -20, 0]),
    binary: [{ name: "promo", effect: 25, rate: 0.4 }],
    holidayEffect: 40,
  },
  {
    ...weekly,
    name: "w8",
    seed: 4,
    numeric: numeric([50, -35, 20, -10, 0]),
    binary: [
      { name: "promo", effect: 30, rate: 0.4 },
      { name: "display", effect: -15, rate: 0.3 },
    ],
    holidayEffect: 30,
  },
  {
    ...daily,
    name: "d12",
    seed: 5,
    numeric: numeric([-60, 45, -30, 20, -12, 0, 0, 0]),
    binary: [
      { name: "promo", effect: 25, rate: 0.4 },
      { name: "display", effect: -15, rate: 0.3 },
      { name: "coupon", effect: 8, rate: 0.5 },
    ],
    holidayEffect: 40,
  },
];

interface Result {
  name: string;
  frequency: string;
  attributes: number;
  spearman: number;
  overallSigns: string;
  seriesSigns: string;
  noEffectMax: string;
  nonZeroShare: string;
  /** The aggregate before issue 10 (signed mean of the point scores), on the same points: Spearman, signs. */
  before: string;
  minutes: number;
}

async function run(spec: EffectSpec): Promise<Result> {
  const started = Date.now();
  const h = await startHarness();
  try {
    const fc = h.forecast();
    const s3 = h.s3();
    const data = generateEffectData(spec);
    const { explainabilityArn } = await setupPredictor(
      fc,
      s3,
      h.roleArn(),
      `${spec.name.replaceAll("_", "-")}-data`,
      data,
    );
    await s3.send(new CreateBucketCommand({ Bucket: "out" }));
    const { ExplainabilityExportArn } = await fc.send(
      new CreateExplainabilityExportCommand({
        ExplainabilityExportName: `${spec.name}_export`,
        ExplainabilityArn: explainabilityArn,
        Destination: { S3Config: { Path: "s3://out/x/", RoleArn: h.roleArn() } },
      }),
    );
    await eventually(
      async () => {
        const d = await fc.send(new DescribeExplainabilityExportCommand({ ExplainabilityExportArn }));
        if (d.Status === "CREATE_FAILED") throw new Error(`export failed: ${d.Message}`);
        return d.Status === "ACTIVE" ? d : undefined;
      },
      600_000,
      "export",
    );
    const described = await fc.send(
      new DescribeExplainabilityCommand({ ExplainabilityArn: explainabilityArn }),
    );
    if (described.Message) console.error(`${spec.name}: ${described.Message}`);
    const rows = await readParts(s3, "out", "x/", "csv");
    const attributes = data.attributes;
    const origin = spec.points - spec.horizon;
    const points = rows.filter((r) => r.timestamp !== "Aggregate");
    const truth = trueMagnitudes(data, points, origin);
    const overall = rowScores(
      rows.find((r) => r.item_id === "Aggregate" && r.timestamp === "Aggregate") as Record<string, unknown>,
      attributes,
    );
    const reported = overall.normalized.map((v) => Math.abs(v ?? 0));
    let right = 0;
    let counted = 0;
    let noEffectMax = 0;
    attributes.forEach((_, a) => {
      const sign = data.trueSigns[a] as number;
      if (sign === 0) {
        noEffectMax = Math.max(noEffectMax, reported[a] as number);
        return;
      }
      counted++;
      if (Math.sign(overall.normalized[a] ?? 0) === sign) right++;
    });
    // The former aggregate, the signed mean of the point rows' raw scores, for comparison on the same points.
    const signedMean = attributes.map(
      (_, a) => points.reduce((sum, r) => sum + (rowScores(r, attributes).raw[a] ?? 0), 0) / points.length,
    );
    const beforeRight = attributes.filter(
      (_, a) => data.trueSigns[a] !== 0 && Math.sign(signedMean[a] as number) === data.trueSigns[a],
    ).length;
    const before = `${spearman(signedMean.map(Math.abs), truth).toFixed(3)}, ${beforeRight}/${counted}`;
    // Per series: its Aggregate row's signs, where the attribute truly moves that series in the window.
    let seriesRight = 0;
    let seriesCounted = 0;
    let nonZero = 0;
    const items = [...new Set(points.map((r) => String(r.item_id)))];
    for (const item of items) {
      const own = points.filter((r) => r.item_id === item);
      const agg = rowScores(
        rows.find((r) => r.item_id === item && r.timestamp === "Aggregate") as Record<string, unknown>,
        attributes,
      );
      const uses = agg.normalized.some((v) => v !== null && v !== 0);
      if (uses) nonZero++;
      else continue;
      const trueSeries = trueMagnitudes(data, own, origin);
      attributes.forEach((_, a) => {
        const sign = data.trueSigns[a] as number;
        if (sign === 0 || (trueSeries[a] as number) === 0) return;
        seriesCounted++;
        if (Math.sign(agg.normalized[a] ?? 0) === sign) seriesRight++;
      });
    }
    return {
      name: spec.name,
      frequency: spec.frequency === "D" ? "daily" : "weekly",
      attributes: attributes.length,
      spearman: spearman(reported, truth),
      overallSigns: `${right}/${counted}`,
      seriesSigns: `${seriesRight}/${seriesCounted} (${((100 * seriesRight) / Math.max(1, seriesCounted)).toFixed(0)}%)`,
      noEffectMax: attributes.some((_, a) => data.trueSigns[a] === 0) ? noEffectMax.toFixed(3) : "–",
      nonZeroShare: `${nonZero}/${items.length}`,
      before,
      minutes: (Date.now() - started) / 60_000,
    };
  } finally {
    await h.close();
  }
}

const only = process.argv.slice(2);
const results: Result[] = [];
for (const spec of SETS.filter((s) => only.length === 0 || only.includes(s.name))) {
  const r = await run(spec);
  results.push(r);
  console.error(JSON.stringify(r));
}
console.log(
  "| data set | frequency | attributes | Spearman (magnitude vs truth) | overall signs right | series signs right | max no-effect normalized | series with non-zero impact | before (signed mean): Spearman, overall signs | minutes |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.frequency} | ${r.attributes} | ${r.spearman.toFixed(3)} | ${r.overallSigns} | ${r.seriesSigns} | ${r.noEffectMax} | ${r.nonZeroShare} | ${r.before} | ${r.minutes.toFixed(1)} |`,
  );
}

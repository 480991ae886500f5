import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { closeDuckDB, withConnection } from "../../src/data/duckdb.js";
import { sqlString } from "../../src/data/sql.js";
import { readChartRows, writeChartFile } from "../../src/resources/chart-file.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

describe("chart file", () => {
  after(() => closeDuckDB());

  test("one series' forecast and its history summed per timestamp, whatever the attributes are called", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "openforecast-chart-file-"));
    try {
      const forecast = path.join(dir, "forecast.parquet");
      const data = path.join(dir, "data.parquet");
      const chart = path.join(dir, "chart.parquet");
      await withConnection(undefined, async (c) => {
        // Two series (store "t" is a dimension named like a chart column), 2 forecast days, p10/p50 and mean.
        await c.run(`COPY (SELECT * FROM (VALUES
            ('a', 'x', '2024-01-11T00:00:00', 1.0, 2.0, 2.5), ('a', 'x', '2024-01-12T00:00:00', 1.5, 3.0, 3.5),
            ('b', 'x', '2024-01-11T00:00:00', 7.0, 8.0, 8.5), ('b', 'x', '2024-01-12T00:00:00', 7.5, 9.0, 9.5))
          v(item_id, t, date, p10, p50, mean)) TO ${sqlString(forecast)} (FORMAT parquet)`);
        // Ten days of history for (a, x): two rows a day (a non-dimension attribute "v"), the target summed; a
        // null target on day 9; series b with one day.
        await c.run(`COPY (
            SELECT 'a' AS item_id, 'x' AS t, TIMESTAMP '2024-01-01' + INTERVAL (d) DAY AS ts, v,
                   CASE WHEN d = 9 THEN NULL ELSE d * 10 + v END AS demand
            FROM range(10) r(d), (VALUES (1), (2)) w(v)
            UNION ALL SELECT 'b', 'x', TIMESTAMP '2024-01-05', 1, 42.0
          ) TO ${sqlString(data)} (FORMAT parquet)`);
      });
      await writeChartFile(chart, forecast, ["item_id", "t"], ["p10", "p50", "mean"], {
        file: data,
        timestampField: "ts",
        targetField: "demand",
      });
      const a = await readChartRows(chart, ["a", "x"], 3, 4);
      assert.deepEqual(a.forecast.time, [T0 + 10 * DAY, T0 + 11 * DAY]);
      assert.deepEqual(a.forecast.values, [
        [1, 1.5],
        [2, 3],
        [2.5, 3.5],
      ]);
      assert.deepEqual(a.history, [
        [T0 + 9 * DAY, null],
        [T0 + 8 * DAY, 163],
        [T0 + 7 * DAY, 143],
        [T0 + 6 * DAY, 123],
      ]);
      const b = await readChartRows(chart, ["b", "x"], 3, 4);
      assert.deepEqual(b.history, [[T0 + 4 * DAY, 42]]);
      assert.deepEqual(b.forecast.values[1], [8, 9]);
      const none = await readChartRows(chart, ["a", "y"], 3, 4);
      assert.deepEqual(none, { forecast: { time: [], values: [[], [], []] }, history: [] });
      // Without a dataset: the forecast alone.
      await writeChartFile(chart, forecast, ["item_id", "t"], ["p10", "p50", "mean"], undefined);
      assert.deepEqual((await readChartRows(chart, ["a", "x"], 3, 4)).history, []);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

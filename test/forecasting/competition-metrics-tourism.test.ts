// The tourism papers' published seasonal naive MAPE (Athanasopoulos et al. 2011, tables 4–6; asserted as well by
// N-BEATS' and the Tcomp package's test suites), reproduced on the competition data when it is present
// (../shared/data/tourism or TOURISM_DIR); skipped otherwise.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadTourism, tourismDir } from "../../bench/accuracy/tourism-data.js";
import { percentErrorSum, pooledMape } from "../../src/forecasting/competition-metrics.js";
import { SeasonalNaiveModel } from "../../src/forecasting/naive.js";

const dir = tourismDir();
const present = existsSync(join(dir, "tourism-info.csv"));

describe("the papers' seasonal naive MAPE on the tourism data", () => {
  test("23.61 yearly, 16.46 quarterly, 22.56 monthly", {
    skip: present ? false : `no data in ${dir}`,
  }, () => {
    const series = loadTourism(dir);
    const published: Record<string, number> = { YEARLY: 23.61, QUARTERLY: 16.46, MONTHLY: 22.56 };
    for (const [period, expected] of Object.entries(published)) {
      const parts = series
        .filter((s) => s.period === period)
        .map((s) =>
          percentErrorSum(
            s.test,
            new SeasonalNaiveModel().fit(s.train, { period: s.frequency }).forecast(s.h, [0.5]).mean,
          ),
        );
      assert.equal(pooledMape(parts).toFixed(2), expected.toFixed(2), period);
    }
  });
});

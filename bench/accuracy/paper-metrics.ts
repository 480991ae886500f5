// Checks our reading of the tourism papers' accuracy measures against their own published rows, on the
// competition's train/test split: the seasonal naive MAPE of Athanasopoulos et al. (2011, tables 4–6), which the
// N-BEATS test suite and the Tcomp package both reproduce exactly (23.61 yearly, 16.46 quarterly, 22.56 monthly),
// and its MASE on the paper's scale (`paperMase`: the seasonal naive MAE over train and test together), which
// reproduces the paper's naive MASE (1.54 / 1.59 / 2.50); then the Theta rows, and MASE under the other scalings
// (the Kaggle pages' lag-m in-sample scale, lag 1, the median over series) for comparison.
// Run: npm run bench:paper-metrics   (TOURISM_DIR overrides the data folder)

import {
  competitionMase,
  paperMase,
  percentErrorSum,
  pooledMape,
} from "../../src/forecasting/competition-metrics.js";
import type { SeriesModel } from "../../src/forecasting/model.js";
import { SeasonalNaiveModel } from "../../src/forecasting/naive.js";
import { ThetaModel } from "../../src/forecasting/theta.js";
import { ThetaM3Model } from "../../src/forecasting/theta-m3.js";
import { PAPER_NAIVE, PAPER_THETA, type TourismPeriod } from "./published-rows.js";
import { loadTourism, tourismDir } from "./tourism-data.js";

const series = loadTourism(tourismDir());
const periods: TourismPeriod[] = ["YEARLY", "QUARTERLY", "MONTHLY"];
const models: SeriesModel[] = [new SeasonalNaiveModel(), new ThetaModel(), new ThetaM3Model()];
let failed = false;
console.log(
  "| method | period | MAPE (pooled) | published MAPE | MASE (paper scale) | published MASE | MASE lag m (Kaggle) | MASE lag 1 | median MASE lag m |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const model of models) {
  for (const period of periods) {
    const set = series.filter((s) => s.period === period);
    const parts = [];
    const maseM: number[] = [];
    const mase1: number[] = [];
    const maseFull: number[] = [];
    for (const s of set) {
      const f = model.fit(s.train, { period: s.frequency }).forecast(s.h, [0.5]);
      parts.push(percentErrorSum(s.test, f.mean));
      maseM.push(competitionMase(s.test, f.mean, s.train, s.frequency));
      mase1.push(competitionMase(s.test, f.mean, s.train, 1));
      maseFull.push(paperMase(s.test, f.mean, s.train, s.frequency));
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const median = (a: number[]) => {
      const b = [...a].sort((x, y) => x - y);
      return (b[(b.length - 1) >> 1] + b[b.length >> 1]) / 2;
    };
    const mape = pooledMape(parts);
    const published = model.name === "snaive" ? PAPER_NAIVE : PAPER_THETA;
    const paperScale = mean(maseFull);
    // The naive rows must reproduce to the paper's two decimals, MAPE and MASE alike.
    if (
      model.name === "snaive" &&
      (Math.abs(mape - published.mape[period]) >= 0.005 ||
        Math.abs(paperScale - (published.mase?.[period] as number)) >= 0.005)
    )
      failed = true;
    console.log(
      `| ${model.name} | ${period} | ${mape.toFixed(2)} | ${published.mape[period].toFixed(2)} | ` +
        `${paperScale.toFixed(3)} | ${published.mase?.[period].toFixed(2)} | ${mean(maseM).toFixed(3)} | ` +
        `${mean(mase1).toFixed(3)} | ${median(maseM).toFixed(3)} |`,
    );
  }
}
if (failed) {
  console.error("seasonal naive MAPE or MASE (paper scale) does not reproduce the published rows");
  process.exitCode = 1;
} else
  console.log(
    "\nseasonal naive reproduces the paper's MAPE 23.61 / 16.46 / 22.56 and MASE 2.50 / 1.59 / 1.54 (yearly / quarterly / monthly) to 2 decimals.",
  );

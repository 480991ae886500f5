// The published tourism figures our benches stand beside, as numbers (not text) from:
// - the tourism competition paper, Athanasopoulos, Hyndman, Song & Wu, IJF 27 (2011), tables 4–6, the "average
//   over horizons 1–h" columns: MAPE and MASE of the methods the authors ran. Its MASE is `paperMase`
//   (competition-metrics.ts: seasonal naive scale over train and test together), which bench:paper-metrics checks
//   by reproducing the naive rows;
// - N-BEATS, Oreshkin et al., ICLR 2020, table 15: MAPE of N-BEATS and the competition's best entrant (it copies the
//   paper's MAPE rows too). The "average" pools every test point of the three periods.

export type TourismPeriod = "MONTHLY" | "QUARTERLY" | "YEARLY";

export interface PublishedRow {
  method: string;
  source: "tourism paper" | "N-BEATS paper";
  mape: Readonly<Record<TourismPeriod, number>>;
  /** The paper's MASE (its own scale: `paperMase`); absent where the source gives none. */
  mase?: Readonly<Record<TourismPeriod, number>>;
}

const row = (
  method: string,
  source: PublishedRow["source"],
  mape: [number, number, number],
  mase?: [number, number, number],
): PublishedRow => ({
  method,
  source,
  mape: { MONTHLY: mape[0], QUARTERLY: mape[1], YEARLY: mape[2] },
  ...(mase ? { mase: { MONTHLY: mase[0], QUARTERLY: mase[1], YEARLY: mase[2] } } : {}),
});

/** Monthly / quarterly / yearly. The paper's naive row is seasonal naive on the seasonal periods, naive yearly. */
export const PAPER_ROWS: readonly PublishedRow[] = [
  row("ForecastPro", "tourism paper", [19.91, 15.72, 26.36], [1.4, 1.48, 2.65]),
  row("ETS", "tourism paper", [21.15, 16.05, 27.68], [1.49, 1.58, 2.71]),
  row("ARIMA", "tourism paper", [21.13, 16.23, 28.03], [1.38, 1.47, 2.63]),
  row("Theta", "tourism paper", [22.11, 16.15, 23.45], [1.55, 1.56, 2.28]),
  row("Damped", "tourism paper", [23.47, 15.56, 28.15], [1.66, 1.43, 2.75]),
  row("(S)Naive", "tourism paper", [22.56, 16.46, 23.61], [1.54, 1.59, 2.5]),
];

export const NBEATS_ROWS: readonly PublishedRow[] = [
  row("N-BEATS-G", "N-BEATS paper", [19.17, 14.71, 21.67]),
  row("N-BEATS-I+G", "N-BEATS paper", [19.29, 14.78, 21.44]),
  row("LeeCBaker (competition winner)", "N-BEATS paper", [20.19, 15.14, 22.73]),
];

/** N-BEATS-G's MAPE over all test points of the three periods: the aim. */
export const NBEATS_G_POOLED_MAPE = 18.47;

/** The paper's naive row, which our seasonal naive must reproduce (bench:paper-metrics). */
export const PAPER_NAIVE = PAPER_ROWS.find((r) => r.method === "(S)Naive") as PublishedRow;
/** The paper's Theta row. */
export const PAPER_THETA = PAPER_ROWS.find((r) => r.method === "Theta") as PublishedRow;

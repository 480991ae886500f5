// How many differences ARIMA takes, chosen by simple tests as in R's forecast::auto.arima: seasonal differencing
// when the seasonal strength exceeds 0.64 (Wang, Smith & Hyndman 2006), then first differences while the KPSS
// test rejects level stationarity at 5%.

/** (1 − B^lag)·y, which is `lag` shorter. */
export function difference(y: Float64Array, lag = 1): Float64Array {
  const out = new Float64Array(Math.max(0, y.length - lag));
  for (let t = lag; t < y.length; t++) out[t - lag] = y[t] - y[t - lag];
  return out;
}

function isConstant(y: Float64Array): boolean {
  for (let t = 1; t < y.length; t++) if (y[t] !== y[0]) return false;
  return true;
}

/**
 * KPSS statistic for level stationarity (Kwiatkowski et al. 1992) with a Bartlett long-run variance, as
 * urca::ur.kpss(type = "mu"). The default truncation lag trunc(3·√n / 13) is the one R's ndiffs uses.
 */
export function kpssStatistic(y: Float64Array, lags = Math.trunc((3 * Math.sqrt(y.length)) / 13)): number {
  const n = y.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t];
  mean /= n;
  const e = new Float64Array(n);
  for (let t = 0; t < n; t++) e[t] = y[t] - mean;
  let partial = 0;
  let eta = 0;
  let s0 = 0;
  for (let t = 0; t < n; t++) {
    partial += e[t];
    eta += partial * partial;
    s0 += e[t] * e[t];
  }
  let longRun = s0 / n;
  for (let s = 1; s <= lags; s++) {
    let c = 0;
    for (let t = s; t < n; t++) c += e[t] * e[t - s];
    longRun += (2 * (1 - s / (lags + 1)) * c) / n;
  }
  return longRun > 0 ? eta / (n * n * longRun) : 0;
}

/** 5% critical value of the level-stationarity KPSS test. */
const KPSS_CRITICAL_5 = 0.463;

/** Number of first differences (0..maxD) after which KPSS no longer rejects. */
export function chooseD(y: Float64Array, maxD = 2): number {
  let x = y;
  let d = 0;
  while (d < maxD && x.length >= 4 && !isConstant(x) && kpssStatistic(x) > KPSS_CRITICAL_5) {
    x = difference(x);
    d++;
  }
  return d;
}

/**
 * Strength of seasonality max(0, 1 − Var(R)/Var(S + R)) from a classical additive decomposition (centred moving
 * average trend, per-phase mean seasonal). auto.arima uses STL here; the classical version ranks series alike.
 */
export function seasonalStrength(y: Float64Array, period: number): number {
  const n = y.length;
  const m = period;
  if (m <= 1 || n < 2 * m + 1) return 0;
  const half = Math.floor(m / 2);
  const start = half;
  const end = n - half;
  const detrended = new Float64Array(n).fill(Number.NaN);
  for (let t = start; t < end; t++) {
    let s = 0;
    if (m % 2 === 0) {
      s = 0.5 * (y[t - half] + y[t + half]);
      for (let k = t - half + 1; k < t + half; k++) s += y[k];
    } else {
      for (let k = t - half; k <= t + half; k++) s += y[k];
    }
    detrended[t] = y[t] - s / m;
  }
  const phaseSum = new Float64Array(m);
  const phaseCount = new Float64Array(m);
  for (let t = start; t < end; t++) {
    phaseSum[t % m] += detrended[t];
    phaseCount[t % m]++;
  }
  let centre = 0;
  for (let i = 0; i < m; i++) {
    phaseSum[i] = phaseCount[i] > 0 ? phaseSum[i] / phaseCount[i] : 0;
    centre += phaseSum[i];
  }
  centre /= m;
  // Var(R) and Var(S + R) over the span where the trend exists; S + R is the detrended series.
  let meanR = 0;
  let meanSR = 0;
  const count = end - start;
  for (let t = start; t < end; t++) {
    meanSR += detrended[t];
    meanR += detrended[t] - (phaseSum[t % m] - centre);
  }
  meanR /= count;
  meanSR /= count;
  let varR = 0;
  let varSR = 0;
  for (let t = start; t < end; t++) {
    const r = detrended[t] - (phaseSum[t % m] - centre) - meanR;
    const sr = detrended[t] - meanSR;
    varR += r * r;
    varSR += sr * sr;
  }
  return varSR > 0 ? Math.max(0, 1 - varR / varSR) : 0;
}

/** Seasonal differences (0 or 1) to take before choosing d. */
export function chooseSeasonalD(y: Float64Array, period: number, threshold = 0.64): number {
  return period > 1 && y.length >= 2 * period + 1 && seasonalStrength(y, period) > threshold ? 1 : 0;
}

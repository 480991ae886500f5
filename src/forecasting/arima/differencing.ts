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

/** Centred moving average over one period (2×m for even m); NaN where the window does not fit. */
function centredMovingAverage(y: Float64Array, m: number): Float64Array {
  const n = y.length;
  const half = Math.floor(m / 2);
  const out = new Float64Array(n).fill(Number.NaN);
  for (let t = half; t < n - half; t++) {
    let s = 0;
    if (m % 2 === 0) {
      s = 0.5 * (y[t - half] + y[t + half]);
      for (let k = t - half + 1; k < t + half; k++) s += y[k];
    } else {
      for (let k = t - half; k <= t + half; k++) s += y[k];
    }
    out[t] = s / m;
  }
  return out;
}

/**
 * Local-linear tricube smoother of one cycle-subseries (the values of one seasonal phase), as STL's
 * cycle-subseries step: with a window of `span` neighbours the seasonal shape may drift over the years.
 */
function smoothSubseries(values: Float64Array, span: number, out: Float64Array): void {
  const n = values.length;
  const width = Math.min(span, n);
  for (let i = 0; i < n; i++) {
    let lo = Math.max(0, i - Math.floor(width / 2));
    const hi = Math.min(n - 1, lo + width - 1);
    lo = Math.max(0, hi - width + 1);
    const radius = Math.max(i - lo, hi - i) + 1;
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let j = lo; j <= hi; j++) {
      const u = Math.abs(j - i) / radius;
      const w = (1 - u * u * u) ** 3;
      sw += w;
      sx += w * j;
      sy += w * values[j];
      sxx += w * j * j;
      sxy += w * j * values[j];
    }
    const mx = sx / sw;
    const my = sy / sw;
    const vx = sxx / sw - mx * mx;
    out[i] = vx > 1e-12 ? my + ((sxy / sw - mx * my) / vx) * (i - mx) : my;
  }
}

/**
 * Strength of seasonality max(0, 1 − Var(R)/Var(S + R)) (Wang, Smith & Hyndman 2006), from an STL-like
 * decomposition: centred moving-average trend, each phase's detrended values smoothed locally (span 11 cycles,
 * as R's mstl), then re-centred so the seasonal carries no trend. R's auto.arima differences seasonally above 0.64.
 */
export function seasonalStrength(y: Float64Array, period: number, span = 11): number {
  const n = y.length;
  const m = period;
  if (m <= 1 || n < 2 * m + 1) return 0;
  const trend = centredMovingAverage(y, m);
  const half = Math.floor(m / 2);
  const start = half;
  const end = n - half;
  const seasonal = new Float64Array(n);
  const cycles = Math.ceil(n / m);
  const sub = new Float64Array(cycles);
  const smooth = new Float64Array(cycles);
  for (let phase = 0; phase < m; phase++) {
    let count = 0;
    const first = phase + Math.ceil(Math.max(0, start - phase) / m) * m;
    for (let t = first; t < end; t += m) sub[count++] = y[t] - trend[t];
    smoothSubseries(sub.subarray(0, count), span, smooth);
    let i = 0;
    for (let t = first; t < end; t += m) seasonal[t] = smooth[i++];
  }
  // Remove what the seasonal still carries of level changes, over the span where its own average exists.
  const level = centredMovingAverage(seasonal.subarray(start, end), m);
  let meanR = 0;
  let meanSR = 0;
  let count = 0;
  for (let t = start; t < end; t++) {
    const centre = level[t - start];
    if (Number.isNaN(centre)) continue;
    const detrended = y[t] - trend[t];
    const r = detrended - (seasonal[t] - centre);
    meanR += r;
    meanSR += detrended;
    count++;
  }
  if (count < 2) return 0;
  meanR /= count;
  meanSR /= count;
  let varR = 0;
  let varSR = 0;
  for (let t = start; t < end; t++) {
    const centre = level[t - start];
    if (Number.isNaN(centre)) continue;
    const detrended = y[t] - trend[t];
    const r = detrended - (seasonal[t] - centre) - meanR;
    varR += r * r;
    varSR += (detrended - meanSR) ** 2;
  }
  return varSR > 0 ? Math.max(0, 1 - varR / varSR) : 0;
}

/** Seasonal differences (0 or 1) to take before choosing d. */
export function chooseSeasonalD(y: Float64Array, period: number, threshold = 0.64): number {
  return period > 1 && y.length >= 2 * period + 1 && seasonalStrength(y, period) > threshold ? 1 : 0;
}

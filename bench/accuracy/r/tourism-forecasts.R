# R's forecast package on the series the OpenForecast accuracy benchmark gives it, as the reference point.
# Called by bench/accuracy/tourism-api.ts; by hand:
#   Rscript bench/accuracy/r/tourism-forecasts.R <series.csv> <forecasts.csv> <timings.csv> <methods> <cores>
# series.csv: sn,freq,h,y with y the training values in order, joined by ';'.
# methods: comma-separated from ets, arima (auto.arima), theta (thetaf), snaive.
# Writes forecasts.csv (method,sn,step,mean) and timings.csv (method,seconds,cpu,series): wall seconds, and the
# CPU seconds of the fits summed over the workers (steadier than wall time on a machine shared with other work).
# Needs R and the forecast package: apt-get install -y r-base-core r-cran-forecast

if (!requireNamespace("forecast", quietly = TRUE)) {
  message("The R package 'forecast' is missing. Install it with: apt-get install -y r-base-core r-cran-forecast")
  quit(status = 3)
}
suppressMessages(library(forecast))
library(parallel)

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 5) {
  message("usage: Rscript tourism-forecasts.R <series.csv> <forecasts.csv> <timings.csv> <methods> <cores>")
  quit(status = 2)
}
series <- read.csv(args[1], stringsAsFactors = FALSE)
methods <- strsplit(args[4], ",")[[1]]
cores <- as.integer(args[5])

one <- function(method, tr, h) {
  f <- switch(method,
    ets = forecast(ets(tr), h = h)$mean,
    arima = forecast(auto.arima(tr), h = h)$mean,
    theta = thetaf(tr, h = h)$mean,
    snaive = snaive(tr, h = h)$mean,
    stop(paste("unknown method", method))
  )
  as.numeric(f)
}

# The series parsed once, outside the timings, so that a method's time is model fitting and forecasting only.
inputs <- lapply(seq_len(nrow(series)), function(i) {
  list(
    sn = series$sn[i], h = series$h[i],
    tr = ts(as.numeric(strsplit(series$y[i], ";", fixed = TRUE)[[1]]), frequency = series$freq[i])
  )
})

forecasts <- list()
timings <- data.frame()
for (method in methods) {
  t0 <- proc.time()[["elapsed"]]
  # mclapply forks one R per core: the same cores the service's worker threads get.
  out <- mclapply(inputs, function(s) {
    c0 <- proc.time()
    f <- one(method, s$tr, s$h)
    # CPU of this fit, measured in the worker: forked children's times reach the parent only when reaped.
    used <- proc.time() - c0
    data.frame(method = method, sn = s$sn, step = seq_along(f), mean = f,
      cpu = used[["user.self"]] + used[["sys.self"]])
  }, mc.cores = cores)
  elapsed <- proc.time()[["elapsed"]] - t0
  failed <- vapply(out, function(x) inherits(x, "try-error"), logical(1))
  if (any(failed)) stop(paste(method, "failed on", sum(failed), "series:", out[failed][[1]]))
  rows <- do.call(rbind, out)
  used <- sum(rows$cpu[rows$step == 1])
  forecasts[[method]] <- rows[, c("method", "sn", "step", "mean")]
  timings <- rbind(timings, data.frame(method = method, seconds = elapsed, cpu = used, series = length(inputs)))
  message(sprintf("R %s: %d series in %.1f s (%.1f CPU s)", method, length(inputs), elapsed, used))
}
write.csv(do.call(rbind, forecasts), args[2], row.names = FALSE)
write.csv(timings, args[3], row.names = FALSE)

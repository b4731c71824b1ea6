# Converts R's EuStockMarkets (daily closes of DAX, SMI, CAC and FTSE, 1991-1998) to CSV for `langevin sde fit`.
# Run once, by hand, on Debian 12 with `apt-get install r-base-core`: Rscript data/eu-stocks/convert.R
# Writes eustocks.csv (t,x,path: all four indices) and dax.csv (t,x: the DAX alone) beside this script, and SOURCE.md.
# t is the decimal year of R's time series (frequency 260 business days per year), x the closing price.
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
x <- EuStockMarkets
t <- as.numeric(time(x))
long <- do.call(rbind, lapply(colnames(x), function(name) data.frame(t = sprintf("%.6f", t), x = as.numeric(x[, name]), path = name)))
write.csv(long, file.path(here, "eustocks.csv"), row.names = FALSE, quote = FALSE)
write.csv(data.frame(t = sprintf("%.6f", t), x = as.numeric(x[, "DAX"])), file.path(here, "dax.csv"), row.names = FALSE, quote = FALSE)
version <- system("dpkg-query -W -f='${Version}' r-base-core", intern = TRUE)
writeLines(c(
  "# European stock index closes, 1991-1998 (R's EuStockMarkets)",
  "",
  sprintf("`eustocks.csv` (columns `t`, `x`, `path`: %d business days of each of DAX, SMI, CAC and FTSE) and `dax.csv`", nrow(x)),
  "(`t`, `x`: the DAX alone) are the `EuStockMarkets` data set of R's `datasets` package, as Debian ships it:",
  "",
  sprintf("- package: `r-base-core` %s (Debian 12), `datasets` %s", version, packageVersion("datasets")),
  "- converted by `data/eu-stocks/convert.R` (`Rscript data/eu-stocks/convert.R`)",
  "- licence: the `datasets` package is part of R, distributed under GPL-2 | GPL-3; these two files are that data set,",
  "  redistributed under the same terms (the rest of Langevin is MIT)",
  "- original source (R's documentation of EuStockMarkets): daily closing prices, weekends and holidays omitted (the",
  "  series counts 260 business days a year); provided to R by Erste Bank AG, Vienna, Austria",
  "- t is R's time index in years (the series starts at 1991.496, frequency 260), x the closing price"
), file.path(here, "SOURCE.md"))
cat(sprintf("wrote %d rows per index from r-base-core %s\n", nrow(x), version))

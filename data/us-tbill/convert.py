#!/usr/bin/env python3
"""Converts the US 3-month Treasury bill rate of statsmodels' macrodata set to data/us-tbill/tbill.csv (t,x).

Run once, by hand, on Debian 12 with `apt-get install python3-statsmodels`; the output is committed, so nothing at
run time needs Python. It records the source package and its version in SOURCE.md beside the CSV.

t is the quarter's start as a decimal year (1959.0 is 1959 Q1), x the rate in percent per year.
"""
import csv
import pathlib
import subprocess

SOURCE = pathlib.Path("/usr/lib/python3/dist-packages/statsmodels/datasets/macrodata/macrodata.csv")
HERE = pathlib.Path(__file__).resolve().parent

version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-statsmodels"], check=True, capture_output=True, text=True).stdout
with SOURCE.open(newline="") as source:
    rows = list(csv.DictReader(source))
with (HERE / "tbill.csv").open("w", newline="") as target:
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(["t", "x"])
    for row in rows:
        year, quarter = int(float(row["year"])), int(float(row["quarter"]))
        writer.writerow([f"{year + (quarter - 1) / 4:.2f}", row["tbilrate"]])
(HERE / "SOURCE.md").write_text(f"""# US 3-month Treasury bill rate, quarterly, 1959 Q1 – {rows[-1]['year'].split('.')[0]} Q{rows[-1]['quarter'].split('.')[0]}

`tbill.csv` (columns `t`, `x`: the quarter as a decimal year, the rate in percent per year; {len(rows)} rows) is the
`tbilrate` column of the `macrodata` data set of statsmodels, as Debian ships it:

- package: `python3-statsmodels` {version} (Debian 12), file `{SOURCE}`
- converted by `data/us-tbill/convert.py`
- licence: public domain (statsmodels' `macrodata/data.py`: COPYRIGHT = "This is public domain.")
- original source (per statsmodels): FRED, Federal Reserve Economic Data, Federal Reserve Bank of St. Louis, accessed
  December 15, 2009 — the 3-month Treasury bill secondary-market rate, averaged over each quarter.
""")
print(f"wrote {len(rows)} rows from python3-statsmodels {version}")

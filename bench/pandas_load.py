"""Loads every CSV of a synthetic ICB with pandas.read_csv, as an analyst's Python script would.

Prints one line per file (rows, seconds) and a total line: "pandas total_rows=N seconds=S".
Run with Debian's python3 (python3-pandas): /usr/bin/python3 bench/pandas_load.py DIR
"""
import glob
import os
import sys
import time

import pandas as pd

def main(directory: str) -> None:
    total_rows = 0
    start = time.perf_counter()
    for path in sorted(glob.glob(os.path.join(directory, "*.csv"))):
        t = time.perf_counter()
        rows = 0
        # Streamed in chunks of a million rows: a whole 1M-person ICB as Python string objects
        # does not fit in 24 GiB, so an analyst would have to chunk it too.
        for frame in pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=1_000_000):
            rows += len(frame)
        total_rows += rows
        print(f"  {os.path.basename(path):32s} {rows:>12,d} rows {time.perf_counter() - t:8.2f} s")
    print(f"pandas total_rows={total_rows} seconds={time.perf_counter() - start:.2f}")

if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""Writes ptable.csv, the cell-key perturbation table of icb-engine (see README.md).

Construction (fixed, no randomness): cell keys are 0..255. For a true count c the offsets are the
integers -m..m with m = min(D, c - 1) (so c + offset >= 1 for every c >= 1) and D = 3; a count of 0
has the single offset 0. Each offset d != 0 gets floor(256 / (2m + 1)) keys and offset 0 gets the
remainder, so the offsets of every count are symmetric about 0 (mean exactly 0). Keys are given to
the offsets in ascending order (-m first). Counts from D + 1 up share one row: the last row applies
to every larger count.
"""
import sys

D = 3
KEYS = 256


def rows():
    for c in range(0, D + 2):
        m = 0 if c == 0 else min(D, c - 1)
        per = KEYS // (2 * m + 1)
        sizes = {d: per for d in range(-m, m + 1) if d != 0}
        sizes[0] = KEYS - per * 2 * m
        start = 0
        for d in range(-m, m + 1):
            yield c, d, start, start + sizes[d] - 1
            start += sizes[d]
        assert start == KEYS


def main():
    out = open(sys.argv[1] if len(sys.argv) > 1 else "ptable.csv", "w", newline="\n")
    out.write("count,offset,key_from,key_to\n")
    for c, d, a, b in rows():
        out.write(f"{c},{d},{a},{b}\n")


if __name__ == "__main__":
    main()

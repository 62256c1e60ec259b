"""How boilerplate cleaning time grows with the size of a text.

    .venv/bin/python benchmarks/bench_boilerplate.py

Cleans a text of N blocks (a news sentence and a "Share this article" line) for N = 5,000,
10,000 and 20,000 and prints the seconds and the time per block; the time per block stays
flat when cleaning is linear in the size of the text (a quadratic rule would double it at
each step). Hand-written text, no data needed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsgraph.ingest import clean_text  # noqa: E402

LEAD = "GENEVA - Talks on a ceasefire collapsed on Wednesday, United Nations officials said."


def main() -> int:
    print(f"{'blocks':>8} {'chars':>11} {'seconds':>8} {'us/block':>9}")
    for n in (5_000, 10_000, 20_000):
        body = (LEAD + "\nShare this article\n\n") * n
        start = time.perf_counter()
        text, removed = clean_text(body)
        took = time.perf_counter() - start
        assert len(removed) == n
        print(f"{n:>8,} {len(body):>11,} {took:>8.2f} {took / n * 1e6:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

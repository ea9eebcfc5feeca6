"""`python -m bench [--quick | --full]`: measure speed, size and cost against baselines."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.report import table, write_results
from bench.run import DEFAULT, FULL, QUICK, Bench

RESULTS = Path(__file__).resolve().parent / "results.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="tiny sizes (seconds; for tests)")
    size.add_argument("--full", action="store_true", help="crawl comparisons on 10k articles")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"default: {RESULTS}")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp folder)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL if args.full else DEFAULT
    work = args.keep or Path(tempfile.mkdtemp(prefix="malinews-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        bench = Bench(sizes, work, lambda line: print(line, file=sys.stderr, flush=True))
        figures = bench.run()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    bench.details["bench_seconds"] = time.perf_counter() - start
    write_results(args.results, figures, bench.details)
    print(table(figures))
    print(f"\n{time.perf_counter() - start:.0f} s; results: {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

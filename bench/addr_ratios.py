#!/usr/bin/env python3
"""Runs addr_bench once and prints weft against glibc, operation by operation.

Both sides run in the same process and the same run (STYLE.md "Benchmarks"), with their
repetitions interleaved at random so that load from other processes lands on both. The
table shows the median over the repetitions of CPU time per address, and the ratio
glibc / weft: the speed-up, above 1 when weft is faster.

Usage: bench/addr_ratios.py [BUILD_DIR_OR_BINARY] [--repetitions N] [--min-time SECONDS]
                            [--check]
With --check, exits 1 when IPv6 parse or format is below the 2x goal.
"""

import argparse
import json
import os
import subprocess
import sys

GOAL = 2.0
GOAL_OPERATIONS = {"ipv6_parse", "ipv6_format"}


def find_binary(path):
    if os.path.isdir(path):
        for candidate in (os.path.join(path, "bench", "addr_bench"), os.path.join(path, "addr_bench")):
            if os.access(candidate, os.X_OK):
                return candidate
        sys.exit(f"addr_ratios: no addr_bench under {path}")
    return path


def run(binary, repetitions, min_time):
    command = [
        binary,
        "--benchmark_format=json",
        f"--benchmark_repetitions={repetitions}",
        "--benchmark_report_aggregates_only=true",
        "--benchmark_enable_random_interleaving=true",
    ]
    if min_time is not None:
        command.append(f"--benchmark_min_time={min_time}")
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(result.stdout)


def medians(report):
    """{(operation, implementation): ns per address} from the median aggregates."""
    out = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "aggregate" or b.get("aggregate_name") != "median":
            continue
        operation, _, implementation = b["run_name"].partition("/")
        # items_per_second counts addresses per CPU second.
        out[(operation, implementation)] = 1e9 / b["items_per_second"]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", nargs="?", default="build/bench/addr_bench",
                        help="addr_bench, or a build directory holding bench/addr_bench")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=None,
                        help="seconds per repetition (Google Benchmark's default if omitted)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if IPv6 parse or format is below the 2x goal")
    args = parser.parse_args()

    report = run(find_binary(args.binary), args.repetitions, args.min_time)
    ctx = report["context"]
    ns = medians(report)
    operations = sorted({op for op, _ in ns}, key=lambda op: (op[:4], "format" in op))

    print(f"host {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs at "
          f"{ctx.get('mhz_per_cpu', '?')} MHz, load average "
          f"{' '.join(f'{x:.2f}' for x in ctx.get('load_avg', []))}")
    print(f"median of {args.repetitions} interleaved repetitions, CPU ns per address "
          "(1024 varied addresses per iteration)\n")
    header = f"{'operation':<13} {'weft ns/op':>11} {'glibc ns/op':>12} {'ratio':>7}  goal"
    print(header)
    print("-" * len(header))
    missed = []
    for op in operations:
        weft, glibc = ns.get((op, "weft")), ns.get((op, "glibc"))
        if weft is None or glibc is None:
            continue
        ratio = glibc / weft
        goal = ""
        if op in GOAL_OPERATIONS:
            goal = f">= {GOAL:g}x ok" if ratio >= GOAL else f">= {GOAL:g}x MISSED"
            if ratio < GOAL:
                missed.append(op)
        print(f"{op:<13} {weft:>11.2f} {glibc:>12.2f} {ratio:>6.2f}x  {goal}")
    print("\nratio = glibc / weft: how many times faster weft is.")
    if args.check and missed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

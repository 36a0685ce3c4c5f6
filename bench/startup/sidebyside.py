#!/usr/bin/env python3
"""Whole-process wall time of shell commands, side by side: sidebyside.py [--runs N] [--warmup W] LABEL=COMMAND...

Each command runs W times first (discarded: the page cache, the AOT cache or any other first-run cost), then the
commands take turns, N rounds, so that a change in the machine's load hits them all alike. Each run is one
`bash -c COMMAND`, its output thrown away; a run that fails stops everything. Prints a markdown table of
min / median / max wall seconds, the median CPU seconds, and each command's median relative to the first one's.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time


def cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command):
    """(wall seconds, CPU seconds: user + system of the command and all its children)"""
    start, start_cpu = time.perf_counter(), cpu()
    done = subprocess.run(["bash", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start, cpu() - start_cpu
    if done.returncode != 0:
        sys.exit(f"sidebyside: '{command}' failed with exit status {done.returncode}: "
                 + done.stderr.decode(errors="replace").strip()[-2000:])
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    args = parser.parse_args()
    labeled = []
    for spec in args.commands:
        label, sep, command = spec.partition("=")
        if not sep or not command:
            sys.exit(f"sidebyside: expected LABEL=COMMAND, got '{spec}'")
        labeled.append((label, command))
    for label, command in labeled:
        for _ in range(args.warmup):
            run(command)
    times = {label: [] for label, _ in labeled}
    cpus = {label: [] for label, _ in labeled}
    for r in range(args.runs):
        for label, command in labeled:
            wall, used = run(command)
            times[label].append(wall)
            cpus[label].append(used)
        print(f"round {r + 1}/{args.runs}: " + ", ".join(f"{label} {times[label][-1]:.2f} s" for label, _ in labeled),
              file=sys.stderr, flush=True)
    load = os.getloadavg()
    first = statistics.median(times[labeled[0][0]])
    print(f"| command | min s | median s | max s | median vs {labeled[0][0]} | median CPU s (user+sys) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _ in labeled:
        t = times[label]
        print(f"| {label} | {min(t):.2f} | {statistics.median(t):.2f} | {max(t):.2f} | {statistics.median(t) / first:.2f}x "
              f"| {statistics.median(cpus[label]):.2f} |")
    print(f"\n{args.runs} alternating runs each after {args.warmup} discarded; load average at the end "
          f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()

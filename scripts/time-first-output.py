#!/usr/bin/env python3
"""Runs a command several times; prints, per run and as the median, the time from start to its first byte on standard
output, the total time until it exits and the CPU time (user + system) it and its children used. Used to compare the Native AOT Sample with `dotnet run` and the published dll.

    scripts/time-first-output.py [-n RUNS] -- COMMAND [ARGS...]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", "--runs", type=int, default=5)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ["--"] else options.command
    if not command:
        parser.error("no command")
    firsts, totals, cpus = [], [], []
    for run in range(1, options.runs + 1):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        first_byte = process.stdout.read(1)
        first = time.perf_counter() - start
        rest = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        total = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        if code != 0:
            sys.stdout.write((first_byte + rest).decode(errors="replace"))
            print(f"exit code {code}", file=sys.stderr)
            return 1
        firsts.append(first)
        totals.append(total)
        cpus.append(cpu)
        print(f"run {run}: first output {first * 1000:7.0f} ms   total {total * 1000:7.0f} ms   cpu {cpu * 1000:7.0f} ms", flush=True)
    print(f"median ({options.runs} runs): first output {statistics.median(firsts) * 1000:.0f} ms, "
          f"total {statistics.median(totals) * 1000:.0f} ms, cpu {statistics.median(cpus) * 1000:.0f} ms   [{' '.join(command)}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())

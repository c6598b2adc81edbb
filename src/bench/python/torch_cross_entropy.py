#!/usr/bin/env python3
"""PyTorch's CPU cross-entropy on the benchmark's sizes, one thread: prints one TSV line per contender.

Line: contender, N, C, elements/s (median of --runs timed calls, after --warmup calls), median seconds, group
("kernel"), and the process's peak resident memory so far in bytes (ru_maxrss; it includes torch itself).
Data: N = elements // C rows of 3 * N(0, 1) logits (float32, and the same values as float64) with uniform
targets, from a fixed seed. Timing: time.perf_counter around one F.cross_entropy(x, y) call (reduction 'mean').
"""
import argparse
import resource
import statistics
import time

import torch
import torch.nn.functional as F


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--elements", type=int, default=4096000)
    parser.add_argument("--classes", type=int, nargs="+", default=[1000, 32000, 128000, 256000])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    for classes in args.classes:
        n = args.elements // classes
        g = torch.Generator().manual_seed(20240605)
        x32 = 3.0 * torch.randn(n, classes, generator=g, dtype=torch.float32)
        y = torch.randint(0, classes, (n,), generator=g)
        for name, x in (("torch float32", x32), ("torch float64", x32.to(torch.float64))):
            for _ in range(args.warmup):
                F.cross_entropy(x, y)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                loss = F.cross_entropy(x, y)
                times.append(time.perf_counter() - start)
                if not torch.isfinite(loss):
                    raise SystemExit("non-finite loss from torch: %r" % loss)
            median = statistics.median(times)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            print("%s\t%d\t%d\t%.6g\t%.6g\tkernel\t%d" % (name, n, classes, n * classes / median, median, peak),
                  flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The numbers behind xent's own exp (src/main/java/dev/xent/core/Exp.java) and its accuracy test (ExpTest).

  exp_reference.py coefficients   prints q(r) in exp(r) = 1 + r + r^2 q(r) on [-ln(2)/2, ln(2)/2]: a degree-9
                                  Chebyshev fit in 200-bit arithmetic, rounded to double (the Q9..Q0 of Exp.java),
                                  and the fit's largest relative error over 20,001 points
  exp_reference.py > exp_reference.tsv
                                  the reference file: one argument a line (Python's float.hex) and exp of it to 40
                                  significant digits (mpmath, 200 bits): the edges (0, the reduction's half-way
                                  points n*ln(2)/2, the overflow, subnormal and underflow thresholds, every multiple
                                  of ln 2 in range) and 20,000 random arguments in [-746, 710]

Needs mpmath (Debian: apt-get install -y python3-mpmath). Deterministic: the random arguments come from a seeded
generator.
"""
import math
import random
import sys

import mpmath as mp

mp.mp.prec = 200


def q(r):
    if r == 0:
        return mp.mpf(1) / 2
    return (mp.exp(r) - 1 - r) / r ** 2


def coefficients():
    h = mp.log(2) / 2 * mp.mpf('1.0001')
    poly, _ = mp.chebyfit(q, [-h, h], 10, error=True)  # 10 coefficients, highest degree first
    coeffs = [float(c) for c in poly]
    worst = 0
    for i in range(20001):
        r = -h + 2 * h * i / 20000
        v = mp.mpf(0)
        for c in coeffs:
            v = v * r + mp.mpf(c)
        worst = max(worst, abs((1 + r + r * r * v) - mp.exp(r)) / mp.exp(r))
    for k, c in enumerate(coeffs):
        print('Q%d = %s' % (len(coeffs) - 1 - k, c.hex()))
    print('largest relative error of the fit: %s (2^%.2f)' % (mp.nstr(worst, 5), float(mp.log(worst, 2))))


def neighbours(x, k):
    """x and the k doubles on either side of it."""
    out = [x]
    up = down = x
    for _ in range(k):
        up = math.nextafter(up, math.inf)
        down = math.nextafter(down, -math.inf)
        out += [up, down]
    return out


def arguments():
    args = [0.0, -0.0, 5e-324, -5e-324, 1e-300, -1e-300, 2.0 ** -54, -2.0 ** -54, 1e-9, -1e-9, 1.0, -1.0, -0.5]
    ln2 = mp.log(2)
    for n in range(-1076, 1025):
        args += neighbours(float(n * ln2), 1)
    for n in range(-2153, 2049, 2):  # the half-way points of the reduction, where n changes
        args += neighbours(float(n * ln2 / 2), 2)
    for threshold in (mp.log(mp.mpf(2) ** 1024), mp.log(mp.mpf(2) ** -1022), mp.log(mp.mpf(2) ** -1074),
                      mp.log(mp.mpf(2) ** -1075)):
        args += neighbours(float(threshold), 8)
    rnd = random.Random(19)
    args += [rnd.uniform(-746.0, 710.0) for _ in range(10000)]
    args += [-rnd.expovariate(0.2) for _ in range(10000)]  # where log-sum-exp spends its time: -30 < x <= 0
    return [a for a in args if -746.0 <= a <= 710.0]


def main():
    if sys.argv[1:] == ['coefficients']:
        coefficients()
        return
    print('# exp(x) for xent\'s ExpTest: x as float.hex, then exp(x) to 40 significant digits (mpmath, 200 bits).')
    print('# Made by exp_reference.py; do not edit.')
    for a in arguments():
        print('%s\t%s' % (a.hex(), mp.nstr(mp.exp(mp.mpf(a)), 40, min_fixed=1, max_fixed=0)))


if __name__ == '__main__':
    main()

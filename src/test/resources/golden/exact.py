"""The exact cross-entropy of a golden case's double inputs, from mpmath, rounded once to the nearest double.

Debian: apt-get install -y python3-mpmath (python3-gmpy2 makes it about twice as fast). generate_golden.py stores
these values beside torch's ("exact" beside "expected"), so the tests can tell torch's own rounding from xent's.

How: each row's -log_softmax is computed as (m - x_c) + log1p(U), where m is the row's largest logit (first
index on ties) and U = sum of exp(x_c - m) over the other classes, at 128 bits. No cancellation is left, so a loss
of 1e-40 is as exact as one of 40. Terms of U below e^-64 times U's largest term are left out: with C <= 2^18
classes they change U by less than 2^-74 relative. PyTorch's formulas (shared/docs/pytorch-semantics.md) are
then applied exactly: weights, ignore_index, label smoothing, the weighted mean.

Non-finite inputs: a row holding NaN or +inf, or whose logits are all -inf, has no exact value here (None); the
caller keeps torch's value there, which the tests compare bit for bit. Any other -inf logit (a mask) takes part
exactly (exp(-inf) = 0; its own -log_softmax is +inf).
"""
import math

import mpmath
from mpmath import mpf

mpmath.mp.prec = 128
PRUNE = 64.0
INF = float("inf")


def _row_shift(row):
    """(m, log1p(U)) of a row as described above, or None for a row with NaN, +inf or only -inf."""
    m, cmax = -INF, -1
    for c, x in enumerate(row):
        if x != x or x == INF:
            return None
        if x > m:
            m, cmax = x, c
    if cmax < 0:
        return None
    largest = -INF
    for c, x in enumerate(row):
        if c != cmax and x - m > largest:
            largest = x - m
    if largest == -INF:
        return mpf(m), mpf(0)
    mm = mpf(m)
    cut = largest - PRUNE
    u = mpmath.fsum(mpmath.exp(mpf(x) - mm) for c, x in enumerate(row) if c != cmax and x - m > cut)
    return mm, mpmath.log1p(u)


class _Row:
    """-log_softmax of one row, exactly, class by class (for logits, log-probabilities or probabilities)."""

    def __init__(self, row, kind):
        self.row, self.kind = row, kind
        self.shift = _row_shift(row) if kind == "logits" else True

    def defined(self):
        return self.shift is not None

    def nlsm(self, c):
        x = self.row[c]
        if self.kind == "log_probs":
            return -mpf(x)
        if self.kind == "probabilities":
            return -mpmath.log(mpf(x))
        m, l1p = self.shift
        return (m - mpf(x)) + l1p


def _smoothing_sum(r, weight, classes):
    return mpmath.fsum((mpf(1) if weight is None else mpf(weight[c])) * r.nlsm(c) for c in range(classes))


def class_index(logits, targets, weight, ignore_index, eps, kind, classes):
    """{"none", "sum", "mean"} for class-index targets; a value is None where a row involved has no exact value."""
    eps = mpf(eps)
    none, target_terms, smoothing_terms, norm, undefined = [], [], [], mpf(0), False
    for row, y in zip(logits, targets):
        if y == ignore_index:
            none.append(mpf(0))
            continue
        r = _Row(row, kind)
        if not r.defined():
            none.append(None)
            undefined = True
            continue
        wy = mpf(1) if weight is None else mpf(weight[y])
        target_terms.append(wy * r.nlsm(y))
        loss = target_terms[-1]
        if eps != 0:
            smoothing_terms.append(_smoothing_sum(r, weight, classes))
            loss = (1 - eps) * loss + eps / classes * smoothing_terms[-1]
        none.append(loss)
        norm += wy
    if undefined:
        return {"none": none, "sum": None, "mean": None}
    # torch divides the target term and the smoothing term by the weight sum each: 0/0 in the first is NaN even
    # where the second is infinite
    mean = _divide(mpmath.fsum(target_terms), norm)
    if eps != 0:
        mean = (1 - eps) * mean + eps / classes * _divide(mpmath.fsum(smoothing_terms), norm)
    return {"none": none, "sum": mpmath.fsum(none), "mean": mean}


def probability_targets(logits, probs, weight, eps, classes):
    """{"none", "sum", "mean"} for probability targets (the mean divides by the row count)."""
    eps = mpf(eps)
    none, undefined = [], False
    for row, p in zip(logits, probs):
        r = _Row(row, "logits")
        if not r.defined():
            none.append(None)
            undefined = True
            continue
        terms = []
        for c in range(classes):
            target = mpf(p[c]) * (1 - eps) + eps / classes
            w = mpf(1) if weight is None else mpf(weight[c])
            terms.append(w * target * r.nlsm(c))     # 0 times +inf (a -inf logit) is NaN, as in torch
        none.append(mpmath.fsum(terms))
    if undefined:
        return {"none": none, "sum": None, "mean": None}
    total = mpmath.fsum(none)
    return {"none": none, "sum": total, "mean": _divide(total, mpf(len(none)))}


def log_softmax(row):
    """{"log_softmax", "logsumexp"} of one row."""
    shift = _row_shift(row)
    if shift is None:
        return {"log_softmax": [None] * len(row), "logsumexp": None}
    r = _Row(row, "logits")
    m, l1p = shift
    return {"log_softmax": [-r.nlsm(c) for c in range(len(row))], "logsumexp": m + l1p}


def mean(values):
    """The exact mean of exact values (None when one is None or there are none)."""
    if not values or any(v is None for v in values):
        return None
    return mpmath.fsum(values) / len(values)


def exp(v):
    return None if v is None else mpmath.exp(v)


def _divide(a, b):
    if b == 0:
        return mpf("nan") if a == 0 else mpf("inf") * mpmath.sign(a)
    return a / b


def to_double(v):
    """The nearest double of an exact value (None stays None)."""
    if v is None:
        return None
    if mpmath.isnan(v):
        return float("nan")
    return float(v)

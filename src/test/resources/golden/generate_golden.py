#!/usr/bin/python3
"""Writes xent's golden cases from real PyTorch (float64).

Run with Debian's torch:  apt-get install -y python3-torch && /usr/bin/python3 generate_golden.py
Check the committed files: /usr/bin/python3 generate_golden.py --check   (regenerates in memory, reports any
difference, exits 1 on one).

Files (JSON lines, one case per line), beside this script:
  random.jsonl  randomized cases over C in [1, 32000], logit scales 1e-3..1e4 and every option combination.
                Large inputs are not stored: they are described by a generator spec that xent's tests rebuild
                bit for bit (SplitMix64, then IEEE double arithmetic only; see `gen_matrix`).
  named.jsonl   one case per rule and edge case of shared/docs/pytorch-semantics.md, inputs written out.
  log_softmax.jsonl  torch.log_softmax and torch.logsumexp of single rows, extremes and masks included.
  sequences.jsonl  language-model rows: K-dimensional calls cross_entropy(x.permute(0, 2, 1), y) on (N, T, C)
                logits, with the per-sequence means and the sequence-weighted figures torch gives.
  large_vocab.jsonl  C = 128,000 and 256,000 (language-model vocabularies), a few rows each, every option kind.
  half_precision.jsonl  float16 and bfloat16 logits as the bytes torch writes (hex, one string per row), with
                torch's float64 cross-entropy of the upcast values.
  brier.jsonl   the multi-class Brier score sum_c (softmax(x)_c - y_c)^2 (y one-hot or the probability target), its
                mean weighted by the target-class weight over the non-ignored rows, computed directly with torch.
  errors.jsonl  inputs PyTorch refuses, with its exception type and message; and the documented deviations
                (negative/NaN label smoothing, which torch treats as 0 and xent refuses), with torch's result.

Every expected value below comes from torch; none is typed by hand. Beside torch's values ("expected"), each case
with numbers has "exact": the same figures from a high-precision reference (exact.py, mpmath), rounded once to
double, so the tests can tell torch's own rounding (large, relatively, on losses below 1e-12) from xent's. Where an
input is NaN or +inf "exact" repeats torch's value. counts.json holds each file's number of cases, which the tests
check. Numbers: floats as repr() (round trip), and the strings "NaN", "Infinity", "-Infinity" for non-finite values.
"""
import json
import math
import os
import random
import sys

import torch
import torch.nn.functional as F

import exact

HERE = os.path.dirname(os.path.abspath(__file__))
MASK64 = (1 << 64) - 1
INF = float("inf")
NAN = float("nan")
RANDOM_CASES = 1200


class SplitMix64:
    """The generator xent's tests reimplement (dev.xent.core.golden.SplitMix64)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        """A double in [0, 1): the top 53 bits times 2^-53 (exact)."""
        return (self.next() >> 11) * 2.0 ** -53


def gen_value(g, shape, scale):
    u = g.uniform()
    if shape == "uniform":          # scale * (2u - 1)
        return scale * (2.0 * u - 1.0)
    if shape == "cubic":            # heavy tails: scale * t^3, t = 2u - 1
        t = 2.0 * u - 1.0
        return scale * (t * t * t)
    if shape == "irwin":            # bell-shaped: scale * (u1 + u2 + u3 + u4 - 2)
        s = u + g.uniform()
        s = s + g.uniform()
        s = s + g.uniform()
        return scale * (s - 2.0)
    if shape == "negative":         # log-probability-like: -scale * u
        return -(scale * u)
    if shape == "positive":         # probability-like, never 0: u + 2^-20
        return u + 2.0 ** -20
    raise ValueError(shape)


def gen_matrix(spec, targets=None):
    """Rows x cols doubles from spec {seed, rows, cols, shape, scale, mask_rate, peak, normalize}.

    Row-major; per element one value (irwin: four draws), then, when mask_rate > 0, one more draw: below
    mask_rate the element becomes -inf. With peak, row i's element targets[i] (when a valid column) gets
    + peak afterwards. With normalize, each row is divided by its left-to-right sum.
    """
    g = SplitMix64(spec["seed"])
    rows, cols = spec["rows"], spec["cols"]
    shape, scale = spec["shape"], spec.get("scale", 1.0)
    mask_rate, peak = spec.get("mask_rate", 0.0), spec.get("peak", 0.0)
    out = []
    for i in range(rows):
        row = []
        for _ in range(cols):
            v = gen_value(g, shape, scale)
            if mask_rate > 0.0 and g.uniform() < mask_rate:
                v = -INF
            row.append(v)
        if peak != 0.0 and targets is not None and 0 <= targets[i] < cols:
            row[targets[i]] = row[targets[i]] + peak
        if spec.get("normalize", False):
            s = 0.0
            for v in row:
                s = s + v
            row = [v / s for v in row]
        out.append(row)
    return out


def enc(v):
    if v != v:
        return "NaN"
    if v == INF:
        return "Infinity"
    if v == -INF:
        return "-Infinity"
    return float(v)


def enc_list(values):
    return [enc(v) for v in values]


def as_tensor(rows, cols):
    if len(rows) == 0:
        return torch.zeros((0, cols), dtype=torch.float64)
    return torch.tensor(rows, dtype=torch.float64)


def torch_loss(case, logits, probs, reduction):
    """What torch gives for this case and reduction (float64)."""
    cols = case["classes"]
    x = as_tensor(logits, cols)
    w = None if case.get("_weight") is None else torch.tensor(case["_weight"], dtype=torch.float64)
    ii = case["ignore_index"]
    eps = case["label_smoothing"]
    kind = case["input_kind"]
    if probs is not None:
        p = as_tensor(probs, cols)
        return F.cross_entropy(x, p, weight=w, ignore_index=ii, reduction=reduction, label_smoothing=eps)
    y = torch.tensor(case["target"], dtype=torch.int64)
    if kind == "logits":
        return F.cross_entropy(x, y, weight=w, ignore_index=ii, reduction=reduction, label_smoothing=eps)
    if kind == "log_probs":
        assert eps == 0.0
        return F.nll_loss(x, y, weight=w, ignore_index=ii, reduction=reduction)
    if kind == "probabilities":
        assert eps == 0.0
        return F.nll_loss(torch.log(x), y, weight=w, ignore_index=ii, reduction=reduction)
    raise ValueError(kind)


def materialize(case):
    """The case's inputs as Python lists (stored ones, or rebuilt from their generator specs)."""
    weight = case.get("weight")
    if weight is None and "weight_gen" in case:
        weight = gen_matrix(case["weight_gen"])[0]
    case["_weight"] = dec_list(weight) if weight is not None else None
    targets = case.get("target")
    logits = case.get("logits")
    if logits is None:
        logits = gen_matrix(case["logits_gen"], targets)
    else:
        logits = [dec_list(r) for r in logits]
    probs = case.get("probs")
    if probs is None and "probs_gen" in case:
        probs = gen_matrix(case["probs_gen"])
    elif probs is not None:
        probs = [dec_list(r) for r in probs]
    return logits, probs


def dec(v):
    if isinstance(v, str):
        return {"NaN": NAN, "Infinity": INF, "-Infinity": -INF}[v]
    return float(v)


def dec_list(values):
    return [dec(v) for v in values]


def enc_nested(values):
    return [enc_nested(v) for v in values] if isinstance(values, list) else enc(values)


def exact_sequences(flat, y, weight, ii, eps, cols, torch_values):
    """exact.py's figures of a sequence case: the token losses and mean of all sequences, and per sequence."""
    tokens = len(y[0])
    rows = [flat[i * tokens:(i + 1) * tokens] for i in range(len(y))]
    every = exact.class_index(flat, [t for seq in y for t in seq], weight, ii, eps, "logits", cols)
    means = [exact.class_index(rows[i], y[i], weight, ii, eps, "logits", cols)["mean"] for i in range(len(y))]
    defined = [m for i, m in enumerate(means) if any(t != ii for t in y[i])]
    values = {
        "none": [every["none"][i * tokens:(i + 1) * tokens] for i in range(len(y))],
        "sum": every["sum"],
        "mean": every["mean"],
        "sequence_means": means,
        "sequence_mean_loss": exact.mean(defined),
        "sequence_mean_perplexity": exact.mean([exact.exp(m) for m in defined]),
    }
    return {k: exact_or_torch(values[k], torch_values[k]) for k in values}


def exact_or_torch(exact_values, torch_values):
    """exact.py's values (nested like torch's, encoded), with torch's where exact.py has none."""
    if isinstance(torch_values, list):
        return [exact_or_torch(e, t) for e, t in zip(exact_values, torch_values)]
    v = exact.to_double(exact_values)
    return enc(torch_values) if v is None else enc(v)


def exact_loss(case, logits, probs):
    """exact.py's none, sum and mean for a case, as materialize() gave its inputs."""
    w, ii, eps, cols = case["_weight"], case["ignore_index"], case["label_smoothing"], case["classes"]
    if probs is not None:
        return exact.probability_targets(logits, probs, w, eps, cols)
    return exact.class_index(logits, case["target"], w, ii, eps, case["input_kind"], cols)


def expect(case):
    """Fills case["expected"] (none, sum, mean) from torch and case["exact"] from exact.py, or case["error"] when
    torch raises."""
    logits, probs = materialize(case)
    try:
        none = torch_loss(case, logits, probs, "none")
        total = torch_loss(case, logits, probs, "sum")
        mean = torch_loss(case, logits, probs, "mean")
        torch_values = {"none": none.tolist(), "sum": total.item(), "mean": mean.item()}
        result = {"none": enc_list(torch_values["none"]), "sum": enc(torch_values["sum"]),
                  "mean": enc(torch_values["mean"])}
        if case.pop("_deviation", False):
            case["torch_result"] = result
        else:
            case["expected"] = result
            e = exact_loss(case, logits, probs)
            case["exact"] = {k: exact_or_torch(e[k], torch_values[k]) for k in ("none", "sum", "mean")}
    except (RuntimeError, IndexError, ValueError) as e:
        case["error"] = {"type": type(e).__name__, "message": str(e)}
    del case["_weight"]
    return case


# ---------------------------------------------------------------- randomized cases

def random_case(k):
    r = random.Random(20261127 * 1000 + k)
    if k < 12:
        cols = [1, 2, 3, 32000, 32000, 10, 1000, 1, 2, 32000, 5, 1000][k]
    else:
        cols = max(1, min(32000, int(round(math.exp(r.uniform(0.0, math.log(32000.0)))))))
    max_rows = max(1, min(48, 120000 // cols))
    rows = r.randint(1, max_rows)
    if r.random() < 0.01:
        rows = 0
    soft = cols > 1 and r.random() < 0.25
    kind = "logits"
    if not soft:
        kind = r.choices(["logits", "log_probs", "probabilities"], [0.78, 0.16, 0.06])[0]
    eps = 0.0
    if kind == "logits":
        eps = r.choice([0.0, 0.0, 0.1, round(r.random(), 6), 1.0])
    # ignore index: torch's default, a negative one, or (class-index targets only) a valid class
    ii = -100
    roll = r.random()
    if roll < 0.15:
        ii = -1
    elif roll < 0.30 and not soft:
        ii = r.randrange(cols)
    case = {"name": "random-%04d" % k, "classes": cols, "ignore_index": ii, "label_smoothing": eps,
            "input_kind": kind}
    wroll = r.random()
    if wroll < 0.45:
        pass
    else:
        low, high = (0.05, 3.0)
        if wroll > 0.85:
            low, high = (-0.5, 2.0)          # signed weights
        # w_c = offset + half_width * (2u - 1), then every k-th class (c % k == 0) may weigh 0
        spec = {"seed": r.getrandbits(63), "rows": 1, "cols": cols, "shape": "uniform",
                "scale": (high - low) / 2.0}
        case["weight_gen"] = spec
        case["weight_offset"] = (high + low) / 2.0
        if wroll < 0.55:
            case["weight_zero_every"] = r.randint(2, 5)   # every k-th class weighs 0
    if soft:
        case["probs_gen"] = {"seed": r.getrandbits(63), "rows": rows, "cols": cols, "shape": "positive",
                             "normalize": r.random() < 0.8}
    else:
        targets = [r.randrange(cols) for _ in range(rows)]
        for i in range(rows):
            if r.random() < 0.1:
                targets[i] = ii
        case["target"] = targets
    scale = 10.0 ** r.uniform(-3.0, 4.0)
    if kind == "logits":
        spec = {"seed": r.getrandbits(63), "rows": rows, "cols": cols,
                "shape": r.choice(["uniform", "cubic", "irwin"]), "scale": scale}
        if r.random() < 0.08:
            spec["mask_rate"] = 0.05
        if not soft and r.random() < 0.25:
            spec["peak"] = 10.0 ** r.uniform(0.0, 3.0)
    elif kind == "log_probs":
        spec = {"seed": r.getrandbits(63), "rows": rows, "cols": cols, "shape": "negative", "scale": scale}
    else:
        spec = {"seed": r.getrandbits(63), "rows": rows, "cols": cols, "shape": "positive",
                "normalize": r.random() < 0.5}
    case["logits_gen"] = spec
    return case


def weight_from(case):
    if "weight_gen" not in case:
        return None
    base = gen_matrix(case["weight_gen"])[0]
    w = [v + case["weight_offset"] for v in base]
    every = case.get("weight_zero_every")
    if every:
        w = [0.0 if c % every == 0 else v for c, v in enumerate(w)]
    return w


def random_cases():
    out = []
    for k in range(RANDOM_CASES):
        case = random_case(k)
        w = weight_from(case)
        if w is not None:
            case["_weight_values"] = w
        out.append(case)
    return out


# ---------------------------------------------------------------- named cases (pytorch-semantics.md)

def named(name, logits, classes, target=None, probs=None, weight=None, ii=-100, eps=0.0, kind="logits",
          deviation=False):
    case = {"name": name, "classes": classes, "ignore_index": ii, "label_smoothing": eps, "input_kind": kind,
            "logits": [enc_list(r) for r in logits]}
    if target is not None:
        case["target"] = target
    if probs is not None:
        case["probs"] = [enc_list(r) for r in probs]
    if weight is not None:
        case["weight"] = enc_list(weight)
    if deviation:
        case["_deviation"] = True
    return case


def named_cases():
    x2 = [[1.5, 2.0, 0.5], [1.0, 0.5, 2.5]]
    w3 = [0.7, 0.2, 0.1]
    e1x = [[0.3367, 0.1288, 0.2345, 0.2303], [-1.1229, -0.1863, 2.2082, -0.6380],
           [0.4617, 0.2674, 0.5349, 0.8094], [1.1103, -1.6898, -0.9890, 0.9580],
           [1.3221, 0.8172, -0.7658, -0.7506]]
    e1y = [0, 3, -100, 2, 1]
    e1w = [1.0, 2.0, 0.5, 3.0]
    x3 = [[0.2, -1.3, 2.1], [1.7, 0.4, -0.6], [-0.9, 0.8, 0.3], [0.5, 0.5, -2.0]]
    ls = 0.1
    fmax = 3.4028234663852886e38
    return [
        # seed examples of the core issue
        named("seed-plain", x2, 3, [1, 2]),
        named("seed-weight", x2, 3, [1, 2], weight=w3),
        named("seed-smoothing", x2, 3, [1, 2], eps=0.1),
        named("seed-weight-smoothing", x2, 3, [1, 2], weight=w3, eps=0.1),
        named("seed-batch-2", [[2.0, 0.5], [0.5, 2.0]], 2, [0, 1]),
        named("seed-batch-4", [[2.0, 0.5], [0.5, 2.0], [2.0, 0.5], [0.5, 2.0]], 2, [0, 1, 0, 1]),
        # section 1: class-index targets
        named("index-ignored-row", e1x, 4, e1y),
        named("index-weight-ignored-row", e1x, 4, e1y, weight=e1w),
        named("all-rows-ignored", e1x[:2], 4, [-100, -100]),
        named("all-rows-ignored-weight", e1x[:2], 4, [-100, -100], weight=e1w),
        named("empty-input", [], 4, []),
        named("empty-input-weight", [], 4, [], weight=e1w),
        named("present-target-weights-zero", e1x[:3], 4, [0, 0, 2], weight=[0.0, 1.0, 0.0, 1.0]),
        named("weight-sum-zero", e1x[:4], 4, [0, 1, 2, 3], weight=[1.0, -1.0, 1.0, -1.0]),
        named("negative-weights", e1x, 4, [0, 3, 1, 2, 1], weight=[1.0, -2.0, 0.5, 3.0]),
        named("ignore-index-outside-range", e1x[:3], 4, [10, 1, 10], ii=10),
        named("ignore-index-2^40", e1x[:3], 4, [2 ** 40, 1, 3], ii=2 ** 40),
        named("ignore-index-valid-class", e1x, 4, [1, 1, 2, 0, 3], ii=1),
        named("ignore-index-valid-class-smoothing", e1x, 4, [1, 1, 2, 0, 3], ii=1, eps=0.2),
        named("one-row-weight-half", [[0.2, 1.1, -0.4]], 3, [0], weight=[0.5, 1.0, 2.0]),
        named("one-row-weight-zero", [[0.2, 1.1, -0.4]], 3, [0], weight=[0.0, 1.0, 2.0]),
        named("one-row-ignored", [[0.2, 1.1, -0.4]], 3, [-100]),
        # section 2: label smoothing
        named("smoothing-weight", x3, 3, [0, 1, 2, 1], weight=[1.0, 2.0, 0.5], eps=0.2),
        named("smoothing-zero-weight-target-rows", x3, 3, [0, 1, 2, 1], weight=[0.0, 2.0, 0.5], eps=0.2),
        named("smoothing-all-target-weights-zero", x3, 3, [0, 0, 0, 0], weight=[0.0, 2.0, 0.5], eps=0.2),
        named("smoothing-eps-one", x3, 3, [0, 1, 2, 1], eps=1.0),
        named("smoothing-eps-one-weight", x3, 3, [0, 1, 2, 1], weight=[1.0, 2.0, 0.5], eps=1.0),
        named("smoothing-all-ignored", x3[:2], 3, [-100, -100], eps=ls),
        named("smoothing-all-ignored-weight", x3[:2], 3, [-100, -100], weight=[1.0, 2.0, 0.5], eps=ls),
        named("smoothing-empty", [], 3, [], eps=ls),
        named("smoothing-ignored-row", x3, 3, [0, -100, 2, 1], eps=ls),
        # section 3: probability targets
        named("soft-weight", x3, 3, probs=[[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]],
              weight=[1.0, 2.0, 0.5]),
        named("soft-weight-smoothing", x3, 3,
              probs=[[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]],
              weight=[1.0, 2.0, 0.5], eps=0.15),
        named("soft-one-hot-weight", x3, 3,
              probs=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]], weight=[1.0, 2.0, 0.5]),
        named("soft-one-hot", x3, 3, probs=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]),
        named("soft-unnormalized-targets", x3, 3,
              probs=[[2.0, 0.0, 0.0], [-1.0, 0.5, 0.5], [0.0, 0.0, 0.0], [0.3, 0.3, 0.3]]),
        named("soft-zero-target-row", [[0.0, 0.0, 0.0]], 3, probs=[[0.0, 0.0, 0.0]]),
        named("soft-negative-ignore-index", x3, 3, probs=[[0.2, 0.3, 0.5]] * 4, ii=-1),
        named("soft-empty", [], 3, probs=[]),
        named("soft-minus-inf-logit-zero-probability", [[-INF, 0.0, 1.0]], 3, probs=[[0.0, 0.5, 0.5]]),
        named("soft-minus-inf-logit-positive-probability", [[-INF, 0.0, 1.0]], 3, probs=[[0.1, 0.4, 0.5]]),
        # section 6: non-finite and extreme values
        named("plus-inf-at-target", [[INF, 0.0, 1.0]], 3, [0]),
        named("plus-inf-at-non-target", [[INF, 0.0, 1.0]], 3, [1]),
        named("two-plus-inf", [[INF, INF, 1.0]], 3, [0]),
        named("minus-inf-at-non-target", [[-INF, 0.0, 1.0]], 3, [1]),
        named("minus-inf-at-target", [[-INF, 0.0, 1.0]], 3, [0]),
        named("all-minus-inf", [[-INF, -INF, -INF]], 3, [0]),
        named("nan-at-non-target", [[NAN, 0.0, 1.0]], 3, [1]),
        named("nan-at-target", [[NAN, 0.0, 1.0]], 3, [0]),
        named("non-finite-ignored-rows", [[NAN, 0.0, 1.0], [-INF, -INF, -INF], [INF, 0.0, 1.0], [0.0, 1.0, 2.0]],
              3, [-100, -100, -100, 1]),
        named("non-finite-ignored-rows-smoothing", [[NAN, 0.0, 1.0], [INF, 0.0, 1.0], [0.0, 1.0, 2.0]], 3,
              [-100, -100, 1], eps=ls),
        named("minus-inf-non-target-smoothing", [[-INF, 0.0, 1.0]], 3, [1], eps=ls),
        named("minus-inf-mask-finite-smoothing", [[-1e9, 0.0, 1.0]], 3, [1], eps=ls),
        named("minus-inf-zero-weight-class-smoothing", [[-INF, 0.0, 1.0]], 3, [1], weight=[0.0, 1.0, 1.0], eps=ls),
        named("minus-inf-at-target-zero-weight", [[-INF, 0.0, 1.0], [0.0, 1.0, 2.0]], 3, [0, 1],
              weight=[0.0, 1.0, 1.0]),
        named("logits-1e4", [[1e4, 0.0, -1e4]], 3, [2]),
        named("logits-1e30-far", [[1e30, 0.0, -1e30]], 3, [2]),
        named("logits-1e30-at-max", [[1e30, 0.0, -1e30]], 3, [0]),
        named("logits-float-max", [[fmax, 0.0, -fmax]], 3, [2]),
        named("logits-float-max-tie", [[fmax, fmax, 0.0]], 3, [0]),
        named("logits-1e308", [[1e308, 0.0, 1.0]], 3, [1]),
        named("logits-1e308-spread", [[1e308, 0.0, -1e308]], 3, [2]),
        named("one-class", [[5.0], [-3.0]], 1, [0, 0]),
        named("one-class-smoothing", [[5.0], [-3.0]], 1, [0, 0], eps=0.3),
        named("one-class-weight", [[5.0], [-3.0]], 1, [0, 0], weight=[2.5]),
        named("perfect-prediction", [[100.0, 0.0]], 2, [0]),
        named("perfect-prediction-ignored-mix", [[100.0, 0.0], [1.0, 2.0]], 2, [0, -100]),
        named("equal-logits", [[7.0, 7.0, 7.0, 7.0]], 4, [2]),
        named("zero-weight-row", [[0.0, 1.0]], 2, [0], weight=[0.0, 1.0]),
        named("nan-weight-absent-class", x3, 3, [0, 1, 0, 1], weight=[1.0, 2.0, NAN]),
        named("nan-weight-absent-class-smoothing", x3, 3, [0, 1, 0, 1], weight=[1.0, 2.0, NAN], eps=ls),
        named("nan-weight-absent-class-soft", x3, 3, probs=[[0.5, 0.5, 0.0]] * 4, weight=[1.0, 2.0, NAN]),
        named("inf-weight-present-class", x3, 3, [0, 1, 0, 1], weight=[INF, 2.0, 1.0]),
        # section 7: NLLLoss on log-probabilities
        named("nll-unchecked-input", [[3.0, -2.0, 7.0]], 3, [2], kind="log_probs"),
        named("nll-log-probs", [[-0.5, -1.2, -2.3], [-3.0, -0.1, -2.6]], 3, [0, 2], weight=[1.0, 0.5, 2.0],
              kind="log_probs"),
        named("nll-minus-inf", [[-INF, -0.1, -2.6]], 3, [0], kind="log_probs"),
        named("nll-probabilities", [[0.2, 0.3, 0.5], [0.7, 0.2, 0.1]], 3, [2, 0], kind="probabilities"),
        named("nll-probability-zero-at-target", [[0.0, 0.5, 0.5]], 3, [0], kind="probabilities"),
    ]


def error_cases():
    x = [[0.2, -1.3, 2.1, 0.4], [1.7, 0.4, -0.6, 0.0], [-0.9, 0.8, 0.3, 1.1]]
    cases = [
        (named("error-target-too-large", x, 4, [1, 4, 0]), "4"),
        (named("error-target-negative", x, 4, [1, -1, 0]), "-1"),
        (named("error-target-default-ignore-with-other-ignore", x, 4, [1, -100, 0], ii=-1), "-100"),
        (named("error-target-too-large-smoothing", x, 4, [1, 2, 4], eps=0.1), "4"),
        (named("error-target-too-large-weight", x, 4, [7, 2, 0], weight=[1.0, 1.0, 1.0, 1.0]), "7"),
        (named("error-target-one-class", [[5.0]], 1, [1]), "1"),
        (named("error-nll-target-too-large", x, 4, [4, 0, 0], kind="log_probs"), "4"),
        (named("error-label-smoothing-above-one", x, 4, [1, 2, 0], eps=1.5), "1.5"),
        (named("error-label-smoothing-infinite", x, 4, [1, 2, 0], eps=INF), "Infinity"),
        (named("error-label-smoothing-above-one-soft", x, 4, probs=[[0.25] * 4] * 3, eps=1.5), "1.5"),
        (named("error-weight-length", x, 4, [1, 2, 0], weight=[1.0, 2.0, 3.0]), "3"),
        (named("error-weight-length-soft", x, 4, probs=[[0.25] * 4] * 3, weight=[1.0, 2.0, 3.0]), "3"),
        (named("error-ignore-index-soft", x, 4, probs=[[0.25] * 4] * 3, ii=0), "0"),
        (named("error-ignore-index-soft-positive", x, 4, probs=[[0.25] * 4] * 3, ii=5), "5"),
        (named("error-batch-size", x, 4, [1, 2]), "2"),
        # deviations: torch gives a number, xent refuses (documented in the README)
        (named("deviation-label-smoothing-negative", x, 4, [1, 2, 0], eps=-0.1, deviation=True), "-0.1"),
        (named("deviation-label-smoothing-nan", x, 4, [1, 2, 0], eps=NAN, deviation=True), "NaN"),
    ]
    out = []
    for case, value in cases:
        case["value"] = value
        if case["label_smoothing"] != case["label_smoothing"] or abs(case["label_smoothing"]) == INF:
            case["label_smoothing"] = enc(case["label_smoothing"])
        out.append(case)
    return out


def log_softmax_cases():
    fmax = 3.4028234663852886e38
    rows = [
        ("small", [1.5, 2.0, 0.5]),
        ("one-value", [3.25]),
        ("equal", [7.0, 7.0, 7.0, 7.0]),
        ("scale-1e4", [1e4, 0.0, -1e4]),
        ("scale-1e30", [1e30, 0.0, -1e30]),
        ("float-max", [fmax, 0.0, -fmax]),
        ("double-1e308", [1e308, 1e308, 0.0]),
        ("naive-overflow", [1000.0, 0.0, -1000.0]),
        ("minus-inf-mask", [-INF, 0.0, 1.0]),
        ("plus-inf", [INF, 0.0, 1.0]),
        ("all-minus-inf", [-INF, -INF]),
        ("nan", [NAN, 0.0, 1.0]),
        ("tiny", [1e-300, -1e-300, 5e-324]),
    ]
    cases = []
    for name, row in rows:
        cases.append({"name": "lsm-" + name, "logits": [enc_list(row)], "classes": len(row)})
    for k, (cols, scale) in enumerate([(10, 1.0), (1000, 10.0), (32000, 3.0), (1000, 1e4), (257, 1e-3)]):
        cases.append({"name": "lsm-random-%d" % k, "classes": cols, "logits_gen": {
            "seed": 977 + k, "rows": 1, "cols": cols, "shape": "irwin", "scale": scale}})
    for case in cases:
        logits, _ = materialize(case)
        del case["_weight"]
        x = torch.tensor(logits[0], dtype=torch.float64)
        torch_values = {"log_softmax": F.log_softmax(x, 0).tolist(), "logsumexp": torch.logsumexp(x, 0).item()}
        case["expected"] = {"log_softmax": enc_list(torch_values["log_softmax"]),
                            "logsumexp": enc(torch_values["logsumexp"])}
        e = exact.log_softmax(logits[0])
        case["exact"] = {k: exact_or_torch(e[k], torch_values[k]) for k in ("log_softmax", "logsumexp")}
    return cases


def half_precision_cases():
    """Logits in float16 / bfloat16 (random and special values), their bytes, and torch's float64 loss."""
    cases = []
    specials = [0.0, -0.0, 65504.0, -65504.0, 6.0e-8, -6.0e-8, 1.0e-5, 3.140625, INF, -INF]
    for k, (dtype, name) in enumerate([(torch.float16, "fp16"), (torch.bfloat16, "bf16")] * 4):
        g = torch.Generator().manual_seed(4242 + k)
        rows, cols = [(5, 7), (3, 1000), (2, 32000), (4, 3)][k // 2]
        scale = [1.0, 4.0, 2.0, 1.0][k // 2]
        x = (torch.randn(rows, cols, generator=g, dtype=torch.float64) * scale).to(dtype)
        y = torch.randint(0, cols, (rows,), generator=g)
        if k // 2 == 3:
            # special values, including a -inf mask and subnormals; rows chosen so losses stay finite or are
            # exactly what torch gives (inf, nan)
            vals = torch.tensor(specials[:8], dtype=torch.float64).to(dtype)
            x = torch.stack([vals[0:3], vals[3:6], torch.tensor([1.0, -INF, 2.0], dtype=dtype),
                             torch.tensor([INF, 0.0, 1.0], dtype=dtype)])
            y = torch.tensor([1, 2, 0, 1])
        if dtype == torch.bfloat16:
            raw = [row.view(torch.int16).numpy().tobytes().hex() for row in x]
        else:
            raw = [row.numpy().tobytes().hex() for row in x]
        xd = x.double()
        case = {"name": "%s-%d" % (name, k // 2), "encoding": name, "classes": cols,
                "logits_hex": raw, "target": y.tolist()}
        case["expected"] = {
            "none": enc_list(F.cross_entropy(xd, y, reduction="none").tolist()),
            "sum": enc(F.cross_entropy(xd, y, reduction="sum").item()),
            "mean": enc(F.cross_entropy(xd, y, reduction="mean").item()),
            "values": enc_list(xd[0].tolist()[:16]),
        }
        torch_values = {"none": F.cross_entropy(xd, y, reduction="none").tolist(),
                        "sum": F.cross_entropy(xd, y, reduction="sum").item(),
                        "mean": F.cross_entropy(xd, y, reduction="mean").item()}
        e = exact.class_index(xd.tolist(), y.tolist(), None, -100, 0.0, "logits", cols)
        case["exact"] = {k: exact_or_torch(e[k], torch_values[k]) for k in ("none", "sum", "mean")}
        cases.append(case)
    return cases


def large_vocab_cases():
    """A few rows of C = 128,000 and 256,000 logits, with and without weights and label smoothing."""
    cases = []
    for k, (cols, rows, eps, weighted) in enumerate([(128000, 3, 0.0, False), (128000, 2, 0.1, True),
                                                      (256000, 2, 0.0, True), (256000, 2, 0.05, False)]):
        r = random.Random(880000 + k)
        case = {"name": "large-vocab-%d-%d" % (cols, k), "classes": cols, "ignore_index": -100,
                "label_smoothing": eps, "input_kind": "logits",
                "target": [r.randrange(cols) for _ in range(rows)],
                "logits_gen": {"seed": r.getrandbits(63), "rows": rows, "cols": cols, "shape": "irwin",
                               "scale": 4.0, "peak": 12.0}}
        if weighted:
            case["weight_gen"] = {"seed": r.getrandbits(63), "rows": 1, "cols": cols, "shape": "uniform",
                                  "scale": 0.9}
            case["weight_offset"] = 1.0
        cases.append(case)
    out = []
    for case in cases:
        w = weight_from(case)
        for_torch = dict(case)
        for_torch.pop("weight_gen", None)
        for_torch["weight"] = enc_list(w) if w is not None else None
        result = expect(for_torch)
        case["expected"] = result["expected"]
        case["exact"] = result["exact"]
        out.append(case)
    return out


def sequence_cases():
    """(N, T, C) logits from a generator spec (token t of row i is generated row i*T + t), explicit targets."""
    cases = []
    for k in range(24):
        r = random.Random(777000 + k)
        rows, tokens, cols = r.randint(1, 6), r.randint(1, 12), r.choice([2, 5, 50, 1000, 4000])
        ii = -100
        eps = r.choice([0.0, 0.0, 0.1])
        weight = None
        if r.random() < 0.4:
            weight = [round(0.2 + 2 * r.random(), 3) for _ in range(cols)]
        y = [[r.randrange(cols) if r.random() > 0.15 else ii for _ in range(tokens)] for _ in range(rows)]
        if k == 0:
            y[0] = [ii] * tokens          # a sequence with no scored token
        spec = {"seed": r.getrandbits(63), "rows": rows * tokens, "cols": cols, "shape": "irwin",
                "scale": 10.0 ** r.uniform(-1.0, 1.5)}
        flat = gen_matrix(spec)
        x = torch.tensor(flat, dtype=torch.float64).reshape(rows, tokens, cols)
        yt = torch.tensor(y, dtype=torch.int64)
        w = None if weight is None else torch.tensor(weight, dtype=torch.float64)
        kw = dict(weight=w, ignore_index=ii, label_smoothing=eps)
        inp = x.permute(0, 2, 1)
        seq_means = torch.stack([F.cross_entropy(x[i], yt[i], **kw) for i in range(rows)])
        scored = (yt != ii).any(dim=1)
        defined = seq_means[scored]
        case = {"name": "sequence-%02d" % k, "classes": cols, "tokens": tokens, "ignore_index": ii,
                "label_smoothing": eps, "logits_gen": spec, "target": y}
        if weight is not None:
            case["weight"] = weight
        torch_values = {
            "none": F.cross_entropy(inp, yt, reduction="none", **kw).tolist(),
            "sum": F.cross_entropy(inp, yt, reduction="sum", **kw).item(),
            "mean": F.cross_entropy(inp, yt, reduction="mean", **kw).item(),
            "sequence_means": seq_means.tolist(),
            "sequence_mean_loss": defined.mean().item(),
            "sequence_mean_perplexity": defined.exp().mean().item(),
        }
        case["expected"] = {k: enc_nested(v) for k, v in torch_values.items()}
        case["exact"] = exact_sequences(flat, y, weight, ii, eps, cols, torch_values)
        cases.append(case)
    return cases


def brier_cases():
    """Brier scores computed with torch tensors: per-row scores and the weighted mean over non-ignored rows."""
    g = random.Random(1212)
    cases = []

    def case(name, logits, target=None, probs=None, weight=None, ii=-100):
        x = torch.tensor(logits, dtype=torch.float64)
        p = torch.softmax(x, dim=1)
        if probs is not None:
            y = torch.tensor(probs, dtype=torch.float64)
            w = torch.ones(x.shape[0], dtype=torch.float64)
            keep = torch.ones(x.shape[0], dtype=torch.bool)
        else:
            t = torch.tensor(target, dtype=torch.int64)
            keep = t != ii
            safe = torch.where(keep, t, torch.zeros_like(t))
            y = F.one_hot(safe, x.shape[1]).to(torch.float64)
            cw = torch.ones(x.shape[1], dtype=torch.float64) if weight is None \
                else torch.tensor(weight, dtype=torch.float64)
            w = cw[safe]
        rows = ((p - y) ** 2).sum(dim=1)
        mean = (w[keep] * rows[keep]).sum() / w[keep].sum()
        stored = {"name": name, "classes": len(logits[0]), "logits": [enc_list(r) for r in logits],
                  "target": target, "probs": probs, "weight": weight, "ignore_index": ii,
                  "expected": {"rows": enc_list(rows.tolist()), "brier": enc(mean.item())}}
        cases.append({k: v for k, v in stored.items() if v is not None})

    def rows(n, c, scale):
        return [[g.gauss(0.0, scale) for _ in range(c)] for _ in range(n)]

    case("one row, sure and right", [[10.0, -10.0, 0.0]], target=[0])
    case("one row, sure and wrong", [[10.0, -10.0, 0.0]], target=[1])
    x = rows(40, 7, 3.0)
    case("class targets", x, target=[g.randrange(7) for _ in x])
    case("class weights", x, target=[g.randrange(7) for _ in x], weight=[0.5, 1, 2, 3, 0.25, 1, 4])
    case("ignore index", x, target=[g.randrange(7) if i % 5 else 3 for i in range(len(x))], ii=3,
         weight=[1, 2, 3, 4, 5, 6, 7])
    probs = []
    for _ in x:
        r = [g.random() for _ in range(7)]
        probs.append([v / sum(r) for v in r])
    case("probability targets", x, probs=probs)
    case("all ignored", rows(3, 4, 1.0), target=[2, 2, 2], ii=2)
    case("NaN logit", [[1.0, NAN, 0.0], [0.0, 1.0, 2.0]], target=[0, 2])
    case("large scale", rows(20, 50, 100.0), target=[g.randrange(50) for _ in range(20)])
    return cases


def compute_all():
    files = {"random.jsonl": [], "named.jsonl": [], "errors.jsonl": [], "log_softmax.jsonl": log_softmax_cases(),
             "half_precision.jsonl": half_precision_cases(), "sequences.jsonl": sequence_cases(),
             "large_vocab.jsonl": large_vocab_cases(), "brier.jsonl": brier_cases()}
    for case in random_cases():
        w = case.pop("_weight_values", None)
        stored = dict(case)
        case_for_torch = dict(case)
        case_for_torch.pop("weight_gen", None)
        case_for_torch["weight"] = enc_list(w) if w is not None else None
        result = expect(case_for_torch)
        for key in ("expected", "exact", "error"):
            if key in result:
                stored[key] = result[key]
        files["random.jsonl"].append(stored)
    for case in named_cases():
        files["named.jsonl"].append(expect(case))
    for case in error_cases():
        eps = case["label_smoothing"]
        case["label_smoothing"] = dec(eps) if isinstance(eps, str) else eps
        result = expect(case)
        result["label_smoothing"] = enc(result["label_smoothing"])
        files["errors.jsonl"].append(result)
    texts = {name: "".join(json.dumps(c, sort_keys=True) + "\n" for c in cases) for name, cases in files.items()}
    texts["counts.json"] = json.dumps({name: len(cases) for name, cases in files.items()}, indent=1,
                                      sort_keys=True) + "\n"
    return texts


def main(argv):
    check = "--check" in argv
    texts = compute_all()
    differences = 0
    for name, text in texts.items():
        path = os.path.join(HERE, name)
        if check:
            if not os.path.exists(path):
                print("%s: missing" % name)
                differences += 1
                continue
            with open(path) as f:
                old = f.read().splitlines()
            new = text.splitlines()
            if len(old) != len(new):
                print("%s: %d cases committed, %d regenerated" % (name, len(old), len(new)))
                differences += 1
            for a, b in zip(old, new):
                if a != b:
                    differences += 1
                    print("%s: %s differs" % (name, json.loads(b)["name"] if name.endswith(".jsonl") else b))
        else:
            with open(path, "w") as f:
                f.write(text)
            print("wrote %s (%d cases)" % (path, text.count("\n")))
    if check:
        print("torch %s: %d difference(s)" % (torch.__version__, differences))
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

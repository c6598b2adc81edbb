"""Golden cases for input kind target-log-probs (issue 21), computed with torch.

Each case is a set of sequences of full logits (T, C) with targets; torch gives each token's target
log-probability, log_softmax(x).gather(y), and every figure xent reports, computed directly from those
log-probabilities: per-token losses -(w * logp) with w = class_weight[y] * token_weight, the sum and mean (torch's
own reductions, and the correctly rounded values from math.fsum of the same per-token losses), token counts,
perplexity, bits per token/byte/word, the sequence-weighted means and the standard error. Cases cover masks,
token weights, class weights, the ignore index, empty and fully masked sequences and ragged lengths. The logits are
kept too, so a test can also run the same sequences through xent's full-logit path and compare.

Run: /usr/bin/python3 generate.py   (writes cases.jsonl and count.json beside this file; torch 1.13)
"""
import json
import math
import os
from fractions import Fraction

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
IGNORE = -100


def num(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def case(name, seed, classes, lengths, mask=False, token_weights=False, class_weights=False, ignored=False,
         scale=3.0, fully_masked=()):
    g = torch.Generator().manual_seed(seed)
    cw = (torch.rand(classes, generator=g, dtype=torch.float64) * 2 + 0.1) if class_weights else None
    sequences = []
    for i, T in enumerate(lengths):
        x = torch.randn(T, classes, generator=g, dtype=torch.float64) * scale
        y = torch.randint(0, classes, (T,), generator=g)
        m = torch.rand(T, generator=g) > 0.3 if mask else torch.ones(T, dtype=torch.bool)
        if i in fully_masked:
            m = torch.zeros(T, dtype=torch.bool)
        ign = (torch.rand(T, generator=g) < 0.2) if ignored else torch.zeros(T, dtype=torch.bool)
        tw = (torch.rand(T, generator=g, dtype=torch.float64) * 3) if token_weights else None
        target = torch.where(ign, torch.full_like(y, IGNORE), y)
        lsm = torch.log_softmax(x, dim=1)
        # the target's log-probability; NaN where the target is the ignore index (never read: not scored)
        logp = torch.where(ign, torch.full((T,), float("nan"), dtype=torch.float64),
                           lsm.gather(1, y.clamp(min=0).unsqueeze(1)).squeeze(1))
        sequences.append(dict(x=x, y=y, target=target, mask=m, scored=m & ~ign, tw=tw, logp=logp,
                              bytes=int(4 * T + i), words=int(T // 2 + 1)))
    losses_all, weights_all, none, seq_means = [], [], [], []
    for s in sequences:
        T = s["logp"].shape[0]
        w = torch.ones(T, dtype=torch.float64)
        if cw is not None:
            w = cw[s["y"]]
        if s["tw"] is not None:
            w = w * s["tw"] if cw is not None else s["tw"].clone()
        loss = torch.where(s["scored"], -(w * s["logp"]), torch.zeros(T, dtype=torch.float64))
        none.append([num(v) for v in loss.tolist()])
        sl = loss[s["scored"]]
        sw = w[s["scored"]]
        losses_all.append(sl)
        weights_all.append(sw)
        if sl.numel() > 0:
            seq_means.append(math.fsum(sl.tolist()) / math.fsum(sw.tolist()))
    L = torch.cat(losses_all)
    W = torch.cat(weights_all)
    exact_sum = math.fsum(L.tolist())
    exact_w = math.fsum(W.tolist())
    exact_mean = exact_sum / exact_w
    n = L.numel()
    R = Fraction(exact_mean)
    resid = sum((Fraction(l) - R * Fraction(w)) ** 2 for l, w in zip(L.tolist(), W.tolist()))
    se = math.sqrt(float(resid) * n / (n - 1)) / abs(exact_w) if n >= 2 else float("nan")
    total_bytes = sum(s["bytes"] for s in sequences)
    total_words = sum(s["words"] for s in sequences)
    ln2 = math.log(2.0)
    expected = dict(
        sum=num(L.sum()), mean=num(L.sum() / W.sum()),
        sequences=len(sequences), scored_sequences=len(seq_means),
        tokens=int(sum(s["logp"].shape[0] for s in sequences)), scored_tokens=int(n),
        ignored_tokens=int(sum(s["logp"].shape[0] for s in sequences) - n),
        none=none)
    exact = dict(
        sum=num(exact_sum), mean=num(exact_mean), weight_sum=num(exact_w),
        perplexity=num(math.exp(exact_mean)), bits_per_token=num(exact_mean / ln2),
        bits_per_byte=num(exact_sum / (ln2 * total_bytes)), bits_per_word=num(exact_sum / (ln2 * total_words)),
        sequence_mean_loss=num(math.fsum(seq_means) / len(seq_means)) if seq_means else "NaN",
        sequence_mean_perplexity=num(math.fsum(math.exp(v) for v in seq_means) / len(seq_means))
        if seq_means else "NaN",
        standard_error=num(se), bytes=total_bytes, words=total_words)
    return dict(
        name=name, classes=classes, ignore_index=IGNORE,
        class_weight=[num(v) for v in cw.tolist()] if cw is not None else None,
        has_mask=mask or bool(fully_masked), has_token_weight=token_weights,
        sequences=[dict(
            logits=[[num(v) for v in row] for row in s["x"].tolist()],
            target=s["target"].tolist(),
            logp=[num(v) for v in s["logp"].tolist()],
            mask=s["mask"].tolist(),
            token_weight=[num(v) for v in s["tw"].tolist()] if s["tw"] is not None else None,
            bytes=s["bytes"], words=s["words"]) for s in sequences],
        expected=expected, exact=exact)


CASES = [
    case("plain", 1, 7, [5, 3, 8, 1, 6]),
    case("ragged-empty", 2, 5, [0, 9, 1, 0, 4, 12]),
    case("mask", 3, 11, [6, 10, 4, 7], mask=True),
    case("fully-masked", 4, 6, [5, 0, 7, 3], mask=True, fully_masked=(0, 3)),
    case("token-weights", 5, 9, [8, 2, 11, 5], token_weights=True),
    case("class-weights", 6, 8, [7, 9, 3, 6], class_weights=True),
    case("ignore-index", 7, 10, [9, 6, 4, 8], ignored=True),
    case("everything", 8, 13, [0, 10, 7, 1, 12, 5], mask=True, token_weights=True, class_weights=True,
         ignored=True, fully_masked=(3,)),
    case("class-weights-mask-ignore", 9, 12, [11, 4, 8, 6], mask=True, class_weights=True, ignored=True),
    case("sharp", 10, 32, [16, 3, 9], scale=12.0),
]

if __name__ == "__main__":
    with open(os.path.join(HERE, "cases.jsonl"), "w") as f:
        for c in CASES:
            f.write(json.dumps(c, allow_nan=False) + "\n")
    with open(os.path.join(HERE, "count.json"), "w") as f:
        json.dump({"cases.jsonl": len(CASES), "torch": torch.__version__}, f)
        f.write("\n")
    print(len(CASES), "cases, torch", torch.__version__)

"""Golden cases for `xent compare`, computed directly with PyTorch and numpy.

Write:  /usr/bin/python3 generate.py          (writes cases.json beside this file)
Check:  /usr/bin/python3 generate.py --check  (regenerates in memory, fails on any difference)

Each case holds two datasets of model outputs (a baseline and a candidate, float64 logits, joined on `id`), the
loss options (class weights, ignore index, label smoothing), and what a paired comparison must give: for the rows
whose key is on both sides exactly once, with equal targets and a target that is not the ignore index, each side's
mean and sum (torch's reduction='mean' and 'sum' over those rows), the difference of the means, its paired
delta-method standard error sqrt(n/(n-1) * sum((d - diff*w)^2)) / sum(w) (d = per-row loss difference, w = the
target's class weight), ci95 = diff -/+ 1.959963984540054*se, z = diff/se, p = erfc(|z|/sqrt(2)), wins/ties/losses
(candidate loss lower/equal/higher), and the counts of keys only on one side, duplicated keys, ignored rows and
rejected rows (targets that differ); the same per group (the baseline's `group` column) where a case has groups.
Two cases of language-model rows, where the document is the unit: sequences of logits, and target log-probabilities
with a mask and token weights (see make_target_log_probs_case).
Numbers: floats as repr() (they round-trip).
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
Z975 = 1.959963984540054


def figures(lb, lc, w, targets, logits_b, logits_c, opts):
    n = len(lb)
    t = torch.tensor(targets, dtype=torch.long)
    kw = dict(weight=opts["weight_t"], ignore_index=opts["ignore_index"], label_smoothing=opts["label_smoothing"])
    xb = torch.tensor(logits_b, dtype=torch.float64)
    xc = torch.tensor(logits_c, dtype=torch.float64)
    mean_b = F.cross_entropy(xb, t, reduction="mean", **kw).item()
    mean_c = F.cross_entropy(xc, t, reduction="mean", **kw).item()
    sum_b = F.cross_entropy(xb, t, reduction="sum", **kw).item()
    sum_c = F.cross_entropy(xc, t, reduction="sum", **kw).item()
    d = np.array(lc) - np.array(lb)
    w = np.array(w)
    diff = mean_c - mean_b
    sw = math.fsum(w)
    se = math.sqrt(n / (n - 1) * math.fsum((d - diff * w) ** 2)) / abs(sw)
    z = diff / se
    return {
        "rows": n, "weight_sum": sw,
        "baseline_mean": mean_b, "baseline_sum": sum_b, "candidate_mean": mean_c, "candidate_sum": sum_c,
        "difference": diff, "standard_error": se, "ci95": [diff - Z975 * se, diff + Z975 * se], "z": z,
        "p_value": math.erfc(abs(z) / math.sqrt(2)),
        "wins": int(np.sum(np.array(lc) < np.array(lb))), "ties": int(np.sum(np.array(lc) == np.array(lb))),
        "losses": int(np.sum(np.array(lc) > np.array(lb))),
    }


def make_case(name, seed, classes, n, weight, ignore_index, label_smoothing, groups):
    g = torch.Generator().manual_seed(seed)
    base_ids = list(range(n)) + [20]                       # key 20 twice in the baseline
    cand_ids = list(range(4, n + 6)) + [30]                # 0..3 only in the baseline, n..n+5 only in the candidate
    targets = torch.randint(0, classes, (n + 6,), generator=g).tolist()
    for i in range(0, n + 6, 9):
        targets[i] = ignore_index                          # ignored rows
    logits_b = (torch.randn(n + 6, classes, generator=g, dtype=torch.float64) * 2).tolist()
    logits_c = []
    for i in range(n + 6):
        if i % 13 == 0:
            logits_c.append(list(logits_b[i]))             # the same outputs: a tie
            continue
        row = [v + 0.8 * torch.randn(1, generator=g, dtype=torch.float64).item() for v in logits_b[i]]
        if 0 <= targets[i] < classes:
            row[targets[i]] += 0.3                         # a somewhat better model
        logits_c.append(row)
    group_of = ["a", "b", "c"]
    baseline = [{"id": i, "target": targets[i], "logits": logits_b[i], **({"group": group_of[i % 3]} if groups else {})}
                for i in base_ids]
    cand_targets = list(targets)
    cand_targets[40] = (targets[40] + 1) % classes if targets[40] != ignore_index else 1  # targets differ
    candidate = [{"id": i, "target": cand_targets[i], "logits": logits_c[i]} for i in cand_ids]

    opts = {"weight": weight, "ignore_index": ignore_index, "label_smoothing": label_smoothing,
            "weight_t": torch.tensor(weight, dtype=torch.float64) if weight else None}
    kw = dict(weight=opts["weight_t"], ignore_index=ignore_index, label_smoothing=label_smoothing)

    def counts_of(ids):
        out = {}
        for i in ids:
            out[i] = out.get(i, 0) + 1
        return out
    cb, cc = counts_of(base_ids), counts_of(cand_ids)
    matched = sorted(i for i in cb if i in cc and cb[i] == 1 and cc[i] == 1)
    rejected = [i for i in matched if targets[i] != cand_targets[i]]
    ignored = [i for i in matched if i not in rejected and targets[i] == ignore_index]
    compared = [i for i in matched if i not in rejected and i not in ignored]

    def per_row(logits, ids):
        x = torch.tensor([logits[i] for i in ids], dtype=torch.float64)
        t = torch.tensor([targets[i] for i in ids], dtype=torch.long)
        return F.cross_entropy(x, t, reduction="none", **kw).tolist()

    def block(ids):
        lb, lc = per_row(logits_b, ids), per_row(logits_c, ids)
        w = [weight[targets[i]] if weight else 1.0 for i in ids]
        return figures(lb, lc, w, [targets[i] for i in ids], [logits_b[i] for i in ids],
                       [logits_c[i] for i in ids], opts)

    expected = {
        "total": block(compared),
        "counts": {
            "only_in_baseline": sum(1 for i in cb if i not in cc),
            "only_in_candidate": sum(1 for i in cc if i not in cb),
            "duplicate_keys_baseline": sum(1 for i in cb if cb[i] > 1),
            "duplicate_keys_candidate": sum(1 for i in cc if cc[i] > 1),
            "ignored": len(ignored),
            "rejected": len(rejected),
        },
    }
    if groups:
        expected["groups"] = [dict(group=k, **block([i for i in compared if group_of[i % 3] == k]))
                              for k in group_of]
    return {"name": name, "classes": classes, "weight": weight, "ignore_index": ignore_index,
            "label_smoothing": label_smoothing, "baseline": baseline, "candidate": candidate, "expected": expected}


def make_sequence_case(name, seed, classes, n):
    """Language-model rows: each row a sequence of tokens; the sequence is the unit. A side's loss of a sequence is
    the sum of its token losses, its weight the number of scored tokens, so the means are token-level means."""
    g = torch.Generator().manual_seed(seed)
    baseline, candidate, lb, lc, w, all_b, all_c, all_t = [], [], [], [], [], [], [], []
    for i in range(n):
        length = int(torch.randint(2, 9, (1,), generator=g))
        t = torch.randint(0, classes, (length,), generator=g)
        if i % 4 == 0:
            t[0] = -100
        xb = torch.randn(length, classes, generator=g, dtype=torch.float64) * 2
        xc = xb + torch.randn(length, classes, generator=g, dtype=torch.float64) * 0.7
        baseline.append({"id": i, "target": t.tolist(), "logits": xb.tolist()})
        candidate.append({"id": i, "target": t.tolist(), "logits": xc.tolist()})
        lb.append(math.fsum(F.cross_entropy(xb, t, reduction="none").tolist()))
        lc.append(math.fsum(F.cross_entropy(xc, t, reduction="none").tolist()))
        w.append(float((t != -100).sum()))
        all_b.append(xb); all_c.append(xc); all_t.append(t)
    xb, xc, t = torch.cat(all_b), torch.cat(all_c), torch.cat(all_t)
    mean_b = F.cross_entropy(xb, t).item()
    mean_c = F.cross_entropy(xc, t).item()
    d = np.array(lc) - np.array(lb)
    diff = mean_c - mean_b
    sw = math.fsum(w)
    se = math.sqrt(n / (n - 1) * math.fsum((d - diff * np.array(w)) ** 2)) / sw
    total = {"rows": n, "weight_sum": sw, "baseline_mean": mean_b, "candidate_mean": mean_c,
             "baseline_sum": F.cross_entropy(xb, t, reduction="sum").item(),
             "candidate_sum": F.cross_entropy(xc, t, reduction="sum").item(),
             "difference": diff, "standard_error": se, "ci95": [diff - Z975 * se, diff + Z975 * se], "z": diff / se,
             "p_value": math.erfc(abs(diff / se) / math.sqrt(2)),
             "wins": int(np.sum(np.array(lc) < np.array(lb))), "ties": int(np.sum(np.array(lc) == np.array(lb))),
             "losses": int(np.sum(np.array(lc) > np.array(lb))),
             "baseline_perplexity": math.exp(mean_b), "candidate_perplexity": math.exp(mean_c)}
    counts = {"only_in_baseline": 0, "only_in_candidate": 0, "duplicate_keys_baseline": 0,
              "duplicate_keys_candidate": 0, "ignored": 0, "rejected": 0}
    return {"name": name, "classes": classes, "weight": None, "ignore_index": -100, "label_smoothing": 0.0,
            "sequences": True, "baseline": baseline, "candidate": candidate,
            "expected": {"total": total, "counts": counts}}


def make_target_log_probs_case(name, seed, classes, n):
    """Target-log-probs rows (--input-kind target-log-probs): each row a document holding, per token, the
    log-probability the model gave the target (log_softmax(x).gather(y), here from random logits), a mask of the
    tokens to score and a weight per token; no target column. The document is the unit: a side's loss of a document
    is the exact sum of -(w * logp) over its scored tokens, its weight the sum of their w, so the means are the
    token-level means. An empty and a fully masked document are ignored; ids 0..2 are only in the baseline, n..n+2
    only in the candidate, id 10 twice in the baseline, and document 20's candidate row masks one more token (the
    scored tokens differ: rejected)."""
    g = torch.Generator().manual_seed(seed)
    docs = []
    for i in range(n + 3):
        length = int(torch.randint(0, 9, (1,), generator=g))
        if i == 5:
            length = 0                                     # an empty document
        if i == 20:
            length = max(length, 3)
        t = torch.randint(0, classes, (length,), generator=g)
        xb = torch.randn(length, classes, generator=g, dtype=torch.float64) * 2
        xc = xb + torch.randn(length, classes, generator=g, dtype=torch.float64) * 0.7
        lpb = F.log_softmax(xb, dim=-1).gather(1, t.view(-1, 1)).view(-1)   # an empty document: zero tokens
        lpc = F.log_softmax(xc, dim=-1).gather(1, t.view(-1, 1)).view(-1)
        mask = (torch.rand(length, generator=g) < 0.8)
        if i == 7:
            mask[:] = False                                # a fully masked document
        if i == 20:
            mask[:] = True
        w = (torch.rand(length, generator=g, dtype=torch.float64) * 1.5 + 0.5)
        docs.append({"lpb": lpb, "lpc": lpc, "mask": mask, "w": w})

    def row(i, lp, mask):
        return {"id": i, "logp": lp.tolist(), "mask": mask.tolist(), "w": docs[i]["w"].tolist()}
    base_ids = list(range(n)) + [10]
    cand_ids = list(range(3, n + 3))
    baseline = [row(i, docs[i]["lpb"], docs[i]["mask"]) for i in base_ids]
    candidate = []
    for i in cand_ids:
        mask = docs[i]["mask"].clone()
        if i == 20:
            mask[1] = False                                # the scored tokens differ
        candidate.append(row(i, docs[i]["lpc"], mask))
    matched = [i for i in range(3, n) if i != 10]
    rejected = [20]
    ignored = [i for i in matched if i not in rejected and not bool(docs[i]["mask"].any())]
    compared = [i for i in matched if i not in rejected and i not in ignored]

    def doc_loss(i, lp):
        m = docs[i]["mask"]
        return math.fsum((-(docs[i]["w"][m] * lp[m])).tolist())
    lb = [doc_loss(i, docs[i]["lpb"]) for i in compared]
    lc = [doc_loss(i, docs[i]["lpc"]) for i in compared]
    w = [math.fsum(docs[i]["w"][docs[i]["mask"]].tolist()) for i in compared]
    m_all = torch.cat([docs[i]["mask"] for i in compared])
    w_all = torch.cat([docs[i]["w"] for i in compared])[m_all]
    lb_all = torch.cat([docs[i]["lpb"] for i in compared])[m_all]
    lc_all = torch.cat([docs[i]["lpc"] for i in compared])[m_all]
    sum_b = torch.sum(-(w_all * lb_all)).item()
    sum_c = torch.sum(-(w_all * lc_all)).item()
    mean_b = sum_b / torch.sum(w_all).item()
    mean_c = sum_c / torch.sum(w_all).item()
    k = len(compared)
    d = np.array(lc) - np.array(lb)
    diff = mean_c - mean_b
    sw = math.fsum(w)
    se = math.sqrt(k / (k - 1) * math.fsum((d - diff * np.array(w)) ** 2)) / sw
    total = {"rows": k, "weight_sum": sw, "baseline_mean": mean_b, "candidate_mean": mean_c,
             "baseline_sum": sum_b, "candidate_sum": sum_c,
             "difference": diff, "standard_error": se, "ci95": [diff - Z975 * se, diff + Z975 * se], "z": diff / se,
             "p_value": math.erfc(abs(diff / se) / math.sqrt(2)),
             "wins": int(np.sum(np.array(lc) < np.array(lb))), "ties": int(np.sum(np.array(lc) == np.array(lb))),
             "losses": int(np.sum(np.array(lc) > np.array(lb))),
             "baseline_perplexity": math.exp(mean_b), "candidate_perplexity": math.exp(mean_c)}
    counts = {"only_in_baseline": 3, "only_in_candidate": 3, "duplicate_keys_baseline": 1,
              "duplicate_keys_candidate": 0, "ignored": len(ignored), "rejected": len(rejected)}
    return {"name": name, "classes": classes, "weight": None, "ignore_index": -100, "label_smoothing": 0.0,
            "target_log_probs": True, "baseline": baseline, "candidate": candidate,
            "expected": {"total": total, "counts": counts}}


def compute():
    cases = [
        make_case("weights-smoothing-groups", 14, 5, 150, [1.0, 2.0, 0.5, 1.5, 0.25], -100, 0.1, True),
        make_case("ignore-index-class", 15, 7, 120, None, 3, 0.0, False),
        make_sequence_case("sequences", 16, 6, 40),
        make_target_log_probs_case("target-log-probs", 21, 6, 60),
    ]
    return json.dumps(cases, indent=None, sort_keys=True) + "\n"


def main(argv):
    text = compute()
    path = os.path.join(HERE, "cases.json")
    if "--check" in argv:
        with open(path) as f:
            same = f.read() == text
        print("compare golden cases: %s (torch %s)" % ("same" if same else "DIFFERENT", torch.__version__))
        return 0 if same else 1
    with open(path, "w") as f:
        f.write(text)
    print("wrote " + path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

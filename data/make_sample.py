"""Build the digits sample for xent: logits from a small PyTorch MLP plus the
cross-entropy values PyTorch computes from them (float64).

Run from the repository root:  /usr/bin/python3 data/make_sample.py
Only the second, early-stopped model (for `xent compare`), beside the committed digits model:
    /usr/bin/python3 data/make_sample.py --early-only
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "digits")

N_TRAIN = 1200
WEIGHT = [1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0]
IGNORE_INDEX = -100


def main(early_only=False):
    torch.set_num_threads(1)
    torch.manual_seed(0)

    digits = load_digits()
    X = digits.data.astype(np.float64)
    y = digits.target.astype(np.int64)
    n = X.shape[0]
    assert n == 1797

    perm = np.random.RandomState(0).permutation(n)
    train_idx = np.sort(perm[:N_TRAIN])
    split = np.array(["test"] * n, dtype=object)
    split[perm[:N_TRAIN]] = "train"

    mu = X[train_idx].mean(axis=0)
    sd = X[train_idx].std(axis=0)
    sd[sd == 0] = 1.0
    Xs = ((X - mu) / sd).astype(np.float32)

    if early_only:
        make_early_model(Xs, y, train_idx, split)
        return
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt = torch.from_numpy(Xs[train_idx])
    yt = torch.from_numpy(y[train_idx])
    model.train()
    for _ in range(150):
        opt.zero_grad()
        loss = F.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()

    model.eval()
    with torch.no_grad():
        logits32 = model(torch.from_numpy(Xs)).numpy()

    rows = []
    for i in range(n):
        rows.append({
            "id": i,
            "split": str(split[i]),
            "logits": [float(np.float32(v)) for v in logits32[i]],
            "target": int(y[i]),
        })

    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "logits.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")

    # Expected values: float64, from exactly the floats written above.
    L = torch.tensor([r["logits"] for r in rows], dtype=torch.float64)
    T = torch.tensor([r["target"] for r in rows], dtype=torch.int64)
    splits = [r["split"] for r in rows]

    def stats(logits, target, weight, ls):
        kw = dict(weight=weight, label_smoothing=ls, ignore_index=IGNORE_INDEX)
        mean = F.cross_entropy(logits, target, reduction="mean", **kw).item()
        total = F.cross_entropy(logits, target, reduction="sum", **kw).item()
        if weight is None:
            wsum = torch.ones(target.shape[0], dtype=torch.float64).sum().item()
        else:
            wsum = weight[target].sum().item()
        return {"mean": mean, "sum": total, "rows": int(target.shape[0]),
                "weight_sum": wsum}

    scenarios = {}
    for name, wlist, ls in (("default", None, 0.0),
                            ("weighted_smoothed", WEIGHT, 0.1)):
        w = None if wlist is None else torch.tensor(wlist, dtype=torch.float64)
        sc = {"options": {"weight": wlist, "label_smoothing": ls,
                          "ignore_index": IGNORE_INDEX}}
        sc.update(stats(L, T, w, ls))
        sc["classes"] = 10
        groups = []
        for g in sorted(set(splits)):
            idx = torch.tensor([i for i, s in enumerate(splits) if s == g],
                               dtype=torch.int64)
            gs = {"key": {"split": g}}
            gs.update(stats(L[idx], T[idx], w, ls))
            groups.append(gs)
        sc["groups"] = groups
        scenarios[name] = sc

    pred = L.argmax(dim=1)
    accuracy = {}
    for g in sorted(set(splits)):
        m = [i for i, s in enumerate(splits) if s == g]
        accuracy[g] = (pred[m] == T[m]).double().mean().item()

    expected = {"generated_by": "data/make_sample.py with torch %s" % torch.__version__,
                "accuracy": accuracy}
    expected.update(scenarios)
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")

    print("train accuracy: %.4f" % accuracy["train"])
    print("test accuracy:  %.4f" % accuracy["test"])
    print("default mean:   %r" % scenarios["default"]["mean"])
    print("default sum:    %r" % scenarios["default"]["sum"])
    make_early_model(Xs, y, train_idx, split)


EARLY_EPOCHS = 15


def make_early_model(Xs, y, train_idx, split):
    """A second model for `xent compare`: the same network trained for EARLY_EPOCHS epochs instead of 150, its
    logits in digits/logits_early.jsonl (same ids, splits and targets), and the paired comparison of the two
    (candidate: the 150-epoch model, baseline: this one) computed with torch and numpy in
    digits/compare_expected.json."""
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt = torch.from_numpy(Xs[train_idx])
    yt = torch.from_numpy(y[train_idx])
    model.train()
    for _ in range(EARLY_EPOCHS):
        opt.zero_grad()
        F.cross_entropy(model(xt), yt).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        logits32 = model(torch.from_numpy(Xs)).numpy()
    with open(os.path.join(OUT, "logits_early.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for i in range(Xs.shape[0]):
            f.write(json.dumps({"id": i, "split": str(split[i]),
                                "logits": [float(np.float32(v)) for v in logits32[i]],
                                "target": int(y[i])}, separators=(",", ":")) + "\n")
    E = torch.tensor([[float(np.float32(v)) for v in row] for row in logits32], dtype=torch.float64)
    with open(os.path.join(OUT, "logits.jsonl"), encoding="utf-8") as f:  # the candidate as written (or committed)
        rows = [json.loads(line) for line in f]
    L = torch.tensor([r["logits"] for r in rows], dtype=torch.float64)
    T = torch.tensor([r["target"] for r in rows], dtype=torch.int64)
    assert [r["target"] for r in rows] == [int(v) for v in y]
    z975 = 1.959963984540054

    def compare(idx):
        lb = F.cross_entropy(E[idx], T[idx], reduction="none").numpy()
        lc = F.cross_entropy(L[idx], T[idx], reduction="none").numpy()
        n = len(idx)
        mb = F.cross_entropy(E[idx], T[idx]).item()
        mc = F.cross_entropy(L[idx], T[idx]).item()
        diff = mc - mb
        se = math.sqrt(n / (n - 1) * math.fsum((lc - lb - diff) ** 2)) / n
        return {"baseline_mean": mb, "candidate_mean": mc, "difference": diff, "standard_error": se,
                "ci95": [diff - z975 * se, diff + z975 * se], "z": diff / se,
                "p_value": math.erfc(abs(diff / se) / math.sqrt(2)),
                "wins": int((lc < lb).sum()), "ties": int((lc == lb).sum()), "losses": int((lc > lb).sum()),
                "rows_compared": n}
    out = {"generated_by": "data/make_sample.py with torch %s" % torch.__version__,
           "baseline": "logits_early.jsonl (%d epochs)" % EARLY_EPOCHS, "candidate": "logits.jsonl (150 epochs)",
           "total": compare(list(range(Xs.shape[0])))}
    out["groups"] = [dict(split=g, **compare([i for i in range(Xs.shape[0]) if split[i] == g]))
                     for g in sorted(set(split))]
    with open(os.path.join(OUT, "compare_expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print("early model: compared, difference %r" % out["total"]["difference"])


if __name__ == "__main__":
    import sys
    main(early_only="--early-only" in sys.argv[1:])

#!/usr/bin/python3
"""Writes expected.json beside this script from real PyTorch (float64): the cases of JsonStringsTest, whose
logits and probabilities hold NaN and infinities (which JSON writers such as Spark's write as strings).

Run with Debian's torch:  apt-get install -y python3-torch && /usr/bin/python3 generate.py
Numbers: floats as repr() (round trip), non-finite values as the strings "NaN", "Infinity", "-Infinity".
"""
import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
INF = float("inf")
NAN = float("nan")

# Class-index rows: C = 4, non-finite values in and out of the target's place.
INDEX_ROWS = [
    ([1.0, 2.0, 3.0, 4.0], 0),
    ([NAN, 0.0, 1.0, 2.0], 1),
    ([INF, 0.0, 1.0, 2.0], 1),
    ([-INF, 0.0, 1.0, 2.0], 1),
    ([-INF, 0.0, 1.0, 2.0], 0),
    ([INF, 0.0, 1.0, 2.0], 0),
    ([0.5, -1.5, 2.25, 0.0], 3),
]
# Probability rows: C = 3.
SOFT_ROWS = [
    ([1.0, 2.0, 3.0], [0.2, 0.3, 0.5]),
    ([0.0, 1.0, -INF], [0.5, 0.5, 0.0]),
    ([0.5, 0.25, -1.0], [0.25, 0.75, 0.0]),
    ([0.5, 0.25, -1.0], [NAN, 0.5, 0.5]),
]


def num(x):
    return "NaN" if math.isnan(x) else "Infinity" if x == INF else "-Infinity" if x == -INF else x


def case(name, rows, soft):
    logits = torch.tensor([r[0] for r in rows], dtype=torch.float64)
    if soft:
        target = torch.tensor([r[1] for r in rows], dtype=torch.float64)
    else:
        target = torch.tensor([r[1] for r in rows], dtype=torch.int64)
    losses = F.cross_entropy(logits, target, reduction="none")
    return {
        "name": name,
        "rows": [{"id": i, "logits": [num(v) for v in r[0]],
                  "target": [num(v) for v in r[1]] if soft else r[1]} for i, r in enumerate(rows)],
        "losses": [num(v) for v in losses.tolist()],
        "mean": num(F.cross_entropy(logits, target, reduction="mean").item()),
        "sum": num(F.cross_entropy(logits, target, reduction="sum").item()),
    }


def main():
    # -Infinity away from the target: every loss finite.
    finite = [INDEX_ROWS[0], INDEX_ROWS[3], INDEX_ROWS[6]]
    cases = [case("class_index", INDEX_ROWS, False), case("class_index_finite", finite, False),
             case("probabilities", SOFT_ROWS, True)]
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

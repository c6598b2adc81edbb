"""Build the language-model sample for xent's input kind target-log-probs: a small character-level model trained
with PyTorch on a public-domain text, the log-probability it gives each target character of every line, and the
figures PyTorch computes from those log-probabilities (float64).

Text: /usr/share/zoneinfo/zone.tab from Debian's tzdata package (priority "required", so on every Debian
machine); the tz database is in the public domain ("This file is in the public domain", its header says). Each
line of the file is one document (a sequence); its characters and the closing newline are the tokens.

Model: embedding 24 -> GRU 96 -> linear over the characters of the text, float32, seed 0, one thread, Adam
(lr 0.01), 300 steps of 32 windows of 64 characters, trained on the "train" lines (the first 80%); "test" lines
are the rest. A document's first token has no context (it follows the line break) and is masked out (mask 0):
the evaluation scores the other tokens.

Run from the repository root:  /usr/bin/python3 data/make_lm_sample.py
(it takes a minute; deterministic on one machine; the tzdata version and the text's sha256 go into expected.json)
"""
import hashlib
import json
import math
import os

# One thread everywhere (torch's own pool and the BLAS library's): float32 sums then run in one order.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"
os.environ["MKL_CBWR"] = "COMPATIBLE"

import torch  # noqa: E402
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "lm")
TEXT = "/usr/share/zoneinfo/zone.tab"


class CharModel(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embed = nn.Embedding(vocab, 24)
        self.gru = nn.GRU(24, 96, batch_first=True)
        self.out = nn.Linear(96, vocab)

    def forward(self, x):
        h, _ = self.gru(self.embed(x))
        return self.out(h)


def tzdata_version():
    with open("/usr/share/zoneinfo/tzdata.zi", encoding="utf-8") as f:
        return f.readline().strip().replace("# version ", "")


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    raw = open(TEXT, "rb").read()
    text = raw.decode("utf-8")
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    lines = text.split("\n")[:-1]
    n_train = int(len(lines) * 0.8)
    train_text = "\n".join(lines[:n_train]) + "\n"
    data = torch.tensor([index[c] for c in train_text], dtype=torch.long)

    model = CharModel(len(chars))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    window, batch = 64, 32
    for step in range(300):
        starts = torch.randint(0, len(data) - window - 1, (batch,))
        x = torch.stack([data[s:s + window] for s in starts])
        y = torch.stack([data[s + 1:s + window + 1] for s in starts])
        loss = nn.functional.cross_entropy(model(x).reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    # Each line is read after the line break that ends the previous line; its tokens: its characters, then "\n".
    model.eval()
    stream = torch.tensor([index["\n"]] + [index[c] for c in text], dtype=torch.long)
    with torch.no_grad():
        logits = model(stream[:-1].unsqueeze(0))[0]
        logp_all = torch.log_softmax(logits, dim=1).gather(1, stream[1:].unsqueeze(1)).squeeze(1)  # float32
    rows, pos = [], 0
    for i, line in enumerate(lines):
        T = len(line) + 1
        logp = logp_all[pos:pos + T]
        pos += T
        rows.append(dict(id=i, split="train" if i < n_train else "test",
                         logp=[float(v) for v in logp.tolist()],  # float32 values, written to round-trip
                         mask=[0] + [1] * (T - 1),
                         n_bytes=len((line + "\n").encode("utf-8")), n_words=len(line.split())))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "logprobs.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")

    def figures(rs):
        lp = torch.cat([torch.tensor(r["logp"], dtype=torch.float64) for r in rs])
        m = torch.cat([torch.tensor(r["mask"], dtype=torch.bool) for r in rs])
        loss = -lp[m]
        total = math.fsum(loss.tolist())
        n = loss.numel()
        mean = total / n
        seq = []
        for r in rs:
            l = -torch.tensor(r["logp"], dtype=torch.float64)[torch.tensor(r["mask"], dtype=torch.bool)]
            if l.numel() > 0:
                seq.append(math.fsum(l.tolist()) / l.numel())
        nb = sum(r["n_bytes"] for r in rs)
        nw = sum(r["n_words"] for r in rs)
        return dict(sequences=len(rs), tokens=int(m.numel()), scored_tokens=int(n),
                    torch_mean=float(loss.mean()), token_mean_loss=mean, sum=total,
                    perplexity=math.exp(mean), bits_per_token=mean / math.log(2),
                    bits_per_byte=total / (math.log(2) * nb), bits_per_word=total / (math.log(2) * nw),
                    sequence_mean_loss=math.fsum(seq) / len(seq),
                    sequence_mean_perplexity=math.fsum(math.exp(v) for v in seq) / len(seq),
                    bytes=nb, words=nw)

    expected = dict(text=TEXT, tzdata=tzdata_version(), sha256=hashlib.sha256(raw).hexdigest(),
                    torch=torch.__version__, vocabulary=len(chars), **figures(rows),
                    groups={s: figures([r for r in rows if r["split"] == s]) for s in ("train", "test")})
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")
    print(json.dumps({k: v for k, v in expected.items() if k != "groups"}, indent=2))


if __name__ == "__main__":
    main()

"""The reference tagger of issue 17: a word-window CRF of the usual kind.

python-crfsuite with the word and its +-2 neighbours lowercased, 3-character
prefix and suffix, capitalisation and digit flags; c1 = 0.1, c2 = 0.01, 100
iterations. Trained on the first N sentences of TRAIN for each N given, scored
on TEST with seqeval (exact span and label), the same way `sorot suggest
evaluate` scores.

    python reference_crf.py TRAIN.conll TEST.conll [N ...] [--json]

Prints one line per N: `N sentences: P R F1 (train s)`, or JSON.
"""

import json
import sys
import time

import pycrfsuite
from seqeval.metrics import f1_score, precision_score, recall_score


def read(path):
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            word, tag = line.rsplit("\t", 1) if "\t" in line else line.rsplit(" ", 1)
            cur.append((word, tag))
    if cur:
        sents.append(cur)
    return sents


def token_features(words, i):
    w = words[i]
    f = {
        "bias": 1.0,
        "w": w.lower(),
        "p3": w[:3].lower(),
        "s3": w[-3:].lower(),
        "upper": w.isupper(),
        "title": w.istitle(),
        "digit": w.isdigit(),
    }
    for d in (-2, -1, 1, 2):
        j = i + d
        if 0 <= j < len(words):
            f["w%+d" % d] = words[j].lower()
            f["title%+d" % d] = words[j].istitle()
            f["upper%+d" % d] = words[j].isupper()
        else:
            f["w%+d" % d] = "<pad>"
    return f


def features(sent):
    words = [w for w, _ in sent]
    return [token_features(words, i) for i in range(len(words))]


def evaluate(train, test):
    """Trains on `train` (sentences of (word, tag)), scores on `test`."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for s in train:
        trainer.append(features(s), [t for _, t in s])
    trainer.set_params({"c1": 0.1, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True})
    start = time.perf_counter()
    trainer.train("/tmp/reference_crf.model")
    seconds = time.perf_counter() - start
    tagger = pycrfsuite.Tagger()
    tagger.open("/tmp/reference_crf.model")
    yp = [tagger.tag(features(s)) for s in test]
    yt = [[t for _, t in s] for s in test]
    return {
        "sentences": len(train),
        "precision": precision_score(yt, yp),
        "recall": recall_score(yt, yp),
        "f1": f1_score(yt, yp),
        "train_seconds": seconds,
    }


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    as_json = "--json" in sys.argv
    train, test = read(args[0]), read(args[1])
    sizes = [int(n) for n in args[2:]] or [len(train)]
    out = []
    for n in sizes:
        row = evaluate(train[:n], test)
        out.append(row)
        if not as_json:
            print("%5d sentences: P %.3f R %.3f F1 %.3f (%.1f s)" % (
                row["sentences"], row["precision"], row["recall"], row["f1"], row["train_seconds"]), flush=True)
    if as_json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()

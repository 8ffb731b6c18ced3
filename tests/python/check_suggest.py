"""Sorot's suggestions against the reference tagger of issue 17, scored by
seqeval on the same data.

    python check_suggest.py SOROT TRAIN.conll TEST.conll

1. `sorot suggest evaluate --json` (train on TRAIN, score on TEST);
2. `sorot suggest stream` on TEST's sentences (one JSONL line each, the
   words joined by spaces, as Sorot imports CoNLL), its suggestions turned
   back into IOB2 tags per word and scored by seqeval: the figures must be
   the ones `evaluate` printed;
3. the reference CRF (reference_crf.py: python-crfsuite, word-window
   features) trained and scored on the same files: Sorot's F1 must be at
   least as high.
"""

import json
import subprocess
import sys

from seqeval.metrics import f1_score, precision_score, recall_score

import reference_crf


def main():
    sorot, train, test = sys.argv[1:4]
    report = json.loads(subprocess.run(
        [sorot, "suggest", "evaluate", "--train", train, "--test", test, "--json"],
        check=True, capture_output=True, text=True).stdout)
    sentences = reference_crf.read(test)
    lines = "".join(json.dumps({"text": " ".join(w for w, _ in s)}) + "\n" for s in sentences)
    out = subprocess.run([sorot, "suggest", "stream", "--train", train],
                         input=lines, check=True, capture_output=True, text=True).stdout.splitlines()
    assert len(out) == len(sentences), (len(out), len(sentences))
    gold, pred = [], []
    for s, line in zip(sentences, out):
        words = [w for w, _ in s]
        starts, pos = [], 0
        for w in words:
            starts.append(pos)
            pos += len(w) + 1
        tags = ["O"] * len(words)
        for start, end, label, score in json.loads(line)["suggestions"]:
            assert 0.0 <= score <= 1.0, score
            inside = [i for i, a in enumerate(starts) if start <= a < end]
            assert inside and starts[inside[0]] == start, (words, start, end)
            assert starts[inside[-1]] + len(words[inside[-1]]) == end, (words, start, end)
            for k, i in enumerate(inside):
                tags[i] = ("B-" if k == 0 else "I-") + label
        gold.append([t for _, t in s])
        pred.append(tags)
    p, r, f = precision_score(gold, pred), recall_score(gold, pred), f1_score(gold, pred)
    o = report["overall"]
    for name, mine, theirs in [("precision", o["precision"], p), ("recall", o["recall"], r), ("f1", o["f1"], f)]:
        assert abs(mine - theirs) < 1e-9, f"{name}: sorot evaluate {mine} but seqeval on its stream {theirs}"
    ref = reference_crf.evaluate(reference_crf.read(train), sentences)
    print(f"suggestions on {test}: sorot P {p:.3f} R {r:.3f} F1 {f:.3f} "
          f"(train {report['train_seconds']:.2f} s); reference CRF F1 {ref['f1']:.3f} "
          f"(train {ref['train_seconds']:.2f} s)")
    assert f >= ref["f1"], f"sorot F1 {f:.3f} is below the reference CRF's {ref['f1']:.3f}"


if __name__ == "__main__":
    main()

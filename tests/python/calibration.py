"""How well the model's scores say how often it is right: its suggestions on TEST
(trained on TRAIN) binned by score, with the share of each bin that is a
labelled span exactly (same words, same label), and the expected calibration
error (ECE).

    python calibration.py SOROT TRAIN.conll TEST.conll
"""
import json, subprocess, sys
sys.path.insert(0, __import__("os").path.dirname(__file__))
import reference_crf
sorot, train, test = sys.argv[1:4]
sentences = reference_crf.read(test)
lines = "".join(json.dumps({"text": " ".join(w for w, _ in s)}) + "\n" for s in sentences)
out = subprocess.run([sorot, "suggest", "stream", "--train", train], input=lines, check=True, capture_output=True, text=True).stdout.splitlines()
pairs = []
for s, line in zip(sentences, out):
    words = [w for w, _ in s]
    starts, pos = [], 0
    for w in words:
        starts.append(pos); pos += len(w) + 1
    gold = set()
    cur = None
    for i, (w, t) in enumerate(s):
        if t.startswith('B-') or (t.startswith('I-') and (cur is None or cur[2] != t[2:])):
            if cur: gold.add(tuple(cur))
            cur = [starts[i], starts[i] + len(w), t[2:]]
        elif t.startswith('I-'):
            cur[1] = starts[i] + len(w)
        else:
            if cur: gold.add(tuple(cur)); cur = None
    if cur: gold.add(tuple(cur))
    for start, end, label, score in json.loads(line)["suggestions"]:
        pairs.append((score, (start, end, label) in gold))
bins = [0, .5, .6, .7, .8, .9, .95, 1.0001]
ece = 0
for lo, hi in zip(bins, bins[1:]):
    b = [c for sc, c in pairs if lo <= sc < hi]
    if b:
        avg = sum(sc for sc, c in pairs if lo <= sc < hi) / len(b)
        acc = sum(b) / len(b)
        ece += len(b) / len(pairs) * abs(avg - acc)
        print(f"score {lo:.2f}-{min(hi,1):.2f}: n={len(b):5d} mean score {avg:.3f} right {acc:.3f}")
print(f"suggestions {len(pairs)}, right {sum(c for _,c in pairs)/len(pairs):.3f}, ECE {ece:.3f}")

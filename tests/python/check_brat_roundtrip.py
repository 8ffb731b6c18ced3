"""brat -> Sorot -> brat, read by brat's own parser (issue #21).

Imports a brat collection with `sorot import --format brat
--schema-from-data`, exports it back with `sorot export --format brat`, and
reads both the input and the output with brat's annotation.py (bratsubset,
from the bratiaa package). Every document must come back at the same
relative path, and its text-bounds, events (nested ones compared by their
structure), relations, equivalences, attributes, notes and normalizations
must be the same, compared by types and offsets, never by ids. Offsets of
the input are mapped as Sorot keeps the text (BOM dropped, CRLF -> LF).

Usage: check_brat_roundtrip.py SOROT COLLECTION [COLLECTION...]
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import bratsubset.annotation as ba

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL:", msg)


def normalizer(text):
    """Maps an offset of the text as brat counts it to Sorot's."""
    dropped, table = 0, []
    for i, c in enumerate(text):
        table.append(i - dropped)
        if (i == 0 and c == "\ufeff") or (c == "\r" and text[i + 1 : i + 2] == "\n"):
            dropped += 1
    table.append(len(text) - dropped)
    return lambda o: table[o]


def read(base, mapped):
    """A document as sets keyed by content, read by brat's parser."""
    text = Path(base + ".txt").read_text(encoding="utf-8")
    m = normalizer(text) if mapped else (lambda o: o)
    with ba.TextAnnotations(base, read_only=True) as doc:
        tbs = {t.id: (t.type, tuple((m(s), m(e)) for s, e in t.spans)) for t in doc.get_textbounds()}
        events = {e.id: e for e in doc.get_events()}
        relations = {r.id: r for r in doc.get_relations()}

        def key(i, depth=0):
            if i in tbs:
                return tbs[i]
            if i in relations:
                r = relations[i]
                return (r.type, key(r.arg1, depth + 1), key(r.arg2, depth + 1))
            e = events[i]
            args = tuple(sorted((role, key(a, depth + 1)) for role, a in e.args))
            return (e.type, key(e.trigger, depth + 1), args)

        out = {
            "T": {tbs[i] for i in tbs},
            "E": {key(i) for i in events},
            "R": {(r.type, key(r.arg1), key(r.arg2)) for r in doc.get_relations()},
            "*": {(q.type, tuple(sorted(key(x) for x in q.entities))) for q in doc.get_equivs()},
            "A/M": {(a.type, key(a.target), str(a.value)) for a in doc.get_attributes()},
            "#": {(key(c.target), c.tail.strip()) for c in doc.get_oneline_comments()},
            "N": {(key(n.target), n.refdb, n.refid) for n in doc.get_normalizations()},
        }
    return out


def main():
    binary, collections = sys.argv[1], sys.argv[2:]
    for coll in collections:
        coll = Path(coll)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            for args in (
                ["import", "--format", "brat", "--schema-from-data", "--out", str(tmp / "ron"), str(coll)],
                ["export", "--format", "brat", "--out", str(tmp / "brat"), str(tmp / "ron")],
            ):
                r = subprocess.run([binary, *args], capture_output=True, text=True)
                if r.returncode != 0:
                    fail(f"{coll}: sorot {args[0]}: {r.stderr}")
                    continue
            inputs = sorted(p.relative_to(coll) for p in coll.rglob("*.ann"))
            outputs = sorted(p.relative_to(tmp / "brat") for p in (tmp / "brat").rglob("*.ann"))
            if inputs != outputs:
                fail(f"{coll}: documents in {[str(p) for p in inputs]} came back as {[str(p) for p in outputs]}")
            totals = {}
            for rel in inputs:
                stem = str(rel)[:-4]
                before = read(str(coll / stem), True)
                after_path = tmp / "brat" / stem
                if not Path(str(after_path) + ".ann").exists():
                    continue
                after = read(str(after_path), False)
                for kind in before:
                    totals[kind] = totals.get(kind, 0) + len(before[kind])
                    if before[kind] != after[kind]:
                        fail(
                            f"{coll}/{stem}: {kind} differ: lost {sorted(before[kind] - after[kind])}, "
                            f"gained {sorted(after[kind] - before[kind])}"
                        )
            counts = ", ".join(f"{n} {k}" for k, n in totals.items())
            print(f"brat round trip {coll}: {len(inputs)} documents back at their paths; {counts} the same")
    if FAILURES:
        print(f"{len(FAILURES)} failures")
        sys.exit(1)


if __name__ == "__main__":
    main()

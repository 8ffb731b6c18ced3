"""Checks Sorot's exports with the parsers people use.

Usage: check_exports.py SOROT_BINARY W3C_SCHEMA_DIR RON_FILE...

For each annotation file, runs `sorot export` in every format into a
temporary folder, then:
  - spaCy: every JSONL entity (code points) gives, through
    Doc.char_span(start, end, label, alignment_mode="strict") on a
    spacy.blank("xx") tokenisation, a span whose text is the mention (the
    text of the brat T line, read by brat's own parser); the UTF-16 export
    slices to the same mention in UTF-16 code units;
  - seqeval: the CoNLL output is valid IOB2 (strict mode) and holds exactly
    the spans that were not reported as left out; spaCy's own
    `convert --converter ner` reads exactly the same tokens (no
    `-DOCSTART-` word);
  - brat (bratsubset from the bratiaa package, brat's annotation.py): the
    .ann parses, every text-bound's text matches the .txt at its offsets,
    relations point at existing text-bounds;
  - jsonschema: every W3C annotation satisfies the Working Group's MUST
    assertions (annotationMusts.test), uses both a TextPositionSelector and
    a TextQuoteSelector whose exact text is the text at its position, and
    the collection satisfies collectionMusts.test;
  - pyld (a JSON-LD processor): every annotation expanded, then compacted
    with its own context, keeps its relation roles and attributes;
  - Label Studio: the labeling config is well-formed XML naming every label,
    relation and per-region control the results use, and every region's
    start/end slice the task text to its text.
Exits 1 with a message per failure.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL:", msg)


def export(binary, fmt, ron, out, *extra):
    p = subprocess.run([binary, "export", "--format", fmt, "--out", str(out), *extra, str(ron)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"sorot export --format {fmt} {ron}: exit {p.returncode}: {p.stderr}")
    return p.stdout


def brat_mentions(folder):
    """{doc: {T-id number: (type, text, spans)}} read by brat's own parser."""
    import bratsubset.annotation as ba
    out = {}
    for ann in sorted(Path(folder).glob("*.ann")):
        base = str(ann)[:-4]
        # TextAnnotations checks each text-bound's text against the .txt and
        # raises on a mismatch or on a syntax error.
        with ba.TextAnnotations(base, read_only=True) as doc:
            text = Path(base + ".txt").read_text(encoding="utf-8")
            tbs = {}
            for t in doc.get_textbounds():
                pieces = [text[s:e] for s, e in t.spans]
                if " ".join(pieces).replace("\n", " ") != t.text:
                    fail(f"brat {ann.name} {t.id}: text {t.text!r} != {pieces!r}")
                tbs[int(t.id[1:])] = (t.type, t.text, t.spans)
            for r in doc.get_relations():
                for arg in (r.arg1, r.arg2):
                    if int(arg[1:]) not in tbs:
                        fail(f"brat {ann.name} {r.id}: argument {arg} is not a text-bound")
            out[Path(base).name] = tbs
    return out


def check_spacy(jsonl, jsonl16, brat):
    import spacy
    nlp = spacy.blank("xx")
    lines16 = [json.loads(l) for l in Path(jsonl16).read_text(encoding="utf-8").splitlines()]
    n = 0
    for k, line in enumerate(Path(jsonl).read_text(encoding="utf-8").splitlines()):
        d = json.loads(line)
        doc = nlp(d["text"])
        mentions = brat.get(safe_stem(d["id"]), {})
        units16 = lines16[k]["text"].encode("utf-16-le")
        by_id16 = {e["id"]: e for e in lines16[k]["entities"]}
        fragments = d["sorot"]["fragments"]
        for e in d["entities"]:
            label, mention = mentions.get(e["id"], (None, None, None))[:2]
            if label != e["label"]:
                fail(f"{d['id']}: entity {e['id']}: JSONL label {e['label']} but brat has {label}")
            if str(e["id"]) in fragments:
                # A discontinuous span: its covering range, with fragments aside.
                pieces = [d["text"][s:t] for s, t in fragments[str(e["id"])]]
                if " ".join(pieces).replace("\n", " ") != mention:
                    fail(f"{d['id']}: fragments of {e['id']} {pieces!r} != brat {mention!r}")
                continue
            span = doc.char_span(e["start_offset"], e["end_offset"], label=e["label"], alignment_mode="strict")
            if span is None:
                fail(f"{d['id']}: spaCy cannot align entity {e['id']} "
                     f"{d['text'][e['start_offset']:e['end_offset']]!r} to tokens")
                continue
            if span.text.replace("\n", " ") != mention:
                fail(f"{d['id']}: spaCy span {span.text!r} != brat mention {mention!r}")
            e16 = by_id16[e["id"]]
            t16 = units16[2 * e16["start_offset"]:2 * e16["end_offset"]].decode("utf-16-le")
            if t16 != span.text:
                fail(f"{d['id']}: UTF-16 offsets of {e['id']} slice {t16!r}, not {span.text!r}")
            n += 1
    print(f"spaCy: {n} entities aligned strictly and equal to their mention")
    return n


def safe_stem(s):
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in s)


def check_seqeval(conll, out_text, jsonl, labels):
    from seqeval.metrics import f1_score
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2
    sents, cur = [], []
    for line in Path(conll).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
            continue
        if line.startswith("-DOCSTART-"):
            continue
        token, tag = line.rsplit(" ", 1)
        cur.append((token, tag))
    if cur:
        sents.append(cur)
    tags = [[t for _, t in s] for s in sents]
    # strict mode raises on tags that are not valid IOB2.
    if f1_score(tags, tags, mode="strict", scheme=IOB2) != 1.0:
        fail("seqeval: CoNLL output is not consistent IOB2")
    found = sum(len(get_entities(t)) for t in tags)
    left_out = 0
    for m in re.finditer(r"conll: [^:]+: (\d+) (overlapping|discontinuous) spans left out", out_text):
        left_out += int(m.group(1))
    expected = sum(1 for l in Path(jsonl).read_text(encoding="utf-8").splitlines()
                   for e in json.loads(l)["entities"] if e["label"] in labels) - left_out
    if found != expected:
        fail(f"seqeval: {found} entities in the CoNLL output, expected {expected} ({left_out} reported left out)")
    print(f"seqeval: {found} entities, strict IOB2, {left_out} reported left out")


def check_spacy_conll(conll):
    """spaCy's own `convert --converter ner` reads the same tokens as seqeval."""
    from spacy.training.converters import conll_ner_to_docs
    data = Path(conll).read_text(encoding="utf-8")
    docs = list(conll_ner_to_docs(data, n_sents=10**6, no_print=True))
    words = [t.text for d in docs for t in d]
    expected = [l.rsplit(" ", 1)[0] for l in data.splitlines() if l.strip() and not l.startswith("-DOCSTART-")]
    if "-DOCSTART-" in words:
        fail("spaCy convert: -DOCSTART- read as a word")
    if words != expected:
        fail(f"spaCy convert: {len(words)} tokens, seqeval reads {len(expected)}")
    print(f"spaCy convert (ner): {len(docs)} documents, {len(words)} tokens, the same as seqeval reads")


def check_jsonld(path, schema_dir):
    """A JSON-LD processor (pyld) expands each annotation and compacts it
    with its own context: relation roles and attributes must survive."""
    from pyld import jsonld
    anno = json.loads((Path(schema_dir) / "context/anno.jsonld").read_text(encoding="utf-8"))

    def loader(url, options=None):
        if url.rstrip("/").split("://", 1)[-1] == "www.w3.org/ns/anno.jsonld":
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": anno}
        raise jsonld.JsonLdError(f"no network in this check: {url}", "jsonld.LoadDocumentError")

    jsonld.set_document_loader(loader)
    items = json.loads(Path(path).read_text(encoding="utf-8"))["first"]["items"]
    n = 0
    for a in items:
        back = jsonld.compact(jsonld.expand(a), {"@context": a["@context"]})
        dropped = [k for k in a if k != "@context" and k not in back]
        if dropped:
            fail(f"jsonld: {a['id']}: keys dropped by expand + compact: {dropped}")
        if a.get("sorot:reviewNote") is not None and back.get("sorot:reviewNote") != a["sorot:reviewNote"]:
            fail(f"jsonld: {a['id']}: review note came back as {back.get('sorot:reviewNote')}")
        if a["motivation"] != "linking":
            continue
        listed = lambda v: v if isinstance(v, list) else [v]
        want = sorted((r.get("sorot:role", r.get("role")), r["target"]) for r in a["sorot:roles"])
        got = sorted((r.get("sorot:role"), r.get("target")) for r in listed(back.get("sorot:roles", [])))
        if want != got:
            fail(f"jsonld: {a['id']}: roles {want} came back as {got}")
        if back.get("sorot:attributes", {}) != a["sorot:attributes"]:
            fail(f"jsonld: {a['id']}: attributes {a['sorot:attributes']} came back as {back.get('sorot:attributes')}")
        n += 1
    notes = sum(1 for a in items if "sorot:reviewNote" in a)
    print(
        f"jsonld (pyld): {len(items)} annotations expanded and compacted, no key dropped; "
        f"{n} relations keep roles and attributes; {notes} review notes kept"
    )


def w3c_validator(schema_dir):
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4
    root = Path(schema_dir)
    resources = []
    for p in list(root.glob("definitions/*.json")):
        resources.append((p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT4)))
    registry = Registry().with_resources(resources)

    def assertions(test):
        t = json.loads((root / test).read_text())
        out = []
        for a in t["assertions"]:
            if isinstance(a, str):
                out.append(json.loads((root / a).read_text()))
        return out

    def validate(instance, schemas, what):
        for s in schemas:
            v = jsonschema.Draft4Validator(s, registry=registry, format_checker=jsonschema.FormatChecker())
            errors = list(v.iter_errors(instance))
            ok = not errors
            if ok != (s.get("expectedResult", "valid") == "valid"):
                fail(f"w3c: {what}: {s['id']}: {s.get('errorMessage', '')} {errors[:1]}")
                return False
        return True

    return assertions, validate


def check_w3c(path, schema_dir, texts):
    assertions, validate = w3c_validator(schema_dir)
    musts = assertions("annotations/annotationMusts.test")
    position = json.loads((Path(schema_dir) / "annotations/specificResource/4.2.5-textPositionSelector.json").read_text())
    quote = json.loads((Path(schema_dir) / "annotations/specificResource/4.2.4-textQuoteSelector.json").read_text())
    coll = json.loads(Path(path).read_text(encoding="utf-8"))
    validate(coll, assertions("collections/collectionMusts.test"), "collection")
    items = coll["first"]["items"]
    if coll["total"] != len(items):
        fail("w3c: total != number of items")
    n = 0
    for a in items:
        validate(a, musts, a["id"])
        if a["motivation"] != "classifying":
            continue
        validate(a, [position, quote], a["id"])
        targets = a["target"] if isinstance(a["target"], list) else [a["target"]]
        for t in targets:
            sel = {s["type"]: s for s in t["selector"]}
            # Sorot's own document IRI, or a web page's address.
            src = t["source"]
            text = texts[src.split(":")[3]] if src.startswith("urn:sorot:doc:") else texts[src]
            if not src.startswith("urn:") and t.get("state", {}).get("type") != "TimeState":
                fail(f"w3c: {a['id']}: a fetched page's target has no TimeState (when it was retrieved)")
            pos, q = sel["TextPositionSelector"], sel["TextQuoteSelector"]
            if text[pos["start"]:pos["end"]] != q["exact"]:
                fail(f"w3c: {a['id']}: position slices {text[pos['start']:pos['end']]!r}, quote is {q['exact']!r}")
            if not text[:pos["start"]].endswith(q["prefix"]) or not text[pos["end"]:].startswith(q["suffix"]):
                fail(f"w3c: {a['id']}: prefix/suffix do not surround the quote")
        n += 1
    print(f"w3c: {len(items)} annotations valid against the MUST assertions; {n} text targets with both selectors")


def check_label_studio(folder):
    tasks = json.loads((Path(folder) / "tasks.json").read_text(encoding="utf-8"))
    cfg = ET.parse(Path(folder) / "config.xml").getroot()
    labels = {l.get("value") for l in cfg.iter("Label")}
    relations = {r.get("value") for r in cfg.iter("Relation")}
    controls = {c.get("name") for c in cfg if c.get("toName") == "text"}
    n = 0
    for task in tasks:
        text = task["data"]["text"]
        regions = set()
        for r in task["annotations"][0]["result"]:
            if r["type"] == "relation":
                if not set(r["labels"]) <= relations:
                    fail(f"label-studio: relation label {r['labels']} not in the config")
                if r["from_id"] not in regions or r["to_id"] not in regions:
                    fail(f"label-studio: relation {r} points at a missing region")
                continue
            if r["from_name"] not in controls:
                fail(f"label-studio: {r['from_name']} is not a control of the config")
            v = r["value"]
            if r["type"] == "labels":
                regions.add(r["id"])
                if not set(v["labels"]) <= labels:
                    fail(f"label-studio: label {v['labels']} not in the config")
                if text[v["start"]:v["end"]] != v["text"]:
                    fail(f"label-studio: region {r['id']} slices {text[v['start']:v['end']]!r}, not {v['text']!r}")
                n += 1
    print(f"label-studio: {n} regions slice to their text; config names every label and relation")


def main():
    binary, schema_dir, rons = sys.argv[1], sys.argv[2], sys.argv[3:]
    labels = ["Person", "Organization", "Country", "Location", "Weapon", "Event", "Date"]
    for ron in rons:
        print(f"== {ron}")
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            export(binary, "jsonl", ron, tmp / "x.jsonl")
            export(binary, "jsonl", ron, tmp / "x16.jsonl", "--offsets", "utf16")
            conll_out = export(binary, "conll", ron, tmp / "x.conll", "--labels", ",".join(labels))
            export(binary, "brat", ron, tmp / "brat")
            export(binary, "w3c", ron, tmp / "x.jsonld")
            export(binary, "label-studio", ron, tmp / "ls")
            brat = brat_mentions(tmp / "brat")
            check_spacy(tmp / "x.jsonl", tmp / "x16.jsonl", brat)
            check_seqeval(tmp / "x.conll", conll_out, tmp / "x.jsonl", labels)
            check_spacy_conll(tmp / "x.conll")
            texts = {}
            for l in (tmp / "x.jsonl").read_text(encoding="utf-8").splitlines():
                d = json.loads(l)
                from urllib.parse import quote
                texts[quote(d["id"], safe="-._~")] = d["text"]
                if "meta" in d and "url" in d["meta"]:
                    texts[d["meta"]["url"]] = d["text"]
            check_w3c(tmp / "x.jsonld", schema_dir, texts)
            check_jsonld(tmp / "x.jsonld", schema_dir)
            check_label_studio(tmp / "ls")
    if FAILURES:
        print(f"{len(FAILURES)} failures")
        sys.exit(1)
    print("all export checks passed")


if __name__ == "__main__":
    main()

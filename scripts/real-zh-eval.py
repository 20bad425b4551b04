#!/usr/bin/env python3
"""Measures the reading on the real Chinese pictures (scripts/real-zh-fetch.py) against a
person's reading of them (tests/fixtures/real_zh/truth.json): per picture and per group
(real photos and scans apart from screenshots), the kind, the date, the share where
scanfit abstained, and the character error rate of scanfit and, when given, of RapidOCR.

Usage: real-zh-eval.py TRUTH.json SCANFIT.jsonl [REFERENCE.jsonl]
SCANFIT.jsonl is `cargo run --release --example ocr_eval -- PICTURES` (lines and the
reading), REFERENCE.jsonl scripts/ocr-reference.py's output on the same pictures.

The error rate is order-free between lines, since the engines cut and order lines their
own way: text is compared after NFKC (full-width colons and commas as half-width), with
whitespace and bullets removed; each line read goes to the transcribed line, or run of up
to four neighbouring lines (a line read across them), whose text contains it with the
fewest edits;
the lines given to one transcribed line are joined in reading order and compared with it
(edit distance); a line read that matches nothing (more edits than half its length) counts
in full, a transcribed line that gets nothing counts in full, and lines given to `ignore`
text (cut by the edge, too faded) count for nothing. CER = edits / transcribed characters."""
import importlib.util
import json
import pathlib
import sys
import unicodedata

# The edit distance is ocr-compare.py's (one definition for both scripts).
_spec = importlib.util.spec_from_file_location(
    "ocr_compare", pathlib.Path(__file__).with_name("ocr-compare.py")
)
_ocr_compare = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ocr_compare)
distance = _ocr_compare.distance


def norm(s):
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s if not c.isspace() and c not in "•·")


def inside(o, t):
    """Fewest edits that turn `o` into some part of `t` (the rest of `t` is free)."""
    prev = [0] * (len(t) + 1)
    for i, co in enumerate(o, 1):
        cur = [i]
        for j, ct in enumerate(t, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (co != ct)))
        prev = cur
    return min(prev)


def edits(truth, ignore, read):
    """Edits of the lines `read` against the transcribed `truth` lines (see the docstring)."""
    truth = [norm(t) for t in truth]
    ignore = [norm(t) for t in ignore]
    read = [r for r in (norm(r) for r in read) if r]
    units = [tuple(range(i, i + n)) for n in range(1, 5) for i in range(len(truth) - n + 1)]
    given, unmatched, used = {}, 0, set()
    for k, r in enumerate(read):
        best = None
        for u in units:
            text = "".join(truth[i] for i in u)
            d = inside(r, text)
            # Ties: fewer lines first, then a line not yet given anything.
            key = (d, len(u), u in used)
            if best is None or key < best[0]:
                best = (key, u)
        gone = min((inside(r, g) for g in ignore), default=None)
        if gone is not None and gone <= best[0][0] and gone <= len(r) / 2:
            continue
        if best is None or best[0][0] > len(r) / 2:
            unmatched += len(r)
            continue
        used.add(best[1])
        given.setdefault(best[1], []).append((k, r))
    # A line read across transcribed lines joins them into one group.
    group = list(range(len(truth)))

    def find(i):
        while group[i] != i:
            i = group[i]
        return i

    for u in given:
        for i in u[1:]:
            group[find(i)] = find(u[0])
    texts, reads = {}, {}
    for i, t in enumerate(truth):
        texts[find(i)] = texts.get(find(i), "") + t
    for u, rs in given.items():
        reads.setdefault(find(u[0]), []).extend(rs)
    total = unmatched
    for g, t in texts.items():
        rs = sorted(reads.get(g, []))
        total += distance(t, "".join(r for _, r in rs))
    return total, sum(len(t) for t in truth)


def load(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("{"):
            rec = json.loads(line)
            out[rec["path"]] = rec
    return out


def entry(truth, path):
    for key, t in truth.items():
        if not key.startswith("_") and path.endswith(key):
            return key, t
    return None, None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    truth = json.load(open(sys.argv[1], encoding="utf-8"))
    ours = load(sys.argv[2])
    ref = {}
    if len(sys.argv) > 3:
        ref = {entry(truth, p)[0]: r for p, r in load(sys.argv[3]).items()}
    groups = {}
    for path, rec in sorted(ours.items()):
        key, t = entry(truth, path)
        if t is None:
            continue
        sure = rec["read_sure"] / 100
        reading = rec["reading"]
        g = groups.setdefault(key.split("/")[0], dict(
            n=0, kind_right=0, kind_abstained=0, dated=0, date_right=0, date_wrong=0,
            date_abstained=0, undated=0, false_dates=0, edits=0, chars=0, ref_edits=0,
            ref_chars=0, transcribed=0))
        g["n"] += 1
        kind = reading.get("kind")
        kind_used = kind["value"] if kind and kind["confidence"] >= sure else None
        g["kind_right"] += kind_used == t["kind"]
        g["kind_abstained"] += t["kind"] is not None and kind_used is None
        issued = reading.get("issued")
        until = reading.get("valid_until")
        date = issued or (until if until and isinstance(until["value"], dict) else None)
        got = None
        if date:
            value = date["value"]
            got = (value["Until"] if isinstance(value, dict) else value, date["confidence"])
        if t["issued"]:
            g["dated"] += 1
            if got is None or got[1] < sure:
                g["date_abstained"] += 1
                verdict = "abstained"
            elif got[0] == t["issued"]:
                g["date_right"] += 1
                verdict = "right"
            else:
                g["date_wrong"] += 1
                verdict = "wrong" + (" (a date printed elsewhere on it)" if got[0] in t["dates"] else "")
        else:
            g["undated"] += 1
            false = got is not None and got[1] >= sure
            g["false_dates"] += false
            verdict = "a date where none is printed" if false else "no date (right)"
        line = f"{key}: kind {kind_used or 'none'} ({'right' if kind_used == t['kind'] else 'wrong'}); date {got and (got[0], round(got[1], 3))} {verdict}"
        if t["lines"] is not None:
            e, n = edits(t["lines"], t["ignore"], [l["text"] for l in rec["lines"]])
            g["edits"] += e
            g["chars"] += n
            g["transcribed"] += 1
            line += f"; CER scanfit {100 * e / n:.1f} % ({e}/{n})"
            if key in ref:
                e, n = edits(t["lines"], t["ignore"], [l["text"] for l in ref[key]["lines"]])
                g["ref_edits"] += e
                g["ref_chars"] += n
                line += f", RapidOCR {100 * e / n:.1f} % ({e}/{n})"
        print(line)
    for name, g in groups.items():
        pct = lambda a, b: f"{100 * a / b:.1f} %" if b else "-"
        print(
            f"{name}: {g['n']} pictures; kind right {pct(g['kind_right'], g['n'])}"
            f" (abstained {pct(g['kind_abstained'], g['n'])}); dates on {g['dated']}: right"
            f" {pct(g['date_right'], g['dated'])}, wrong {pct(g['date_wrong'], g['dated'])},"
            f" abstained {pct(g['date_abstained'], g['dated'])}; a date read where none is"
            f" printed: {g['false_dates']} of {g['undated']}; CER on {g['transcribed']}"
            f" transcribed: scanfit {pct(g['edits'], g['chars'])} ({g['edits']}/{g['chars']})"
            + (f", RapidOCR {pct(g['ref_edits'], g['ref_chars'])} ({g['ref_edits']}/{g['ref_chars']})" if ref else "")
        )


main()

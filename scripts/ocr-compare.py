#!/usr/bin/env python3
"""Compares two OCR outputs (JSON lines from scripts/ocr-reference.py and from
`cargo run --example ocr_eval`): per picture, the share of the reference's lines read
identically, and the character error rate of scanfit's text against the reference's
(edit distance over the reference's length, lines joined in reading order), and the same
rate line by line, each reference line against scanfit's line nearest to it (so that two
lines taken in the other order, when their boxes differ by a pixel, count as no error;
lines without a partner count in full).
Usage: ocr-compare.py REFERENCE.jsonl SCANFIT.jsonl [LABEL-PREFIX=NAME ...]"""
import json
import sys


def load(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("{"):
            rec = json.loads(line)
            out[rec["path"]] = rec
    return out


def distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def centre(line):
    q = line["quad"]
    return sum(p[0] for p in q) / 4, sum(p[1] for p in q) / 4


def height(line):
    ys = [p[1] for p in line["quad"]]
    return max(ys) - min(ys)


def paired_edits(rl, ol):
    """Edits with each reference line paired with the unused line of ours whose centre is
    nearest, within the reference line's height."""
    used, edits = set(), 0
    for r in rl:
        (rx, ry), best = centre(r), None
        for j, o in enumerate(ol):
            if j in used:
                continue
            ox, oy = centre(o)
            d = ((rx - ox) ** 2 + (ry - oy) ** 2) ** 0.5
            if d <= max(height(r), 4) and (best is None or d < best[0]):
                best = (d, j)
        if best is None:
            edits += len(r["text"])
        else:
            used.add(best[1])
            edits += distance(r["text"], ol[best[1]]["text"])
    edits += sum(len(o["text"]) for j, o in enumerate(ol) if j not in used)
    return edits


def main():
    ref, ours = load(sys.argv[1]), load(sys.argv[2])
    groups = {}
    for path, r in ref.items():
        if path not in ours:
            continue
        o = ours[path]
        rl = [l["text"] for l in r["lines"]]
        ol = [l["text"] for l in o["lines"]]
        same = sum(1 for t in rl if t in ol)
        rt, ot = "\n".join(rl), "\n".join(ol)
        d = distance(rt, ot)
        group = "rendered" if "/rendered/" in path else "real"
        g = groups.setdefault(
            group,
            dict(n=0, lines=0, same=0, chars=0, edits=0, paired=0, line_chars=0, ref_ms=0.0, our_ms=0.0, exact=0),
        )
        g["n"] += 1
        g["lines"] += len(rl)
        g["same"] += same
        g["chars"] += len(rt)
        g["edits"] += d
        g["paired"] += paired_edits(r["lines"], o["lines"])
        g["line_chars"] += sum(len(t) for t in rl)
        g["ref_ms"] += r["ms"]
        g["our_ms"] += o["ms"]
        g["exact"] += rl == ol
        if d:
            print(f"{path}: {d} edits over {len(rt)} chars; ref {len(rl)} lines, ours {len(ol)}")
    for name, g in groups.items():
        print(
            f"{name}: {g['n']} pictures, {g['exact']} read identically in full; lines identical "
            f"{g['same']}/{g['lines']} = {100 * g['same'] / max(g['lines'], 1):.1f} %; "
            f"CER {100 * g['edits'] / max(g['chars'], 1):.2f} % ({g['edits']}/{g['chars']}), "
            f"line by line {100 * g['paired'] / max(g['line_chars'], 1):.2f} % ({g['paired']}/{g['line_chars']}); "
            f"time ref {g['ref_ms'] / g['n']:.0f} ms, ours {g['our_ms'] / g['n']:.0f} ms per picture"
        )


if __name__ == "__main__":
    main()

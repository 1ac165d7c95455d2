#!/usr/bin/env python3
"""Cuts Data/langid-words.tsv from Debian's word-list packages (see Data/README.md).

Usage: apt-get download wamerican wspanish wdutch wpolish; extract each .deb with dpkg-deb -x <deb> <dir>;
then  python3 cut-langid-words.py <wamerican dir> <wspanish dir> <wdutch dir> <wpolish dir> > langid-words.tsv
"""
import random
import sys
import unicodedata

PER_LANGUAGE = 2500
MIN_LENGTH, MAX_LENGTH = 3, 16  # code points; the classifier's window is 16 steps
LISTS = [("en", "american-english"), ("es", "spanish"), ("nl", "dutch"), ("pl", "polish")]


def words(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = unicodedata.normalize("NFC", line.strip())
            # Lower-case letters only: no proper nouns, abbreviations, possessives ('s), hyphens or spaces.
            if MIN_LENGTH <= len(w) <= MAX_LENGTH and w.isalpha() and w == w.lower():
                yield w


def main(dirs):
    full = {}
    for (code, name), d in zip(LISTS, dirs):
        full[code] = set(words(f"{d}/usr/share/dict/{name}"))
    out = []
    for code, _ in LISTS:
        others = set().union(*(full[c] for c, _ in LISTS if c != code))
        # A word spelled the same in two languages has no single answer: drop it from both.
        own = sorted(full[code] - others)
        chosen = random.Random(f"rnngen-langid-{code}").sample(own, PER_LANGUAGE)
        out += [(code, w) for w in sorted(chosen)]
    for code, w in out:
        sys.stdout.write(f"{code}\t{w}\n")


if __name__ == "__main__":
    main(sys.argv[1:5])

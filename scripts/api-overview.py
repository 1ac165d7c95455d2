#!/usr/bin/env python3
"""Writes docs/API.md (to stdout): the runtime's public types by namespace, from the public API files and the XML docs.

Usage: api-overview.py PublicAPI.Shipped.txt PublicAPI.Unshipped.txt RnnGen.Runtime.xml > docs/API.md
(scripts/update-public-api.sh runs it after regenerating PublicAPI.Unshipped.txt.)
"""
import re
import sys
import xml.etree.ElementTree as ET

MODIFIERS = {"abstract", "static", "sealed", "override", "virtual", "const", "readonly", "new", "~override", "~static"}

# What each namespace is for, as a user meets it. A namespace missing here gets no note.
NOTES = {
    "RnnGen": "What a program uses: the attributes that declare a model, the interfaces every generated model implements, "
              "optimizers and schedules, checkpoints (`Safetensors`), ONNX export, and the declaration as data.",
    "RnnGen.Training": "Training loops over data that is longer or more varied than one batch.",
    "RnnGen.Inference": "Drawing outputs from a model's probabilities.",
    "RnnGen.Checkpoints": "The safetensors file format and atomic writes underneath `Safetensors`.",
    "RnnGen.Randomness": "The seeded generator and PyTorch's initializations.",
    "RnnGen.Memory": "The aligned buffers a model owns, and what they weigh.",
    "RnnGen.Kernels": "The SIMD kernels the generated code calls (matrix products, bias, activations). Public so that "
                      "generated code in your assembly can call them; usable directly, but shaped for that caller.",
    "RnnGen.Cells": "The fused pointwise step of each cell, called by the generated code.",
    "RnnGen.Losses": "Losses and their gradients, called by the generated code.",
    "RnnGen.Inputs": "Input encodings and the argument checks the generated code runs before it changes anything.",
}


def types_of(path):
    """The type entries of a public API file: lines with no ' -> ' (members have one), modifiers stripped."""
    found = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("*REMOVED*") or " -> " in line or "(" in line:
            continue
        words = line.split(" ")
        while words and words[0] in MODIFIERS:
            words = words[1:]
        found.append(" ".join(words))
    return found


def doc_id(api_type):
    """RnnGen.Training.SequenceBatcher<TInput, TTarget>.Enumerator -> T:RnnGen.Training.SequenceBatcher`2.Enumerator"""
    return "T:" + re.sub(r"<([^<>]*)>", lambda m: "`" + str(m.group(1).count(",") + 1), api_type)


def short_cref(cref):
    kind, _, name = cref.partition(":")
    name = name.split("(")[0]
    parts = [re.sub(r"`+\d+", "", p) for p in name.split(".")]
    if kind == "T":
        return parts[-1]
    return ".".join(parts[-2:]) if len(parts) >= 2 else parts[-1]


def render(element):
    out = [element.text or ""]
    for child in element:
        if child.tag == "see":
            if "cref" in child.attrib:
                out.append("`" + short_cref(child.attrib["cref"]) + "`")
            elif "langword" in child.attrib:
                out.append("`" + child.attrib["langword"] + "`")
            else:
                out.append(render(child))
        elif child.tag in ("paramref", "typeparamref"):
            out.append("`" + child.attrib.get("name", "") + "`")
        elif child.tag == "c":
            out.append("`" + "".join(child.itertext()) + "`")
        else:
            out.append(render(child))
        out.append(child.tail or "")
    return re.sub(r"\s+", " ", "".join(out)).strip()


def first_sentence(text):
    in_code = False
    for i, ch in enumerate(text):
        if ch == "`":
            in_code = not in_code
        if ch == "." and not in_code and (i + 1 == len(text) or text[i + 1] == " "):
            before = text[max(0, i - 3):i + 1]
            if before.endswith(("e.g.", "i.e.")) or text[max(0, i - 3):i + 1] in ("e.g.", "i.e."):
                continue
            if text[max(0, i - 1):i + 1] in ("g.", "e.") and text[max(0, i - 3):i - 1] in ("e.", "i."):
                continue
            return text[:i + 1]
    return text


def main():
    shipped, unshipped, xml_path = sys.argv[1:4]
    summaries = {}
    for member in ET.parse(xml_path).getroot().iter("member"):
        summary = member.find("summary")
        if summary is not None:
            summaries[member.attrib["name"]] = first_sentence(render(summary))

    entries = [(t, "shipped") for t in types_of(shipped)] + [(t, "unshipped") for t in types_of(unshipped)]
    names = {t for t, _ in entries}
    by_namespace = {}
    for api_type, state in entries:
        plain = re.sub(r"<[^<>]*>", "", api_type)
        # A nested type's namespace is its outer type's.
        outer = api_type
        while True:
            head = outer.rsplit(".", 1)[0] if "." in outer else ""
            if head in names:
                outer = head
                continue
            break
        namespace = re.sub(r"<[^<>]*>", "", outer).rsplit(".", 1)[0]
        display = api_type[len(namespace) + 1:]
        by_namespace.setdefault(namespace, []).append((display, plain, summaries.get(doc_id(api_type), ""), state))

    shipped_count = sum(1 for _, s in entries if s == "shipped")
    print("# The public API of RnnGen.Runtime")
    print()
    print("<!-- Generated by scripts/update-public-api.sh from Runtime/PublicAPI.*.txt and the XML documentation: do not")
    print("     edit by hand; change the code's <summary> and run the script. -->")
    print()
    print("Everything a program can call in the `RnnGen` package, type by type, with the first sentence of each type's")
    print("documentation. The members are listed, with their signatures, in `Runtime/PublicAPI.Shipped.txt` (what a released")
    print("version promised) and `Runtime/PublicAPI.Unshipped.txt` (added since); the build fails on a public member that is")
    print("in neither (RS0016) or one that is listed and gone (RS0017), so a change to the API is always a visible change to")
    print("those files. Each model class also gets members from the generator (README, \"What a model class gets\"); they")
    print("live in your assembly, not in this list.")
    print()
    print(f"{len(entries)} public types, {shipped_count} of them shipped.")
    print()
    for namespace in sorted(by_namespace, key=lambda n: (n != "RnnGen", n)):
        print(f"## {namespace}")
        print()
        if namespace in NOTES:
            print(NOTES[namespace])
            print()
        print("| type | what it is |")
        print("|---|---|")
        for display, _, summary, state in sorted(by_namespace[namespace], key=lambda e: e[0].lower()):
            mark = "" if state == "shipped" or shipped_count == 0 else " (new)"
            print(f"| `{display}`{mark} | {summary.replace('|', '&#124;')} |")
        print()


if __name__ == "__main__":
    main()

"""Golden records of the born-digital PDF samples, from the verified text goldens.

The PDF of a seed carries the same document, so its golden has the same values; only where things
sit changes (pages). Pages come from the generator's own layout truth
(`samples/NNN_born_digital.layout.json`: the page of every heading, footnote body and table it
placed) and, for prose statistics, from where their printed text stands in the PDF as poppler's
`pdftotext` reads it (independent of baocao). Run after changing a text golden or the generator:

    .venv/bin/python tools/derive_pdf_golden.py
"""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def pdf_page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return [norm(p) for p in out.split("\f")]


def section_pages(gold_sections: list[dict], layout_sections: list[dict]) -> list[int]:
    """Match golden sections to the generator's headings in order, by number and title prefix."""
    pages, j = [], 0
    for s in gold_sections:
        want = norm(f"{s['number']} {s['title']}")[:25].lower()
        hit = None
        for k in range(j, len(layout_sections)):
            text = norm(layout_sections[k]["text"]).lower()
            text = re.sub(r"^(\d+(?:\.\d+)*|[ivxl]+)\.\s*", r"\1 ", text)
            if text.startswith(want[: max(8, len(want) - 3)]) or want.startswith(text[:20]):
                hit = k
                break
        if hit is None:
            raise SystemExit(f"section {s['id']} {s['title'][:40]!r} not found in the PDF layout")
        pages.append(layout_sections[hit]["page"])
        j = hit + 1
    return pages


def locate(raw: str, context: str, pages: list[str], after_page: int) -> int:
    """The page holding `raw` whose text shares most words with `context` (ties: the earliest page
    not before `after_page`)."""
    words = {w for w in re.findall(r"\w+", context.lower()) if len(w) > 2}
    best, best_score = None, -1.0
    for i, text in enumerate(pages, start=1):
        if raw not in text:
            continue
        score = sum(1 for w in words if w in text.lower()) + (0.5 if i >= after_page else 0)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        raise SystemExit(f"{raw!r} not found in the PDF text")
    return best


def derive(stem: str) -> dict:
    gold = json.loads((ROOT / "golden" / f"{stem}_text.json").read_text(encoding="utf-8"))
    layout = json.loads((ROOT / "samples" / f"{stem}_born_digital.layout.json").read_text(encoding="utf-8"))
    pdf = ROOT / "samples" / f"{stem}_born_digital.pdf"
    texts = pdf_page_texts(pdf)
    g = copy.deepcopy(gold)
    g["source"] = {"file": pdf.name, "media_type": "application/pdf", "page_count": layout["page_count"]}
    for s, p in zip(g["sections"], section_pages(g["sections"], layout["sections"])):
        s["page"] = p
    fpages = {f["marker"]: f["pages"] for f in layout["footnotes"]}
    for f in g["footnotes"]:
        f["page"] = fpages[f["marker"]][0]
    for t, lt in zip(g["tables"], layout["tables"]):
        t["page"] = lt["pages"][0]
    last = 1
    for m in g["measures"]:
        if m["source"].startswith("text:p"):
            page = locate(norm(m["raw"]), m["indicator"], texts, last)
            m["source"] = f"text:p{page}"
            last = page
    for c in g.get("checks", []):
        if c["where"].startswith("text:p"):
            nums = re.findall(r"\d[\d.,]*\d", c.get("message", ""))
            c["where"] = f"text:p{locate(nums[0], c.get('message', ''), texts, 1)}" if nums else c["where"]
    g.pop("pages", None)
    return g


def main(argv: list[str]) -> int:
    stems = argv or sorted(p.name.split("_")[0] for p in (ROOT / "samples").glob("*_born_digital.pdf"))
    for stem in stems:
        g = derive(stem)
        out = ROOT / "golden" / f"{stem}_born_digital.json"
        out.write_text(json.dumps(g, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

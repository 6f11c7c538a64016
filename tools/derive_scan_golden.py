"""Golden records of the scanned samples (samples/scans/), from the goldens of their sources.

A scan is the same document as the born-digital PDF (or text) it was made from, so its golden is that
document's golden; only pages move where the scanner inserted a sheet (the manifest maps every scanned
page to its source page). Partial scans (one page as PNG or JPEG) get no golden. Run after changing a
golden or the scans:

    .venv/bin/python tools/derive_scan_golden.py
"""
from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDIA = {".pdf": "application/pdf", ".txt": "text/plain", ".tiff": "image/tiff", ".tif": "image/tiff"}


def derive(entry: dict) -> dict:
    gold = json.loads((ROOT / "golden" / f"{entry['golden']}.json").read_text(encoding="utf-8"))
    g = copy.deepcopy(gold)
    name = entry["file"]
    g["source"] = {"file": name, "media_type": MEDIA[Path(name).suffix.lower()],
                   "page_count": entry.get("page_count") or gold["source"]["page_count"]}
    to_scan = {p["source_page"]: p["page"] for p in entry.get("pages", []) if p.get("source_page")}

    def move(page):
        return to_scan.get(page, page) if page is not None else None

    for family in ("sections", "footnotes", "tables"):
        for item in g.get(family, []):
            item["page"] = move(item.get("page"))
    for m in g.get("measures", []):
        m["source"] = re.sub(r"^text:p(\d+)$", lambda mm: f"text:p{move(int(mm.group(1)))}", m["source"])
    for c in g.get("checks", []):
        c["where"] = re.sub(r"^text:p(\d+)$", lambda mm: f"text:p{move(int(mm.group(1)))}", c["where"])
    return g


def main() -> int:
    manifest = json.loads((ROOT / "samples" / "scans" / "manifest.json").read_text(encoding="utf-8"))
    out_dir = ROOT / "golden" / "scans"
    out_dir.mkdir(exist_ok=True)
    for entry in manifest["files"]:
        if not entry.get("complete"):
            continue
        out = out_dir / f"{Path(entry['file']).stem}.json"
        out.write_text(json.dumps(derive(entry), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate docs/review-screenshot.png, the README's picture of a review report:

    .venv/bin/python tools/review_screenshot.py

`baocao review samples/000_born_digital.pdf --golden golden/` into a temporary folder, opened in headless
Chromium (tools/headless_chromium.py) at 1400x900; a measure the golden record says is wrong is clicked
in the record panel, so that the picture shows a selected box, the golden value and the scores.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "review-screenshot.png"


def main() -> None:
    from tools.headless_chromium import Chromium

    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "review", "samples/000_born_digital.pdf",
                               "-o", tmp, "--golden", "golden"], cwd=ROOT, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
        with Chromium(width=1400, height=900) as b:
            b.open((Path(tmp) / "docs" / "000_born_digital.html").as_uri())
            target = b.evaluate("(function(){var l=Array.from(document.querySelectorAll('#record .it.k-measure.v-wrong'))"
                                ".filter(function(e){return document.getElementById('b-'+e.getAttribute('data-id'))});"
                                "return l.length?l[0].getAttribute('data-id'):null})()")
            if not target:
                raise SystemExit("no wrong measure with a box to show")
            b.evaluate(f"document.getElementById('i-{target}').scrollIntoView({{block:'center'}})")
            r = b.evaluate(f"(function(){{var r=document.getElementById('i-{target}').getBoundingClientRect();"
                           "return [r.left, r.top, r.height]})()")
            b.click(r[0] + 30, r[1] + r[2] / 2)  # a real click, as a reader would
            # the page images in view (lazy ones out of view never load)
            b.evaluate("Promise.all(Array.from(document.images).filter(function(i){var r=i.getBoundingClientRect();"
                       "return r.bottom>0&&r.top<innerHeight}).map(function(i){return i.decode().catch(function(){})}))")
            OUT.write_bytes(b.screenshot())
    print(f"wrote {OUT.relative_to(ROOT)} (selected {target})")


if __name__ == "__main__":
    main()

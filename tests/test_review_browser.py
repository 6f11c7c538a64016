"""The review report in a real browser: Debian's headless `chromium` (scripts/setup.sh installs it)
opens a generated report, a value is clicked, and its box must be highlighted — in the DOM and in the
pixels of a screenshot — and the reverse (a box clicked selects its value); a document whose values are
HTML/JavaScript runs none of it; the index sorts by a column."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_review import GOLDEN, PAYLOAD, SAMPLES, xss_document
from tools.headless_chromium import Chromium, chromium_path

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    assert chromium_path(), "chromium is not installed: bash scripts/setup.sh installs it (Debian package chromium)"
    out = tmp_path_factory.mktemp("review")
    doc = xss_document(out)
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "review", SAMPLES / "004_born_digital.pdf",
                           SAMPLES / "002_text.txt", doc, "-o", out / "report", "--golden", GOLDEN],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out / "report"


@pytest.fixture(scope="module")
def browser():
    with Chromium(width=1400, height=900) as b:
        yield b


def rect(b, selector: str):
    return b.evaluate(f"(function(){{var r=document.querySelector({selector!r}).getBoundingClientRect();"
                      "return [r.left, r.top, r.width, r.height]})()")


def highlighted_share(png: bytes, r) -> float:
    """Share of the pixels inside the rectangle that have the selected box's yellow over paper or ink."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0, w, h = (int(round(v)) for v in r)
    px = [img.getpixel((x, y)) for x in range(x0 + 3, x0 + w - 3) for y in range(y0 + 3, y0 + h - 3)]
    yellow = [p for p in px if p[0] > 150 and p[1] > 120 and p[2] < 0.6 * p[1]]  # R, G high, B low
    return len(yellow) / max(1, len(px))


def wait_images(b) -> None:
    b.evaluate("Promise.all(Array.from(document.images).filter(function(i){var r=i.getBoundingClientRect();"
               "return r.bottom>0&&r.top<innerHeight}).map(function(i){return i.decode().catch(function(){})}))")


def test_clicking_a_value_highlights_its_box(report, browser):
    browser.open((report / "docs" / "004_born_digital.html").as_uri())
    # a value with a box on a page further down: the click must bring it into view too
    target = browser.evaluate("(function(){var b=Array.from(document.querySelectorAll('#pages .bx.k-section'));"
                              "return b[b.length-1].getAttribute('data-ids')})()")
    assert browser.evaluate(f"document.getElementById('b-{target}').classList.contains('sel')") is False
    browser.evaluate(f"document.getElementById('i-{target}').scrollIntoView({{block:'center'}})")
    before_box = rect(browser, f"#b-{target}")
    li = rect(browser, f"#i-{target}")
    browser.click(li[0] + 30, li[1] + li[3] / 2)
    state = browser.evaluate(f"[document.getElementById('i-{target}').classList.contains('sel'),"
                             f"document.getElementById('b-{target}').classList.contains('sel'),"
                             "document.querySelectorAll('.sel').length]")
    assert state[0] and state[1], state
    box = rect(browser, f"#b-{target}")
    assert box != before_box  # scrolled to it
    assert 0 <= box[1] and box[1] + box[3] <= 900, "the selected box is in view"
    wait_images(browser)
    png = browser.screenshot()
    assert highlighted_share(png, box) > 0.5
    # another box of the same page, not selected, is not yellow
    other = browser.evaluate(f"(function(){{var p=document.getElementById('b-{target}').parentNode;"
                             "var o=Array.from(p.querySelectorAll('.bx:not(.sel)')).filter(function(e){"
                             "var r=e.getBoundingClientRect();return r.top>0&&r.bottom<innerHeight&&r.height>6});"
                             "return o.length?o[0].id:null})()")
    if other:
        assert highlighted_share(png, rect(browser, f"#{other}")) < 0.05


def test_clicking_a_box_selects_its_value(report, browser):
    browser.open((report / "docs" / "004_born_digital.html").as_uri())
    box_id = browser.evaluate("(function(){var b=Array.from(document.querySelectorAll('#pages .bx')).filter(function(e){"
                              "var r=e.getBoundingClientRect();return r.top>0&&r.bottom<innerHeight&&r.height>6});"
                              "return b[b.length-1].id})()")
    r = rect(browser, f"#{box_id}")
    x, y = r[0] + min(8, r[2] / 2), r[1] + r[3] / 2
    hit = browser.evaluate(f"document.elementFromPoint({x}, {y}).getAttribute('data-ids')")  # the box on top there
    assert hit
    assert browser.evaluate("document.querySelectorAll('#record .it.sel').length") == 0
    browser.click(x, y)
    picked = browser.evaluate("document.querySelector('#record .it.sel').getAttribute('data-id')")
    assert picked == hit.split()[0]
    assert browser.evaluate(f"document.getElementById('b-{picked}').classList.contains('sel')")
    li = rect(browser, f"#i-{picked}")
    assert 0 <= li[1] < 900, "the selected value is scrolled into the record panel's view"


def test_text_input_highlights_in_the_text(report, browser):
    browser.open((report / "docs" / "002_text.html").as_uri())
    assert browser.evaluate("document.querySelectorAll('#pages img').length") == 0
    ref = "hea-ref"
    li = rect(browser, f"#i-{ref}")
    browser.click(li[0] + 30, li[1] + li[3] / 2)
    assert browser.evaluate(f"document.querySelectorAll('.hl.sel[data-ids~=\"{ref}\"]').length") >= 1
    png = browser.screenshot()
    assert highlighted_share(png, rect(browser, f".hl.sel[data-ids~='{ref}']")) > 0.3


def test_untrusted_values_run_nothing(report, browser):
    page = next((report / "docs").glob("doc_*.html"))
    browser.open(page.as_uri())
    assert browser.evaluate("typeof window.__xss") == "undefined"
    assert browser.evaluate("document.querySelectorAll('#record img, #pages img').length") == 0
    text = browser.evaluate("document.getElementById('record').innerText")
    assert "<script>window.__xss=1</script>" in text  # shown as text
    assert browser.evaluate("document.title").startswith("doc_<x>&'")
    first = browser.evaluate("document.querySelector('#record .it').getAttribute('data-id')")
    li = rect(browser, f"#i-{first}")
    browser.click(li[0] + 30, li[1] + li[3] / 2)  # the page still works
    assert browser.evaluate(f"document.getElementById('i-{first}').classList.contains('sel')")
    assert browser.evaluate("typeof window.__xss") == "undefined"
    assert PAYLOAD  # the payload the document carries (tests/test_review.py)


def test_index_sorts_by_a_column(report, browser):
    browser.open((report / "index.html").as_uri())
    names = "Array.from(document.querySelectorAll('table.docs tbody tr td:first-child')).map(function(td){return td.innerText.trim()})"
    col = browser.evaluate("Array.from(document.querySelectorAll('table.docs th')).map(function(t){return t.innerText.trim()}).indexOf('warnings')")
    assert col > 0
    th = rect(browser, f"table.docs th:nth-child({col + 1})")
    browser.click(th[0] + th[2] / 2, th[1] + th[3] / 2)
    browser.click(th[0] + th[2] / 2, th[1] + th[3] / 2)  # second click: descending
    values = browser.evaluate(f"Array.from(document.querySelectorAll('table.docs tbody tr')).map(function(r){{"
                              f"return parseFloat(r.cells[{col}].getAttribute('data-sort'))}})")
    assert values == sorted(values, reverse=True)
    assert len(browser.evaluate(names)) == 3

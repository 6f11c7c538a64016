"""`baocao review`: golden verdicts per value (the same numbers as `baocao eval`), highlight items, text
placement, escaping of untrusted values, the report on disk (CLI), datasets, the page cache."""
from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.evaluate import score_record
from pipeline.extraction import extract
from pipeline.review.boxes import KINDS, is_restored, record_items
from pipeline.review.verdicts import CORRECT, EXTRA, MISSING, WRONG, counts_by_family, record_verdicts

ROOT = Path(__file__).resolve().parents[1]
SAMPLES, GOLDEN = ROOT / "samples", ROOT / "golden"
BAOCAO = [sys.executable, "-m", "pipeline.cli"]
DOCS = ["000_text.txt", "000_born_digital.pdf", "001_born_digital.pdf", "002_text.txt", "003_text.txt"]


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return {Path(n).stem: json.loads(extract(SAMPLES / n).to_json()) for n in DOCS}


def gold(stem: str) -> dict:
    return json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))


def run(*args, env=None, cwd=ROOT):
    return subprocess.run(BAOCAO + [str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=600)


# ---- verdicts: evaluate's alignment, the same counts ------------------------------------------------

@pytest.mark.parametrize("stem", [Path(n).stem for n in DOCS])
def test_verdict_counts_are_the_eval_counts(records, stem):
    rec, g = records[stem], gold(stem)
    expected = {f: (c.tp, c.fp, c.fn) for f, c in score_record(rec, g).strict.families.items()}
    assert counts_by_family(record_verdicts(rec, g)) == expected


def test_wrong_missing_and_extra_values_are_marked(records):
    rec = copy.deepcopy(records["000_born_digital"])
    g = gold("000_born_digital")
    rec["header"]["issuer"] = "SỞ Y TẾ"  # wrong
    dropped = rec["sections"].pop(3)  # missing
    rec["measures"].append({"indicator": "không có trong văn bản", "value": 12345.0, "unit": "người",
                            "kind": "actual", "raw": "12.345 người", "source": "text:p1"})  # extra
    items = {it.id: it for it in record_items(rec, record_verdicts(rec, g))}
    issuer = items["hea-issuer"]
    assert issuer.verdict == WRONG and issuer.golden == g["header"]["issuer"]
    missing = [it for it in items.values() if it.verdict == MISSING and it.kind == "section"]
    assert [it.golden for it in missing] == [dropped["title"]]
    assert items[f"mea-{len(rec['measures']) - 1}"].verdict == EXTRA
    assert items["hea-doc_type"].verdict == CORRECT
    counts = counts_by_family(record_verdicts(rec, g))
    assert counts == {f: (c.tp, c.fp, c.fn) for f, c in score_record(rec, g).strict.families.items()}


# ---- items ------------------------------------------------------------------------------------------

def test_items_of_a_born_digital_record(records):
    rec = records["000_born_digital"]
    items = record_items(rec)
    kinds = {it.kind for it in items}
    assert {"header", "signature", "recipient", "section", "footnote-marker", "footnote-body", "reference",
            "table-cell", "measure", "check"} <= kinds <= set(KINDS)
    assert len({it.id for it in items}) == len(items)
    boxed = [it for it in items if it.box is not None]
    assert len(boxed) > 200
    for it in boxed:  # A4 in points, from the top left
        x0, top, x1, bottom = it.box
        assert 0 <= x0 < x1 <= 596 and 0 <= top < bottom <= 842, it
        assert 1 <= it.page <= rec["source"]["page_count"]
    issuer = next(it for it in items if it.id == "hea-issuer")
    assert issuer.text == rec["header"]["issuer"] and issuer.page == 1


@pytest.mark.parametrize("text, raw, expected", [
    ("CÔNG TÁC PHỔ BIẾN", "CONG TAC PHO BIEN", True),
    ("Thành ủy Đà Lạt", "Thanh uy Da Lat", True),
    ("CÔNG TÁC PHỔ BIẾN", "II. CONG TAC PHO BIEN", True),  # a heading's raw keeps its number
    ("CÔNG TÁC PHỔ BIẾN", "CÔNG TÁC PHỔ BIẾN", False),
    ("282-BC/ThU", "Số 282-BC/ThU", False),  # raw holds more text, no diacritics were lost
    ("Đà Lạt", "Hà Nội", False),
    (None, "x", False),
])
def test_is_restored(text, raw, expected):
    assert is_restored(text, raw) is expected


def test_text_values_found_in_the_source_lines(records):
    from pipeline.review.commands import src_pages
    from pipeline.review.locate import locate
    from pipeline.sources.text import text_to_source

    rec = records["002_text"]
    items = record_items(rec, record_verdicts(rec, gold("002_text")))
    pages = src_pages(text_to_source((SAMPLES / "002_text.txt").read_bytes(), "002_text.txt"))
    locate(items, pages)
    by_id = {it.id: it for it in items}
    for field in ("ref", "doc_type", "place"):
        it = by_id[f"hea-{field}"]
        (page, line, a, b), *_ = it.spans
        # the printed text is looked for first ("Số: 131 /KH-UBND" for the ref 131/KH-UBND)
        assert pages[page - 1].lines[line].text[a:b].lower() == (it.raw or it.text).lower()
    cells = [it for it in items if it.kind == "table-cell" and it.text]
    placed = [it for it in cells if it.spans]
    assert len(placed) >= 0.9 * len(cells)
    for it in placed:
        page, line, a, b = it.spans[0]
        assert pages[page - 1].lines[line].text[a:b] == it.text


# ---- escaping ---------------------------------------------------------------------------------------

PAYLOAD = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> \"q\" 'a' & <b>"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def xss_document(folder: Path) -> Path:
    text = (f"UBND TỈNH {PAYLOAD}\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            f"SỞ Y TẾ {PAYLOAD}\n"
            "Số: 12/KH-SYT\tHà Nội, ngày 5 tháng 6 năm 2023\n\n"
            "**KẾ HOẠCH**\n"
            f"**Về việc {PAYLOAD}**\n\n"
            f"**I. MỤC TIÊU {PAYLOAD}**\n"
            f"Tỷ lệ bao phủ đạt 95,5% {PAYLOAD} theo Công văn số 45/SYT-NV ngày 01/02/2023.\n"
            "STT\tChỉ tiêu\tNăm 2023\n1\t" + PAYLOAD + "\t1.234\n")
    path = folder / "doc_<x>&'.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_value_is_injected_as_html(tmp_path):
    doc = xss_document(tmp_path)
    golden = tmp_path / "golden"
    golden.mkdir()
    g = json.loads(extract(doc).to_json())
    g["header"]["title"] = PAYLOAD  # a golden value is shown beside a wrong one: escaped too
    (golden / f"{doc.stem}.json").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    proc = run("review", doc, "-o", tmp_path / "report", "--golden", golden)
    assert proc.returncode == 0, proc.stderr
    pages = list((tmp_path / "report" / "docs").glob("*.html")) + [tmp_path / "report" / "index.html"]
    assert len(pages) == 2
    for page in pages:
        html = page.read_text(encoding="utf-8")
        p = _Tags()
        p.feed(html)
        assert [t for t, _ in p.tags].count("script") == 1 and p.scripts[0].lstrip().startswith("(function(){")
        assert not any(k.startswith("on") for _, attrs in p.tags for k in attrs), "an event handler attribute"
        assert "img" not in [t for t, _ in p.tags] or all(a.get("src", "").startswith("../pages/")
                                                           for t, a in p.tags if t == "img")
        assert "window.__xss" not in "".join(p.scripts)
    doc_html = next(pp for pp in pages if pp.parent.name == "docs").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in doc_html  # shown, as text
    assert "&quot;q&quot; &#x27;a&#x27; &amp;" in doc_html


# ---- the report on disk -----------------------------------------------------------------------------

@pytest.mark.slow
def test_review_cli_documents_records_and_failures(tmp_path, records):
    cache = tmp_path / "cache"
    recs = tmp_path / "records"
    recs.mkdir()
    (recs / "001_born_digital.json").write_text(json.dumps(records["001_born_digital"], ensure_ascii=False),
                                                encoding="utf-8")
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "report"
    args = ["review", SAMPLES / "000_born_digital.pdf", SAMPLES / "003_text.txt", recs, bad, "-o", out,
            "--golden", GOLDEN, "--sources", SAMPLES]
    proc = run(*args, env={"BAOCAO_CACHE": str(cache)})
    assert proc.returncode == 1, proc.stderr  # one input failed, the others are written
    assert "broken.pdf" in proc.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("000_born_digital", "003_text", "001_born_digital", "broken"):
        assert name in index
    assert index.count('href="docs/') == 3
    # worst first: the failed input, then by strict F1: 003 (0.80), 000 (0.98), 001 (1.00)
    body = index[index.index("<tbody>"):]
    order = [body.index(n) for n in ("broken", "003_text", "000_born_digital", "001_born_digital")]
    assert order == sorted(order)
    # the scores heading each page are the numbers `baocao eval` prints
    pred = tmp_path / "pred"
    assert run("extract", SAMPLES / "003_text.txt", "-o", pred).returncode == 0
    ev = json.loads(run("eval", pred, GOLDEN, "--json").stdout)
    doc = next(d for d in ev["documents"] if d["name"] == "003_text")
    page = (out / "docs" / "003_text.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="scores">(.*?)</table>', page, re.S).group(1)
    strict_f1 = re.findall(r"<td[^>]*>([0-9.]+)</td>", re.search(r"<th>strict F1</th>(.*?)</tr>", table).group(1))
    fams = [f for f in doc["strict"]["families"]]
    assert strict_f1[: len(fams)] == [f"{doc['strict']['families'][f]['f1']:.3f}" for f in fams]
    assert strict_f1[len(fams)] == f"{doc['strict']['overall']['f1']:.3f}"
    # page images: one per PDF page; a second run draws none (the cache)
    assert len(list((out / "pages").rglob("*.png"))) == 17 + 10
    assert "27 drawn" in proc.stderr
    again = run("review", SAMPLES / "000_born_digital.pdf", SAMPLES / "003_text.txt", recs, "-o", tmp_path / "report2", "--golden", GOLDEN, "--sources", SAMPLES,
                env={"BAOCAO_CACHE": str(cache)})
    assert again.returncode == 0, again.stderr
    assert "(0 drawn" in again.stderr


def test_record_without_its_source_is_shown_as_text(tmp_path, records):
    rec_dir = tmp_path / "recs"
    rec_dir.mkdir()
    (rec_dir / "000_born_digital.json").write_text(json.dumps(records["000_born_digital"]), encoding="utf-8")
    proc = run("review", rec_dir, "-o", tmp_path / "out", env={"BAOCAO_CACHE": str(tmp_path / "c")})
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / "docs" / "000_born_digital.html").read_text(encoding="utf-8")
    assert "not found (give its folder with --sources)" in page
    assert "<img" not in page and 'class="hl' in page  # the record's text, highlighted


def test_usage_errors(tmp_path):
    assert run("review", tmp_path / "nope.json", "-o", tmp_path / "o").returncode == 1
    assert run("review", SAMPLES / "002_text.txt", "-o", tmp_path / "o", "--golden", tmp_path / "x").returncode == 2
    assert run("review", SAMPLES / "002_text.txt").returncode == 2  # no -o


@pytest.mark.slow
def test_review_of_an_ingested_dataset(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for n in ("002_text.txt", "004_born_digital.pdf"):
        (inputs / n).write_bytes((SAMPLES / n).read_bytes())
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    dataset = tmp_path / "ds"
    ing = run("ingest", inputs, "--out", dataset)
    assert (dataset / "records").is_dir(), ing.stderr
    proc = run("review", dataset, "-o", tmp_path / "rep", "--golden", GOLDEN,
               env={"BAOCAO_CACHE": str(tmp_path / "c")})
    assert proc.returncode == 1, proc.stderr  # the failed input is listed as failed
    index = (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
    assert index.count('href="docs/') == 2
    assert "broken" in index and "failed" in index
    # paired with the goldens by the input's name (records are named by their SHA-256)
    assert "docs/002_text.html" in index and "docs/004_born_digital.html" in index
    page = (tmp_path / "rep" / "docs" / "004_born_digital.html").read_text(encoding="utf-8")
    assert "Scores against golden" in page and "<img" in page  # source found through the manifest

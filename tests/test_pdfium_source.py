"""The PDFium source (pipeline/sources/pdfium.py) against the pdfplumber source (pipeline/sources/pdf.py,
the reference implementation): the same document from every born-digital sample, page by page and
line by line, and the same record through the pipeline (boxes apart: PDFium's character advances
come from integer glyph widths, so boxes may differ by hundredths of a point).

Also: the same errors for inputs that cannot be read, a failing page as an error item, pages that
are rotated, drawn through a scaled CTM, inside a Form XObject or with a MediaBox off the origin
(built here with reportlab), and a printed speed comparison (not asserted: tests are not timed).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from pipeline.document import DocState, Line
from pipeline.extraction import record_from_state
from pipeline.sources.errors import SourceError
from pipeline.sources.pdf import pdf_to_source
from pipeline.sources.pdfium import pdfium_to_source
from pipeline.stages import STAGES, run_stages
from tools.make_samples import make_corrupt_pdf, make_encrypted_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*_born_digital.pdf"))
TIMES: dict[str, dict[str, float]] = {}


def _read(fn, data: bytes, name: str, **kw):
    t0 = time.perf_counter()
    doc = fn(data, name, **kw)
    return doc, time.perf_counter() - t0


@pytest.fixture(scope="module")
def docs():
    out = {}
    for path in SAMPLES:
        data = path.read_bytes()
        ref, t_ref = _read(pdf_to_source, data, path.name)
        new, t_new = _read(pdfium_to_source, data, path.name)
        TIMES[path.name] = {"pages": len(ref.pages), "pdfplumber": t_ref, "pdfium": t_new}
        out[path.name] = (ref, new)
    return out


def markers(ms) -> list:
    return [(m.label, m.offset) for m in ms]


def line_signature(ln) -> tuple:
    cells = None if ln.cells is None else [(c.text, c.bold, markers(c.markers)) for c in ln.cells]
    return (ln.text, ln.role, ln.bold, ln.italic, ln.heading, ln.break_before, ln.table_id, markers(ln.markers), cells)


def assert_same_document(ref, new) -> None:
    assert len(new.pages) == len(ref.pages)
    assert new.warnings == ref.warnings and new.errors == ref.errors
    assert (new.file, new.sha256, new.media_type) == (ref.file, ref.sha256, ref.media_type)
    for pr, pn in zip(ref.pages, new.pages):
        where = f"page {pr.number}"
        assert (pn.number, pn.mode, pn.mode_reason) == (pr.number, pr.mode, pr.mode_reason), where
        if pr.width is not None:
            assert pn.width == pytest.approx(pr.width, abs=1e-3) and pn.height == pytest.approx(pr.height, abs=1e-3)
        assert [ln.text for ln in pn.lines] == [ln.text for ln in pr.lines], where
        assert [line_signature(ln) for ln in pn.lines] == [line_signature(ln) for ln in pr.lines], where
        for a, b in zip(pr.lines, pn.lines):  # sizes and boxes: close, not equal
            if a.size is not None:
                assert b.size == pytest.approx(a.size, abs=0.05), (where, a.text)
            assert b.box == pytest.approx(a.box, abs=1.0), (where, a.text)


@pytest.mark.parametrize("name", [p.name for p in SAMPLES])
def test_same_document_as_pdfplumber(docs, name):
    ref, new = docs[name]
    assert_same_document(ref, new)


def test_samples_exercise_markers_footnotes_and_tables(docs):
    lines = [ln for ref, _ in docs.values() for pg in ref.pages for ln in pg.lines]
    assert any(ln.markers for ln in lines) and any(ln.role == "footnote" for ln in lines)
    assert any(ln.cells for ln in lines) and any(c.text is None for ln in lines if ln.cells for c in ln.cells)
    assert any(ln.role == "page-number" for ln in lines)


def _without_boxes(value):
    if isinstance(value, dict):
        return {k: _without_boxes(v) for k, v in value.items() if k not in ("box", "bbox")}
    if isinstance(value, list):
        return [_without_boxes(v) for v in value]
    return value


@pytest.mark.parametrize("name", [p.name for p in SAMPLES])
def test_same_record_through_the_pipeline(docs, name):
    ref, new = docs[name]
    rec_ref = record_from_state(run_stages(DocState(source=ref), STAGES))
    rec_new = record_from_state(run_stages(DocState(source=new), STAGES))
    a, b = _without_boxes(rec_ref.model_dump(mode="json")), _without_boxes(rec_new.model_dump(mode="json"))
    for family in ("header", "signature", "recipients", "sections", "footnotes", "references", "tables", "measures",
                   "assignments", "checks", "pages", "source", "status", "warnings", "errors"):
        assert b.get(family) == a.get(family), family
    assert b == a
    assert rec_new.tables or "001" in name or "004" in name  # the samples' tables come through


def test_speed_printed(docs, capsys):
    rows = []
    for name, t in sorted(TIMES.items()):
        n = t["pages"]
        rows.append(f"  {name:24s} {n:3d} pages  pdfplumber {t['pdfplumber'] / n:.3f} s/page  "
                    f"pdfium {t['pdfium'] / n:.3f} s/page  ×{t['pdfplumber'] / max(t['pdfium'], 1e-9):.1f}")
    with capsys.disabled():
        print("\nPDF sources, one pass each (the first includes PDFium's binding):\n" + "\n".join(rows))
    assert rows


# ---- inputs that cannot be read: the same SourceError reasons ----------------------------------
def _reason(fn, data: bytes, password=None) -> str:
    with pytest.raises(SourceError) as info:
        fn(data, "x.pdf", password=password)
    return info.value.reason


@pytest.mark.parametrize("algorithm", ["AES-128", "RC4-128", "AES-256"])
def test_encrypted(tmp_path, algorithm):
    enc = make_encrypted_pdf(SAMPLES[0], tmp_path / "enc.pdf", "mật khẩu", algorithm=algorithm).read_bytes()
    for password in (None, "wrong"):
        assert _reason(pdfium_to_source, enc, password) == _reason(pdf_to_source, enc, password)
    assert "a password is needed" in _reason(pdfium_to_source, enc)
    assert "the password is wrong" in _reason(pdfium_to_source, enc, "wrong")
    doc = pdfium_to_source(enc, "x.pdf", password="mật khẩu")
    assert len(doc.pages) == len(pdf_to_source(SAMPLES[0].read_bytes(), "x.pdf").pages) and not doc.errors


def test_owner_password_only_opens(tmp_path):
    enc = make_encrypted_pdf(SAMPLES[0], tmp_path / "owner.pdf", None).read_bytes()
    ref, new = pdf_to_source(enc, "x.pdf"), pdfium_to_source(enc, "x.pdf")
    assert [[ln.text for ln in p.lines] for p in new.pages] == [[ln.text for ln in p.lines] for p in ref.pages]


def test_not_a_pdf_and_corrupt(tmp_path):
    assert _reason(pdfium_to_source, b"hello") == _reason(pdf_to_source, b"hello") == "not a PDF (no %PDF signature)"
    corrupt = make_corrupt_pdf(tmp_path / "corrupt.pdf").read_bytes()
    truncated = SAMPLES[0].read_bytes()[: SAMPLES[0].stat().st_size // 2]
    for data in (corrupt, truncated, b"%PDF-1.4\n"):
        assert _reason(pdfium_to_source, data).startswith("corrupt or unreadable PDF")


def test_max_pages_warns_like_pdfplumber():
    data = SAMPLES[0].read_bytes()
    ref, new = pdf_to_source(data, "x.pdf", max_pages=2), pdfium_to_source(data, "x.pdf", max_pages=2)
    assert len(new.pages) == 2 and new.warnings == ref.warnings and new.warnings


def test_a_failing_page_is_an_error_item(monkeypatch):
    from pipeline.sources import pdfium

    real = pdfium.page_to_lines

    def flaky(page, textpage, number):
        if number == 2:
            raise ValueError("injected: broken content stream")
        return real(page, textpage, number)

    monkeypatch.setattr(pdfium, "page_to_lines", flaky)
    data = SAMPLES[0].read_bytes()
    doc = pdfium_to_source(data, "x.pdf")
    ref = pdf_to_source(data, "x.pdf")
    assert len(doc.pages) == len(ref.pages)
    assert [e.page for e in doc.errors] == [2] and "broken content stream" in doc.errors[0].message
    assert doc.errors[0].stage == "source" and not doc.pages[1].lines
    assert "could not be read" in doc.pages[1].mode_reason
    assert [ln.text for ln in doc.pages[2].lines] == [ln.text for ln in ref.pages[2].lines]


# ---- geometry pdfminer handles: rotation, CTM, forms, MediaBox offsets ---------------------------
def _tricky_pdf(path: Path) -> bytes:
    pytest.importorskip("reportlab")
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import RectangleObject
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tools.make_samples import FONT_DIR, register_fonts

    if not (FONT_DIR / "DejaVuSerif.ttf").exists():
        pytest.skip("DejaVu fonts not installed")
    register_fonts()
    W, H = A4

    def body(c, y0=780.0, x0=60.0):
        c.setFont("DejaVuSerif-Bold", 14)
        c.drawCentredString(W / 2, y0, "BÁO CÁO")
        c.setFont("DejaVuSerif", 12)
        c.drawString(x0, y0 - 20, "Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2023")
        t = c.beginText(x0, y0 - 38)
        t.setFont("DejaVuSerif", 12)
        t.setCharSpace(0.3)
        t.textLine("Chữ giãn cách ký tự, cả dòng trong một đối tượng")
        c.drawText(t)
        t = c.beginText(x0, y0 - 56)
        t.setFont("DejaVuSerif", 12)
        t.setWordSpace(3)
        t.textLine("Words with extra word spacing in one text object")
        c.drawText(t)
        c.setFont("DejaVuSerif-Bold", 12)
        c.drawString(x0, y0 - 74, "I. TÌNH HÌNH THỰC HIỆN")
        c.setFont("DejaVuSerif", 12)
        c.drawString(x0, y0 - 92, "Tổng vốn đầu tư toàn xã hội đạt 1.234 tỷ đồng")
        c.setFont("DejaVuSerif", 7)
        c.drawString(x0 + c.stringWidth("Tổng vốn đầu tư toàn xã hội đạt 1.234 tỷ đồng", "DejaVuSerif", 12),
                     y0 - 88, "1")
        c.setFont("DejaVuSerif-Italic", 12)
        c.drawString(x0 + 20, y0 - 110, "Nguồn: Cục Thống kê tỉnh")
        xs, ys = [x0, x0 + 40, x0 + 240, x0 + 340], [y0 - 130, y0 - 150, y0 - 170, y0 - 190, y0 - 210]
        c.setLineWidth(0.5)
        for x in xs:
            c.line(x, ys[0], x, ys[-1])
        for y in ys:
            c.line(xs[0], y, xs[-1], y)
        rows = [("STT", "Chỉ tiêu", "Kết quả"), ("1", "Thu ngân sách", "5.100"), ("2", "Chi ngân sách", "4.800"),
                ("3", "Vốn đầu tư", "1.234")]
        for r, row in enumerate(rows):
            for k, text in enumerate(row):
                c.setFont("DejaVuSerif-Bold" if r == 0 else "DejaVuSerif", 10)
                c.drawString(xs[k] + 3, ys[r] - 14, text)
        c.rect(x0, y0 - 300, 300, 60)  # a box with a grid inside: rects, one merged cell
        c.rect(x0, y0 - 270, 150, 30)
        c.rect(x0 + 150, y0 - 270, 150, 30)
        c.setFont("DejaVuSerif", 10)
        c.drawString(x0 + 5, y0 - 258, "Ô gộp trên cùng")
        c.drawString(x0 + 5, y0 - 288, "Trái")
        c.drawString(x0 + 155, y0 - 288, "Phải")
        c.line(x0, 120, x0 + 150, 120)
        c.setFont("DejaVuSerif", 10)
        c.drawString(x0, 105, "1 Số liệu ước thực hiện đến ngày 31/12/2023.")
        c.drawString(W / 2, 810, "2")

    src = path.with_suffix(".src.pdf")
    c = canvas.Canvas(str(src), pagesize=A4, invariant=1)
    body(c)
    c.showPage()
    c.setPageSize((H, W))  # landscape MediaBox, /Rotate 90, content drawn to read upright
    c.setPageRotation(90)
    c.saveState()
    c.transform(0, 1, -1, 0, H, 0)
    body(c)
    c.restoreState()
    c.showPage()
    c.setPageRotation(0)
    c.setPageSize(A4)
    c.saveState()
    c.translate(20, -40)
    c.scale(0.9, 0.9)
    body(c)
    c.restoreState()
    c.showPage()
    c.beginForm("f1")
    body(c, 700, 50)
    c.endForm()
    c.saveState()
    c.translate(10, 30)
    c.doForm("f1")
    c.restoreState()
    c.setFont("DejaVuSerif", 12)
    c.drawString(60, 800, "Dòng chữ ngoài Form XObject trên trang này")
    c.showPage()
    c.save()
    reader, writer = PdfReader(str(src)), PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.add_page(reader.pages[0])
    writer.pages[-1].mediabox = RectangleObject([30, 40, W, H])
    with open(path, "wb") as fh:
        writer.write(fh)
    return path.read_bytes()


def test_rotated_scaled_form_and_offset_pages(tmp_path):
    data = _tricky_pdf(tmp_path / "tricky.pdf")
    ref, new = pdf_to_source(data, "tricky.pdf"), pdfium_to_source(data, "tricky.pdf")
    assert len(ref.pages) == 5 and not ref.errors
    assert all(any(ln.cells for ln in p.lines) for p in ref.pages), "each page has its table"
    assert all(any(ln.markers for ln in p.lines) for p in ref.pages), "each page has its footnote marker"
    assert_same_document(ref, new)


@pytest.mark.parametrize("text, is_number", [
    ("14", True), ("- 2 -", True), ("– 12 –", True), ('"5.', True), ("'15'", True), ("3.", True),
    ("1. Mục tiêu", False), ("2024 - 2025", False), ("12345", False), ("II.", False), ("", False),
])
def test_page_number_line(text, is_number):
    from pipeline.sources.pdf_layout import _mark_page_numbers

    top = Line(text=text, page=3, box=(290, 20, 300, 30))
    middle = Line(text=text, page=3, box=(290, 400, 300, 410))
    _mark_page_numbers([top, middle], 842)
    assert (top.role == "page-number") == is_number
    assert middle.role != "page-number"

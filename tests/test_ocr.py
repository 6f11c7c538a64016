"""OCR with the real Tesseract (``vie``) and PDFium: nothing of either is mocked.

A rendered born-digital page read back with its header and diacritics, confidences and boxes in
points; the same page turned 90° made upright again; a blank sheet not OCR'd; fault injection with a
fake ``tesseract`` put first on PATH (it hands every call to the real one except for one page,
recognised by its width, on which it sleeps past the time limit, exits non-zero or crashes): that
page fails alone, named, and the record is partial; a text layer that is not Vietnamese replaced by
OCR; the cache answering a second OCR of the same image without any Tesseract call; PNG and
multi-page TIFF inputs. Every test has its own empty ``BAOCAO_CACHE`` but those of the rendered page,
which share one (the cache test needs it warm).
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline import extract
from pipeline.document import DocState
from pipeline.extraction import record_from_state
from pipeline.sources.ocr import OcrSettings, ocr_pdf_pages, page_from_image
from pipeline.sources.ocr_prepare import (BLANK, binarize, deskew, is_blank, orientation, prepare, skew_angle)
from pipeline.sources.pdfium import pdfium_to_source
from pipeline.stages import STAGES, run_stages

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SCANS = SAMPLES / "scans"
REAL_TESSERACT = shutil.which("tesseract")
DPI = 200




pytestmark = pytest.mark.needs_tesseract


def render(pdf_path: Path, index: int, dpi: int = DPI) -> Image.Image:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[index]
        img = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
    finally:
        pdf.close()
    return img


def text_of(page) -> str:
    return "\n".join(ln.text for ln in page.lines)


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BAOCAO_CACHE", str(tmp_path / "cache"))


# --- a fake tesseract for fault injection --------------------------------------------------------

FAKE = '''#!{python}
import os, signal, sys, time
REAL, MODE, BAD_WIDTH, LOG = {real!r}, {mode!r}, {bad_width!r}, {log!r}
args = sys.argv[1:]
with open(LOG, "a") as f:
    f.write(" ".join(args[1:] if args and not args[0].startswith("-") else args) + "\\n")
if not args or args[0].startswith("-"):  # --version, --list-langs: always the real answer
    os.execv(REAL, [REAL] + args)
if MODE != "fail":
    from PIL import Image
    with Image.open(args[0]) as im:
        width = im.width
    if abs(width - BAD_WIDTH) > 2:  # not the page to fail on
        os.execv(REAL, [REAL] + args)
osd = "osd" in args
if MODE == "sleep" and not osd:  # OSD answers; the OCR hangs
    time.sleep(120)
    sys.exit(0)
if MODE == "sleep":
    os.execv(REAL, [REAL] + args)
if MODE == "crash":
    os.kill(os.getpid(), signal.SIGSEGV)
sys.stderr.write("fake tesseract: simulated failure\\n")
sys.exit(3)
'''


@pytest.fixture
def fake_tesseract(tmp_path, monkeypatch):
    """fake_tesseract(mode, bad_width=None) -> log path: "sleep", "exit", "crash" on pages of that width
    only; "fail": every call but --version fails."""
    def install(mode: str, bad_width: int = -100) -> Path:
        bindir = tmp_path / "fakebin"
        bindir.mkdir(exist_ok=True)
        log = tmp_path / "fake_tesseract.log"
        script = bindir / "tesseract"
        script.write_text(FAKE.format(python=sys.executable, real=REAL_TESSERACT, mode=mode, bad_width=bad_width,
                                      log=str(log)), encoding="utf-8")
        script.chmod(0o755)
        monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
        assert shutil.which("tesseract") == str(script)
        return log
    return install


def ocr_calls(log: Path) -> list[str]:
    """The logged calls that were not --version / --list-langs."""
    if not log.exists():
        return []
    return [ln for ln in log.read_text().splitlines() if ln and not ln.startswith("--")]


# --- the rendered born-digital page -----------------------------------------------------------------


@pytest.fixture(scope="module")
def page1_image():
    return render(SAMPLES / "002_born_digital.pdf", 0)


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("warm_cache")


@pytest.fixture(scope="module")
def page1(page1_image, warm_cache):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BAOCAO_CACHE", str(warm_cache))
        return page_from_image(page1_image, 1, OcrSettings(), DPI)


def test_rendered_page_is_read_with_its_diacritics(page1, page1_image):
    text = text_of(page1)
    assert page1.mode == "ocr"
    assert "Số: 131 /KH-UBND" in text.replace("131/", "131 /")
    assert "KẾ HOẠCH" in text.splitlines()
    assert "Thực hiện mục tiêu phấn đấu 100% người dân tham gia Bảo hiểm" in text
    assert "y tế trên địa bàn thành phố" in text
    # confidences: the page's and every line's
    assert page1.confidence is not None and page1.confidence > 85
    assert all(ln.confidence is not None and 0 <= ln.confidence <= 100 for ln in page1.lines)
    # boxes in points, on an A4 page (595 x 842 pt)
    assert page1.width == pytest.approx(page1_image.width * 72 / DPI) and abs(page1.width - 595.3) < 1.5
    assert abs(page1.height - 841.9) < 1.5
    for ln in page1.lines:
        x0, y0, x1, y1 = ln.box
        assert 0 <= x0 < x1 <= page1.width and 0 <= y0 < y1 <= page1.height, ln
        assert 5 < ln.size < 30  # a type size in points, not pixels
    header = next(ln for ln in page1.lines if ln.text == "KẾ HOẠCH")
    assert 200 < (header.box[0] + header.box[2]) / 2 < 400  # centred on the page


def test_page_turned_90_degrees_is_made_upright(page1, page1_image, warm_cache, monkeypatch):
    turned = page1_image.convert("L").rotate(90, expand=True)  # text running bottom to top
    assert turned.width > turned.height
    upright, notes = prepare(turned, OcrSettings())
    assert "rotated 90° clockwise" in notes
    assert upright.size == page1_image.size
    assert np.array_equal(np.asarray(upright), np.asarray(page1_image.convert("L")))
    monkeypatch.setenv("BAOCAO_CACHE", str(warm_cache))
    page = page_from_image(turned, 1, OcrSettings(), DPI)
    assert "rotated 90° clockwise" in page.mode_reason
    assert (page.width, page.height) == (page1.width, page1.height)
    assert text_of(page) == text_of(page1)


def test_sideways_scan_is_turned_by_orientation():
    """004_scan300.pdf page 3 was fed sideways (text turned 90° clockwise on a landscape page)."""
    img = render(SCANS / "004_scan300.pdf", 2)
    assert img.width > img.height
    assert orientation(img) == 270
    upright, notes = prepare(img, OcrSettings())
    assert notes == ["rotated 90° counter-clockwise"]  # its own skew, -0.98°, is under 1°: left alone
    assert upright.width < upright.height
    assert skew_angle(upright)[0] == pytest.approx(-0.98, abs=0.05)


# --- pure image steps ------------------------------------------------------------------------------


def test_deskew_finds_and_undoes_a_known_angle(page1_image):
    img = page1_image.convert("L")
    for angle in (2.0, -1.3):
        skewed = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        found, gain = skew_angle(skewed)
        assert found == pytest.approx(angle, abs=0.05) and gain > 1.1
        fixed, corrected = deskew(skewed)
        assert corrected == found and fixed.size == img.size
        assert abs(skew_angle(fixed)[0]) < 0.1
    assert deskew(img) == (img, 0.0)  # level already: untouched
    small = img.rotate(0.5, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert deskew(small)[1] == 0.0  # under 1°: left alone (benchmarks/ocr_prepare.json)


def test_blank_detection_ignores_specks_and_show_through():
    rng = np.random.default_rng(7)
    paper = np.full((2339, 1654), 228, dtype=np.uint8)
    ys, xs = rng.integers(0, 2339, 300), rng.integers(0, 1654, 300)
    paper[ys, xs] = 60  # dust: single dark pixels
    paper[ys[:100], (xs[:100] + 1) % 1654] = 90
    ghost = paper.copy()
    ghost[300:2000, 200:1450:3] = 221  # faint show-through of the back
    for a in (paper, ghost, np.full((2339, 1654), 255, dtype=np.uint8)):
        assert is_blank(Image.fromarray(a))
    blank_scan = render(SCANS / "001_scan200.pdf", 5)  # the blank sheet of the scanned sample
    assert is_blank(blank_scan)
    assert not is_blank(render(SCANS / "001_scan200.pdf", 4))


def test_binarize_gives_black_and_white(page1_image):
    for method in ("otsu", "sauvola"):
        out = np.asarray(binarize(page1_image, method))
        assert set(np.unique(out)) <= {0, 255}
        assert 0.01 < (out == 0).mean() < 0.2  # ink, not paper
    with pytest.raises(ValueError):
        binarize(page1_image, "nope")


def test_orientation_on_a_sparse_page_is_zero():
    img = Image.new("L", (1654, 2339), 255)
    word = render(SAMPLES / "002_born_digital.pdf", 0).convert("L").crop((500, 500, 900, 560))
    img.paste(word, (600, 1000))
    assert orientation(img) == 0  # OSD: "Too few characters", not an error


# --- a blank sheet -------------------------------------------------------------------------------------


def test_blank_page_is_not_ocred(fake_tesseract):
    log = fake_tesseract("fail")  # any OCR or OSD call would fail
    page = page_from_image(render(SCANS / "001_scan200.pdf", 5), 6, OcrSettings(), DPI)
    assert page.mode == "ocr" and page.mode_reason == BLANK
    assert page.lines == [] and page.confidence is None
    assert abs(page.width - 595.3) < 1.5
    assert ocr_calls(log) == []


def test_blank_page_of_a_pdf_is_no_error(fake_tesseract):
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(SCANS / "001_scan200.pdf"))
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [5])
    buf = io.BytesIO()
    one.save(buf)
    log = fake_tesseract("fail")
    rec = extract(buf.getvalue(), file="blank.pdf")
    assert rec.source.page_modes == ["ocr"]
    assert rec.source.page_mode_reasons[0].endswith("; blank page")
    assert not [e for e in rec.errors if e.stage == "ocr"]
    assert rec.pages[0].text == ""
    assert ocr_calls(log) == []


# --- fault injection: one page times out or crashes -------------------------------------------------

BAD_WIDTH = 1500  # pixels at 200 dpi: the page the fake tesseract fails on


@pytest.fixture(scope="module")
def three_page_pdf(page1_image) -> bytes:
    """An image-only PDF of three parts of the rendered page: the middle one BAD_WIDTH wide."""
    img = page1_image.convert("L")
    parts = [img.crop((0, 0, 1654, 620)), img.crop((0, 620, BAD_WIDTH, 1200)), img.crop((0, 1200, 1654, 1800))]
    buf = io.BytesIO()
    parts[0].save(buf, "PDF", resolution=DPI, save_all=True, append_images=parts[1:])
    return buf.getvalue()


def record_with_settings(data: bytes, file: str, settings: OcrSettings):
    """pipeline.extract, but with these OCR settings (a short time limit)."""
    doc = pdfium_to_source(data, file, sha256=hashlib.sha256(data).hexdigest())
    ocr_pdf_pages(doc, data, None, "auto", settings)
    return record_from_state(run_stages(DocState(source=doc), STAGES))


@pytest.mark.parametrize("mode, message", [
    ("sleep", "Tesseract stopped after 8 s"),
    ("exit", "simulated failure"),
    ("crash", "Tesseract failed"),
])
def test_a_failing_page_fails_alone(three_page_pdf, fake_tesseract, mode, message):
    log = fake_tesseract(mode, BAD_WIDTH)
    rec = record_with_settings(three_page_pdf, "faults.pdf", OcrSettings(timeout=8))
    assert rec.status == "partial"
    errors = [e for e in rec.errors if e.stage == "ocr"]
    assert len(errors) == 1 and errors[0].page == 2, rec.errors
    assert errors[0].message.startswith("faults.pdf page 2: ")
    assert message in errors[0].message
    if mode == "crash":
        assert "-11" in errors[0].message  # SIGSEGV
    assert rec.source.page_modes[0] == rec.source.page_modes[2] == "ocr"
    assert rec.source.page_modes[1] != "ocr" and "needs OCR" in rec.source.page_mode_reasons[1]
    assert "KẾ HOẠCH" in rec.pages[0].text
    assert len(rec.pages[2].text) > 100
    assert rec.pages[1].text == ""
    # each page's OCR was tried once (re-reads of a word or a line are calls of their own, psm 7)
    assert len([c for c in ocr_calls(log) if "--psm 3" in c]) == 3


# --- a text layer that is not Vietnamese as written -----------------------------------------------------


def test_eng_text_layer_is_replaced_by_vie_ocr():
    rec = extract(SCANS / "002_eng_ocr.pdf", max_pages=2)
    assert rec.source.page_modes == ["ocr", "ocr"]
    for reason in rec.source.page_mode_reasons:
        assert reason.startswith("text layer is not Vietnamese as written (score ")
        assert "OCR'd again with vie" in reason
    assert rec.header.ref == "131/KH-UBND"
    assert rec.header.doc_type == "KẾ HOẠCH"
    assert str(rec.header.date) == "2018-11-08"
    assert "Thực hiện mục tiêu phấn đấu 100% người dân tham gia Bảo hiểm" in rec.pages[0].text
    assert rec.source.ocr.engine == "tesseract" and rec.source.ocr.lang == "vie"


# --- the cache -------------------------------------------------------------------------------------------


def test_second_ocr_of_the_same_image_comes_from_the_cache(page1, page1_image, warm_cache, fake_tesseract,
                                                           monkeypatch):
    monkeypatch.setenv("BAOCAO_CACHE", str(warm_cache))
    log = fake_tesseract("fail")  # from here on any OCR or OSD call fails
    again = page_from_image(page1_image, 1, OcrSettings(), DPI)
    assert ocr_calls(log) == []
    assert text_of(again) == text_of(page1)
    assert again.mode_reason == page1.mode_reason and again.confidence == page1.confidence
    # another image is not in the cache: the failing fake is called, and the page fails
    from pipeline.sources.ocr import OcrError

    with pytest.raises(OcrError, match="Tesseract failed"):
        page_from_image(page1_image.convert("L").crop((0, 0, 1654, 1200)), 1, OcrSettings(), DPI)
    assert ocr_calls(log)


# --- image inputs -----------------------------------------------------------------------------------------


def test_png_input_is_ocred():
    rec = extract(SCANS / "002_scan.png")
    assert rec.source.media_type == "image/png"
    assert rec.source.page_modes == ["ocr"]
    assert rec.source.page_mode_reasons[0].startswith("image: OCR")
    assert "deskewed -1.5°" in rec.source.page_mode_reasons[0]  # the manifest's angle for this image
    assert "KẾ HOẠCH" in rec.pages[0].text
    assert rec.header.ref == "131/KH-UBND"


def test_multipage_tiff_input_is_ocred():
    rec = extract(SCANS / "001_scan.tiff", max_pages=2)
    assert rec.source.media_type == "image/tiff"
    assert rec.source.page_modes == ["ocr", "ocr"]
    assert all(r.startswith("image: OCR") for r in rec.source.page_mode_reasons)
    assert all(len(p.text) > 500 for p in rec.pages)
    assert rec.pages[0].confidence and rec.pages[0].confidence > 80


# ---- specks read as punctuation, taken out of a line (pure: Tesseract's words as a dict) -------------


def _words_line(*words):
    """Tesseract data for one line of (text, x0, x1, conf) words, 10 px tall at 72 dpi (1 px = 1 pt)."""
    from pipeline.sources.ocr import words_from_tesseract

    data = {k: [] for k in ("text", "conf", "left", "top", "width", "height", "block_num", "par_num", "line_num")}
    for text, x0, x1, conf in words:
        for k, v in zip(data, (text, conf, x0, 100, x1 - x0, 10, 1, 1, 1)):
            data[k].append(v)
    return words_from_tesseract(data, 1.0)


@pytest.mark.parametrize("words, expected", [
    # a ":" alone between a header's two columns: dropped, and the columns split
    ([("ĐẢNG", 80, 120, 95), ("BỘ", 125, 140, 95), (":", 170, 173, 60), ("ĐẢNG", 205, 245, 95), ("CỘNG", 250, 290, 95)],
     ["ĐẢNG BỘ", "ĐẢNG CỘNG"]),
    # a speck in the margin read as ":" or "," before the first word
    ([(":", 70, 73, 70), ("xã", 86, 100, 95), ("hội,", 104, 124, 95)], ["xã hội,"]),
    ([(",", 70, 73, 70), ("xã", 86, 100, 95)], ["xã"]),
    # punctuation that belongs: a dash between words, a bullet, an opening quote
    ([("2012", 80, 110, 95), ("-", 114, 118, 90), ("2020", 122, 152, 95)], ["2012 - 2020"]),
    ([("-", 80, 84, 90), ("Công", 90, 120, 95), ("văn", 124, 144, 95)], ["- Công văn"]),
    ([("-", 80, 81, 66), ("Phụ", 95, 115, 96), ("lục", 119, 135, 96)], ["Phụ lục"]),  # a dot read as a dash
    ([("“Đẩy", 80, 110, 95), ("mạnh”", 114, 150, 95)], ["“Đẩy mạnh”"]),
    # a line of one punctuation word is left alone
    ([(":", 80, 83, 80)], [":"]),
    # a speck after the sentence's full stop; specks before a list item's dash
    ([("năm", 80, 100, 95), ("2030.", 104, 134, 95), (":", 140, 143, 50)], ["năm 2030."]),
    ([("__-", 80, 90, 60), ("100%", 94, 124, 95), ("các", 128, 148, 95)], ["- 100% các"]),
    # a dash at the end of a line that goes on is kept
    ([("giai", 80, 100, 95), ("đoạn", 104, 130, 95), ("-", 134, 138, 90)], ["giai đoạn -"]),
])
def test_punctuation_specks_are_taken_out_of_lines(words, expected):
    from pipeline.sources.ocr import lines_from_words

    assert [ln.text for ln in lines_from_words(_words_line(*words), 1)] == expected


@pytest.mark.parametrize("texts, keys, expected", [
    # a speck glued as a full stop before a word in lower case, on the line or the next line's first
    (["các", "giải.", "pháp"], [1, 1, 1], ["các", "giải", "pháp"]),
    (["các", "giải."], [1, 1], ["các", "giải."]),  # the block's last word: a sentence may end there
    (["chương.", "trình"], [1, 2], ["chương", "trình"]),
    # a stop before a capital, a number or a code stays; so does one after a number or an abbreviation
    (["năm.", "Tổ"], [1, 1], ["năm.", "Tổ"]), (["năm.", "2024"], [1, 1], ["năm.", "2024"]),
    (["TP.", "cơ"], [1, 1], ["TP.", "cơ"]), (["v.v.", "các"], [1, 1], ["v.v.", "các"]),
    # a hyphen glued between two lower-case syllables; a code, a capital or a non-syllable keeps it
    (["quyền", "lợi-của", "người"], [1, 1, 1], ["quyền", "lợi của", "người"]),
    (["thiết-yếu,"], [1], ["thiết yếu,"]),
    (["Thương", "binh-Xã"], [1, 1], ["Thương", "binh-Xã"]), (["KH-UBND"], [1], ["KH-UBND"]),
    (["e-mail"], [1], ["e-mail"]), (["covid-19"], [1], ["covid-19"]),
    # a capitalized syllable's stop before lower case too; an abbreviation in capitals keeps its stop
    (["Chỉ.", "thị"], [1, 1], ["Chỉ", "thị"]), (["UBND.", "các"], [1, 1], ["UBND.", "các"]),
    # a stop glued between two syllables, the second in small letters; abbreviations and addresses keep it
    (["điền.thông", "tin"], [1, 1], ["điền thông", "tin"]), (["Xã.hội"], [1], ["Xã hội"]),
    (["tổ.chức,"], [1], ["tổ chức,"]), (["TP.HCM"], [1], ["TP.HCM"]), (["T.Ư"], [1], ["T.Ư"]),
    (["baohiem.gov.vn"], [1], ["baohiem.gov.vn"]), (["thành.Phố"], [1], ["thành.Phố"]),
    # a stop glued before an opening bracket, ":-" before a number: specks
    (["tỉnh.(qua", "Sở"], [1, 1], ["tỉnh (qua", "Sở"]), (["năm:-2030."], [1], ["năm 2030."]),
    (["năm.2030"], [1], ["năm.2030"]), (["2022-2025,"], [1], ["2022-2025,"]), (["TP.(HCM)"], [1], ["TP.(HCM)"]),
    # straight quotes and backticks glued on a syllable: Vietnamese has none
    (["TỤC", "'TRIỂN", "KHAI"], [1, 1, 1], ["TỤC", "TRIỂN", "KHAI"]), (["của'", "Ban"], [1, 1], ["của", "Ban"]),
    (["`hội,"], [1], ["hội,"]), (["“Đẩy"], [1], ["“Đẩy"]), (["don't"], [1], ["don't"]), (["'"], [1], ["'"]),
])
def test_specks_glued_to_words_as_punctuation_are_taken_off(texts, keys, expected):
    from pipeline.sources.ocr import _OcrWord, glued_specks_removed

    words = [_OcrWord(t, (0, 0, 1, 1), 95.0, (1, 1, k)) for t, k in zip(texts, keys)]
    got = glued_specks_removed(words)
    assert [w.text for w in got] == expected
    assert all(w.raw == t for w, t, e in zip(got, texts, expected) if t != e)  # what was read stays as raw


def _sized_line(*words):
    """The words of the line made of Tesseract's (text, x0, x1, height) words at 200 dpi, confident."""
    from pipeline.sources.ocr import lines_from_words, words_from_tesseract

    data = {k: [] for k in ("text", "conf", "left", "top", "width", "height", "block_num", "par_num", "line_num")}
    for text, x0, x1, h in words:
        for k, v in zip(data, (text, 99, x0, 100, x1 - x0, h, 1, 1, 1)):
            data[k].append(v)
    return [t for ln in lines_from_words(words_from_tesseract(data, 0.36), 1) for t in ln.text.split(" ")]


@pytest.mark.parametrize("words, expected", [
    # a dot-sized blob read whole as ":" "," or "-:" between words (a scan's speck), read confidently
    ([("Quỹ", 0, 60, 36), (":", 70, 73, 3), ("BHYT", 80, 160, 35)], ["Quỹ", "BHYT"]),
    ([("đến", 0, 60, 36), (",", 70, 73, 3), ("công", 80, 160, 35)], ["đến", "công"]),
    ([("nước", 0, 60, 36), ("-:", 70, 73, 3), ("đóng", 80, 160, 35)], ["nước", "đóng"]),
    # real marks are taller than a dot: a colon, a comma with its tail; a dash or dot stays as read
    ([("Số", 0, 40, 36), (":", 44, 48, 14), ("12", 60, 90, 35)], ["Số", ":", "12"]),
    ([("a", 0, 20, 20), (",", 24, 28, 9), ("b", 40, 60, 20)], ["a", ",", "b"]),
    ([("2012", 0, 60, 35), ("-", 70, 80, 3), ("2020", 90, 150, 35)], ["2012", "-", "2020"]),
    ([("v", 0, 20, 36), (".", 24, 27, 3), ("v", 40, 60, 36)], ["v", ".", "v"]),
    # an underscore alone between words (a fill-in blank is a run of them)
    ([("kiện", 0, 60, 36), ("_", 70, 80, 3), ("thực", 90, 150, 35)], ["kiện", "thực"]),
    ([("Họ", 0, 40, 36), ("tên", 44, 80, 36), ("______", 90, 190, 3), ("ngày", 200, 260, 36)],
     ["Họ", "tên", "______", "ngày"]),
    # a line of punctuation only: no word height to compare with, left alone
    ([(":", 0, 3, 3)], [":"]),
])
def test_a_dot_read_as_a_comma_or_colon_is_dropped(words, expected):
    assert _sized_line(*words) == expected


@pytest.mark.parametrize("text, expected", [
    ("Tỷ lệ người dân tham gia BHYT/tổng dân SỐ", "Tỷ lệ người dân tham gia BHYT/tổng dân số"),
    ("đã ỞỞ", "đã ởở"),
    ("tổng dân số", "tổng dân số"),  # nothing to do
    ("NGƯỜI DÂN SỐ", "NGƯỜI DÂN SỐ"),  # a line in capitals
    ("trang bị CSVC cho trạm", "trang bị CSVC cho trạm"),  # an acronym: no diacritic
    ("người tham gia BHYT", "người tham gia BHYT"),  # letters whose capitals differ in shape
    ("SỐ người", "Số người"),  # the first word, before small letters: a sentence's start
    ("kết thúc. SỐ liệu", "kết thúc. Số liệu"),  # after a full stop
    ("SỐ NGƯỜI", "SỐ NGƯỜI"),  # capitals go on: a heading
    ("SỐ", "SỐ"),  # alone: nothing tells
    ("Ô 1", "Ô 1"),  # one letter
])
def test_shape_case_fixed(text, expected):
    from pipeline.sources.ocr import shape_case_fixed

    assert shape_case_fixed(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Dòng ' 'Cấp quận/huyện\": ghi", 'Dòng "Cấp quận/huyện": ghi'),
    ("Dòng ''Cấp xã\"", 'Dòng "Cấp xã"'),
    ("‘‘Toàn dân", '"Toàn dân'),
    ("Dòng 'Cấp xã'", "Dòng 'Cấp xã'"),  # one single quote is left alone
    ("anh ' em", "anh ' em"),
])
def test_quotes_fixed(text, expected):
    from pipeline.sources.ocr import quotes_fixed

    assert quotes_fixed(text) == expected


def test_a_word_that_is_its_marker_misread_becomes_the_marker_alone():
    """A footnote's first word read as ':' where the ink is the raised marker: the word is the
    marker (its box covers the word), so nothing of ':' is left in the text."""
    from pipeline.sources.ocr import lines_from_words, words_from_tesseract
    from pipeline.sources.ocr_marks import RaisedMark

    data = {"text": [":", "Dòng", "cấp"], "conf": [80, 96, 96], "left": [100, 112, 150], "top": [100, 100, 100],
            "width": [6, 30, 20], "height": [8, 12, 12], "block_num": [1, 1, 1], "par_num": [1, 1, 1],
            "line_num": [1, 1, 1]}
    marks = [RaisedMark(label="1", box=(100, 98, 106, 106), word=0, at_start=True)]
    line = lines_from_words(words_from_tesseract(data, 1.0, marks), 1)[0]
    assert line.text == "Dòng cấp"
    assert [m.label for m in line.markers] == ["1"]


def test_a_short_line_ends_its_paragraph_under_ocr():
    """OCR'd line gaps are uneven: a heading's line and the paragraph under it come 6 pt apart, like
    two lines of one paragraph. A capitalised line under a short line at the margin starts anew;
    centred title lines and a line cut after a comma keep together."""
    from pipeline.document import Line
    from pipeline.sources.ocr import _mark_breaks_after_short_lines

    def ln(text, x0, x1, top, brk=False):
        return Line(text=text, page=1, box=(x0, top, x1, top + 14), size=14.0, break_before=brk)

    lines = [ln("BIỂU GIAO CHỈ TIÊU CHO CÁC XÃ", 180, 420, 100, True), ln("NĂM 2025", 250, 350, 118),
             ln("Thực hiện các giải pháp để đến năm 2030, người tham gia", 114, 554, 150, True),
             ln("1. Mục tiêu tổng quát", 114, 259, 170), ln("Thực hiện đồng bộ các giải pháp để đến năm", 113, 554, 190),
             ln("2030, bảo hiểm y tế thực sự là trụ cột, bảo đảm", 85, 553, 210),
             ln("Cơ sở y tế nhà nước,", 85, 260, 230), ln("Cơ sở y tế tư nhân và các đơn vị liên quan", 85, 553, 250)]
    _mark_breaks_after_short_lines(lines)
    assert [x.break_before for x in lines] == [True, False, True, False, True, False, False, False]


def test_pytesseract_is_imported_without_pandas():
    """pytesseract imports pandas (a quarter of a page's Tesseract time) for an output baocao never
    asks for: the OCR imports it without, and pandas still imports afterwards."""
    import subprocess

    code = ("import sys; from pipeline.sources.ocr import pytesseract_module; t = pytesseract_module(); "
            "assert 'pandas' not in sys.modules, 'pandas imported'; assert t.image_to_data; "
            "import pandas; assert pandas.DataFrame; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_the_start_of_a_word_read_twice_on_its_ink_is_dropped_and_the_surer_case_kept():
    from pipeline.sources.ocr import _OcrWord, _without_gap_strays

    def words(*ws):
        return [_OcrWord(t, box, conf, (1, 1, 1)) for t, box, conf in ws]

    # "thành ủ Ủy,": "ủ" lies on the ink of "Ủy," and is its start; read surer, its small letter stays
    got = _without_gap_strays(words(("thành", (156, 639, 192, 652), 93), ("ủ", (186, 638, 193, 653), 90),
                                    ("Ủy,", (187, 642, 202, 654), 71)), 30)
    assert [w.text for w in got] == ["thành", "ủy,"] and got[1].raw == "Ủy,"
    # two words side by side, or a short word that is no start of the next, stay
    got = _without_gap_strays(words(("ủy", (100, 10, 112, 22), 90), ("ban", (116, 10, 134, 22), 90)), 30)
    assert [w.text for w in got] == ["ủy", "ban"]
    got = _without_gap_strays(words(("a", (100, 10, 106, 22), 90), ("bà", (101, 10, 116, 22), 90)), 30)
    assert [w.text for w in got] == ["a", "bà"]

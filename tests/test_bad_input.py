"""Bad input: `baocao extract` gives a clear error (or a correct record), never a traceback, and the
other inputs are still written; nothing already written is damaged.

Everything is real: PDFs made by tools/make_samples.py (pypdf, reportlab samples), pdfplumber,
files on disk, the CLI in a subprocess. The only test doubles are for fault injection (one page's
reader raising, the final rename failing).
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from pipeline.record import Record
from tools.make_samples import make_corrupt_pdf, make_encrypted_pdf, make_long_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
ENC_SOURCE = SAMPLES / "002_born_digital.pdf"  # 8 pages: the encrypted copies are of this one
PASSWORD = "mật-khẩu 2024"  # not ASCII on purpose


def run_cli(*args, timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return proc


def error_line(stderr: str, name: str) -> str:
    """The one `error:` line of stderr about the file `name`."""
    lines = [ln for ln in stderr.splitlines() if ln.startswith("error:") and name in ln]
    assert len(lines) == 1, f"expected one error line naming {name!r}, got {lines!r} in:\n{stderr}"
    return lines[0]


def load(path: Path) -> Record:
    return Record.model_validate_json(path.read_text(encoding="utf-8"))


# ---- building the inputs ----------------------------------------------------------------------
VIET_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters precomposed where the code page has them
    (â, ê, ô, ơ, ư, ă, đ), tone marks as combining characters after them."""
    out = []
    d = unicodedata.normalize("NFD", text)
    i = 0
    while i < len(d):
        base = d[i]
        i += 1
        marks = []
        while i < len(d) and unicodedata.combining(d[i]):
            marks.append(d[i])
            i += 1
        core = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in VIET_TONES))
        out.append(core + "".join(m for m in marks if m in VIET_TONES))
    return "".join(out).encode("cp1258")


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

# name → (how to build it in a folder, the reason its error line must state)
BAD = {
    "corrupt.pdf": (lambda p: make_corrupt_pdf(p), r"corrupt or unreadable PDF"),
    "truncated.pdf": (lambda p: p.write_bytes(ENC_SOURCE.read_bytes()[: ENC_SOURCE.stat().st_size // 2]),
                      r"corrupt or unreadable PDF"),
    "zero.pdf": (lambda p: p.write_bytes(b""), r"empty file \(0 bytes\)"),
    "zero.txt": (lambda p: p.write_bytes(b""), r"empty file \(0 bytes\)"),
    "blank.txt": (lambda p: p.write_bytes(b"  \n\n\t \n"), r"empty document: no text"),
    "locked.pdf": (lambda p: make_encrypted_pdf(ENC_SOURCE, p, PASSWORD), r"encrypted PDF: a password is needed"),
    "image.pdf": (lambda p: p.write_bytes(PNG), r"not a PDF"),
    "random.pdf": (lambda p: p.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(5000))), r"not a PDF"),
    "text_named.pdf": (lambda p: shutil.copyfile(SAMPLES / "002_text.txt", p), r"not a PDF"),
    "neither.txt": (lambda p: p.write_bytes("Báo cáo ".encode() + b"\xc3\x28 \x81\x8d\x8e\x8f\x90\n"),
                    r"not UTF-8 text \(invalid byte at offset \d+\) and not Windows-1258"),
    "binary.txt": (lambda p: p.write_bytes(b"\xff\x00\x81\x00" * 200), r"binary data, not a text rendering"),
}


@pytest.fixture(scope="module")
def reference():
    """Records of the untouched samples, extracted by the same code (in process)."""
    from pipeline.extraction import extract

    return {name: extract(SAMPLES / name) for name in ("002_born_digital.pdf", "002_text.txt")}


# ---- each bad input alone ---------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_alone(tmp_path, name):
    make, reason = BAD[name]
    src = tmp_path / "in" / name
    src.parent.mkdir()
    make(src)
    out = tmp_path / "out"
    proc = run_cli("extract", src, "-o", out)
    assert proc.returncode == 1, proc.stderr
    line = error_line(proc.stderr, name)
    assert re.search(reason, line), line
    assert "0 of 1 documents extracted" in proc.stderr and "1 failed" in proc.stderr
    assert not any(out.glob("*")), "a failed input must leave no file (nor a temporary one) behind"


def test_unsupported_suffix(tmp_path):
    doc = tmp_path / "report.docx"
    doc.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    proc = run_cli("extract", doc, "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert "unsupported input type '.docx'" in error_line(proc.stderr, "report.docx")


def test_path_that_does_not_exist(tmp_path):
    proc = run_cli("extract", tmp_path / "nope.pdf", "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert "no such file or folder" in error_line(proc.stderr, "nope.pdf")


def test_folder_without_documents(tmp_path):
    folder = tmp_path / "empty_folder"
    folder.mkdir()
    (folder / "notes.docx").write_bytes(b"PK")
    (folder / "data.json").write_text("{}")
    proc = run_cli("extract", folder, "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert "folder holds no document" in error_line(proc.stderr, "empty_folder")


# ---- encrypted PDFs ---------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm,password", [("AES-128", PASSWORD), ("RC4-128", PASSWORD),
                                                ("AES-256", PASSWORD), ("AES-128", "secret")])
def test_encrypted_pdf_needs_the_password(tmp_path, algorithm, password, reference):
    enc = make_encrypted_pdf(ENC_SOURCE, tmp_path / "locked.pdf", password, algorithm=algorithm)
    out = tmp_path / "out"

    proc = run_cli("extract", enc, "-o", out)
    assert proc.returncode == 1
    line = error_line(proc.stderr, "locked.pdf")
    assert "password" in line and "--password" in line, line
    assert not (out / "locked.json").exists()

    proc = run_cli("extract", enc, "-o", out, "--password", "wrong")
    assert proc.returncode == 1
    assert "the password is wrong" in error_line(proc.stderr, "locked.pdf")
    assert not (out / "locked.json").exists()

    proc = run_cli("extract", enc, "-o", out, "--password", password)
    assert proc.returncode == 0, proc.stderr
    rec = load(out / "locked.json")
    ref = reference["002_born_digital.pdf"]
    assert rec.status == "success"
    assert rec.header == ref.header
    assert rec.header.number == 131
    assert rec.source.page_count == ref.source.page_count


def test_encrypted_pdf_with_empty_user_password_opens_without_one(tmp_path, reference):
    enc = make_encrypted_pdf(ENC_SOURCE, tmp_path / "owner_only.pdf", user_password="")
    out = tmp_path / "out"
    proc = run_cli("extract", enc, "-o", out)
    assert proc.returncode == 0, proc.stderr
    rec = load(out / "owner_only.json")
    ref = reference["002_born_digital.pdf"]
    assert rec.status == "success" and not rec.errors
    assert rec.header == ref.header
    assert [p.text for p in rec.pages] == [p.text for p in ref.pages]
    assert len(rec.tables) == len(ref.tables) and len(rec.measures) == len(ref.measures)


# ---- text encodings ---------------------------------------------------------------------------
def test_cp1258_text_is_decoded_with_a_warning(tmp_path, reference):
    data = to_cp1258((SAMPLES / "002_text.txt").read_text(encoding="utf-8"))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    src = tmp_path / "cp1258.txt"
    src.write_bytes(data)
    proc = run_cli("extract", src, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    rec = load(tmp_path / "out" / "cp1258.json")
    ref = reference["002_text.txt"]
    assert any("Windows-1258" in w and "not valid UTF-8" in w for w in rec.warnings), rec.warnings
    assert rec.header == ref.header
    assert rec.header.number == 131 and rec.header.doc_type == "KẾ HOẠCH"
    assert rec.signature == ref.signature
    assert [p.text for p in rec.pages] == [p.text for p in ref.pages]
    assert rec.tables == ref.tables and rec.measures == ref.measures


def test_pdf_content_named_txt_is_read_as_pdf(tmp_path, reference):
    src = tmp_path / "really_a_pdf.txt"
    shutil.copyfile(ENC_SOURCE, src)
    proc = run_cli("extract", src, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    rec = load(tmp_path / "out" / "really_a_pdf.json")
    assert rec.source.media_type == "application/pdf"
    assert rec.header == reference["002_born_digital.pdf"].header


# ---- everything mixed into one folder with good samples ---------------------------------------
GOOD = ["000_text.txt", "002_text.txt", "002_born_digital.pdf"]


def test_mixed_folder(tmp_path, reference):
    folder = tmp_path / "inbox"
    (folder / "nested").mkdir(parents=True)
    for name in GOOD:
        shutil.copyfile(SAMPLES / name, folder / name)
    for name, (make, _) in BAD.items():
        make(folder / "nested" / name if name.startswith("zero") else folder / name)
    make_encrypted_pdf(ENC_SOURCE, folder / "owner_only.pdf", user_password="")
    (folder / "cp1258.txt").write_bytes(to_cp1258((SAMPLES / "002_text.txt").read_text(encoding="utf-8")))
    (folder / "ignored.docx").write_bytes(b"PK")  # not a document kind: skipped inside a folder
    docx = tmp_path / "explicit.docx"
    docx.write_bytes(b"PK")
    empty = tmp_path / "no_docs"
    empty.mkdir()
    out = tmp_path / "out"

    proc = run_cli("extract", folder, docx, tmp_path / "missing.txt", empty, "-o", out)
    assert proc.returncode == 1, proc.stderr
    for name, (_, reason) in BAD.items():
        assert re.search(reason, error_line(proc.stderr, name)), name
    assert "unsupported input type" in error_line(proc.stderr, "explicit.docx")
    assert "no such file" in error_line(proc.stderr, "missing.txt")
    assert "holds no document" in error_line(proc.stderr, "no_docs")
    assert "ignored.docx" not in proc.stderr
    n_docs = len(GOOD) + len(BAD) + 3  # + owner_only.pdf, cp1258.txt, explicit.docx
    n_failed = len(BAD) + 3  # + explicit.docx, missing.txt, no_docs
    assert f"{len(GOOD) + 2} of {n_docs} documents extracted" in proc.stderr, proc.stderr
    assert f"{n_failed} failed" in proc.stderr

    written = sorted(p.name for p in out.iterdir())
    expected = sorted([Path(n).stem + ".json" for n in GOOD] + ["owner_only.json", "cp1258.json"])
    assert written == expected, "only the good inputs are written, and no temporary file is left"
    for name in written:
        rec = load(out / name)
        assert rec.status == "success", (name, rec.errors)
    assert load(out / "002_born_digital.json").header == reference["002_born_digital.pdf"].header
    assert load(out / "002_text.json").header == reference["002_text.txt"].header
    assert load(out / "cp1258.json").header == reference["002_text.txt"].header
    assert load(out / "000_text.json").header.number == 282


# ---- nothing already written is damaged -------------------------------------------------------
def test_failed_input_leaves_the_old_record_intact(tmp_path):
    out = tmp_path / "out"
    good = tmp_path / "good" / "002_text.txt"
    good.parent.mkdir()
    shutil.copyfile(SAMPLES / "002_text.txt", good)
    assert run_cli("extract", good, "-o", out).returncode == 0
    before = (out / "002_text.json").read_bytes()
    load(out / "002_text.json")

    # the same stem, now unreadable: extraction fails, the record from before stays as it was
    bad = tmp_path / "bad" / "002_text.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"\x81\x8d\x8e\x8f\x90 not text")
    proc = run_cli("extract", bad, "-o", out)
    assert proc.returncode == 1
    assert "not UTF-8" in error_line(proc.stderr, "002_text.txt")
    assert (out / "002_text.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["002_text.json"]


def test_success_replaces_the_old_record_by_rename(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "000_text.json"
    target.write_text('{"old": true}', encoding="utf-8")
    inode = target.stat().st_ino
    proc = run_cli("extract", SAMPLES / "000_text.txt", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert load(target).header.number == 282
    assert target.stat().st_ino != inode, "written in place, not renamed over the old file"
    assert sorted(p.name for p in out.iterdir()) == ["000_text.json"]


def test_unwritable_target_fails_alone(tmp_path):
    out = tmp_path / "out"
    (out / "000_text.json").mkdir(parents=True)  # a folder where the record should go
    proc = run_cli("extract", SAMPLES / "000_text.txt", SAMPLES / "002_text.txt", "-o", out)
    assert proc.returncode == 1
    assert "cannot write" in error_line(proc.stderr, "000_text.txt")
    assert load(out / "002_text.json").header.number == 131
    assert sorted(p.name for p in out.iterdir()) == ["000_text.json", "002_text.json"]
    assert (out / "000_text.json").is_dir() and not any((out / "000_text.json").iterdir())


def test_output_folder_that_is_a_file(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    proc = run_cli("extract", SAMPLES / "000_text.txt", "-o", blocker)
    assert proc.returncode == 2
    assert "output folder" in proc.stderr
    assert blocker.read_text() == "not a folder"


def test_failing_rename_keeps_the_old_record(tmp_path, monkeypatch, capsys):
    """Fault injection: the final rename fails (a full disk, a crash before it): the old record is
    untouched, the temporary file is removed, the other input is still written."""
    from pipeline import cli, files

    out = tmp_path / "out"
    out.mkdir()
    old = out / "000_text.json"
    old.write_text('{"old": true}', encoding="utf-8")
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).name == "000_text.json":
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)
    code = cli.main(["extract", str(SAMPLES / "000_text.txt"), str(SAMPLES / "002_text.txt"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "No space left on device" in error_line(err, "000_text.txt")
    assert old.read_text(encoding="utf-8") == '{"old": true}'
    assert sorted(p.name for p in out.iterdir()) == ["000_text.json", "002_text.json"]
    assert load(out / "002_text.json").header.number == 131


# ---- one page fails, the others survive -------------------------------------------------------
@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_one_broken_page_gives_a_partial_record(tmp_path, monkeypatch, capsys, reference, engine):
    """Fault injection: the reader of page 3 raises; pages 1-2 and 4-8 are read as usual."""
    from pipeline import cli
    from pipeline.extraction import extract
    from pipeline.sources import pdf, pdfium

    source = pdfium if engine == "pdfium" else pdf
    real = source.page_to_lines

    def flaky(*args):
        if args[-1] == 3:  # (page, [textpage,] number)
            raise ValueError("injected: broken content stream")
        return real(*args)

    monkeypatch.setenv("BAOCAO_PDF_ENGINE", engine)
    ref = reference["002_born_digital.pdf"] if engine == "pdfium" else extract(ENC_SOURCE)  # boxes are the engine's
    monkeypatch.setattr(source, "page_to_lines", flaky)
    rec = extract(ENC_SOURCE)
    assert rec.status == "partial"
    assert rec.source.page_count == ref.source.page_count == 8
    errs = [e for e in rec.errors if e.page == 3]
    assert len(errs) == 1 and "page 3" in errs[0].message and "broken content stream" in errs[0].message
    assert errs[0].stage == "source"
    assert rec.pages[2].text == ""
    assert "could not be read" in rec.source.page_mode_reasons[2]
    for i in (0, 1, 3, 4, 5, 6, 7):
        assert rec.pages[i].text and rec.pages[i].text == ref.pages[i].text, f"page {i + 1}"
    assert rec.header == ref.header

    # the CLI writes the partial record and says so
    code = cli.main(["extract", str(ENC_SOURCE), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning:" in err and "partial" in err and "Traceback" not in err
    written = load(tmp_path / "out" / "002_born_digital.json")
    assert written.status == "partial" and any(e.page == 3 for e in written.errors)


# ---- a long PDF -------------------------------------------------------------------------------
@pytest.mark.slow
def test_thousand_page_pdf(tmp_path, capsys):
    src = make_long_pdf(tmp_path / "long.pdf", 1000)
    out = tmp_path / "out"
    t0 = time.monotonic()
    proc = run_cli("extract", src, "-o", out, timeout=900)
    elapsed = time.monotonic() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with capsys.disabled():
        print(f"\n1,000-page PDF: {elapsed:.1f} s, peak RSS of the CLI process(es) {peak_mb:.0f} MB")
    assert proc.returncode == 0, proc.stderr
    rec = load(out / "long.json")
    assert rec.status == "success", rec.errors[:3]
    assert rec.source.page_count == 1000 and len(rec.pages) == 1000
    assert all(p.text for p in rec.pages)
    assert rec.header.number == 282 and rec.header.date == "2024-03-29"
    assert peak_mb < 1500
    assert json.loads((out / "long.json").read_text(encoding="utf-8"))["source"]["page_count"] == 1000

"""One document from file to record: read the bytes (I/O at the edge), pick the source, run the
stages, assemble the record of the contract."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional, Union

from pipeline.document import DocState, SourceDoc
from pipeline.record import OcrInfo, PageText, Record, Source
from pipeline.sources.errors import SourceError
from pipeline.stages import STAGES, run_stages

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
PDF_SUFFIXES = {".pdf"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES | IMAGE_SUFFIXES
OCR_POLICIES = ("auto", "always", "never")
MAX_TEXT_BYTES = 50 * 1024 * 1024
MAX_PDF_BYTES = 2 * 1024 * 1024 * 1024


def read_source(data: bytes, file: str, password: Optional[str] = None, max_pages: Optional[int] = None,
                ocr: str = "auto") -> SourceDoc:
    """Bytes → SourceDoc, by the file's kind (suffix, checked against the content). Per PDF page, the
    text layer or OCR (`ocr`: auto | always | never), with the reason recorded."""
    suffix = Path(file).suffix.lower()
    if not data:
        raise SourceError(file, "empty file (0 bytes)")
    if ocr not in OCR_POLICIES:
        raise SourceError(file, f"--ocr must be one of {', '.join(OCR_POLICIES)}, not {ocr!r}")
    sha = hashlib.sha256(data).hexdigest()
    if suffix in PDF_SUFFIXES or data[:5] == b"%PDF-":
        if len(data) > MAX_PDF_BYTES:
            raise SourceError(file, f"file too large ({len(data)} bytes > {MAX_PDF_BYTES})")
        from pipeline.sources.ocr import ocr_pdf_pages

        doc = _pdf_reader(file)(data, file, password=password, sha256=sha, max_pages=max_pages)
        ocr_pdf_pages(doc, data, password, ocr)
        return doc
    if suffix in IMAGE_SUFFIXES:
        from pipeline.sources.ocr import image_to_source

        return image_to_source(data, file, sha, max_pages=max_pages)
    if suffix in TEXT_SUFFIXES:
        if len(data) > MAX_TEXT_BYTES:
            raise SourceError(file, f"text file too large ({len(data)} bytes > {MAX_TEXT_BYTES})")
        from pipeline.sources.text import text_to_source

        return text_to_source(data, file, sha256=sha)
    raise SourceError(file, f"unsupported input type '{suffix or 'no suffix'}' "
                            "(supported: .pdf, .txt, .md, .png, .jpg, .tif)")


def _pdf_reader(file: str):
    """The PDF source: PDFium (fast, the default) or pdfplumber (the reference implementation), by
    BAOCAO_PDF_ENGINE=pdfium|pdfplumber."""
    engine = os.environ.get("BAOCAO_PDF_ENGINE", "pdfium").strip().lower() or "pdfium"
    if engine == "pdfplumber":
        from pipeline.sources.pdf import pdf_to_source

        return pdf_to_source
    if engine != "pdfium":
        raise SourceError(file, f"BAOCAO_PDF_ENGINE must be pdfium or pdfplumber, not {engine!r}")
    from pipeline.sources.pdfium import pdfium_to_source

    return pdfium_to_source


def extract(path_or_bytes: Union[str, Path, bytes], file: Optional[str] = None, password: Optional[str] = None,
            max_pages: Optional[int] = None, ocr: str = "auto") -> Record:
    """The record of one document. Raises SourceError when the input cannot be read at all."""
    if isinstance(path_or_bytes, (str, Path)):
        p = Path(path_or_bytes)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise SourceError(str(p), f"cannot read file: {exc.strerror or exc}")
        file = file or p.name
    else:
        data = path_or_bytes
        file = file or "document"
    source = read_source(data, file, password=password, max_pages=max_pages, ocr=ocr)
    state = run_stages(DocState(source=source), STAGES)
    return record_from_state(state)


def record_from_state(st: DocState) -> Record:
    src = st.source
    p = st.parts
    pages = [PageText(number=pg.number, mode=pg.mode, text=_page_text(pg), confidence=pg.confidence)
             for pg in src.pages]
    rec = Record(
        source=Source(file=src.file, sha256=src.sha256, media_type=src.media_type, page_count=len(src.pages),
                      page_modes=[pg.mode for pg in src.pages], page_mode_reasons=[pg.mode_reason for pg in src.pages],
                      ocr=OcrInfo(**src.ocr) if src.ocr else None),
        pages=pages,
        warnings=list(src.warnings) + list(st.warnings),
        errors=list(src.errors) + list(st.errors),
    )
    for name in ("header", "signature"):
        if name in p:
            setattr(rec, name, p[name])
    for name in ("recipients", "sections", "footnotes", "references", "tables", "measures", "assignments", "checks"):
        if name in p:
            setattr(rec, name, p[name])
    unread = [pg.number for pg in src.pages if "needs OCR" in pg.mode_reason]
    if rec.errors or unread:
        rec.status = "partial"
    return rec


def _page_text(pg) -> str:
    body = [ln.text for ln in pg.lines if ln.role not in ("footnote", "page-number", "rule") and ln.text]
    notes = [ln.text for ln in pg.lines if ln.role == "footnote" and ln.text]
    return "\n".join(body + notes)


def load_record(path: Union[str, Path]) -> Record:
    """A record written by `baocao extract`, back as typed objects."""
    return Record.model_validate_json(Path(path).read_text(encoding="utf-8"))

"""Born-digital PDFs → pages of positioned lines with PDFium (pypdfium2), streamed page by page.

The same source as pdf.py (pdfplumber, the reference implementation), built on PDFium's C++ parser
instead of pdfminer's Python one. PDFium gives the characters (origin, advance, font, size) and the
page objects (text objects in content-stream order, paths with their segments); from them this module
rebuilds what pdfplumber would see, in pdfplumber's coordinates (points, origin top-left):

- characters as pdfminer boxes them: x0 at the origin, x1 after the advance width, bottom at the
  font's descent below the baseline, top one font size above it; in content-stream order;
- words as pdfplumber's word extractor groups them (same font and size, same line within 2 pt,
  split at spaces and at gaps over 1.5 pt);
- drawn lines, rectangles and curves as pdfminer classifies a painted path, and from their edges
  pdfplumber's lattice table finder (snap, join, intersections, smallest cells, tables of cells that
  share corners, rows with None where a merged cell spans);

and then the shared layout of pdf_layout.py (lines by baseline, columns, footnote markers, footnote
area, page numbers, paragraph breaks, table rows). PDFium's own generated spaces and line breaks are
not used: pdfplumber's spacing rules are.

Where the two can differ (none of it in the samples): PDFium reads glyph widths as whole thousandths
of an em, so boxes drift by up to ~0.01 pt a glyph and a gap within a hair of a threshold (0.8 pt
between words) can fall the other way; a glyph without Unicode is left out (pdfminer: "(cid:N)");
text drawn twice on the same spot is kept once; a table whose box leaves the page is read (pdfplumber
raises and the page fails); a MediaBox inherited from the page tree is taken as PDFium's page box.
"""
from __future__ import annotations

import ctypes
import itertools
import struct
from operator import itemgetter
from typing import Iterator, Optional

from pipeline.document import Page, SourceDoc
from pipeline.record import ErrorItem
from pipeline.sources import pdf as _reference  # pdf.py's table filter and settings (no pdfplumber import)
from pipeline.sources.errors import SourceError
from pipeline.sources.pdf_layout import source_from_pages
from pipeline.sources.pdf_layout import (MIN_TEXT_CHARS, _assemble, _body_size, _inside, _lines_from_words,
                                         _mark_footnote_area, _mark_page_numbers, _rows_to_lines, _word)

X_TOLERANCE, Y_TOLERANCE = 1.5, 2.0  # pdf.py's extract_words settings
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

_C = None  # the PDFium functions, bound on first use


class _Pdfium:
    """The PDFium calls of the hot loops, with plain ctypes signatures (handles as void pointers)."""

    def __init__(self):
        import pypdfium2  # noqa: F401  (initialises the library)
        import pypdfium2.raw as raw

        self.raw = raw
        vp, i, d, f = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_float

        def bind(name, restype, *argtypes):
            return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(getattr(raw, name), vp).value)

        P = ctypes.POINTER
        self.count_chars = bind("FPDFText_CountChars", i, vp)
        self.get_text = bind("FPDFText_GetText", i, vp, i, i, vp)
        self.get_unicode = bind("FPDFText_GetUnicode", ctypes.c_uint, vp, i)
        self.text_object = bind("FPDFText_GetTextObject", vp, vp, i)
        self.char_origin = bind("FPDFText_GetCharOrigin", i, vp, i, P(d), P(d))
        self.is_generated = bind("FPDFText_IsGenerated", i, vp, i)
        self.is_hyphen = bind("FPDFText_IsHyphen", i, vp, i)
        self.loose_box = bind("FPDFText_GetLooseCharBox", i, vp, i, P(raw.FS_RECTF))
        self.char_box = bind("FPDFText_GetCharBox", i, vp, i, P(d), P(d), P(d), P(d))
        self.char_matrix = bind("FPDFText_GetMatrix", i, vp, i, P(raw.FS_MATRIX))
        self.obj_font = bind("FPDFTextObj_GetFont", vp, vp)
        self.obj_font_size = bind("FPDFTextObj_GetFontSize", i, vp, P(f))
        self.font_name = bind("FPDFFont_GetBaseFontName", ctypes.c_size_t, vp, ctypes.c_char_p, ctypes.c_size_t)
        self.font_descent = bind("FPDFFont_GetDescent", i, vp, f, P(f))
        self.glyph_width = bind("FPDFFont_GetGlyphWidth", i, vp, ctypes.c_uint32, f, P(f))
        self.count_objects = bind("FPDFPage_CountObjects", i, vp)
        self.get_object = bind("FPDFPage_GetObject", vp, vp, i)
        self.form_count = bind("FPDFFormObj_CountObjects", i, vp)
        self.form_object = bind("FPDFFormObj_GetObject", vp, vp, ctypes.c_ulong)
        self.obj_type = bind("FPDFPageObj_GetType", i, vp)
        self.obj_matrix = bind("FPDFPageObj_GetMatrix", i, vp, P(raw.FS_MATRIX))
        self.count_segments = bind("FPDFPath_CountSegments", i, vp)
        self.get_segment = bind("FPDFPath_GetPathSegment", vp, vp, i)
        self.segment_point = bind("FPDFPathSegment_GetPoint", i, vp, P(f), P(f))
        self.segment_type = bind("FPDFPathSegment_GetType", i, vp)
        self.segment_close = bind("FPDFPathSegment_GetClose", i, vp)
        self.page_rotation = bind("FPDFPage_GetRotation", i, vp)
        self.media_box = bind("FPDFPage_GetMediaBox", i, vp, P(f), P(f), P(f), P(f))
        self.OBJ_TEXT, self.OBJ_PATH, self.OBJ_FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
        self.SEG_LINE, self.SEG_BEZIER, self.SEG_MOVE = raw.FPDF_SEGMENT_LINETO, raw.FPDF_SEGMENT_BEZIERTO, raw.FPDF_SEGMENT_MOVETO


def _lib() -> _Pdfium:
    global _C
    if _C is None:
        _C = _Pdfium()
    return _C


# ---- opening ------------------------------------------------------------------------------------
def open_pdfium(data: bytes, file: str, password: Optional[str] = None):
    """The document, or SourceError with pdf.py's reasons (not a PDF, encrypted, corrupt)."""
    import pypdfium2 as pdfium

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise SourceError(file, "not a PDF (no %PDF signature)")
    lib = _lib()
    raw = lib.raw
    try:
        pdf = pdfium.PdfDocument(data, password=password or None)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise SourceError(file, "encrypted PDF: a password is needed to open it (use --password)"
                              if not password else "encrypted PDF: the password is wrong")
        if code == raw.FPDF_ERR_SECURITY:
            raise SourceError(file, f"encrypted PDF that cannot be opened: unsupported security handler ({exc})")
        raise SourceError(file, f"corrupt or unreadable PDF (PdfiumError: {exc or 'no detail'})")
    except Exception as exc:  # e.g. a password that cannot be encoded
        raise SourceError(file, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc or 'no detail'})")
    return pdf


def pdfium_to_source(data: bytes, file: str, password: Optional[str] = None, sha256: Optional[str] = None,
                     max_pages: Optional[int] = None) -> SourceDoc:
    return source_from_pages(open_pdfium(data, file, password), file, data, sha256, iter_pages, max_pages)


def iter_pages(pdf, file: str, doc: SourceDoc, max_pages: Optional[int] = None) -> Iterator[Page]:
    """Yield one `Page` at a time; each PDFium page and text page is closed before the next is read."""
    n = len(pdf)
    if max_pages is not None and n > max_pages:
        doc.warnings.append(f"{file}: {n} pages, only the first {max_pages} read (--max-pages)")
        n = max_pages
    for i in range(n):
        page = textpage = None
        try:
            page = pdf[i]
            textpage = page.get_textpage()
            out = page_to_lines(page, textpage, i + 1)
        except Exception as exc:  # one broken page fails alone
            doc.errors.append(ErrorItem(stage="source", page=i + 1, message=f"{file} page {i + 1}: {exc}"))
            out = Page(number=i + 1, lines=[], mode="text-layer", mode_reason=f"page could not be read: {exc}")
        finally:
            if textpage is not None:
                textpage.close()
            if page is not None:
                page.close()
        yield out


# ---- one page -----------------------------------------------------------------------------------
def page_to_lines(page, textpage, number: int) -> Page:
    geo = _Geometry(page)
    order, paths = _page_objects(page.raw, geo)
    chars = _chars(textpage.raw, order, geo)
    text_chars = sum(1 for c in chars if not c["text"].isspace())
    out = Page(number=number, lines=[], mode="text-layer", width=geo.width, height=geo.height)
    if text_chars < MIN_TEXT_CHARS:
        out.mode_reason = f"text layer has {text_chars} characters (< {MIN_TEXT_CHARS}): needs OCR"
        return out
    out.mode_reason = f"text layer with {text_chars} characters"

    lines_, rects, curves = paths
    tables = _reference._find_tables(_Drawing(lines_, rects, curves))  # pdf.py's filter on our finder
    table_boxes = [t.bbox for t in tables]
    words = []
    for w in _extract_words(chars):
        if table_boxes and _inside((w[1], w[3], w[2], w[4]), table_boxes):
            continue
        words.append(_word(*w))
    body_size = _body_size(words)
    lines = _lines_from_words(words, body_size, number)
    _mark_footnote_area(lines_ + rects, lines, body_size, geo.width, geo.height)
    _mark_page_numbers(lines, geo.height)
    table_lines = []
    for k, t in enumerate(tables):
        x0, top, x1, bottom = t.bbox
        inside = [c for c in chars if x0 <= c["x0"] and c["x1"] <= x1 and top <= c["top"] and c["bottom"] <= bottom]
        for row in _rows_to_lines(inside, t.bbox, [(r.cells, r.bbox) for r in t.rows], number, k):
            table_lines.append((top, row))
    out.lines = _assemble(lines, table_lines, body_size)
    return out


class _Geometry:
    """PDF user space → pdfplumber's page space (pdfminer's rotation and MediaBox offset, y flipped)."""

    def __init__(self, page):
        lib = _lib()
        l, b, r, t = (ctypes.c_float() for _ in range(4))
        if lib.media_box(page.raw, ctypes.byref(l), ctypes.byref(b), ctypes.byref(r), ctypes.byref(t)):
            box = (l.value, b.value, r.value, t.value)
        else:  # MediaBox inherited from the page tree: PDFium's page box (MediaBox ∩ CropBox)
            box = page.get_bbox()
        box = [_decimal(v) for v in box]
        x0, x1 = sorted((box[0], box[2]))
        y0, y1 = sorted((box[1], box[3]))
        rotation = (lib.page_rotation(page.raw) % 4) * 90
        # pdfminer's device matrix for the rotation (pdfinterp.process_page)
        ctm = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}.get(
            rotation, (1, 0, 0, 1, -x0, -y0))
        # pdfplumber's page box: normalised, swapped for 90/270, flipped
        if rotation in (90, 270):
            nx0, ny0, nx1, ny1 = y0, x0, y1, x1
        else:
            nx0, ny0, nx1, ny1 = x0, y0, x1, y1
        mb_height = ny1 - ny0
        mb_x0, mb_top = nx0, mb_height - ny1
        self.width, self.height = float(nx1 - nx0), float(mb_height)
        a, bb, c, d, e, f = ctm
        # X = dev_x + mb_x0; top = height - dev_y + mb_top, as affine maps of the user-space point
        self.xa, self.xb, self.xc = a, c, e + mb_x0
        self.ya, self.yb, self.yc = -bb, -d, self.height - f + mb_top
        self.lin = (a, bb, c, d)  # the device matrix's linear part (for upright)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.xa * x + self.xb * y + self.xc, self.ya * x + self.yb * y + self.yc


_F32 = struct.Struct("f")


def _decimal(v: float) -> float:
    """The shortest decimal that PDFium's single-precision value came from (595.2756, not
    595.2755737304688): the number as the PDF wrote it, as pdfminer reads it."""
    try:
        single = _F32.unpack(_F32.pack(v))[0]
    except (OverflowError, struct.error):
        return v
    for digits in range(1, 10):
        d = float("%.*g" % (digits, v))
        if _F32.unpack(_F32.pack(d))[0] == single:
            return d
    return v


def _page_objects(page_raw, geo: _Geometry):
    """Walk the page objects (into Form XObjects) in content order: the rank of each text object, and
    the painted paths as pdfminer classifies them: lines, rects and curves (pdfplumber dicts)."""
    lib = _lib()
    order: dict[int, int] = {}
    lines: list[dict] = []
    rects: list[dict] = []
    curves: list[dict] = []
    m = lib.raw.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()

    def walk(count, get, holder, parent):
        for k in range(count):
            obj = get(holder, k)
            if not obj:
                continue
            kind = lib.obj_type(obj)
            if kind == lib.OBJ_TEXT:
                order[obj] = len(order)
            elif kind == lib.OBJ_PATH:
                lib.obj_matrix(obj, ctypes.byref(m))
                mat = _mul((m.a, m.b, m.c, m.d, m.e, m.f), parent)
                _paint_path(obj, mat, geo, lines, rects, curves, fx, fy)
            elif kind == lib.OBJ_FORM:
                lib.obj_matrix(obj, ctypes.byref(m))
                mat = _mul((m.a, m.b, m.c, m.d, m.e, m.f), parent)
                walk(lib.form_count(obj), lib.form_object, obj, mat)

    walk(lib.count_objects(page_raw), lib.get_object, page_raw, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
    return order, (lines, rects, curves)


def _mul(m1, m2):
    """m1 then m2 (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _paint_path(obj, mat, geo: _Geometry, lines, rects, curves, fx, fy) -> None:
    """One path object → pdfminer's LTLine / LTRect / LTCurve per subpath (converter.paint_path)."""
    lib = _lib()
    a, b, c, d, e, f = mat
    ops: list[str] = []
    pts: list[tuple[float, float]] = []
    bez = 0
    for k in range(lib.count_segments(obj)):
        seg = lib.get_segment(obj, k)
        if not seg:
            continue
        lib.segment_point(seg, ctypes.byref(fx), ctypes.byref(fy))
        x, y = fx.value, fy.value
        pt = geo.point(a * x + c * y + e, b * x + d * y + f)
        kind = lib.segment_type(seg)
        if kind == lib.SEG_MOVE:
            ops.append("m")
            pts.append(pt)
            bez = 0
        elif kind == lib.SEG_BEZIER:  # three segments per curve; pdfminer keeps the end point
            bez += 1
            if bez == 3:
                ops.append("c")
                pts.append(pt)
                bez = 0
        else:
            ops.append("l")
            pts.append(pt)
            bez = 0
        if lib.segment_close(seg):
            start = next((pts[j] for j in range(len(ops) - 1, -1, -1) if ops[j] == "m"), pts[0] if pts else pt)
            ops.append("h")
            pts.append(start)
    # one shape per subpath: each "m" with what follows it
    start = 0
    for j in range(1, len(ops) + 1):
        if j == len(ops) or ops[j] == "m":
            if j - start > 1 and ops[start] == "m":
                _classify("".join(ops[start:j]), pts[start:j], lines, rects, curves)
            start = j


def _classify(shape: str, pts: list, lines, rects, curves) -> None:
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-1]
    if shape in ("mlh", "ml"):
        lines.append(_bounds(pts[:2]))
        return
    if shape in ("mlllh", "mllll"):
        # in pdfplumber's space (y flipped) the square test is the same: it is about equal coordinates
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            rects.append(_bounds([pts[0], pts[2]]))
            return
    curve = _bounds(pts)
    curve["pts"] = pts
    curves.append(curve)


def _bounds(pts) -> dict:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return {"x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys)}


# ---- characters and words -----------------------------------------------------------------------
def _chars(tp, order: dict, geo: _Geometry) -> list[dict]:
    """The page's characters (PDFium's generated spaces and line breaks left out) as pdfplumber's
    char dicts, in content-stream order: text objects in page order, characters in object order."""
    lib = _lib()
    n = lib.count_chars(tp)
    if n <= 0:
        return []
    buf = (ctypes.c_ushort * (n + 1))()
    got = lib.get_text(tp, 0, n, ctypes.addressof(buf))
    text = ctypes.string_at(ctypes.addressof(buf), max(got - 1, 0) * 2).decode("utf-16-le", "replace")
    if len(text) != n:  # characters outside the BMP: one call per character
        text = "".join(chr(lib.get_unicode(tp, i)) for i in range(n))
    ox, oy, ink_l, ink_r, ink_b, ink_t = (ctypes.c_double() for _ in range(6))
    width, fsize, desc = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    rect, mat = lib.raw.FS_RECTF(), lib.raw.FS_MATRIX()
    r_ox, r_oy, r_width, r_rect = ctypes.byref(ox), ctypes.byref(oy), ctypes.byref(width), ctypes.byref(rect)
    ink = (ctypes.byref(ink_l), ctypes.byref(ink_r), ctypes.byref(ink_b), ctypes.byref(ink_t))
    name_buf = ctypes.create_string_buffer(256)
    text_object, is_generated, is_hyphen = lib.text_object, lib.is_generated, lib.is_hyphen
    char_origin, glyph_width, loose_box = lib.char_origin, lib.glyph_width, lib.loose_box
    objects: dict[int, tuple] = {}
    fonts: dict[tuple, tuple] = {}
    ga, gb, gc, gd = geo.lin
    raw_chars = []
    for i in range(n):
        obj = text_object(tp, i)
        u = text[i]
        if not obj or ((u.isspace() or u < " ") and is_generated(tp, i)):
            continue  # generated by PDFium (spaces for gaps, line breaks)
        if (u == "\ufffe" or u < " ") and is_hyphen(tp, i):
            u = "-"  # PDFium marks a hyphen that ends a line
        info = objects.get(obj)
        if info is None:
            font = lib.obj_font(obj)
            fs = fsize.value if lib.obj_font_size(obj, ctypes.byref(fsize)) else 0.0
            key = (font, fs)
            finfo = fonts.get(key)
            if finfo is None:
                name = ""
                if font:
                    size = lib.font_name(font, name_buf, 256)
                    name = name_buf.value.decode("utf-8", "replace") if size else ""
                descent = desc.value if font and lib.font_descent(font, ctypes.c_float(fs), ctypes.byref(desc)) else 0.0
                finfo = fonts[key] = (name, descent)
            lib.char_matrix(tp, i, ctypes.byref(mat))
            a, b, c, d = mat.a, mat.b, mat.c, mat.d
            # device matrix (after the page rotation) decides "upright", as in pdfminer's LTChar
            da, db = a * ga + b * gc, a * gb + b * gd
            dc, dd = c * ga + d * gc, c * gb + d * gd
            upright = da * dd > 0 and db * dc <= 0
            info = objects[obj] = (order.get(obj, len(order)), font, ctypes.c_float(fs), fs, finfo[0], finfo[1],
                                   a, b, c, d, upright, b == 0 and c == 0 and a > 0)
        rank, font, c_fs, fs, name, descent, a, b, c, d, upright, level = info
        char_origin(tp, i, r_ox, r_oy)
        x, y = ox.value, oy.value
        adv = width.value if font and glyph_width(font, ord(u), c_fs, r_width) else None
        if level and loose_box(tp, i, r_rect):
            # PDFium's loose box is the union of [origin, origin + advance] (from the character's own
            # code) and the glyph's ink: its right edge is the advance unless the ink overhangs it.
            # The advance by Unicode (glyph_width) can miss the code (a glyph name, a CMap).
            right = rect.right
            if adv is None or abs(x + a * adv - right) > 1e-3:
                if adv is None or x + a * adv > right or not adv:
                    adv = (right - x) / a  # no advance, or one past the box: the box is the bound
                elif lib.char_box(tp, i, *ink) and right > ink_r.value + 1e-3:
                    adv = (right - x) / a  # the box reaches past the ink: its edge is the advance
        if adv is None:
            adv = 0.0
        # pdfminer's box: (0, descent) and (advance, descent + size) in text space
        llx, lly = x + c * descent, y + d * descent
        urx, ury = x + a * adv + c * (descent + fs), y + b * adv + d * (descent + fs)
        raw_chars.append((rank, i, u, llx, lly, urx, ury, name, upright, level, x, y))
    raw_chars.sort(key=itemgetter(0, 1))
    out: list[dict] = []
    plain = geo.xa > 0 and geo.xb == 0  # page x runs along user-space x (no page rotation)
    last = None
    for k, (rank, i, u, llx, lly, urx, ury, name, upright, level, x, y) in enumerate(raw_chars):
        if last is not None and last[0] == rank and last[1] == x and last[2] == y:
            # one glyph, several code points (a ligature): PDFium gives each the glyph's origin, pdfminer
            # one character as wide as the glyph's advance, which ends at the next glyph's origin
            out[-1]["text"] += u
            nxt = next((rc for rc in raw_chars[k + 1:k + 8] if rc[10] != x or rc[11] != y), None)
            if plain and level and nxt is not None and nxt[0] == rank and nxt[10] > x:
                out[-1]["x1"] = geo.xa * nxt[10] + geo.xc
            continue
        last = (rank, x, y)
        X0, T0 = geo.point(llx, lly)
        X1, T1 = geo.point(urx, ury)
        x0, x1 = (X0, X1) if X0 <= X1 else (X1, X0)
        top, bottom = (T0, T1) if T0 <= T1 else (T1, T0)
        out.append({"text": u, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "size": bottom - top,
                    "fontname": name, "upright": upright})
    return out


def _extract_words(chars: list[dict]) -> list[tuple]:
    """pdfplumber's WordExtractor with pdf.py's settings (x_tolerance 1.5, y_tolerance 2, blank chars
    split words, no text flow, extra attributes fontname and size): (text, x0, x1, top, bottom, size,
    fontname) per word."""
    out = []
    for (upright, fontname, size), group in itertools.groupby(chars, itemgetter("upright", "fontname", "size")):
        group = list(group)
        if upright:
            line_key, line_tol, sort_key = itemgetter("top"), Y_TOLERANCE, itemgetter("x0")
        else:  # rotated text: lines by x0, characters top to bottom
            line_key, line_tol, sort_key = itemgetter("x0"), X_TOLERANCE, itemgetter("top", "bottom")
        for line in _cluster(group, line_key, line_tol):
            line.sort(key=sort_key)
            word: list[dict] = []
            for ch in line:
                if ch["text"].isspace():
                    if word:
                        out.append(_merge(word, fontname, size))
                    word = []
                elif word and _new_word(word[-1], ch, upright):
                    out.append(_merge(word, fontname, size))
                    word = [ch]
                else:
                    word.append(ch)
            if word:
                out.append(_merge(word, fontname, size))
    return out


def _new_word(prev: dict, cur: dict, upright: bool) -> bool:
    if upright:
        ax, bx, cx, ay, cy, x, y = prev["x0"], prev["x1"], cur["x0"], prev["top"], cur["top"], X_TOLERANCE, Y_TOLERANCE
    else:
        ax, bx, cx, ay, cy, x, y = prev["top"], prev["bottom"], cur["top"], prev["x0"], cur["x0"], Y_TOLERANCE, X_TOLERANCE
    return cx < ax or cx > bx + x or abs(cy - ay) > y


def _merge(word: list[dict], fontname: str, size: float) -> tuple:
    text = "".join(LIGATURES.get(c["text"], c["text"]) for c in word)
    return (text, min(c["x0"] for c in word), max(c["x1"] for c in word), min(c["top"] for c in word),
            max(c["bottom"] for c in word), size, fontname)


def _cluster(objs: list, key, tolerance: float) -> list[list]:
    """pdfplumber's cluster_objects: values chained within `tolerance`, clusters in value order,
    objects in their order within a cluster."""
    values = sorted(set(key(o) for o in objs))
    index: dict = {}
    cluster = -1
    last = None
    for v in values:
        if last is None or v > last + tolerance:
            cluster += 1
        index[v] = cluster
        last = v
    groups: list[list] = [[] for _ in range(cluster + 1)]
    for o in objs:
        groups[index[key(o)]].append(o)
    return groups


# ---- ruled tables (pdfplumber's lattice finder) -------------------------------------------------
class _Row:
    def __init__(self, cells: list, bbox: tuple):
        self.cells, self.bbox = cells, bbox


class _Table:
    """pdfplumber's Table: its cells, box and rows (cells sorted by top then x0; a row per distinct
    top, one slot per distinct x0 of the table, None where no cell starts there)."""

    def __init__(self, cells: list[tuple]):
        self.cells = cells
        self.bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells),
                     max(c[3] for c in cells))
        xs = sorted(set(c[0] for c in cells))
        self.rows = []
        for _, row_cells in itertools.groupby(sorted(cells, key=itemgetter(1, 0)), itemgetter(1)):
            by_x = {c[0]: c for c in row_cells}
            row = [by_x.get(x) for x in xs]
            present = [c for c in row if c is not None]
            self.rows.append(_Row(row, (min(c[0] for c in present), min(c[1] for c in present),
                                        max(c[2] for c in present), max(c[3] for c in present))))


class _Drawing:
    """The page as pdf.py's `_find_tables` sees a pdfplumber page: its lines and rects, and
    `find_tables(settings)` (the lattice finder below, with the settings' tolerances)."""

    def __init__(self, lines: list[dict], rects: list[dict], curves: list[dict]):
        self.lines, self.rects, self.curves = lines, rects, curves

    def find_tables(self, settings: dict) -> list[_Table]:
        strategies = (settings.get("vertical_strategy", "lines"), settings.get("horizontal_strategy", "lines"))
        if strategies != ("lines", "lines"):
            raise NotImplementedError(f"table strategies {strategies}: only ruled (lines) tables")
        tol = {k: float(settings.get(k, 3)) for k in ("snap_tolerance", "join_tolerance", "edge_min_length",
                                                      "intersection_tolerance")}
        edges = _merge_edges(_page_edges(self.lines, self.rects, self.curves), tol["snap_tolerance"],
                             tol["join_tolerance"], tol["edge_min_length"])
        cells = _cells(_intersections(edges, tol["intersection_tolerance"]))
        return [_Table(group) for group in _tables(cells)]


def _page_edges(lines, rects, curves) -> list[list]:
    """pdfplumber's page.edges filtered by orientation and length ≥ 1: [orientation, x0, top, x1, bottom]."""
    out = []
    for ln in lines:
        out.append(["h" if ln["top"] == ln["bottom"] else "v", ln["x0"], ln["top"], ln["x1"], ln["bottom"]])
    for r in rects:
        x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
        out += [["h", x0, top, x1, top], ["h", x0, bottom, x1, bottom], ["v", x0, top, x0, bottom],
                ["v", x1, top, x1, bottom]]
    for c in curves:
        for (px, py), (qx, qy) in zip(c["pts"], c["pts"][1:]):
            o = "v" if px == qx else ("h" if py == qy else None)
            if o is not None:
                out.append([o, min(px, qx), min(py, qy), max(px, qx), max(py, qy)])
    return [e for e in out if (e[4] - e[2] if e[0] == "v" else e[3] - e[1]) >= 1]


def _merge_edges(edges: list[list], snap: float, join: float, min_length: float) -> list[list]:
    """Snap (cluster positions within `snap` to their mean), join collinear edges within `join`, keep
    those at least `min_length` long (pdfplumber's merge_edges and filter_edges)."""
    v = [e for e in edges if e[0] == "v"]
    h = [e for e in edges if e[0] == "h"]
    snapped = []
    for group, pos, other in ((v, 1, 3), (h, 2, 4)):
        for cluster in _cluster(group, itemgetter(pos), snap):
            avg = sum(e[pos] for e in cluster) / len(cluster)
            for e in cluster:
                d = avg - e[pos]
                e = list(e)
                e[pos] += d
                e[other] += d
                snapped.append(e)
    out = []
    for (o, _), group in itertools.groupby(sorted(snapped, key=lambda e: (e[0], e[2] if e[0] == "h" else e[1])),
                                           key=lambda e: (e[0], e[2] if e[0] == "h" else e[1])):
        lo, hi = (1, 3) if o == "h" else (2, 4)
        joined: list[list] = []
        for e in sorted(group, key=itemgetter(lo)):
            if joined and e[lo] <= joined[-1][hi] + join:
                if e[hi] > joined[-1][hi]:
                    joined[-1] = joined[-1][:hi] + [e[hi]] + joined[-1][hi + 1:]
            else:
                joined.append(e)
        out += joined
    return [e for e in out if (e[4] - e[2] if e[0] == "v" else e[3] - e[1]) >= min_length]


def _intersections(edges: list[list], tol: float) -> dict:
    """(x, top) → (ids of its vertical edges, ids of its horizontal edges): where a vertical and a
    horizontal edge meet, within `tol`."""
    v = sorted((e for e in edges if e[0] == "v"), key=itemgetter(1, 2))
    h = sorted((e for e in edges if e[0] == "h"), key=itemgetter(2, 1))
    out: dict = {}
    for vi, ve in enumerate(v):
        x, vtop, vbottom = ve[1], ve[2], ve[4]
        for hi, he in enumerate(h):
            y = he[2]
            if vtop <= y + tol and vbottom >= y - tol and x >= he[1] - tol and x <= he[3] + tol:
                vs, hs = out.setdefault((x, y), (set(), set()))
                vs.add(vi)
                hs.add(hi)
    return out


def _cells(inter: dict) -> list[tuple]:
    """pdfplumber's intersections_to_cells: for each point, the smallest cell it is the top-left of."""
    points = sorted(inter)
    by_x: dict = {}
    by_y: dict = {}
    for p in points:
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)

    def v_connects(p, q):
        return bool(inter[p][0] & inter[q][0])

    def h_connects(p, q):
        return bool(inter[p][1] & inter[q][1])

    cells = []
    for pt in points:
        below = [q for q in by_x[pt[0]] if q[1] > pt[1]]
        right = [q for q in by_y[pt[1]] if q[0] > pt[0]]
        found = None
        for b in below:
            if not v_connects(pt, b):
                continue
            for r in right:
                if not h_connects(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in inter and v_connects(corner, r) and h_connects(corner, b):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _tables(cells: list[tuple]) -> list[list[tuple]]:
    """Cells that share corners, transitively, make a table; tables top to bottom, left to right;
    single cells are not tables."""
    parent = list(range(len(cells)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            if j != i:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[ri] = rj
    groups: dict = {}
    for i, c in enumerate(cells):
        groups.setdefault(find(i), []).append(c)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]

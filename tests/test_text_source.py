"""Text renderings → pages of lines: markup, footnote markers, table rows, pages, encodings.

Example tables of raw lines as the seeds print them (markdown-ish renderings of PDFs) with the
clean text and flags a PDF source would give; page making (form feeds, footnote blocks that end
pages, a footnote body continued at the foot of the next page) on small synthetic texts modeled on
seed 000; decoding of non-UTF-8 input.
"""
from __future__ import annotations

import hashlib
import unicodedata

import pytest

from pipeline.layout import build_layout
from pipeline.sources.errors import SourceError
from pipeline.sources.text import text_to_source


def source(text: str | bytes, file: str = "t.txt"):
    return text_to_source(text.encode("utf-8") if isinstance(text, str) else text, file)


def all_lines(text: str | bytes):
    return [ln for p in source(text).pages for ln in p.lines]


def one_line(raw: str):
    (ln,) = all_lines(raw + "\n")
    return ln



# --- markup ---------------------------------------------------------------------------------------

MARKUP = [
    # (raw line, text, bold, italic, heading)
    ("**I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO THỰC HIỆN**", "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO THỰC HIỆN", True, False, None),
    ("<b>Tổng số lượt khám, chữa bệnh BHYT</b>", "Tổng số lượt khám, chữa bệnh BHYT", True, False, None),
    ("<b>Tổng số</b> người", "Tổng số người", False, False, None),
    ("Tổng **số** người", "Tổng số người", False, False, None),
    ("<i>nghiêng</i> và *nghiêng*", "nghiêng và nghiêng", False, False, None),
    ("*Nguyễn Xuân Hùng*", "Nguyễn Xuân Hùng", False, True, None),
    ("879.000.000đ (*Tám trăm bảy mươi chín triệu đồng*).", "879.000.000đ (Tám trăm bảy mươi chín triệu đồng).", False, False, None),
    ("***Đậm nghiêng***", "Đậm nghiêng", True, False, None),
    ("Tổng \\* sao", "Tổng * sao", False, False, None),  # \* is a literal star
    ("\\*", "*", False, False, None),
    ("\\*\\* hai sao", "** hai sao", False, False, None),
    ("# Tiêu đề", "Tiêu đề", False, False, 1),
    ("## **II. CÔNG TÁC PHỐ BIÉN, THÔNG TIN TUYÊN TRUYỀN**", "II. CÔNG TÁC PHỐ BIÉN, THÔNG TIN TUYÊN TRUYỀN", True, False, 2),
    ("### **1. Nhận thức về vị trí, vai trò, ý nghĩa của BHYT.**", "1. Nhận thức về vị trí, vai trò, ý nghĩa của BHYT.", True, False, 3),
    ("###### Mục sáu", "Mục sáu", False, False, 6),
    ("#không phải tiêu đề", "#không phải tiêu đề", False, False, None),  # no space after '#'
    ('<input type="checkbox"/> Có <input type="checkbox" /> Không', "☐ Có ☐ Không", False, False, None),
    ("<input type=checkbox> Đạt", "☐ Đạt", False, False, None),
    ("Dòng có <B>HOA</B> và <strong>mạnh</strong> và <em>nhấn</em> và <u>gạch</u>.", "Dòng có HOA và mạnh và nhấn và gạch.", False, False, None),
    ('<span style="x">Chữ</span> thường', "Chữ thường", False, False, None),
    ("   nhiều   khoảng    trắng   ", "nhiều khoảng trắng", False, False, None),
    ("Giá trị 93,19% < 100%", "Giá trị 93,19% < 100%", False, False, None),  # a bare '<' is text, not a tag
    (unicodedata.normalize("NFD", "Tuyên Quang, ngày 8 tháng 11"), "Tuyên Quang, ngày 8 tháng 11", False, False, None),
]


@pytest.mark.parametrize("raw, text, bold, italic, heading", MARKUP)
def test_markup_removed(raw, text, bold, italic, heading):
    ln = one_line(raw)
    assert (ln.text, ln.bold, ln.italic, ln.heading) == (text, bold, italic, heading)
    assert ln.text == unicodedata.normalize("NFC", ln.text)
    assert ln.role == "body" and ln.raw == raw


def test_bold_run_over_two_lines():
    ls = all_lines("**Bold mở\ntiếp tục**\n\nthường\n")
    assert [(ln.text, ln.bold) for ln in ls] == [("Bold mở", True), ("tiếp tục", True), ("thường", False)]


def test_glued_bold_headings_split_into_lines():
    ls = all_lines("**II. NỘI DUNG TỔNG KẾT VÀ CÁC BƯỚC TIẾN HÀNH****1. Nội dung tổng kết, đánh giá**\n")
    assert [(ln.text, ln.bold, ln.break_before) for ln in ls] == [
        ("II. NỘI DUNG TỔNG KẾT VÀ CÁC BƯỚC TIẾN HÀNH", True, True), ("1. Nội dung tổng kết, đánh giá", True, False)]


def test_three_glued_bold_pieces():
    assert [ln.text for ln in all_lines("**A. Một****B. Hai****C. Ba**\n")] == ["A. Một", "B. Hai", "C. Ba"]


def test_line_breaks_rules_and_paragraphs():
    ls = all_lines("*Nguyễn Xuân Hùng*  \nNguyễn Xuân Hùng\n\n-----\n\nĐoạn mới\ncùng đoạn\r\n")
    assert [(ln.role, ln.text, ln.break_before, ln.hard_break) for ln in ls] == [
        ("body", "Nguyễn Xuân Hùng", True, False),
        ("body", "Nguyễn Xuân Hùng", False, True),  # the line before ended with two spaces
        ("rule", "", False, False),
        ("body", "Đoạn mới", True, False),
        ("body", "cùng đoạn", False, False),
    ]


# --- footnote markers -----------------------------------------------------------------------------

MARKERS = [
    # (raw line, text, role, [(label, offset)])
    ("Xây dựng, ban hành nhiều văn bản<sup>1</sup> chỉ đạo địa phương", "Xây dựng, ban hành nhiều văn bản chỉ đạo địa phương",
     "body", [("1", 32)]),
    ("giám sát ở địa phương, cơ quan, đơn vị<sup>2</sup>; nhanh chóng", "giám sát ở địa phương, cơ quan, đơn vị; nhanh chóng",
     "body", [("2", 38)]),
    ("Các hình thức tuyên truyền phong phú, đa dạng<sup>3</sup>, đảm bảo", "Các hình thức tuyên truyền phong phú, đa dạng, đảm bảo",
     "body", [("3", 45)]),
    ("**Tổng số**<sup>3</sup> người", "Tổng số người", "body", [("3", 7)]),
    ("văn  bản <sup>1</sup> chỉ đạo<sup>12</sup>", "văn bản chỉ đạo", "body", [("1", 7), ("12", 15)]),
    ("Kết quả<sup> 4 </sup>", "Kết quả", "body", [("4", 7)]),
    ("Kết quả<sup>a</sup> tốt", "Kết quả tốt", "body", [("a", 7)]),
    ("Số liệu<SUP>5</SUP> năm", "Số liệu năm", "body", [("5", 7)]),
    # a marker that starts a line opens a footnote body
    ("<sup>1</sup> Công văn số 106/UBND ngày 08/01/2015.", "Công văn số 106/UBND ngày 08/01/2015.", "footnote", [("1", 0)]),
    ("<sup>2</sup> Từ năm 2009 đến năm 2019:", "Từ năm 2009 đến năm 2019:", "footnote", [("2", 0)]),
    ("<sup>*</sup> Ghi chú sao.", "Ghi chú sao.", "footnote", [("*", 0)]),
    ("<sup> 3 </sup>Ghi chú ba.", "Ghi chú ba.", "footnote", [("3", 0)]),
    ("<sup>4</sup> Xem thêm văn bản<sup>5</sup> khác.", "Xem thêm văn bản khác.", "footnote", [("4", 0), ("5", 16)]),
    ("Số liệu thống kê<sup>1</sup> năm nay".replace("ố", "o\u0302\u0301").replace("ệ", "e\u0323\u0302"),
         "Số liệu thống kê năm nay", "body", [("1", 16)]),
]


@pytest.mark.parametrize("raw, text, role, markers", MARKERS)
def test_sup_markers_and_offsets(raw, text, role, markers):
    ln = one_line(raw)
    assert (ln.text, ln.role, [(m.label, m.offset) for m in ln.markers]) == (text, role, markers)


# --- table rows -----------------------------------------------------------------------------------

ROWS = [
    # (raw row, cell texts, cell bold flags)
    ("STT\tChỉ tiêu\t2009-2014\t2015-2019", ["STT", "Chỉ tiêu", "2009-2014", "2015-2019"], [False] * 4),
    ("1\t<b>Tổng số</b>\t131.408", ["1", "Tổng số", "131.408"], [False, True, False]),
    ("<b>1</b>\t<b>Tổng số lượt khám, chữa bệnh BHYT</b>\t614.756\t714.202\t",
     ["1", "Tổng số lượt khám, chữa bệnh BHYT", "614.756", "714.202", None], [True, True, False, False, False]),
    ("\tTuyến huyện\t433.710\t-", [None, "Tuyến huyện", "433.710", "-"], [False] * 4),
    ("<b>II</b>\t<b>Cơ sở khám, chữa bệnh BHYT</b>\t\t\t", ["II", "Cơ sở khám, chữa bệnh BHYT", None, None, None],
     [True, True, False, False, False]),
    ("2\t**Tổng  thu**\t97,01%", ["2", "Tổng thu", "97,01%"], [False, True, False]),
    ("\t- Cơ sở y tế nhà nước:\t18", [None, "- Cơ sở y tế nhà nước:", "18"], [False] * 3),
]


@pytest.mark.parametrize("raw, cells, bold", ROWS)
def test_tab_rows_become_cells(raw, cells, bold):
    ln = one_line(raw)
    assert ln.role == "table"
    assert [c.text for c in ln.cells] == cells
    assert [c.bold for c in ln.cells] == bold
    assert ln.text == " ".join(c for c in cells if c)


def test_marker_in_a_cell():
    ln = one_line("Tổng\t**5**<sup>2</sup>")
    assert [c.text for c in ln.cells] == ["Tổng", "5"]
    assert [(m.label, m.offset) for m in ln.cells[1].markers] == [("2", 1)]


def test_heading_mark_before_a_table_row_is_dropped():
    ln = one_line("# STT\tNội dung")
    assert [c.text for c in ln.cells] == ["STT", "Nội dung"]


# --- pages ----------------------------------------------------------------------------------------

def page_texts(text: str) -> list[list[str]]:
    return [[ln.text for ln in p.lines] for p in source(text).pages]


PAGES = [
    # (text, lines of each page)
    ("Một đoạn.\n", [["Một đoạn."]]),
    ("Trang một.\n\f\nTrang hai.\n\x0c\nTrang ba.\n", [["Trang một."], ["Trang hai."], ["Trang ba."]]),
    ("A.\n\f\n\f\nB.\n", [["A."], ["B."]]),  # two form feeds in a row make no empty page
    ("\f\nA.\n\f\n", [["A."]]),  # leading and trailing form feeds
    ("A.\n  \f  \nB.\n", [["A."], ["B."]]),
    ("A.\r\n\f\r\nB.\r\n", [["A."], ["B."]]),
    # with form feeds, footnote bodies do not end pages
    ("A<sup>1</sup> b.\n\n<sup>1</sup> Chú thích.\n\nC.\n\f\nD.\n", [["A b.", "Chú thích.", "C."], ["D."]]),
    # without form feeds, a block of footnote bodies ends a page
    ("A<sup>1</sup> b<sup>2</sup>.\n\n<sup>1</sup> Một.\n<sup>2</sup> Hai.\n\nC.\n", [["A b.", "Một.", "Hai."], ["C."]]),
    ("A<sup>1</sup>.\n\n<sup>1</sup> Một.\n\nB<sup>2</sup>.\n\n<sup>2</sup> Hai.\n\nC.\n", [["A.", "Một."], ["B.", "Hai."], ["C."]]),
    # list items under a body ending in ':' belong to it
    ("A<sup>2</sup>.\n\n<sup>2</sup> Từ năm 2009:\n\n- Kiểm tra 35 lượt.\n\n- Thanh tra 100 doanh nghiệp.\n\nB.\n",
     [["A.", "Từ năm 2009:", "- Kiểm tra 35 lượt.", "- Thanh tra 100 doanh nghiệp."], ["B."]]),
    # a footnote block at the very end makes no empty page
    ("A<sup>1</sup>.\n\n<sup>1</sup> Một.\n", [["A.", "Một."]]),
]


@pytest.mark.parametrize("text, pages", PAGES)
def test_pages(text, pages):
    assert page_texts(text) == pages


def test_page_numbers_and_roles():
    src = source("A<sup>1</sup> b.\n\n<sup>1</sup> Chú thích.\n\nC.\n")
    assert [(p.number, p.mode) for p in src.pages] == [(1, "text"), (2, "text")]
    assert [(ln.page, ln.role) for p in src.pages for ln in p.lines] == [(1, "body"), (1, "footnote"), (2, "body")]


# A footnote body cut by a page break continues at the foot of the next page, below the body text;
# the body sentence that page cut is joined across the continuation (seed 000, pages 1-3).
SEED_000_LIKE = """**BÁO CÁO**

**Kết quả thực hiện chính sách BHYT**

Ủy ban nhân dân huyện Lạc An ban hành nhiều văn bản<sup>1</sup> chỉ đạo các xã.

<sup>1</sup> Công văn số 106/UBND ngày 08/01/2015 về việc xây dựng kế hoạch; Quyết định số 3614/QĐ-UBND về việc ban hành kế hoạch phát

Công tác tuyên truyền được chú trọng.

Các cơ quan quản lý đã tăng cường công tác thanh tra, kiểm tra,

triển BHYT giai đoạn 2017 - 2020 trên địa bàn huyện Lạc An.

giám sát việc thực hiện chính sách BHYT<sup>2</sup>; nhanh chóng khắc phục tình trạng nợ đóng.

<sup>2</sup> Từ năm 2009 đến năm 2019:

- Cơ quan BHXH huyện kiểm tra 35 lượt cơ sở.

- BHXH huyện thanh tra trên 100 doanh nghiệp.

Trang bốn bắt đầu ở đây.
"""


def test_footnote_continuation_pages_and_roles():
    src = source(SEED_000_LIKE)
    got = [(p.number, ln.role, ln.text[:30]) for p in src.pages for ln in p.lines]
    assert got == [
        (1, "body", "BÁO CÁO"),
        (1, "body", "Kết quả thực hiện chính sách B"),
        (1, "body", "Ủy ban nhân dân huyện Lạc An b"),
        (1, "footnote", "Công văn số 106/UBND ngày 08/0"),
        (2, "body", "Công tác tuyên truyền được chú"),
        (2, "body", "Các cơ quan quản lý đã tăng cư"),
        (2, "footnote", "triển BHYT giai đoạn 2017 - 20"),  # the continuation ends page 2
        (3, "body", "giám sát việc thực hiện chính "),
        (3, "footnote", "Từ năm 2009 đến năm 2019:"),
        (3, "footnote", "- Cơ quan BHXH huyện kiểm tra "),
        (3, "footnote", "- BHXH huyện thanh tra trên 10"),
        (4, "body", "Trang bốn bắt đầu ở đây."),
    ]


def test_footnote_continuation_joined_in_layout():
    layout = build_layout(source(SEED_000_LIKE))
    assert [(f.label, f.pages, f.text) for f in layout.footnotes] == [
        ("1", [1, 2], "Công văn số 106/UBND ngày 08/01/2015 về việc xây dựng kế hoạch; Quyết định số 3614/QĐ-UBND về "
                      "việc ban hành kế hoạch phát triển BHYT giai đoạn 2017 - 2020 trên địa bàn huyện Lạc An."),
        ("2", [3], "Từ năm 2009 đến năm 2019: - Cơ quan BHXH huyện kiểm tra 35 lượt cơ sở. - BHXH huyện thanh tra "
                   "trên 100 doanh nghiệp."),
    ]
    assert [(b.page, [ln.page for ln in b.lines], b.text) for b in layout.body] == [
        (1, [1], "Ủy ban nhân dân huyện Lạc An ban hành nhiều văn bản chỉ đạo các xã."),
        (2, [2], "Công tác tuyên truyền được chú trọng."),
        (2, [2, 3], "Các cơ quan quản lý đã tăng cường công tác thanh tra, kiểm tra, giám sát việc thực hiện chính "
                    "sách BHYT; nhanh chóng khắc phục tình trạng nợ đóng."),
        (4, [4], "Trang bốn bắt đầu ở đây."),
    ]


def test_lower_case_paragraph_after_finished_footnote_is_body():
    # the footnote body ended its sentence: the lower-case paragraph continues the *body* on page 2
    text = "Ban hành nhiều văn bản<sup>1</sup> chỉ đạo,\n\n<sup>1</sup> Công văn số 106/UBND.\n\ntiếp tục câu trước ở trang hai.\n"
    src = source(text)
    assert [(p.number, ln.role) for p in src.pages for ln in p.lines] == [(1, "body"), (1, "footnote"), (2, "body")]
    layout = build_layout(src)
    assert [b.text for b in layout.body] == ["Ban hành nhiều văn bản chỉ đạo, tiếp tục câu trước ở trang hai."]
    assert [f.text for f in layout.footnotes] == ["Công văn số 106/UBND."]


def test_unfinished_footnote_continues_on_the_next_page_only():
    # two pages after the cut, a lower-case paragraph is body again
    text = ("A<sup>1</sup> b,\n\n<sup>1</sup> Công văn số 1/UBND về việc\n\nc.\n\nD<sup>2</sup>.\n\n<sup>2</sup> Hai.\n\n"
            "E cắt,\n\nphần tiếp của chú thích.\n")
    roles = [(p.number, ln.role, ln.text) for p in source(text).pages for ln in p.lines]
    assert roles[-1] == (3, "body", "phần tiếp của chú thích.")


# --- decoding and errors ------------------------------------------------------------------------------

def cp1258(text: str) -> bytes:
    """Encode Vietnamese text in Windows-1258: precomposed base letters, tone marks combining."""
    out = b""
    for c in unicodedata.normalize("NFC", text):
        try:
            out += c.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, marks = unicodedata.normalize("NFD", c)[0], unicodedata.normalize("NFD", c)[1:]
        for i in range(len(marks) + 1):
            head, rest = unicodedata.normalize("NFC", base + marks[i:i + 1]), marks[:i] + marks[i + 1:]
            try:
                out += head.encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(c)
    return out


VIETNAMESE = "Đà Lạt, ngày 29 tháng 3 năm 2024\n\nỦy ban nhân dân huyện Sơn Dương báo cáo kết quả thực hiện.\n"


def test_cp1258_decoded_with_a_warning():
    data = cp1258(VIETNAMESE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    src = text_to_source(data, "bc.txt")
    assert [ln.text for p in src.pages for ln in p.lines] == [
        "Đà Lạt, ngày 29 tháng 3 năm 2024", "Ủy ban nhân dân huyện Sơn Dương báo cáo kết quả thực hiện."]
    assert all(ln.text == unicodedata.normalize("NFC", ln.text) for p in src.pages for ln in p.lines)
    assert len(src.warnings) == 1
    assert "bc.txt" in src.warnings[0] and "UTF-8" in src.warnings[0] and "Windows-1258" in src.warnings[0]


@pytest.mark.parametrize("data", [
    VIETNAMESE.encode("utf-8"),
    b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"),  # UTF-8 with BOM
    VIETNAMESE.encode("utf-16"),  # UTF-16 with BOM
    VIETNAMESE.replace("\n", "\r\n").encode("utf-8"),
])
def test_unicode_encodings_decode_without_warning(data):
    src = text_to_source(data, "bc.txt")
    assert [ln.text for p in src.pages for ln in p.lines][0] == "Đà Lạt, ngày 29 tháng 3 năm 2024"
    assert src.warnings == []


def test_source_doc_fields():
    data = "Một đoạn.\n".encode("utf-8")
    src = text_to_source(data, "mot.txt")
    assert (src.file, src.media_type, src.sha256) == ("mot.txt", "text/plain", hashlib.sha256(data).hexdigest())
    assert text_to_source(data, "mot.txt", sha256="abc").sha256 == "abc"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \n\n\t\n", "empty"),
    (b"**\n\n<b></b>\n", "empty"),  # markup only
    (b"\x0c\n\x0c\n", "empty"),  # page breaks only
    (b"-----\n", "empty"),  # a rule only
    (b"ab\x00\xff\x00", "binary"),
])
def test_unreadable_input_raises_source_error(data, reason):
    with pytest.raises(SourceError) as exc:
        text_to_source(data, "x.txt")
    assert exc.value.file == "x.txt"
    assert reason in exc.value.reason


def test_a_restored_cell_that_is_a_total_label_takes_the_vocabulary_s_spelling():
    from pipeline.sources.text import _table_labels_spelled

    text = "\t<b>Công</b>\t<b>102.233</b>\n\tTổng cong\t12\n\tCông văn\t3\n\tCÔNG\t5\nCông tác"
    assert _table_labels_spelled(text) == ("\t<b>Cộng</b>\t<b>102.233</b>\n\tTổng cộng\t12\n\tCông văn\t3\n"
                                           "\tCỘNG\t5\nCông tác")


def test_a_stripped_table_s_total_row_is_read_cong():
    from pipeline.sources.text import text_to_source

    rows = "\n".join(f"{i}\tXa {n}\t{i * 100}" for i, n in enumerate(["An Khang", "Thai Long", "Kim Phu"], 1))
    body = ("BIEU TONG HOP SO NGUOI THAM GIA BAO HIEM Y TE CUA CAC XA TREN DIA BAN HUYEN NAM 2024\n"
            "Cac xa da tham gia day du theo ke hoach duoc giao va bao cao ket qua ve Uy ban nhan dan huyen\n"
            f"TT\tTen don vi\tSo nguoi\n{rows}\n\tCong\t600\n")
    doc = text_to_source(body.encode(), "t.txt")
    cells = [ln.cells for p in doc.pages for ln in p.lines if ln.cells]
    assert any(c.text == "Cộng" for row in cells for c in row), cells

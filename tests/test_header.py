"""Header zone: number/symbol, place and date, issuer block, document type, title.

Example tables of header lines as printed in real reports (seeds 000-004, OCR'd seed 003 included)
and in invented ones (agencies and places that do not exist: the rules must generalize). Lines are
built directly (`pipeline.document.Line`); the last tests go through `text_to_source` +
`build_layout` on small renderings.
"""
from __future__ import annotations

import pytest

from extractors.header import header_from_zone
from pipeline.document import Line
from pipeline.layout import build_layout
from pipeline.sources.text import text_to_source

FIELDS = ("issuer_parent", "issuer", "ref", "number", "doc_type", "place", "date", "title")


def lines(*texts: str, page: int = 1) -> list[Line]:
    return [Line(text=t, page=page) for t in texts]


def header(*texts: str, doc_type: str | None = None, title: tuple[str, ...] = ()) -> dict:
    h = header_from_zone(lines(*texts), Line(text=doc_type, page=1) if doc_type else None, lines(*title))
    return {f: getattr(h, f) for f in FIELDS}



# --- "Số" line: ref as printed with spaces removed, number its leading integer ------------------

REFS = [
    # (header line, ref, number)
    ("Số 282-BC/ThU", "282-BC/ThU", 282),
    ("Số: 131 /KH-UBND", "131/KH-UBND", 131),
    ("Số: /KH-UBND", "/KH-UBND", None),  # draft: number left blank
    ("Số:  /KH-UBND", "/KH-UBND", None),
    ("Số:131/KH-UBND", "131/KH-UBND", 131),
    ("Số : 15-KH/TU", "15-KH/TU", 15),
    ("Số 74-CTr/Th.U", "74-CTr/Th.U", 74),
    ("SỐ: 3/BC-UBND", "3/BC-UBND", 3),
    ("So: 12/BC-UBND", "12/BC-UBND", 12),  # diacritics lost
    ("S6: 99/KH-UBND", "99/KH-UBND", 99),  # OCR "ố" → "6"
    ("Sb: 284 /KH-UBND", "284/KH-UBND", 284),  # OCR "Số" → "Sb" (seed 003)
    ("Số: 5508/UBND-VX", "5508/UBND-VX", 5508),
    ("Số: 1234/BYT-KH", "1234/BYT-KH", 1234),
    ("Số: 17/2016/NQ-HĐND", "17/2016/NQ-HĐND", 17),
    ("Số: 131/ KH-UBND", "131/KH-UBND", 131),
    ("Số: 07/SNV-TCBC", "07/SNV-TCBC", 7),  # leading zero: number is the integer
    ("Số: 131 /KH- UBND", "131/KH-UBND", 131),
    ("Số:  12 / BC - UBND", "12/BC-UBND", 12),
]


@pytest.mark.parametrize("text, ref, number", REFS)
def test_ref_and_number(text, ref, number):
    h = header(text)
    assert (h["ref"], h["number"]) == (ref, number)


def test_no_number_line_gives_null_ref():
    h = header("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 1 tháng 2 năm 2020")
    assert (h["ref"], h["number"]) == (None, None)
    assert (h["place"], h["date"]) == ("Hà Nội", "2020-02-01")


# --- place and date -------------------------------------------------------------------------------

PLACE_DATES = [
    # (line, place, date)
    ("TP. Tuyên Quang, ngày 8 tháng 11 năm 2018", "TP. Tuyên Quang", "2018-11-08"),
    ("Đà Lạt, ngày 29 tháng 3 năm 2024", "Đà Lạt", "2024-03-29"),
    ("Sơn La, ngày tháng năm", "Sơn La", None),  # left blank for signing
    ("Sơn La, ngày     tháng     năm 2025", "Sơn La", None),  # only the year printed
    ("Bắc Vân, ngày … tháng … năm 2024", "Bắc Vân", None),
    ("Bắc Vân, ngày ... tháng ... năm ...", "Bắc Vân", None),
    ("Hà Nội, ngày 01/7/2019", "Hà Nội", "2019-07-01"),
    ("Kon Tum, ngày 8 /11/2018", "Kon Tum", "2018-11-08"),  # OCR space before the slash
    ("Tp. Hồ Chí Minh, ngày 2 tháng 9 năm 2020", "Tp. Hồ Chí Minh", "2020-09-02"),
    ("Thành phố Hồ Chí Minh, ngày 2 tháng 9 năm 2020", "Thành phố Hồ Chí Minh", "2020-09-02"),
    ("Buôn Ma Thuột, ngày 05 tháng 6 năm 2019", "Buôn Ma Thuột", "2019-06-05"),
    ("Lạc An, ngày 15  tháng 12  năm 2023", "Lạc An", "2023-12-15"),  # invented place, double spaces
    ("Son Duong, ngay 28 thang 7 nam 2022", "Son Duong", "2022-07-28"),  # OCR without diacritics
    ("Đà Lạt, ngày 31 tháng 02 năm 2024", "Đà Lạt", None),  # no such day
]


@pytest.mark.parametrize("text, place, date", PLACE_DATES)
def test_place_and_date(text, place, date):
    h = header(text)
    assert (h["place"], h["date"]) == (place, date)
    assert h["issuer"] is None  # a mixed-case place line is never the issuer


GLUED_REF_PLACE = [
    # OCR / pdftotext glued the left column (number) and the right column (place, date) on one line
    ("Sb: 284 /KH-UBND Son Duong, ngay 28 thang 7 nam 2022", "284/KH-UBND", 284, "Son Duong", "2022-07-28"),
    ("Số: 99/BC-UBND   Hà Giang, ngày 3 tháng 4 năm 2020", "99/BC-UBND", 99, "Hà Giang", "2020-04-03"),
    ("Số: /KH-UBND Sơn La, ngày tháng năm", "/KH-UBND", None, "Sơn La", None),
    ("Số: 12/TB-UBND Mường Lát, ngày 1 tháng 6 năm 2021", "12/TB-UBND", 12, "Mường Lát", "2021-06-01"),
]


@pytest.mark.parametrize("text, ref, number, place, date", GLUED_REF_PLACE)
def test_number_and_place_glued_on_one_line(text, ref, number, place, date):
    h = header(text)
    assert (h["ref"], h["number"], h["place"], h["date"]) == (ref, number, place, date)


# --- issuer block ---------------------------------------------------------------------------------

ISSUERS = [
    # (header lines, issuer_parent, issuer)
    # two bodies: parent above the issuing body
    (("ĐẢNG BỘ TỈNH LÂM ĐỒNG", "THÀNH ỦY ĐÀ LẠT", "*", "Số 282-BC/ThU", "ĐẢNG CỘNG SẢN VIỆT NAM",
      "Đà Lạt, ngày 29 tháng 3 năm 2024"), "ĐẢNG BỘ TỈNH LÂM ĐỒNG", "THÀNH ỦY ĐÀ LẠT"),
    (("UBND TỈNH HÀ GIANG", "SỞ Y TẾ", "Số: 45/BC-SYT", "Hà Giang, ngày 3/4/2020"), "UBND TỈNH HÀ GIANG", "SỞ Y TẾ"),
    (("UBND TỈNH BẮC VÂN", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "Số: 7/TB-SNN"),
     "UBND TỈNH BẮC VÂN", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"),
    (("UBND HUYỆN LẠC AN", "PHÒNG Y TẾ", "Số: 3/BC-PYT"), "UBND HUYỆN LẠC AN", "PHÒNG Y TẾ"),
    (("HĐND TỈNH NAM SƠN", "BAN VĂN HÓA - XÃ HỘI"), "HĐND TỈNH NAM SƠN", "BAN VĂN HÓA - XÃ HỘI"),
    (("TỈNH ỦY LÂM ĐỒNG", "BAN TUYÊN GIÁO", "*", "Số 12-HD/BTGTU"), "TỈNH ỦY LÂM ĐỒNG", "BAN TUYÊN GIÁO"),
    (("ĐẢNG BỘ HUYỆN LẠC AN", "ĐẢNG ỦY XÃ HÒA BÌNH"), "ĐẢNG BỘ HUYỆN LẠC AN", "ĐẢNG ỦY XÃ HÒA BÌNH"),
    # the issuing body over two lines under its parent
    (("UBND TỈNH NAM SƠN", "SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI", "Số: 1/BC-SLĐTBXH"),
     "UBND TỈNH NAM SƠN", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
    # the motto column between issuer and number is not part of the block
    (("UBND TỈNH NAM SƠN", "SỞ Y TẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
     "UBND TỈNH NAM SƠN", "SỞ Y TẾ"),
    # one body printed over two lines: joined, no parent
    (("ỦY BAN NHÂN DÂN", "HUYỆN ĐỊNH HÓA", "Số: 12/BC-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc", "Định Hóa, ngày 05 tháng 01 năm 2021"), None, "ỦY BAN NHÂN DÂN HUYỆN ĐỊNH HÓA"),
    (("ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số: /KH-UBND", "Sơn La, ngày tháng năm"), None, "ỦY BAN NHÂN DÂN TỈNH SƠN LA"),
    (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ LONG KHÁNH", "Số 77/QĐ-UBND"), None, "ỦY BAN NHÂN DÂN THÀNH PHỐ LONG KHÁNH"),
    (("ỦY BAN NHÂN DÂN", "XÃ HÒA MỸ", "Số 77/QĐ-UBND"), None, "ỦY BAN NHÂN DÂN XÃ HÒA MỸ"),
    (("ỦY BAN NHÂN DÂN", "PHƯỜNG BÌNH MINH"), None, "ỦY BAN NHÂN DÂN PHƯỜNG BÌNH MINH"),
    (("ỦY BAN NHÂN DÂN", "THỊ XÃ AN PHÚ"), None, "ỦY BAN NHÂN DÂN THỊ XÃ AN PHÚ"),
    (("ỦY BAN NHÂN DÂN", "QUẬN HẢI CHÂU"), None, "ỦY BAN NHÂN DÂN QUẬN HẢI CHÂU"),
    # one body on one line
    (("BỘ Y TẾ", "Số: 1234/BYT-KH", "Hà Nội, ngày 15 tháng 12 năm 2023"), None, "BỘ Y TẾ"),
    (("TỈNH ỦY NAM SƠN", "*", "Số 15-KH/TU"), None, "TỈNH ỦY NAM SƠN"),
    # the national motto is never the issuer
    (("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 1/KH"), None, None),
    (("ĐẢNG CỘNG SẢN VIỆT NAM", "Số 5-BC/HU"), None, None),
    # motto glued to the issuer on one line (two columns read as one): the issuer part only
    (("ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",), None, "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH"),
    (("UY BAN NHAN DAN CONG HOA XA HOI CHU NGHIA VIET NAM",), None, "UY BAN NHAN DAN"),
    (("ĐẢNG BỘ TỈNH LÂM ĐỒNG ĐẢNG CỘNG SẢN VIỆT NAM", "THÀNH ỦY ĐÀ LẠT"), "ĐẢNG BỘ TỈNH LÂM ĐỒNG", "THÀNH ỦY ĐÀ LẠT"),
    # seed 003: OCR glued both columns on both lines, motto damaged ("HQI", "Poc 1ap", "Tw do")
    (("UY BAN NHAN DAN CONG HOA XA HQI CHU NGHIA VIET NAM", "HUYEN SON DUONG Poc 1ap - Tw do - Hanh phuc",
      "Sb: 284 /KH-UBND Son Duong, ngay 28 thang 7 nam 2022"), None, "UY BAN NHAN DAN HUYEN SON DUONG"),
    # not upper case: body text, not an issuer
    (("Uy ban nhan dan", "Số: 3/KH"), None, None),
    (("ĐẢNG BỘ TỈNH THÁI NGUYÊN", "HUYỆN ỦY ĐỊNH HÓA", "*", "Số 120-BC/HU"), "ĐẢNG BỘ TỈNH THÁI NGUYÊN",
         "HUYỆN ỦY ĐỊNH HÓA"),
]


@pytest.mark.parametrize("texts, parent, issuer", ISSUERS)
def test_issuer_block(texts, parent, issuer):
    h = header(*texts)
    assert (h["issuer_parent"], h["issuer"]) == (parent, issuer)


def test_seed_003_glued_header_gives_every_field():
    h = header("UY BAN NHAN DAN CONG HOA XA HQI CHU NGHIA VIET NAM", "HUYEN SON DUONG Poc 1ap - Tw do - Hanh phuc",
               "Sb: 284 /KH-UBND Son Duong, ngay 28 thang 7 nam 2022", doc_type="KE HOACH",
               title=("Thuec hién chi tiéu bao phia bao hiém y té giai doan 2022 - 2025", "trén dia ban huyén Son Dwong"))
    assert h == {
        "issuer_parent": None, "issuer": "UY BAN NHAN DAN HUYEN SON DUONG", "ref": "284/KH-UBND", "number": 284,
        "doc_type": "KẾ HOẠCH", "place": "Son Duong", "date": "2022-07-28",
        "title": "Thuec hién chi tiéu bao phia bao hiém y té giai doan 2022 - 2025 trén dia ban huyén Son Dwong",
    }


def test_right_column_by_box_is_not_the_issuer():
    # with boxes (PDF): a line centred in the right half of the page is the motto column
    boxes = [(50, 10, 250, 20), (60, 22, 240, 32), (330, 10, 560, 20), (60, 40, 240, 50), (330, 40, 560, 50)]
    texts = ["ỦY BAN NHÂN DÂN", "HUYỆN LẠC AN", "ĐỘC LẬP TỰ DO HẠNH PHÚC", "Số: 5/KH-UBND", "Lạc An, ngày 1 tháng 2 năm 2023"]
    hl = [Line(text=t, page=1, box=b) for t, b in zip(texts, boxes)]
    h = header_from_zone(hl, None, [], page_width=600)
    assert (h.issuer_parent, h.issuer) == (None, "ỦY BAN NHÂN DÂN HUYỆN LẠC AN")
    assert (h.ref, h.place, h.date) == ("5/KH-UBND", "Lạc An", "2023-02-01")


# --- document type and title ----------------------------------------------------------------------

DOC_TYPES = [
    ("KẾ HOẠCH", "KẾ HOẠCH"),
    ("KE HOACH", "KẾ HOẠCH"),  # OCR without diacritics (seed 003)
    ("KÉ HOẠCH", "KẾ HOẠCH"),  # OCR wrong tone
    ("K E HOẠCH", "KẾ HOẠCH"),
    ("Kế hoạch", "KẾ HOẠCH"),
    ("BÁO CÁO", "BÁO CÁO"),
    ("BAO CAO", "BÁO CÁO"),
    ("QUYET DINH", "QUYẾT ĐỊNH"),
    ("THONG BAO", "THÔNG BÁO"),
    ("TO TRINH", "TỜ TRÌNH"),
    ("NGHI QUYET", "NGHỊ QUYẾT"),
    ("CHI THI", "CHỈ THỊ"),
    ("HƯỚNG DẪN", "HƯỚNG DẪN"),
    ("CHUONG TRINH HANH DONG", "CHƯƠNG TRÌNH HÀNH ĐỘNG"),
    ("CHƯƠNG TRÌNH", "CHƯƠNG TRÌNH"),
    ("ĐỀ ÁN", "ĐỀ ÁN"),
    ("BIÊN BẢN HỌP", "BIÊN BẢN HỌP"),  # not in the vocabulary: upper case as printed
]


@pytest.mark.parametrize("printed, doc_type", DOC_TYPES)
def test_doc_type(printed, doc_type):
    assert header(doc_type=printed)["doc_type"] == doc_type


TITLES = [
    # (doc type line, title lines, doc_type, title)
    ("BÁO CÁO", ("Tổng kết 15 năm thực hiện Chỉ thị số 38-CT/TW, ngày 07/9/2009",
                 "của Ban Bí thư Trung ương Đảng (khóa X) về “Đẩy mạnh công tác bảo hiểm y tế”"),
     "BÁO CÁO", "Tổng kết 15 năm thực hiện Chỉ thị số 38-CT/TW, ngày 07/9/2009 của Ban Bí thư Trung ương Đảng "
                "(khóa X) về “Đẩy mạnh công tác bảo hiểm y tế”"),
    ("KẾ HOẠCH", ("Thực hiện mục tiêu phấn đấu 100% người dân", "tham gia Bảo hiểm y tế", "đến năm 2020"),
     "KẾ HOẠCH", "Thực hiện mục tiêu phấn đấu 100% người dân tham gia Bảo hiểm y tế đến năm 2020"),
    ("KẾ HOẠCH", ("  Thực hiện   chỉ tiêu  ",), "KẾ HOẠCH", "Thực hiện chỉ tiêu"),  # whitespace collapsed
    # a công văn prints no doc type: the "V/v" trích yếu says it, and keeps its "V/v"
    (None, ("V/v triển khai tiêm chủng", "mở rộng năm 2021"), "CÔNG VĂN", "V/v triển khai tiêm chủng mở rộng năm 2021"),
    (None, ("v/v báo cáo số liệu BHYT",), "CÔNG VĂN", "v/v báo cáo số liệu BHYT"),
    # a printed doc type wins over a "V/v" title
    ("KẾ HOẠCH", ("V/v hỗ trợ mua thẻ BHYT",), "KẾ HOẠCH", "V/v hỗ trợ mua thẻ BHYT"),
    ("KẾ HOẠCH", (), "KẾ HOẠCH", None),
    (None, (), None, None),
    # OCR: the rule under the doc type read as ":", a speck after the last word read as "-"
    ("KẾ HOẠCH", (":", "tổng kết 10 năm thực hiện Chỉ thị 38-CT/TW", "trong tình hình mới” -"),
     "KẾ HOẠCH", "tổng kết 10 năm thực hiện Chỉ thị 38-CT/TW trong tình hình mới”"),
    ("KẾ HOẠCH", ("—", "Phát triển người tham gia BHYT ."), "KẾ HOẠCH", "Phát triển người tham gia BHYT"),
    # a title's own final punctuation other than a full stop stays; a trích yếu ends with no full stop
    ("BÁO CÁO", ("Kết quả năm 2023 (số liệu đến 30/9).",), "BÁO CÁO", "Kết quả năm 2023 (số liệu đến 30/9)."),
    ("BÁO CÁO", ("Kết quả năm 2023 trên địa bàn thành phố.",), "BÁO CÁO", "Kết quả năm 2023 trên địa bàn thành phố"),
    ("BÁO CÁO", ("Tình hình “Đẩy mạnh công tác”",), "BÁO CÁO", "Tình hình “Đẩy mạnh công tác”"),
    # the rule under the doc type read as a dash before the first word
    ("KẾ HOẠCH", ("- Thực hiện mục tiêu phấn đấu", "đến năm 2020"), "KẾ HOẠCH", "Thực hiện mục tiêu phấn đấu đến năm 2020"),
]


@pytest.mark.parametrize("doc_type_line, title_lines, doc_type, title", TITLES)
def test_doc_type_and_title(doc_type_line, title_lines, doc_type, title):
    h = header(doc_type=doc_type_line, title=title_lines)
    assert (h["doc_type"], h["title"]) == (doc_type, title)


def test_evidence_keeps_raw_and_page():
    h = header_from_zone(lines("Sb: 284 /KH-UBND Son Duong, ngay 28 thang 7 nam 2022"), None, [])
    assert h.evidence["ref"].page == 1
    assert h.evidence["ref"].raw == "Sb: 284 /KH-UBND Son Duong, ngay 28 thang 7 nam 2022"
    assert h.evidence["date"].raw == "ngay 28 thang 7 nam 2022"


# --- through text_to_source + build_layout --------------------------------------------------------

def header_of_text(text: str) -> dict:
    layout = build_layout(text_to_source(text.encode("utf-8"), "t.txt"))
    h = header_from_zone(layout.header_lines, layout.doc_type_line, layout.title_lines)
    return {f: getattr(h, f) for f in FIELDS}


SEED_000_HEAD = """**ĐẢNG BỘ TỈNH LÂM ĐỒNG  
THÀNH ỦY ĐÀ LẠT**

\\*  
Số 282-BC/ThU

**ĐẢNG CỘNG SẢN VIỆT NAM**

Đà Lạt, ngày 29 tháng 3 năm 2024

**BÁO CÁO**

**Tổng kết 15 năm thực hiện Chỉ thị số 38-CT/TW, ngày 07/9/2009  
của Ban Bí thư Trung ương Đảng (khóa X) về “Đẩy mạnh công tác bảo hiểm y tế”**

-----

Thực hiện Công văn số 1130-CV/BTGTU, ngày 12/01/2024 của Ban Tuyên giáo Tỉnh ủy Lâm Đồng.
"""

INVENTED_PLAN = """ỦY BAN NHÂN DÂN
HUYỆN LẠC AN

Số: 17/KH-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Lạc An, ngày 4 tháng 5 năm 2023

## **KẾ HOẠCH**

### **Phát triển người tham gia bảo hiểm y tế
trên địa bàn huyện Lạc An năm 2023**

Thực hiện Kế hoạch số 9/KH-UBND ngày 1/2/2023 của UBND tỉnh Nam Sơn.
"""

CONG_VAN = """UBND TỈNH NAM SƠN
SỞ Y TẾ

Số: 12/SYT-NVY

Nam Sơn, ngày 3 tháng 5 năm 2021

V/v triển khai tiêm chủng
mở rộng năm 2021

Kính gửi: Các bệnh viện trong tỉnh.
"""


def test_text_seed_000_header():
    assert header_of_text(SEED_000_HEAD) == {
        "issuer_parent": "ĐẢNG BỘ TỈNH LÂM ĐỒNG", "issuer": "THÀNH ỦY ĐÀ LẠT", "ref": "282-BC/ThU", "number": 282,
        "doc_type": "BÁO CÁO", "place": "Đà Lạt", "date": "2024-03-29",
        "title": "Tổng kết 15 năm thực hiện Chỉ thị số 38-CT/TW, ngày 07/9/2009 của Ban Bí thư Trung ương Đảng "
                 "(khóa X) về “Đẩy mạnh công tác bảo hiểm y tế”",
    }


def test_text_invented_plan_header():
    assert header_of_text(INVENTED_PLAN) == {
        "issuer_parent": None, "issuer": "ỦY BAN NHÂN DÂN HUYỆN LẠC AN", "ref": "17/KH-UBND", "number": 17,
        "doc_type": "KẾ HOẠCH", "place": "Lạc An", "date": "2023-05-04",
        "title": "Phát triển người tham gia bảo hiểm y tế trên địa bàn huyện Lạc An năm 2023",
    }


def test_text_cong_van_header():
    assert header_of_text(CONG_VAN) == {
        "issuer_parent": "UBND TỈNH NAM SƠN", "issuer": "SỞ Y TẾ", "ref": "12/SYT-NVY", "number": 12,
        "doc_type": "CÔNG VĂN", "place": "Nam Sơn", "date": "2021-05-03",
        "title": "V/v triển khai tiêm chủng mở rộng năm 2021",
    }

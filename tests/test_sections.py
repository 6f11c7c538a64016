"""Sections: numbered headings (kinds, numbers, titles) and their path ids and levels.

Example tables of headings as printed in the seeds (003 is OCR: "Il.", "I11.", "PHAN |") and
invented ones, the negatives a report is full of (quantities, year ranges, bullets, table captions),
and the id/level rules of golden/CONVENTIONS.md on block sequences.
"""
from __future__ import annotations

import pytest

from extractors.sections import first_sentence, heading_of, normalize_roman, sections_from_blocks
from pipeline.document import Block, Cell, Line, TableBlock



HEADINGS = [
    # (block text, (kind, number, title) or None)
    # roman
    ("I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO THỰC HIỆN", ("roman", "I", "CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO THỰC HIỆN")),
    ("II. MỤC TIÊU", ("roman", "II", "MỤC TIÊU")),
    ("III. KẾT QUẢ CHỦ YẾU ĐÃ ĐẠT ĐƯỢC TRONG THỰC HIỆN CHỈ THỊ SỐ 38- CT/TW",
     ("roman", "III", "KẾT QUẢ CHỦ YẾU ĐÃ ĐẠT ĐƯỢC TRONG THỰC HIỆN CHỈ THỊ SỐ 38- CT/TW")),
    ("IV: NHIỆM VỤ", ("roman", "IV", "NHIỆM VỤ")),
    ("IX. KIẾN NGHỊ", ("roman", "IX", "KIẾN NGHỊ")),
    ("X. Phát triển", ("roman", "X", "Phát triển")),
    ("XII. PHỤ LỤC KHÁC", ("roman", "XII", "PHỤ LỤC KHÁC")),
    ("II . Mục tiêu", ("roman", "II", "Mục tiêu")),
    # OCR'd roman numerals (seed 003): l, 1 for I
    ("Il. MUC TIEU", ("roman", "II", "MUC TIEU")),
    ("I11. TO CHUC THUC HIEN", ("roman", "III", "TO CHUC THUC HIEN")),
    ("Vl. KIEN NGHI", ("roman", "VI", "KIEN NGHI")),
    # arabic and dotted
    ("1. Nhận thức về vị trí, vai trò, ý nghĩa của BHYT.", ("arabic", "1", "Nhận thức về vị trí, vai trò, ý nghĩa của BHYT.")),
    ("2. Tổ chức thực hiện các chính sách về BHYT", ("arabic", "2", "Tổ chức thực hiện các chính sách về BHYT")),
    ("10. Đánh giá chung", ("arabic", "10", "Đánh giá chung")),
    ("4.3. Công tác quản lý quỹ", ("arabic", "4.3", "Công tác quản lý quỹ")),
    ("2.1.1. Cấp tỉnh", ("arabic", "2.1.1", "Cấp tỉnh")),
    ("1) Tuyên truyền", ("arabic", "1", "Tuyên truyền")),
    ("3 . Khác", ("arabic", "3", "Khác")),
    ("1.Quán triệt kịp thời", ("arabic", "1", "Quán triệt kịp thời")),
    # letters
    ("a) Đối với cấp tỉnh", ("letter", "a", "Đối với cấp tỉnh")),
    ("đ) Nội dung khác", ("letter", "đ", "Nội dung khác")),
    # parts and blocks
    ("PHẦN I", ("part", "I", "")),
    ("PHẦN I: ĐÁNH GIÁ KẾT QUẢ", ("part", "I", "ĐÁNH GIÁ KẾT QUẢ")),
    ("PHẦN II. NHIỆM VỤ", ("part", "II", "NHIỆM VỤ")),
    ("Phần I: Đánh giá", ("part", "I", "Đánh giá")),
    ("PHẦN 2", ("part", "2", "")),
    ("PHAN |", ("part", "I", "")),  # OCR: "|" for I (seed 003)
    ("PHAN | PANH GIA KET QUA THUC HIEN BHYT NAM 2021", ("part", "I", "PANH GIA KET QUA THUC HIEN BHYT NAM 2021")),
    ("PHAN II PHUONG HUONG", ("part", "II", "PHUONG HUONG")),
    ("BIỂU MẪU", ("block", "", "BIỂU MẪU")),
    ("PHỤ LỤC", ("block", "", "PHỤ LỤC")),
    ("Phụ lục", ("block", "", "PHỤ LỤC")),
    ("PHỤ LỤC II", ("block", "II", "PHỤ LỤC")),
    ("BIEU MAU", ("block", "", "BIỂU MẪU")),
    # negatives: quantities, years, bullets, captions, prose
    ("1.210 người tham gia BHYT", None),
    ("12.345 thẻ", None),
    ("2.043 người", None),
    ("1,5 triệu đồng", None),
    ("93,19% dân số", None),
    ("2021 - 2025", None),
    ("100. Không phải mục", None),
    ("- gạch đầu dòng", None),
    ("+ Cấp huyện", None),
    ("Phụ lục 1: Kết quả thực hiện", None),
    ("Biểu 2: Số liệu", None),
    ("ban hành năm 2019", None),
    ("Ivan đã đến.", None),
    ("Vì vậy, cần phải", None),
    ("Mục tiêu: I. Đạt", None),
    ("Xã, phường", None),
    ("1.1 Khái quát", ("arabic", "1.1", "Khái quát")),
    ("7. chủ nhật, ngày nghỉ, ngày lễ.", None),  # a sentence wrapped after "thứ", its comma read as a dot
    ("2) được hỗ trợ", None),
]


@pytest.mark.parametrize("text, expected", HEADINGS)
def test_heading_of(text, expected):
    assert heading_of(text) == expected


ROMANS = [
    ("I", "I"), ("II", "II"), ("IV", "IV"), ("IX", "IX"), ("XIV", "XIV"), ("L", "L"),
    ("Il", "II"), ("I11", "III"), ("|", "I"), ("l", "I"), ("X1", "XI"), ("V1", "VI"), ("Vl", "VI"),
    ("", None), ("A", None), ("I2", None), ("M", None),
    ("VX", None),
]


@pytest.mark.parametrize("raw, expected", ROMANS)
def test_normalize_roman(raw, expected):
    assert normalize_roman(raw) == expected


FIRST_SENTENCES = [
    ("Tăng cường công tác. Các cơ quan phối hợp.", "Tăng cường công tác"),
    ("Ban hành tại TP. Tuyên Quang. Giao Sở Y tế.", "Ban hành tại TP. Tuyên Quang"),
    ("Tổ chức tại Tp. Hồ Chí Minh. Thành phần gồm", "Tổ chức tại Tp. Hồ Chí Minh"),
    ("Đồng chí Nguyễn V. An chủ trì. Các sở.", "Đồng chí Nguyễn V. An chủ trì"),
    ("Mời ThS. Lê Minh báo cáo. Sau đó thảo luận.", "Mời ThS. Lê Minh báo cáo"),
    ("Theo Q. Chủ tịch. Xong", "Theo Q. Chủ tịch"),
    ("Tỷ lệ đạt 93,19%. Năm 2020 tăng.", "Tỷ lệ đạt 93,19%"),
    ("Kết quả 1.210 người. Sau đó", "Kết quả 1.210 người"),
    ("Nâng cao nhận thức. Đẩy mạnh tuyên truyền.", "Nâng cao nhận thức"),
    ("Quán triệt Chỉ thị số 52-CT/TW. Ủy ban nhân dân tỉnh chỉ đạo.", "Quán triệt Chỉ thị số 52-CT/TW"),
    ("Không có dấu chấm", "Không có dấu chấm"),
    ("Một câu. tiếp theo viết thường", "Một câu. tiếp theo viết thường"),  # a lower-case start is no new sentence
    ("Ví dụ: BHXH, BHYT.", "Ví dụ: BHXH, BHYT."),
]


@pytest.mark.parametrize("text, expected", FIRST_SENTENCES)
def test_first_sentence(text, expected):
    assert first_sentence(text) == expected


# --- sections_from_blocks: ids and levels -------------------------------------------------------------

def block(text: str, page: int = 1) -> Block:
    return Block(text=text, lines=[Line(text=text, page=page)])


def table() -> TableBlock:
    return TableBlock(id="t1", rows=[Line(text="1 Tổng số 131.408", page=1, cells=[Cell("1"), Cell("Tổng số"), Cell("131.408")])])


def ids(*texts: str) -> list[tuple[str, int]]:
    return [(s.id, s.level) for s in sections_from_blocks([block(t) for t in texts])]


ID_CASES = [
    # (block texts, [(id, level)])
    (("III. KẾT QUẢ", "4. Công tác", "4.3. Quỹ BHYT"), [("III", 1), ("III.4", 2), ("III.4.3", 3)]),
    (("BIỂU MẪU", "II. SỐ LIỆU", "2.1. Tỷ lệ bao phủ"), [("BIỂU MẪU", 1), ("BIỂU MẪU.II", 2), ("BIỂU MẪU.II.2.1", 4)]),
    (("PHỤ LỤC", "I. A", "1. B"), [("PHỤ LỤC", 1), ("PHỤ LỤC.I", 2), ("PHỤ LỤC.I.1", 3)]),
    (("PHAN | PANH GIA KET QUA", "I. KET QUA THUC HIEN", "1. Cong tac"), [("PHẦN I", 1), ("PHẦN I.I", 2), ("PHẦN I.I.1", 3)]),
    # a new part clears roman, arabic and letter
    (("I. A", "1. B", "a) C", "PHẦN II. X", "1. D", "a) E"),
     [("I", 1), ("I.1", 2), ("I.1.a", 3), ("PHẦN II", 1), ("PHẦN II.1", 2), ("PHẦN II.1.a", 3)]),
    (("PHẦN I. A", "BIỂU MẪU", "1. B"), [("PHẦN I", 1), ("BIỂU MẪU", 1), ("BIỂU MẪU.1", 2)]),
    # a new roman keeps the part, drops arabic and letter
    (("PHẦN I. A", "I. B", "1. C", "II. D"), [("PHẦN I", 1), ("PHẦN I.I", 2), ("PHẦN I.I.1", 3), ("PHẦN I.II", 2)]),
    (("I. A", "1. B", "II. C", "a) d"), [("I", 1), ("I.1", 2), ("II", 1), ("II.a", 2)]),
    # arabic/dotted replaces any earlier arabic/dotted number
    (("III. A", "4.3. B", "5. C"), [("III", 1), ("III.4.3", 3), ("III.5", 2)]),
    (("2.1. Cấp tỉnh", "2.2. Cấp huyện", "3. Khác"), [("2.1", 2), ("2.2", 2), ("3", 1)]),
    (("II. A", "2.1. B", "2.1.1. C", "2.2. D"), [("II", 1), ("II.2.1", 3), ("II.2.1.1", 4), ("II.2.2", 3)]),
    # letters go under the current arabic number, replacing the previous letter
    (("I. A", "1. B", "a) c", "b) d", "2. E", "a) f"), [("I", 1), ("I.1", 2), ("I.1.a", 3), ("I.1.b", 3), ("I.2", 2), ("I.2.a", 3)]),
    (("II. A", "a) b"), [("II", 1), ("II.a", 2)]),
    (("a) không có cha",), [("a", 1)]),
    # restarts repeat ids
    (("I. A", "1. B", "I. A2", "1. B2"), [("I", 1), ("I.1", 2), ("I", 1), ("I.1", 2)]),
    (("1. Mục đích", "2. Yêu cầu", "1. Mục tiêu chung"), [("1", 1), ("2", 1), ("1", 1)]),
    # OCR roman under an OCR part
    (("PHAN II PHUONG HUONG", "Il. MUC TIEU", "I11. GIAI PHAP"), [("PHẦN II", 1), ("PHẦN II.II", 2), ("PHẦN II.III", 2)]),
]


@pytest.mark.parametrize("texts, expected", ID_CASES)
def test_section_ids_and_levels(texts, expected):
    assert ids(*texts) == expected


def test_only_numbered_blocks_are_sections():
    blocks = [block("Đoạn văn thường."), table(), block("- gạch đầu dòng 1. không"), block("1.210 người tham gia"),
              block("Phụ lục 1: Kết quả"), block("II. NHIỆM VỤ", page=3), block("+ Cấp xã")]
    secs = sections_from_blocks(blocks)
    assert [(s.id, s.number, s.title, s.level, s.page) for s in secs] == [("II", "II", "NHIỆM VỤ", 1, 3)]


TITLES = [
    # (block text, number, title)
    ("1. Mục đích:", "1", "Mục đích"),
    ("2. Nhận thức về BHYT.", "2", "Nhận thức về BHYT"),
    ("3. Quán triệt kịp thời Chỉ thị số 52-CT/TW. Nâng cao nhận thức.", "3", "Quán triệt kịp thời Chỉ thị số 52-CT/TW"),
    ("4. Tổ chức hội nghị tại TP. Tuyên Quang. Thành phần gồm các sở.", "4", "Tổ chức hội nghị tại TP. Tuyên Quang"),
    ("a) Cấp tỉnh:", "a", "Cấp tỉnh"),
    ("II.  MỤC   TIÊU", "II", "MỤC TIÊU"),
    ("BIỂU MẪU", "", "BIỂU MẪU"),
    ("PHỤ LỤC", "", "PHỤ LỤC"),
    ("PHẦN II: PHƯƠNG HƯỚNG, NHIỆM VỤ", "II", "PHƯƠNG HƯỚNG, NHIỆM VỤ"),
]


@pytest.mark.parametrize("text, number, title", TITLES)
def test_section_number_and_title(text, number, title):
    (s,) = sections_from_blocks([block(text)])
    assert (s.number, s.title) == (number, title)


def test_section_keeps_raw_and_page():
    (s,) = sections_from_blocks([block("2. Tổ chức thực hiện các chính sách về BHYT", page=4)])
    assert s.raw == "2. Tổ chức thực hiện các chính sách về BHYT"
    assert s.page == 4 and s.prov.page == 4


def test_part_alone_takes_next_block_as_title():
    secs = sections_from_blocks([block("PHẦN I"), block("ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN"), block("I. KẾT QUẢ")])
    assert [(s.id, s.title) for s in secs] == [("PHẦN I", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN"), ("PHẦN I.I", "KẾT QUẢ")]

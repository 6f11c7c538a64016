"""Signature block (T/M, TM., KT., position, signer) and the Nơi nhận list.

Example tables of zone lines as printed at the end of the seeds (000-004; 003 is OCR with both
columns glued on one line) and invented ones; the last tests go through `text_to_source` and
`build_layout`, which find the zone and split the glued columns.
"""
from __future__ import annotations

import pytest

from extractors.textnorm import fold

from extractors.signature import recipients_from_lines, signature_from_lines
from pipeline.document import Line
from pipeline.layout import build_layout
from pipeline.sources.text import text_to_source


def lines(*texts: str) -> list[Line]:
    return [Line(text=t, page=1) for t in texts]


def sig(*texts: str) -> tuple:
    s = signature_from_lines(lines(*texts))
    return (s.authority, s.deputy, s.position, s.signer)



SIGNATURES = [
    # (zone lines, (authority, deputy, position, signer))
    (("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Ngô Thị Mỹ Lợi"), ("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ", "Ngô Thị Mỹ Lợi")),
    (("**T/M BAN THƯỜNG VỤ**", "**PHÓ BÍ THƯ THƯỜNG TRỰC**", "**Vũ Văn Sơn**"),
     ("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ THƯỜNG TRỰC", "Vũ Văn Sơn")),
    (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "*Nguyễn Xuân Hùng*", "Nguyễn Xuân Hùng"),
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Xuân Hùng")),
    (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "Hà Trung Chiến"),
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hà Trung Chiến")),
    (("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "Lò Thị Mai"),
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC", "Lò Thị Mai")),
    # OCR without diacritics (seed 003, after the layout split the glued columns)
    # (a position takes the diacritics of the one vocabulary title with its letters; raw stays in evidence)
    # (and so does the authority's body, as the one vocabulary body with its letters)
    (("TM. UY BAN NHAN DAN", "KT CHfJ TICH", "CHU TICH", "Pham Thi Nhi Binh"),
     ("TM. ỦY BAN NHÂN DÂN", "KT CHfJ TICH", "CHỦ TỊCH", "Pham Thi Nhi Binh")),
    (("TM. UY BAN NHAN DAN", "KT. CHU TICH", "PHO CHU TICH", "Pham Thi Nhi Binh"),
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Pham Thi Nhi Binh")),
    # a scan: a wrong diacritic in the body; a place after the body stays as read
    (("T/M BAN THƯƠNG VỤ", "PHÓ BÍ THƯ", "Vũ Văn Sơn"), ("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ", "Vũ Văn Sơn")),
    (("TM. ỦY BAN NHAN DAN HUYEN LAC AN", "CHỦ TỊCH", "Trần Bình"),
     ("TM. ỦY BAN NHÂN DÂN HUYEN LAC AN", None, "CHỦ TỊCH", "Trần Bình")),
    # a scan: a wrong diacritic, a speck after a label
    (("T/M BAN THƯỜNG VỤ.", "PHÓ BÍ THƯ THƯỜNG TRỤC", "Vũ Văn Sơn"),
     ("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ THƯỜNG TRỰC", "Vũ Văn Sơn")),
    # a letter misread as well: the one title clearly nearest
    (("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRUUC", "Vũ Văn Sơn"),
     ("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ THƯỜNG TRỰC", "Vũ Văn Sơn")),
    # letters shared by two titles (THỨ TRƯỞNG, THỦ TRƯỞNG): left as read
    (("KT. BỘ TRƯỞNG", "THU TRUONG", "Lê Văn An"), (None, "KT. BỘ TRƯỞNG", "THU TRUONG", "Lê Văn An")),
    # every authority prefix
    (("TM BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn Tám"), ("TM BAN THƯỜNG VỤ", None, "BÍ THƯ", "Nguyễn Văn Tám")),
    (("T.M BAN CHẤP HÀNH", "BÍ THƯ", "Lò Văn Pâng"), ("T.M BAN CHẤP HÀNH", None, "BÍ THƯ", "Lò Văn Pâng")),
    (("Q. CHỦ TỊCH", "Hoàng Minh"), ("Q. CHỦ TỊCH", None, None, "Hoàng Minh")),
    (("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Đinh Công Lý"), ("TL. CHỦ TỊCH", None, "CHÁNH VĂN PHÒNG", "Đinh Công Lý")),
    (("TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG Y TẾ", "Mai Anh"), ("TUQ. CHỦ TỊCH", None, "TRƯỞNG PHÒNG Y TẾ", "Mai Anh")),
    (("tm. ủy ban nhân dân", "CHỦ TỊCH", "Trần Bình"), ("tm. ủy ban nhân dân", None, "CHỦ TỊCH", "Trần Bình")),
    # a scan: specks before the authority and the space after "TM." lost
    (("_—TM.ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Bình"),
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Bình")),
    # no authority: a head signing for the body, or a deputy only
    (("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Bình"), (None, "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Bình")),
    (("GIÁM ĐỐC", "Lê Thị Hoa"), (None, None, "GIÁM ĐỐC", "Lê Thị Hoa")),
    # "(Đã ký)" and a seal line are neither position nor name
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Đã ký)", "Nguyễn Văn Bảy"), ("TM. ỦY BAN NHÂN DÂN", None, "CHỦ TỊCH", "Nguyễn Văn Bảy")),
    (("TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Thị Thu Hà"), ("TM. HỘI ĐỒNG NHÂN DÂN", None, "CHỦ TỊCH", "Nguyễn Thị Thu Hà")),
    (("TM. UBND HUYỆN LẠC AN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phan Văn Đa"),
     ("TM. UBND HUYỆN LẠC AN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phan Văn Đa")),
    # a name printed twice (italic signature image caption, then the name) is one signer
    (("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Ngô Thị Mỹ Lợi", "Ngô Thị Mỹ Lợi"), ("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ", "Ngô Thị Mỹ Lợi")),
    # a name written without capitals is not taken for a name
    (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "nguyễn văn bảy"), ("TM. ỦY BAN NHÂN DÂN", None, "CHỦ TỊCH", None)),
    ((), (None, None, None, None)),
]


@pytest.mark.parametrize("texts, expected", SIGNATURES)
def test_signature_from_lines(texts, expected):
    assert sig(*texts) == expected


def test_signature_evidence():
    s = signature_from_lines([Line(text="**T/M BAN THƯỜNG VỤ**", page=7), Line(text="PHÓ BÍ THƯ", page=7),
                              Line(text="Ngô Thị Mỹ Lợi", page=8)])
    assert s.evidence["authority"].raw == "**T/M BAN THƯỜNG VỤ**"
    assert (s.evidence["authority"].page, s.evidence["signer"].page) == (7, 8)


RECIPIENTS = [
    # (zone lines, recipients)
    (("Nơi nhận:", "- Tỉnh ủy Lâm Đồng (b/c),", "- Ban Tuyên giáo Tỉnh ủy (b/c),", "- Lưu VP, BTG."),
     ["Tỉnh ủy Lâm Đồng (b/c)", "Ban Tuyên giáo Tỉnh ủy (b/c)", "Lưu VP, BTG."]),
    # the label's trailing junk (an initials stamp) is ignored
    (("Nơi nhận: *SLP*", "- UBND tỉnh;", "- Thường trực Thành ủy", "- Thường trực HĐND thành phố (Báo cáo);", "- Lưu: VT."),
     ["UBND tỉnh", "Thường trực Thành ủy", "Thường trực HĐND thành phố (Báo cáo)", "Lưu: VT."]),
    (("Nơi nhận: SLP", "- Sở Y tế;"), ["Sở Y tế"]),
    (("### Nơi nhận:", "- Bộ Y tế;"), ["Bộ Y tế"]),
    (("**Nơi nhận:**", "- Bộ Y tế;", "- Lưu: VT, KGVX, Lê Anh."), ["Bộ Y tế", "Lưu: VT, KGVX, Lê Anh."]),
    (("NƠI NHẬN:", "- Như trên,"), ["Như trên"]),
    (("Nơi nhận", "- Sở Y tế ;"), ["Sở Y tế"]),
    # OCR (seed 003): "Noi nhgn:4", no space after the dash, a continuation line
    (("Noi nhgn:4", "- Uy ban nhén dén tinh (Bao cdo);", "-So Y te;", "- Thanh vién BCD phat trién dbi twong tham gia",
      "BHXH, BHYT, BHTN giai doan 2019 - 2025.", "- Luu: VT, YT, BHXH ( b)."),
     ["Uy ban nhén dén tinh (Bao cdo)", "So Y te",
      "Thanh vién BCD phat trién dbi twong tham gia BHXH, BHYT, BHTN giai doan 2019 - 2025.", "Luu: VT, YT, BHXH ( b)."]),
    # continuation lines joined with one space
    (("Nơi nhận:", "- Thường trực HĐND, UBND", "huyện (b/c);", "- Lưu VT."), ["Thường trực HĐND, UBND huyện (b/c)", "Lưu VT."]),
    (("Nơi nhận:", "- Các Ban Xây dựng Đảng, Trung tâm Chính trị,", "  Văn phòng Thành ủy,", "- MTTQ và các đoàn thể CT -XH (t/h),"),
     ["Các Ban Xây dựng Đảng, Trung tâm Chính trị, Văn phòng Thành ủy", "MTTQ và các đoàn thể CT -XH (t/h)"]),
    # other bullets; trailing ",;" removed, other punctuation kept
    (("Nơi nhận:", "+ Sở Y tế;", "• Sở Tài chính,", "– Lưu VT;"), ["Sở Y tế", "Sở Tài chính", "Lưu VT"]),
    (("Nơi nhận:", "- Như trên;", "- Các phòng, ban, cơ quan thành phố,", "- Ủy ban nhân dân các xã, phường (Thực hiện);"),
     ["Như trên", "Các phòng, ban, cơ quan thành phố", "Ủy ban nhân dân các xã, phường (Thực hiện)"]),
    (("Nơi nhận:", "- Sở Y tế;,"), ["Sở Y tế"]),
    (("Nơi nhận:", "-  Sở   Y  tế ;"), ["Sở Y tế"]),
    # an item on the label's own line
    (("Noi nhan: - So Y te;", "- Luu VT."), ["So Y te", "Luu VT."]),
    (("Nơi nhận: - Sở Y tế;", "- Lưu VT."), ["Sở Y tế", "Lưu VT."]),
    (("Nơi nhận:", "- Trung tâm Y tế huyện;", "UBND các xã, thị trấn;", "- Lưu VT."),
         ["Trung tâm Y tế huyện", "UBND các xã, thị trấn", "Lưu VT."]),
    # nothing to list
    (("Nơi nhận:",), []),
    (("Nơi nhận:", "-"), []),
    (("- Sở Y tế;",), ["Sở Y tế"]),
    ((), []),
]


@pytest.mark.parametrize("texts, expected", RECIPIENTS)
def test_recipients_from_lines(texts, expected):
    assert recipients_from_lines(lines(*texts)) == expected


# --- through text_to_source + build_layout: the zone found and split ------------------------------------

def zone(text: str):
    layout = build_layout(text_to_source(text.encode("utf-8"), "t.txt"))
    s = signature_from_lines(layout.signature_lines)
    return (s.authority, s.deputy, s.position, s.signer), recipients_from_lines(layout.recipient_lines), layout


SEED_003_END = """KE HOACH

Thuc hien chi tieu bao phu

Trén day 1a K& hoach thuc hién chi tiéu bao pha BHYT giai doan 2022 -
2025 trén dia ban huyén Son Duong. Yéu cau Thu truéng cac co quan, don vi
nghiém tac trién khai thuc hién./ W

Noi nhgn:4 TM. UY BAN NHAN DAN
- Uy ban nhén dén tinh (Bao cdo); KT CHfJ TICH
-So Y te;

CHU TICH

- B4o hiém x4 hoi tinh;

- Thanh vién BCD phat trién dbi twong tham gia
BHXH, BHYT, BHTN giai doan 2019 - 2025.

- Trung tAm Y té huyén;

“ UBND céic xa. thi trin: ’ Pham Thi Nhi Binh

- Luu: VT, YT, BHXH ( b).
"""


def test_ocr_glued_columns_seed_003():
    """The zone is split the same whether or not the source restored the lost diacritics: compare
    folded keys (restoration quality is tests/test_restore.py's business)."""
    signature, recipients, layout = zone(SEED_003_END)
    assert tuple(fold(x) for x in signature) == ("tm. uy ban nhan dan", "kt chfj tich", "chu tich", "pham thi nhi binh")
    starts = ["uy ban nhan dan tinh (", "so y te", "b", "thanh vien bcd phat trien"]
    assert all(fold(r).startswith(p) for r, p in zip(recipients[:4], starts)), recipients[:4]
    # the wrapped item is one item, ending where the print ends
    assert fold(recipients[3]).endswith("bhxh, bhyt, bhtn giai doan 2019 - 2025.")
    # the signer's name was cut out of the glued line "“ UBND céic xa. thi trin: ’ Pham Thi Nhi Binh"
    assert not any("pham" in fold(r) for r in recipients)
    assert fold(recipients[-1]) == "luu: vt, yt, bhxh ( b)."
    # the closing paragraph stays body, the zone does not
    assert [fold(b.text)[:11] for b in layout.body] == ["tren day la"]


SEED_000_END = """**BÁO CÁO**

**Tổng kết**

Trên đây là Báo cáo tổng kết trên địa bàn thành phố Đà Lạt.

### Nơi nhận:

- Tỉnh ủy Lâm Đồng (b/c),
- Ban Tuyên giáo Tỉnh ủy (b/c),
- Các Ban Xây dựng Đảng, Trung tâm Chính trị, Văn phòng Thành ủy,
- Lưu VP, BTG.

**T/M BAN THƯỜNG VỤ  
PHÓ BÍ THƯ**



Ngô Thị Mỹ Lợi
"""


def test_text_seed_000_zone():
    signature, recipients, _ = zone(SEED_000_END)
    assert signature == ("T/M BAN THƯỜNG VỤ", None, "PHÓ BÍ THƯ", "Ngô Thị Mỹ Lợi")
    assert recipients == ["Tỉnh ủy Lâm Đồng (b/c)", "Ban Tuyên giáo Tỉnh ủy (b/c)",
                          "Các Ban Xây dựng Đảng, Trung tâm Chính trị, Văn phòng Thành ủy", "Lưu VP, BTG."]


INVENTED_END = """KẾ HOẠCH

Phát triển người tham gia BHYT

Đề nghị các cơ quan, đơn vị liên quan triển khai thực hiện./.

Nơi nhận: *NTL*

- Sở Y tế tỉnh Nam Sơn;
- Thường trực Huyện ủy Lạc An (b/c);
- Ủy ban nhân dân các xã, thị trấn
(thực hiện);
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN  
KT. CHỦ TỊCH  
PHÓ CHỦ TỊCH

*Đặng Thị Ngọc Lan*  
Đặng Thị Ngọc Lan
"""


def test_text_invented_zone():
    signature, recipients, _ = zone(INVENTED_END)
    assert signature == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Đặng Thị Ngọc Lan")
    assert recipients == ["Sở Y tế tỉnh Nam Sơn", "Thường trực Huyện ủy Lạc An (b/c)",
                          "Ủy ban nhân dân các xã, thị trấn (thực hiện)", "Lưu: VT."]


def test_ocr_zone_with_interleaved_columns():
    """Lines of a scanned page sorted by height: the Nơi nhận items (left) and the signature block
    (right) interleave; an item cut at its line end ("…(để báo" / "cáo),") goes on under its item,
    not under the signature line between them; an OCR'd doubled bullet is one bullet."""
    from pipeline.document import DocState, Page, SourceDoc
    from pipeline.layout import build_layout

    left, right = (85, 300), (330, 520)
    rows = [("Nơi nhận:", left), ("T/M BAN CHẤP HÀNH", right), ("- Ban Bí thư Trung ương (để báo", left),
            ("PHÓ BÍ THƯ THƯỜNG TRỰC", right), ("cáo),", left), ("- - Các sở, ngành, đoàn thể,", left),
            ("- Các huyện ủy, Đảng ủy trực", left), ("thuộc,", left), ("Trần Văn Bình", right), ("- Lưu VP.", left)]
    body = [Line(text="Trên đây là báo cáo tổng kết của Ban Chấp hành.", page=1, box=(85, 100, 520, 112), size=13)]
    zone = [Line(text=t, page=1, box=(x0, 500 + 14 * i, x1, 511 + 14 * i), size=12) for i, (t, (x0, x1)) in enumerate(rows)]
    src = SourceDoc(file="scan.pdf", sha256="0", media_type="application/pdf",
                    pages=[Page(number=1, lines=body + zone, mode="ocr")])
    layout = build_layout(src)
    rec = recipients_from_lines(layout.recipient_lines)
    assert rec == ["Ban Bí thư Trung ương (để báo cáo)", "Các sở, ngành, đoàn thể", "Các huyện ủy, Đảng ủy trực thuộc",
                   "Lưu VP."]
    s = signature_from_lines(layout.signature_lines)
    assert (s.authority, s.position, s.signer) == ("T/M BAN CHẤP HÀNH", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Trần Văn Bình")


@pytest.mark.parametrize("text, item", [
    ("_- UBND tỉnh;", "UBND tỉnh"),  # a speck before the dash
    ("“ Thường trực Tỉnh ủy;", "Thường trực Tỉnh ủy"),  # an OCR's quote for the dash
    ("- - Thường trực Thành ủy;", "Thường trực Thành ủy"),  # a doubled dash
    ("~ Lưu: VT.", "Lưu: VT."),
])
def test_recipient_items_with_ocr_bullets(text, item):
    assert recipients_from_lines(lines("Nơi nhận:", text)) == [item]


def test_ocr_zone_without_the_signature_flourish():
    """Ink of the drawn signature read as tiny lines ("Ở", "Mỹ Í", 3 pt tall) is in neither list;
    the filing item keeps going after it, without the speck after it (" -")."""
    from pipeline.document import DocState, Page, SourceDoc
    from pipeline.layout import build_layout

    rows = [("Nơi nhận:", (85, 300, 12), 92.0), ("T/M BAN THƯỜNG VỤ", (330, 520, 12), 93.0),
            ("- Tỉnh ủy (b/c),", (85, 250, 12), 92.0), ("PHÓ BÍ THƯ", (370, 470, 12), 94.0),
            ("- Các TCCS Đảng trực thuộc (t/h),", (85, 260, 12), 93.0), ("Ở", (390, 395, 3), 75.0),
            ("Mỹ Í", (444, 475, 3), 88.5), ("- Lưu VP, BTG. -", (85, 170, 10), 92.0),
            ("Trần Thị Mai", (370, 460, 12), 95.0)]
    body = [Line(text="Trên đây là báo cáo của Ban Thường vụ.", page=1, box=(85, 100, 520, 112), size=13)]
    zone = [Line(text=t, page=1, box=(x0, 500 + 14 * i, x1, 500 + 14 * i + h), size=h, confidence=c)
            for i, (t, (x0, x1, h), c) in enumerate(rows)]
    src = SourceDoc(file="scan.pdf", sha256="0", media_type="application/pdf",
                    pages=[Page(number=1, lines=body + zone, mode="ocr")])
    layout = build_layout(src)
    assert recipients_from_lines(layout.recipient_lines) == ["Tỉnh ủy (b/c)", "Các TCCS Đảng trực thuộc (t/h)",
                                                             "Lưu VP, BTG."]
    assert signature_from_lines(layout.signature_lines).signer == "Trần Thị Mai"


def test_recipient_items_without_ocr_specks():
    got = recipients_from_lines(lines("Nơi nhận:", "- Bộ Y tế; \\..", "- Chủ tịch UBND thành phố ~", "~", "- Lưu: VT.", ": :"))
    assert got == ["Bộ Y tế", "Chủ tịch UBND thành phố", "Lưu: VT."]


def test_ocr_zone_with_signature_strokes_a_repeated_name_and_a_lost_dash():
    """A scanned signature zone: strokes of the drawn signature read as "2", the signer's name read
    twice (from the drawn signature, then printed), an item whose dash the OCR lost after a short
    line, and an item cut at its line end that goes on under the repeated name."""
    from pipeline.document import DocState, Page, SourceDoc
    from pipeline.layout import build_layout

    left, right, short = (85, 300), (330, 520), (85, 220)
    rows = [("Nơi nhận:", left), ("TM. ỦY BAN NHÂN DÂN", right), ("- UBND tỉnh;", short), ("KT. CHỦ TỊCH", right),
            ("- Sở Y tế tỉnh", short), ("PHÓ CHỦ TỊCH", right), ("- Chủ tịch UBND huyện", short), ("2", (400, 410)),
            ("- Các PCT UBND huyện", short), ("Trần Văn Bính", right), ("Ủy ban MTTQ và các tổ chức", left),
            ("huyện (P/hợp)", short), ("2", (420, 430)), ("- Ủy ban nhân dân các xã, thị trấn (Thực", left),
            ("Trần Văn Bình", right), ("hiện);", short), ("Lưu: VT, P.VX.", short)]
    body = [Line(text="Trên đây là kế hoạch của Ủy ban nhân dân huyện.", page=1, box=(85, 100, 520, 112), size=13)]
    zone = [Line(text=t, page=1, box=(x0, 500 + 14 * i, x1, 511 + 14 * i), size=12,
                 confidence=96.0 if t == "Trần Văn Bình" else 90.0) for i, (t, (x0, x1)) in enumerate(rows)]
    src = SourceDoc(file="scan.pdf", sha256="0", media_type="application/pdf",
                    pages=[Page(number=1, lines=body + zone, mode="ocr")])
    layout = build_layout(src)
    assert recipients_from_lines(layout.recipient_lines) == [
        "UBND tỉnh", "Sở Y tế tỉnh", "Chủ tịch UBND huyện", "Các PCT UBND huyện",
        "Ủy ban MTTQ và các tổ chức huyện (P/hợp)", "Ủy ban nhân dân các xã, thị trấn (Thực hiện)",
        "Lưu: VT, P.VX."]  # the filing item, its dash lost
    s = signature_from_lines(layout.signature_lines)
    assert (s.authority, s.deputy, s.position, s.signer) == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                             "Trần Văn Bình")  # the surer of the two readings

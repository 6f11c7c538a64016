"""caption_for: the title just above a table, with the lines between them that are not captions."""
from __future__ import annotations

import pytest

from extractors.tables import caption_for
from pipeline.document import Block, Cell, Line, TableBlock


def block(text: str, bold: bool = False) -> Block:
    return Block(text=text, lines=[Line(text=text, page=1)], bold=bold)


TABLE = TableBlock(id="t1", rows=[Line(text="1 Xã A 10", page=1, cells=[Cell("1"), Cell("Xã A"), Cell("10")])])


@pytest.mark.parametrize("above, expected", [
    # the bold title right above
    ([block("BIỂU CHỈ TIÊU GIAO CHO CÁC XÃ", bold=True)], "BIỂU CHỈ TIÊU GIAO CHO CÁC XÃ"),
    # "(Kèm theo …)" between title and table is skipped
    ([block("BIỂU CHỈ TIÊU", bold=True), block("(Kèm theo Kế hoạch số 12/KH-UBND)")], "BIỂU CHỈ TIÊU"),
    # a rule under the title read by OCR as punctuation is skipped, not taken as the caption
    ([block("BIỂU CHỈ TIÊU", bold=True), block(":"), block("(Kèm theo Kế hoạch số 12/KH-UBND)")], "BIỂU CHỈ TIÊU"),
    ([block("BIỂU CHỈ TIÊU", bold=True), block("—")], "BIỂU CHỈ TIÊU"),
    # a caption-like line ending in ":"
    ([block("Kết quả cụ thể như sau:")], "Kết quả cụ thể như sau:"),
    # ordinary prose above: no caption
    ([block("Các xã đã thực hiện tốt công tác tuyên truyền trong năm qua và đạt kết quả tốt")], None),
    ([], None),
])
def test_caption_for(above, expected):
    got = caption_for(above + [TABLE], len(above))
    assert (got.text if got else None) == expected

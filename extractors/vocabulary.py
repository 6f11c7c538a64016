"""The domain's vocabulary: document kinds, header words, heading keywords, agencies, roles.

Every extractor spells its keywords from here, and matches them through `extractors.keywords`
(diacritic-folded keys, rapidfuzz for OCR damage), never with its own variants.
"""
from __future__ import annotations

# Document kinds as cited in prose ("Công văn số …"), canonical title case. Longest first matters
# for matching ("Chương trình hành động" before "Chương trình").
REFERENCE_KINDS: tuple[str, ...] = (
    "Chương trình hành động",
    "Chương trình",
    "Công văn",
    "Kế hoạch",
    "Quyết định",
    "Nghị quyết",
    "Nghị định",
    "Chỉ thị",
    "Thông báo",
    "Thông tư liên tịch",
    "Thông tư",
    "Kết luận",
    "Luật",
    "Báo cáo",
    "Đề án",
    "Hướng dẫn",
    "Tờ trình",
    "Quy định",
    "Quy chế",
    "Pháp lệnh",
    "Hiến pháp",
)

# Document types as printed (upper case) under the header.
DOC_TYPES: tuple[str, ...] = (
    "BÁO CÁO",
    "KẾ HOẠCH",
    "QUYẾT ĐỊNH",
    "CÔNG VĂN",
    "CHỈ THỊ",
    "NGHỊ QUYẾT",
    "THÔNG BÁO",
    "CHƯƠNG TRÌNH HÀNH ĐỘNG",
    "CHƯƠNG TRÌNH",
    "TỜ TRÌNH",
    "HƯỚNG DẪN",
    "KẾT LUẬN",
    "ĐỀ ÁN",
    "QUY CHẾ",
    "QUY ĐỊNH",
    "BIÊN BẢN",
    "ĐỀ CƯƠNG",
)

# National mottos: the right column of the header, never the issuer.
MOTTO_LINES: tuple[str, ...] = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
)

# The "number" label of the header: "Số:", OCR'd "Sb:", "S6:".
NUMBER_LABEL = "Số"

# Annex and part blocks that head a group of sections.
PART_WORDS: tuple[str, ...] = ("PHẦN", "PHỤ LỤC", "BIỂU MẪU", "ĐỀ CƯƠNG")

# Table captions that are not sections ("Phụ lục 1:", "Biểu 2").
CAPTION_WORDS: tuple[str, ...] = ("Phụ lục", "Biểu mẫu", "Biểu", "Bảng", "Mẫu")

# Section headings that open the assignment part of a plan.
ORGANIZE_HEADINGS: tuple[str, ...] = ("TỔ CHỨC THỰC HIỆN",)

# Signature block.
AUTHORITY_PREFIXES: tuple[str, ...] = ("T/M", "TM.", "TM", "Q.", "TL.", "TUQ.", "T.M")
DEPUTY_PREFIXES: tuple[str, ...] = ("KT.", "KT")
POSITIONS: tuple[str, ...] = (
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "BÍ THƯ",
    "PHÓ BÍ THƯ",
    "PHÓ BÍ THƯ THƯỜNG TRỰC",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "THỦ TRƯỞNG",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "CHÁNH THANH TRA",
    "TỔNG GIÁM ĐỐC",
)
RECIPIENTS_LABEL = "Nơi nhận"

# Words that start an agency name: used to split lists of agencies and to find them.
AGENCY_HEADS: tuple[str, ...] = (
    "Phòng", "Sở", "Ban", "Ủy ban", "Uỷ ban", "UBND", "Bảo hiểm xã hội", "BHXH", "Trung tâm", "Đài",
    "Chi cục", "Cục", "Liên đoàn", "Hội", "Đoàn", "Trạm", "Báo", "Bưu điện", "Bệnh viện", "Thanh tra",
    "Công an", "Văn phòng", "Viện", "Trường", "Tỉnh ủy", "Huyện ủy", "Thành ủy", "Đảng ủy", "Mặt trận",
    "MTTQ", "Kho bạc", "Ngân hàng", "Cơ quan", "Bộ", "Tổng cục", "Hội đồng", "HĐND", "Các",
)

# Assignment role words.
LEAD_WORDS: tuple[str, ...] = ("chủ trì",)
COORDINATE_WORDS: tuple[str, ...] = ("phối hợp",)
RESPONSIBLE_WORDS: tuple[str, ...] = ("có trách nhiệm", "chịu trách nhiệm")
LEAD_LABELS: tuple[str, ...] = ("Đơn vị chủ trì", "Cơ quan chủ trì", "Chủ trì")
COORDINATE_LABELS: tuple[str, ...] = (
    "Đơn vị phối hợp thực hiện", "Đơn vị phối hợp", "Cơ quan phối hợp", "Phối hợp",
)
ASSIGN_VERBS: tuple[str, ...] = ("Giao cho", "Giao", "Đề nghị")

# Words that turn a statistic into a target.
TARGET_WORDS: tuple[str, ...] = (
    "mục tiêu", "chỉ tiêu", "kế hoạch", "phấn đấu", "giao chỉ tiêu", "dự kiến", "định hướng",
)
ACTUAL_WORDS: tuple[str, ...] = ("kết quả", "thực hiện", "thực tế", "đã đạt", "ước thực hiện")

# Row labels and stub headers that name localities (their rows are places, not indicators).
LOCALITY_WORDS: tuple[str, ...] = (
    "Xã", "Phường", "Thị trấn", "Huyện", "Quận", "Thị xã", "Thành phố", "Tỉnh", "TP.", "Đơn vị",
    "Địa phương", "Xã, phường", "Phường, xã", "Xã, thị trấn", "Tên đơn vị",
)
TOTAL_WORDS: tuple[str, ...] = ("Cộng", "Tổng cộng", "Tổng số", "Toàn huyện", "Toàn tỉnh", "Tổng", "Toàn thành phố")

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

# --- Assignments (extractors/assignments.py) ---------------------------------------------------

# Document types that are plans: only they assign work.
PLAN_DOC_TYPES: tuple[str, ...] = (
    "KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "PHƯƠNG ÁN",
)

# More headings that open the assignment part of a plan (beside ORGANIZE_HEADINGS).
ORGANIZE_HEADINGS_MORE: tuple[str, ...] = (
    "TỔ CHỨC THỰC HIỆN VÀ PHÂN CÔNG NHIỆM VỤ", "PHÂN CÔNG NHIỆM VỤ", "PHÂN CÔNG TRÁCH NHIỆM",
    "TRÁCH NHIỆM THỰC HIỆN", "TRÁCH NHIỆM TỔ CHỨC THỰC HIỆN",
)
# Words that may follow the organize heading ("TỔ CHỨC THỰC HIỆN KẾ HOẠCH").
ORGANIZE_HEADING_TAILS: tuple[str, ...] = ("kế hoạch", "kế hoạch này", "chương trình", "đề án")

# Nouns after "các" that make a collective agency ("các sở, ngành", "các cơ quan, đơn vị").
COLLECTIVE_AGENCY_NOUNS: tuple[str, ...] = (
    "cơ quan", "đơn vị", "sở", "ban", "ngành", "phòng", "huyện", "thành phố", "thị xã", "xã",
    "phường", "thị trấn", "tổ chức", "đoàn thể", "hội", "địa phương", "cấp ủy", "cấp", "doanh nghiệp",
    "trường", "cơ sở", "trạm", "trung tâm", "bệnh viện", "ủy ban", "UBND", "chi bộ", "đảng ủy",
    "huyện ủy", "thành ủy", "thành viên", "bộ", "tỉnh", "đồng chí",
)
# Capitalised phrases that start with an agency head word but name no agency.
NON_AGENCY_STARTS: tuple[str, ...] = (
    "Báo cáo", "Hội nghị", "Hội thảo", "Hội thi", "Ban hành", "Đoàn kết", "Trường hợp", "Bộ phận",
    "Cục bộ", "Sở dĩ", "Phòng chống", "Phòng, chống", "Phòng ngừa", "Trung tâm hóa",
)
# Words that open a task after the agency of a sentence ("Sở Y tế tổ chức …"); lower case only.
TASK_VERBS: tuple[str, ...] = (
    "tiến hành", "đẩy mạnh", "tổ chức", "xây dựng", "tổng hợp", "thực hiện", "triển khai",
    "tham mưu", "chỉ đạo", "hướng dẫn", "theo dõi", "đôn đốc", "kiểm tra", "giám sát", "rà soát",
    "báo cáo", "định kỳ", "căn cứ", "chủ động", "tăng cường", "tập trung", "nghiên cứu", "ban hành",
    "bố trí", "đảm bảo", "bảo đảm", "thường xuyên", "khẩn trương", "hằng năm", "hàng năm",
    "hằng quý", "hàng quý", "hằng tháng", "hàng tháng", "vận động", "phổ biến", "cung cấp",
    "đề xuất", "nâng cao", "quán triệt", "duy trì", "phát huy", "cập nhật", "kịp thời", "trình",
    "gửi", "lập", "tiếp tục", "phấn đấu",
)
# Words before a task verb that make it a noun ("các tổ chức").
NOUN_DETERMINERS: tuple[str, ...] = ("các", "những", "mọi", "một số")
# Phrases that end the subject of a sentence inclusive ("… có liên quan định kỳ …").
AGENCY_LIST_ENDS: tuple[str, ...] = ("liên quan",)
# "Giao cho X …" and the phrases that make X responsible directly.
ASSIGN_TO: tuple[str, ...] = ("giao cho",)
ASSIGN_RESPONSIBLE: tuple[str, ...] = (
    "giao trách nhiệm cho", "giao nhiệm vụ cho", "giao trách nhiệm", "giao nhiệm vụ",
)
# The prefix of a request ("Đề nghị Ủy ban MTTQ …") and the tail of a coordinator ("… phối hợp thực hiện").
REQUEST_WORDS: tuple[str, ...] = ("đề nghị",)
COORDINATE_TAILS: tuple[str, ...] = ("phối hợp thực hiện", "phối hợp")
# Openers of a leading clause before the subject ("Căn cứ vào Kế hoạch …, các huyện …").
CLAUSE_OPENERS: tuple[str, ...] = ("căn cứ", "trên cơ sở", "để", "nhằm")
# Openers of the closing paragraph of a plan ("Trên đây là kế hoạch …").
CLOSING_OPENERS: tuple[str, ...] = ("trên đây",)
# Requests that open a closing directive to other bodies ("đề nghị các cấp ủy …", "yêu cầu …").
CLOSING_REQUESTS: tuple[str, ...] = ("đề nghị", "yêu cầu")

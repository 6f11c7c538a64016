"""Build the diacritic restorer's model, extractors/data/restorer.json.gz, from real Vietnamese.

    .venv/bin/python tools/build_restorer.py [--wheel underthesea-9.5.0-py3-none-any.whl]
                                             [--hunspell /usr/share/hunspell/vi_VN.dic] [-o PATH]

Sources (read at build time only; the runtime needs nothing but the shipped model):
- underthesea's wheel (PyPI; downloaded with `pip download --no-deps underthesea==9.5.0` when no
  --wheel is given): the tagged VLSP2013 test set (clean sentences, one token a line, multi-syllable
  words with spaces), the Viet11K/22K/39K/74K word lists (nested by frequency tiers) and the
  administrative-units gazetteer (provinces, districts, communes, old and new);
- Debian's hunspell-vi (`apt-get install hunspell-vi`), a list of syllables;
- the project's vocabulary of agencies and terms (extractors/vocabulary.py).

90% of the VLSP sentences train the model; 10% (a hash of the sentence picks them, see
`is_heldout`) are held out for benchmarks/restore_accuracy.py. The seeds and samples/ are never read.

The model: the valid syllables (canonical tone placement, lower case), unigram counts, syllable
bigram counts (VLSP sentences; the words of the word lists and vocabulary: "bảo hiểm" gives
(bảo, hiểm)), place-name bigrams from the gazetteer (a separate table the runtime weighs high before
a capitalized token), the candidates of each folded key, abbreviations whose Đ ASCII loses, and the
vocabulary's and glossary's phrases of three tokens or more (the runtime favours their readings where
the folded text matches one).
The output is deterministic (sorted, gzip mtime 0): the same inputs give the same bytes.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.restore import MODEL_PATH, canonical, fold, nfc  # noqa: E402

UNDERTHESEA = "underthesea==9.5.0"
VENV_WHEELS = Path(__file__).resolve().parent.parent / ".venv" / "wheels"
VLSP_MEMBER = "underthesea/pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt"
WORDLIST_MEMBERS = {  # tier weight: a word of the 11K list is commoner than one only in the 74K
    "underthesea/corpus/data/Viet11K.txt": 1.0,
    "underthesea/corpus/data/Viet22K.txt": 0.6,
    "underthesea/corpus/data/Viet39K.txt": 0.4,
    "underthesea/corpus/data/Viet74K.txt": 0.3,
}
GAZETTEER_MEMBER = "underthesea/address/data/mapping.json"
# underthesea's CRF models (trained on VLSP2013's training part): the bigram features they kept
# name syllable pairs seen in real sentences (no counts: each is a pseudo-count).
CRF_MEMBERS = (
    "underthesea/pipeline/word_tokenize/models/ws_crf_vlsp2013_20230727/models.bin",
    "underthesea/pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/models.bin",
)
HUNSPELL_DIC = Path("/usr/share/hunspell/vi_VN.dic")

# Special LM tokens.
BOS, NUM, UNK, ROMAN = "<s>", "<num>", "<unk>", "<roman>"
PUNCT_TOKENS = tuple(".,;:!?()[]\"'-/…%“”‘’&+*=")

# Weights of the pseudo-counts each source adds.
W_VOCAB_BIGRAM = 4.0
W_VOCAB_UNIGRAM = 1.0
W_WORD_UNIGRAM = 0.2
W_HUNSPELL_UNIGRAM = 0.05
W_GAZ_UNIGRAM = 0.1
W_CRF_BIGRAM = 1.0

# The domain's terms (health insurance, social insurance, local administration, reporting): a
# glossary written for this tool from the terms of the laws on health insurance and the usual
# wording of government reports and plans, not from any sample; phrases, weighed like the vocabulary.
DOMAIN_PHRASES = (
    # health insurance
    "bảo hiểm y tế", "bảo hiểm xã hội", "bảo hiểm thất nghiệp", "bảo hiểm tự nguyện",
    "bảo hiểm bắt buộc", "bảo hiểm xã hội tự nguyện", "thẻ bảo hiểm y tế", "thẻ BHYT", "cấp thẻ",
    "cấp thẻ BHYT", "in thẻ", "phát thẻ", "thẻ khám bệnh", "thẻ còn giá trị", "giá trị sử dụng của thẻ",
    "quỹ bảo hiểm y tế", "quỹ BHYT", "quỹ khám bệnh, chữa bệnh", "sử dụng quỹ", "bội chi quỹ",
    "cân đối quỹ", "mức đóng", "mức đóng bảo hiểm y tế", "đóng bảo hiểm y tế", "tiền đóng",
    "phương thức đóng", "mức hưởng", "quyền lợi", "quyền lợi của người tham gia", "mức hỗ trợ",
    "hỗ trợ mức đóng", "ngân sách nhà nước", "ngân sách nhà nước đóng", "ngân sách nhà nước hỗ trợ",
    "ngân sách địa phương", "ngân sách tỉnh", "ngân sách trung ương", "người tham gia",
    "người tham gia bảo hiểm y tế", "đối tượng tham gia", "nhóm đối tượng", "phát triển đối tượng",
    "tỷ lệ", "tỷ lệ bao phủ", "tỷ lệ tham gia", "bao phủ bảo hiểm y tế", "bảo hiểm y tế toàn dân",
    "hộ gia đình", "theo hộ gia đình", "hộ nghèo", "hộ cận nghèo", "người thuộc hộ nghèo",
    "người thuộc hộ cận nghèo", "hộ gia đình làm nông nghiệp, lâm nghiệp, ngư nghiệp và diêm nghiệp",
    "có mức sống trung bình", "người dân tộc thiểu số", "vùng có điều kiện kinh tế - xã hội khó khăn",
    "đặc biệt khó khăn", "trẻ em dưới 6 tuổi", "người cao tuổi", "người có công với cách mạng",
    "cựu chiến binh", "người khuyết tật", "bảo trợ xã hội", "học sinh, sinh viên",
    "người lao động", "người sử dụng lao động", "doanh nghiệp", "hợp đồng lao động",
    "cán bộ, công chức, viên chức", "lực lượng vũ trang", "thân nhân",
    # the five groups of participants (Law on Health Insurance, art. 12) and the fund's accounts
    "nhóm do người lao động và người sử dụng lao động đóng", "nhóm do tổ chức bảo hiểm xã hội đóng",
    "nhóm do cơ quan bảo hiểm xã hội đóng", "nhóm do ngân sách nhà nước đóng",
    "nhóm được ngân sách nhà nước hỗ trợ mức đóng", "nhóm do ngân sách nhà nước hỗ trợ mức đóng",
    "nhóm tham gia bảo hiểm y tế theo hộ gia đình", "do ngân sách nhà nước đóng", "do cơ quan bảo hiểm xã hội đóng",
    "thu, chi", "số thu", "số chi", "tổng thu", "tổng chi", "tổng số thu", "tổng số chi", "thu quỹ", "chi quỹ",
    "số thu quỹ", "số chi quỹ", "thu - chi", "chi tiền", "chi tiền thuốc", "chi tiền khám bệnh",
    "chi tiền dịch vụ kỹ thuật", "chi tiền vật tư y tế", "tiền thuốc", "tiền khám bệnh", "ngày giường",
    "ngày giường nội trú", "khám bệnh và ngày giường", "chi cho khám chữa bệnh", "chi khám chữa bệnh",
    "khám chữa bệnh ngoại trú", "khám chữa bệnh nội trú", "lượt khám chữa bệnh", "số lượt khám chữa bệnh",
    "so với kế hoạch", "so với kế hoạch được giao", "so với dự toán", "so với dự toán được giao",
    "dự toán được giao", "kế hoạch được giao", "cơ sở y tế nhà nước", "cơ sở y tế tư nhân", "y tế tư nhân",
    "tư nhân", "nhân lực y tế", "trình độ chuyên môn", "chuyên môn về y, dược", "y, dược", "bác sỹ", "bác sĩ",
    "giám định viên", "sơ kết", "tổng kết", "sơ kết, tổng kết", "lồng ghép", "quận, huyện", "xã, phường",
    "cấp xã, phường", "cấp quận, huyện", "số quận, huyện", "chi bộ", "cuộc họp chi bộ",
    "đã tham gia", "chưa tham gia", "số người đã tham gia", "số người chưa tham gia", "người chưa tham gia",
    "chưa đạt", "đã đạt", "chưa đạt tỷ lệ", "đạt tỷ lệ", "chưa được", "đã được", "chưa có", "dân số",
    "đạt tối thiểu", "đạt trên", "đạt từ", "đạt kế hoạch", "bố trí", "bố trí kinh phí", "tuyên truyền, vận động",
    "truyền thông, vận động", "vận động nhân dân", "vận động người dân", "hàng năm", "lập danh sách",
    "nắm tình hình", "nắm bắt tình hình", "nắm chắc", "tình hình", "tình hình thực hiện", "ban, ngành",
    "các ban, ngành", "ban, ngành, đoàn thể", "các ban, ngành, đoàn thể", "tỉnh chủ trì", "tỉnh phối hợp",
    "huyện chủ trì", "của tỉnh", "của huyện", "Đài Phát thanh và Truyền hình tỉnh", "Báo tỉnh",
    "cơ quan báo chí", "cơ quan thông tin, báo chí", "thông tin tuyên truyền", "đúng quy định",
    # health care
    "khám bệnh", "chữa bệnh", "khám bệnh, chữa bệnh", "khám, chữa bệnh", "khám chữa bệnh",
    "cơ sở khám bệnh, chữa bệnh", "cơ sở y tế", "cơ sở khám chữa bệnh", "y tế cơ sở", "trạm y tế",
    "trạm y tế xã", "trung tâm y tế", "bệnh viện", "bệnh viện đa khoa", "bệnh viện đa khoa khu vực",
    "phòng khám", "tuyến", "tuyến tỉnh", "tuyến huyện", "tuyến xã", "tuyến trên", "tuyến dưới",
    "chuyển tuyến", "đúng tuyến", "trái tuyến", "thông tuyến", "khám ban đầu", "đăng ký khám ban đầu",
    "người bệnh", "ngoại trú", "nội trú", "điều trị", "điều trị nội trú", "thuốc", "vật tư y tế",
    "dịch vụ kỹ thuật", "dịch vụ y tế", "chất lượng khám bệnh, chữa bệnh", "giám định",
    "giám định bảo hiểm y tế", "thanh toán", "quyết toán", "chi phí", "chi phí khám bệnh, chữa bệnh",
    "lượt khám", "lượt người", "y đức", "cán bộ y tế", "nhân viên y tế", "chăm sóc sức khỏe",
    "sức khỏe", "phòng bệnh", "dịch bệnh", "trang thiết bị", "hồ sơ sức khỏe", "bệnh án điện tử",
    "dữ liệu", "cơ sở dữ liệu", "liên thông dữ liệu", "chuyển đổi số", "căn cước công dân",
    "định danh điện tử", "ứng dụng", "dịch vụ công trực tuyến", "thủ tục hành chính",
    # administration and reporting
    "Ủy ban nhân dân", "Ủy ban nhân dân tỉnh", "Ủy ban nhân dân huyện", "Ủy ban nhân dân xã",
    "Hội đồng nhân dân", "Mặt trận Tổ quốc", "Ủy ban Mặt trận Tổ quốc", "tổ chức chính trị - xã hội",
    "Sở Y tế", "Sở Tài chính", "Sở Lao động - Thương binh và Xã hội", "Sở Giáo dục và Đào tạo",
    "Sở Kế hoạch và Đầu tư", "Sở Thông tin và Truyền thông", "Sở Nội vụ", "Sở Tư pháp",
    "Phòng Y tế", "Phòng Tài chính - Kế hoạch", "Phòng Lao động - Thương binh và Xã hội",
    "Phòng Giáo dục và Đào tạo", "Phòng Văn hóa và Thông tin", "Phòng Nội vụ", "Chi cục Thuế",
    "Chi cục Thống kê", "Cục Thống kê", "Kho bạc Nhà nước", "Bưu điện", "Công an", "Thanh tra",
    "Trung tâm Văn hóa, Thông tin và Thể thao", "Trung tâm Văn hóa, Truyền thông và Thể thao",
    "Đài Phát thanh và Truyền hình", "Hội Nông dân", "Hội Liên hiệp Phụ nữ", "Hội Cựu chiến binh",
    "Đoàn Thanh niên", "Liên đoàn Lao động", "Ban Chỉ đạo", "Ban Thường vụ", "Ban Tuyên giáo",
    "Ban Dân vận", "Tỉnh ủy", "Huyện ủy", "Thành ủy", "Đảng ủy", "cấp ủy", "chính quyền",
    "cấp ủy, chính quyền", "các cấp", "các ngành", "các sở, ban, ngành", "đoàn thể",
    "cơ quan, đơn vị", "địa phương", "trên địa bàn", "trên địa bàn tỉnh", "trên địa bàn huyện",
    "toàn tỉnh", "toàn huyện", "cấp tỉnh", "cấp huyện", "cấp xã", "xã, phường, thị trấn",
    "xã, thị trấn", "thị trấn", "thị xã", "thành phố", "phường", "thôn, tổ dân phố", "thôn, bản",
    "tổ dân phố", "đại lý thu", "chỉ tiêu", "giao chỉ tiêu", "kế hoạch", "mục tiêu", "nhiệm vụ",
    "giải pháp", "nhiệm vụ, giải pháp", "tổ chức thực hiện", "kết quả thực hiện", "đánh giá",
    "đánh giá chung", "ưu điểm", "hạn chế", "khó khăn", "tồn tại", "nguyên nhân", "bài học kinh nghiệm",
    "đề xuất, kiến nghị", "kiến nghị", "phấn đấu", "phấn đấu đạt", "đạt", "đạt chỉ tiêu", "vượt",
    "tăng so với cùng kỳ", "giảm so với cùng kỳ", "so với năm trước", "hằng năm", "hằng quý",
    "định kỳ", "kịp thời", "tuyên truyền", "công tác tuyên truyền", "truyền thông", "thông tin",
    "phổ biến", "vận động", "đối thoại", "hội nghị", "kiểm tra, giám sát", "thanh tra, kiểm tra",
    "xử lý vi phạm", "chậm đóng", "trốn đóng", "nợ đọng", "chính sách, pháp luật", "chính sách",
    "pháp luật", "văn bản", "chỉ đạo", "lãnh đạo, chỉ đạo", "quán triệt", "triển khai",
    "triển khai thực hiện", "thực hiện", "phối hợp", "chủ trì, phối hợp", "trách nhiệm",
    "kinh phí", "dự toán", "nguồn kinh phí", "báo cáo", "tổng hợp", "số liệu", "số lượng",
    "Nơi nhận:", "Lưu: VT", "như trên", "Độc lập - Tự do - Hạnh phúc", "Số:", "Phần I", "PHẦN II",
    "Mục II", "Chương I", "UBND tỉnh", "UBND huyện", "UBND cấp xã", "BHYT toàn dân", "tham gia BHYT",
    "BHXH tỉnh", "BHXH huyện", "Chủ tịch UBND", "Phó Chủ tịch UBND",
    # the organs of the Party and the State as reports address them (Nơi nhận, assignments)
    "Bảo hiểm xã hội tỉnh", "Bảo hiểm xã hội huyện", "Bảo hiểm xã hội thành phố", "Bảo hiểm xã hội Việt Nam",
    "Ban Bí thư", "Ban Chấp hành", "Ban Chấp hành Trung ương", "Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Huyện ủy",
    "Ban Thường vụ Thành ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo Trung ương", "Ban Tổ chức",
    "Ban Kinh tế", "Ban Nội chính", "các Ban Xây dựng Đảng", "Ban cán sự đảng", "ban cán sự đảng, đảng đoàn",
    "đảng đoàn", "Đảng bộ", "Đảng ủy", "Đảng ủy trực thuộc", "cấp ủy đảng", "tổ chức cơ sở đảng",
    "Văn phòng Tỉnh ủy", "Văn phòng UBND tỉnh", "Văn phòng HĐND và UBND", "Thường trực Tỉnh ủy",
    "Thường trực Huyện ủy", "Thường trực HĐND tỉnh", "Thường trực HĐND huyện", "Ủy ban MTTQ Việt Nam tỉnh",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "các sở, ban, ngành", "sở, ban, ngành", "các phòng, ban",
    "đoàn thể tỉnh", "các tổ chức chính trị - xã hội", "các huyện, thị xã, thành phố", "huyện, thị, thành ủy",
    "Báo và Phát thanh, Truyền hình", "Đài Phát thanh - Truyền hình", "Cổng Thông tin điện tử tỉnh",
    "Trung tâm Thông tin", "Lãnh đạo Văn phòng", "các Phó Chủ tịch", "Chánh Văn phòng", "Phó Chánh Văn phòng",
    # the wording of results and targets: a rate "đạt" a figure, never "đất"
    "đạt 100%", "đạt 95%", "đạt trên 90%", "đạt tỷ lệ", "đạt và vượt", "chưa đạt", "đạt được", "kết quả đạt được",
    "tỷ lệ bao phủ đạt", "tỷ lệ bao phủ BHYT đạt", "tỷ lệ tham gia đạt", "bảo hiểm y tế đạt", "BHYT đạt",
    # words of reports that have a commoner or equally common twin without their marks
    "đẩy mạnh", "đẩy mạnh tuyên truyền", "đẩy mạnh công tác", "chú trọng", "chú trọng công tác",
    "những tập thể, cá nhân", "những kết quả", "những hạn chế", "những khó khăn", "biểu dương", "khen thưởng",
    "vị trí, vai trò", "vai trò", "tầm quan trọng", "thông tin, truyền thông", "truyền thông về", "cơ quan truyền thông",
    "đảm bảo đúng", "đúng nội dung", "đúng thời gian", "đúng thời hạn", "để báo cáo", "để tổng hợp",
    "đánh dấu", "điền thông tin", "vào ô tương ứng", "các hoạt động", "hoạt động của", "hoạt động BHYT",
    "người hưởng", "hưởng chính sách", "người hưởng chính sách xã hội", "được hưởng", "thụ hưởng", "mức hưởng",
    "thuộc tuyến", "bệnh viện thuộc", "phòng khám thuộc", "thuộc Bộ", "thuộc đối tượng", "trực thuộc",
    "lượt khám ngoại trú", "BHYT ngoại trú", "dược", "ngành dược", "Trang thông tin điện tử", "tin, bài",
    "dễ dàng", "dễ dàng tiếp cận", "cân đối", "phường, xã", "các phường, xã", "các xã, phường", "chi bộ",
    "BCS đảng", "số chi", "chi BHYT", "chi quỹ BHYT",
    # citing a document's provisions
    "tại Chỉ thị", "tại Nghị quyết", "tại Quyết định", "tại Kế hoạch", "tại Công văn", "tại Thông tư",
    "tại Nghị định", "quy định tại", "nêu tại", "ban hành tại",
    # the fund's payments and the bodies that carry the work out
    "thanh toán chi phí", "thanh toán chi phí khám bệnh, chữa bệnh", "cấp thuốc", "cấp phát thuốc",
    "thi đua", "thi đua, khen thưởng", "công tác thi đua", "đô thị văn minh", "chủ động phối hợp",
    "tầm quan trọng của", "qua đó", "công đoàn", "công đoàn cơ sở", "Ban biên tập", "Phòng Tư pháp",
    "Đảng bộ tỉnh", "Ban Chấp hành Đảng bộ tỉnh", "Ban Chấp hành Đảng bộ huyện",
    # collocations of the work's verbs with the subjects and links that precede them (a bigram model
    # reads "tỉnh đẩy" and ", chú" as unseen, and takes "tỉnh dậy", ", chủ trong" instead)
    "tiếp tục đẩy mạnh", "cần đẩy mạnh", "tỉnh đẩy mạnh", "huyện đẩy mạnh", "ngành đẩy mạnh",
    "các cấp, các ngành đẩy mạnh", "đẩy mạnh hơn nữa", "đẩy mạnh việc", "trong đó chú trọng",
    "đồng thời chú trọng", "cần chú trọng", "chú trọng đến", "chú trọng việc", "tập trung, chú trọng",
    "kiến nghị với Trung ương", "kiến nghị với tỉnh", "báo cáo với tỉnh", "phối hợp với tỉnh",
    "tỉnh, thành phố", "các tỉnh, thành phố", "tỉnh, thành phố trực thuộc Trung ương",
    "thống kê", "số liệu thống kê", "cần thống kê", "thống kê, báo cáo", "lồng ghép vào", "lồng vào",
    "dân cư", "khu dân cư", "dữ liệu về dân cư", "cơ sở dữ liệu quốc gia về dân cư",
    "thuốc chữa bệnh", "thuốc, vật tư y tế", "tiền thuốc, vật tư y tế",
    # the staff a Nơi nhận lists ("Chuyên viên" is rare in VLSP: "Chuyển viện" before)
    "chuyên viên", "Chuyên viên:", "cán bộ, chuyên viên", "lãnh đạo, chuyên viên", "chuyên viên phụ trách",
    "chuyển viện", "giấy chuyển viện", "chuyển tuyến, chuyển viện", "chuyển viện lên tuyến trên",  # (its twin)
    # a table's notes name its rows and columns
    "tại dòng", "tại cột", "ở dòng", "ở cột", "các dòng", "các cột", "dòng, cột", "dòng tổng cộng",
)

# Abbreviations the reports use for their terms, and what they stand for: a sentence or phrase with
# the expansion also counts, once, for the bigrams the abbreviation would make in its place ("mức
# đóng bảo hiểm y tế" gives (đóng, BHYT)), so that the words around an abbreviation are read as they
# are read around its expansion ("no dong BHYT": "nợ đóng", not "nó động"), without the expansion's
# own syllables misleading the next word ("BHXH đóng" is not "hội đồng").
ABBREVIATION_EXPANSIONS = {
    "BHYT": "bảo hiểm y tế", "BHXH": "bảo hiểm xã hội", "UBND": "ủy ban nhân dân", "HĐND": "hội đồng nhân dân",
    "MTTQ": "mặt trận tổ quốc", "BCĐ": "ban chỉ đạo", "TW": "trung ương", "XHCN": "xã hội chủ nghĩa",
    "ĐBQH": "đại biểu quốc hội",
}

# Abbreviations whose Đ an ASCII text loses (beside the vocabulary's): generic, no place names.
ABBREVIATIONS = ("HĐND", "QĐ", "NĐ", "BCĐ", "ĐKKV", "ĐBQH")


# ------------------------------------------------------------------------------------------------
# Inputs

def find_wheel(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    for cand in sorted(VENV_WHEELS.glob("underthesea-9.5.0-*.whl")) + sorted(
            Path(tempfile.gettempdir()).glob("ut/underthesea-9.5.0-*.whl")):
        return cand  # scripts/setup.sh downloads it to .venv/wheels
    dest = Path(tempfile.mkdtemp(prefix="underthesea-"))
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", UNDERTHESEA, "-d", str(dest)],
        check=True,
    )
    return next(dest.glob("underthesea-*.whl"))


def read_member(wheel: Path, member: str) -> str:
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(member).decode("utf-8")


def vlsp_sentences(wheel: Path) -> list[list[str]]:
    """The VLSP sentences: each a list of tokens (a token may be several syllables with spaces)."""
    sents, cur = [], []
    for line in read_member(wheel, VLSP_MEMBER).splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        tok = nfc(line.split("\t")[0]).strip()
        if tok:
            cur.append(tok)
    if cur:
        sents.append(cur)
    return sents


def is_heldout(tokens: list[str]) -> bool:
    """The deterministic 10% evaluation split: a hash of the sentence's text (equal sentences fall
    on the same side)."""
    digest = hashlib.sha1(" ".join(tokens).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 10 == 0


def split_vlsp(wheel: Path) -> tuple[list[list[str]], list[list[str]]]:
    train, held = [], []
    for s in vlsp_sentences(wheel):
        (held if is_heldout(s) else train).append(s)
    return train, held


def sentence_text(tokens: list[str]) -> str:
    """A VLSP sentence as running text (tokens joined with spaces, no space before , . etc.)."""
    out = ""
    for t in tokens:
        if out and not (t in ",.;:!?)…%" or out.endswith(("(", "“"))):
            out += " "
        out += t
    return out


_NUM_RE = re.compile(r"^[\d.,/]*\d[\d.,/]*$")


_ROMAN_RE = re.compile(r"^[IVXLC]+$")


def lm_token(piece: str, syllables: set[str], abbrevs: frozenset[str]) -> str:
    """The LM token of one piece of text: a canonical syllable, an abbreviation (UBND), <num>, <roman>
    (a roman numeral), a punctuation mark or <unk>."""
    if piece in abbrevs:
        return piece
    if _ROMAN_RE.match(piece):
        return ROMAN
    c = canonical(piece)
    if c is not None and c in syllables:
        return c
    if _NUM_RE.match(piece):
        return NUM
    if piece in PUNCT_TOKENS:
        return piece
    return UNK


def lm_tokens(tokens: list[str], syllables: set[str], abbrevs: frozenset[str] = frozenset()) -> list[str]:
    """LM token sequence of a sentence (see `lm_token`); a multi-syllable token gives several."""
    return [lm_token(piece, syllables, abbrevs) for tok in tokens for piece in tok.split()]


def phrase_tokens(text: str, syllables: set[str], abbrevs: frozenset[str]) -> list[list[str]]:
    """Runs of LM tokens of a phrase ("thẻ BHYT", "khám bệnh, chữa bệnh"), broken at <unk>."""
    runs, cur = [], []
    for piece in re.findall(r"[^\W_]+|\S", nfc(text)):
        t = lm_token(piece, syllables, abbrevs)
        if t == UNK:
            if len(cur) > 1:
                runs.append(cur)
            cur = []
        else:
            cur.append(t)
    if len(cur) > 1:
        runs.append(cur)
    return runs


def abbreviation_tokens(texts: list[str], train: list[list[str]]) -> frozenset[str]:
    """Capitalized abbreviations that get their own LM token: those of the vocabulary and glossary
    (UBND, BHYT, HĐND) and those VLSP's training sentences use three times or more."""
    def is_abbrev(piece: str) -> bool:
        return (len(piece) >= 2 and piece.isupper() and piece.isalpha() and canonical(piece) is None
                and not _ROMAN_RE.match(piece))

    out = {p for t in texts for p in re.findall(r"[^\W\d_]+", nfc(t)) if is_abbrev(p)}
    seen = Counter(p for sent in train for tok in sent for p in tok.split() if is_abbrev(p))
    out.update(p for p, n in seen.items() if n >= 3)
    return frozenset(out)


def abbreviation_bigrams(seq: list[str], expansions: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """The bigrams an abbreviation makes where its expansion stands in `seq` (an LM token sequence):
    (before, BHYT) and (BHYT, after) for "... đóng bảo hiểm y tế cho ..."."""
    out = []
    for abbreviation, words in expansions.items():
        n = len(words)
        for i in range(len(seq) - n + 1):
            if tuple(seq[i:i + n]) == words:
                if i > 0:
                    out.append((seq[i - 1], abbreviation))
                if i + n < len(seq):
                    out.append((abbreviation, seq[i + n]))
    return out


def word_syllables(word: str) -> list[str] | None:
    """Canonical syllables of a word list entry ("bảo hiểm", "a-dua"), None when one is no syllable."""
    parts = [p for p in re.split(r"[\s\-]+", nfc(word).strip()) if p]
    out = []
    for p in parts:
        c = canonical(p)
        if c is None:
            return None
        out.append(c)
    return out or None


def phrase_runs(text: str) -> list[list[str]]:
    """Runs of consecutive syllables in a phrase (broken at anything that is no syllable)."""
    runs, cur = [], []
    for piece in re.findall(r"[^\W\d_]+|\S", nfc(text)):
        c = canonical(piece)
        if c is not None:
            cur.append(c)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def vocabulary_phrases() -> list[str]:
    from extractors import vocabulary as V

    out = []
    for name in sorted(dir(V)):
        if name.startswith("_"):
            continue
        val = getattr(V, name)
        if isinstance(val, str):
            out.append(val)
        elif isinstance(val, tuple) and all(isinstance(x, str) for x in val):
            out.extend(val)
    return out


def media_phrases(wheel: Path) -> list[str]:
    """Each province's newspaper and radio as reports name them ("Báo Hà Giang", "Đài Phát thanh và
    Truyền hình Hà Giang"): the gazetteer's short province names after the media words."""
    data = json.loads(read_member(wheel, GAZETTEER_MEMBER))
    shorts = sorted({nfc(rec["short"]) for table in ("province_names", "old_province_names")
                     for rec in data.get(table, {}).values() if rec.get("short")})
    return [f"{w} {p}" for p in shorts for w in ("Báo", "Đài Phát thanh và Truyền hình")]


def gazetteer_names(wheel: Path) -> list[str]:
    data = json.loads(read_member(wheel, GAZETTEER_MEMBER))
    names: set[str] = set()
    for table in ("province_names", "old_province_names"):
        for rec in data.get(table, {}).values():
            for k in ("name", "short"):
                if rec.get(k):
                    names.add(nfc(rec[k]))
    for rec in data.get("ward_mapping", []):
        for k in ("old_province", "old_district", "old_ward", "new_province", "new_ward"):
            if rec.get(k):
                names.add(nfc(rec[k]))
    # The name without its unit word too ("Huyện Phong Điền" → "Phong Điền").
    units = ("Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Huyện", "Quận", "Xã", "Phường", "Đặc khu")
    for n in list(names):
        for u in units:
            if n.startswith(u + " ") and len(n) > len(u) + 1:
                names.add(n[len(u) + 1:])
    return sorted(names)


_CRF_FEATURE = re.compile(rb"T\[(-?\d),(-?\d)\](?:\.lower)?=([^\x00]+)\x00")


def crf_phrases(wheel: Path) -> list[str]:
    """The texts of the two-token features of underthesea's CRF models ("T[-1,0].lower=bảo hiểm"),
    from the string table of the crfsuite files; distinct, lower case."""
    out: set[str] = set()
    with zipfile.ZipFile(wheel) as zf:
        for member in CRF_MEMBERS:
            data = zf.read(member)
            for a, b, text in _CRF_FEATURE.findall(data):
                if abs(int(b) - int(a)) != 1:
                    continue  # T[-2,0]: not adjacent
                try:
                    t = nfc(text.decode("utf-8")).lower()
                except UnicodeDecodeError:
                    continue
                if "bos" in t or "eos" in t:
                    continue
                out.add(t)
    return sorted(out)


def hunspell_syllables(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [nfc(l.split("/")[0].strip()) for l in lines if l.strip()]


# ------------------------------------------------------------------------------------------------
# The model

def build(wheel: Path, hunspell: Path | None, use_crf: bool = True) -> dict:
    train, held = split_vlsp(wheel)
    wordlists = {m: read_member(wheel, m).splitlines() for m in WORDLIST_MEMBERS}
    gaz = gazetteer_names(wheel)
    vocab = vocabulary_phrases() + list(DOMAIN_PHRASES) + media_phrases(wheel)
    hun = hunspell_syllables(hunspell) if hunspell else []

    # 1. Valid syllables: every source's syllables that are Vietnamese in structure.
    syl: set[str] = set()
    for s in hun:
        c = canonical(s)
        if c:
            syl.add(c)
    for sent in train:
        for tok in sent:
            for piece in tok.split():
                c = canonical(piece)
                if c and piece.isalpha():
                    syl.add(c)
    for lines in wordlists.values():
        for w in lines:
            ws = word_syllables(w)
            if ws:
                syl.update(ws)
    for text in gaz + vocab:
        for run in phrase_runs(text):
            syl.update(run)

    abbr = abbreviation_tokens(vocab + list(ABBREVIATIONS), train)

    uni: Counter = Counter()
    big: Counter = Counter()
    prop: Counter = Counter()

    expansions = {a: tuple(canonical(w) for w in e.split()) for a, e in ABBREVIATION_EXPANSIONS.items() if a in abbr}

    # 2. VLSP sentences (training part).
    for sent in train:
        seq = [BOS] + lm_tokens(sent, syl, abbr) + [BOS]
        for t in seq[1:]:
            uni[t] += 1
        for a, b in zip(seq, seq[1:]):
            big[(a, b)] += 1
        for pair in abbreviation_bigrams(seq, expansions):
            big[pair] += 1

    # 3. Word lists: within-word bigrams, weighted by the commonest tier a word is in.
    tier: dict[tuple[str, ...], float] = {}
    for member, weight in WORDLIST_MEMBERS.items():
        for w in wordlists[member]:
            ws = word_syllables(w)
            if ws:
                key = tuple(ws)
                tier[key] = max(tier.get(key, 0.0), weight)
    for ws, weight in sorted(tier.items()):
        for s in ws:
            uni[s] += W_WORD_UNIGRAM * weight
        for a, b in zip(ws, ws[1:]):
            big[(a, b)] += weight

    # 4. The project's vocabulary: phrases with a high weight.
    phrases: set[tuple[str, ...]] = set()
    for text in vocab:
        for run in phrase_tokens(text, syl, abbr):
            if len(run) >= 3:
                phrases.add(tuple(run))
            for s in run:
                if s in syl:
                    uni[s] += W_VOCAB_UNIGRAM
            for a, b in zip(run, run[1:]):
                big[(a, b)] += W_VOCAB_BIGRAM
            for pair in abbreviation_bigrams(run, expansions):
                big[pair] += W_VOCAB_BIGRAM

    # 5. Gazetteer: place names as syllable sequences (their own table).
    for name in gaz:
        for run in phrase_runs(name):
            for s in run:
                uni[s] += W_GAZ_UNIGRAM
            for a, b in zip(run, run[1:]):
                prop[(a, b)] += 1

    # 6. The CRF models' bigram features.
    if use_crf:
        for text in crf_phrases(wheel):
            for run in phrase_runs(text):
                if all(x in syl for x in run):
                    for a, b in zip(run, run[1:]):
                        big[(a, b)] += W_CRF_BIGRAM

    # 7. hunspell: presence.
    for s in hun:
        c = canonical(s)
        if c:
            uni[c] += W_HUNSPELL_UNIGRAM

    syllables = sorted(syl)
    specials = [BOS, NUM, UNK, ROMAN] + sorted(set(PUNCT_TOKENS)) + sorted(abbr)
    vocab_list = syllables + specials
    index = {t: i for i, t in enumerate(vocab_list)}

    def flat(counter: Counter) -> list:
        rows = sorted((index[a], index[b], round(c, 2)) for (a, b), c in counter.items()
                      if a in index and b in index)
        out: list = []
        for a, b, c in rows:
            out.extend((a, b, int(c) if float(c).is_integer() else c))
        return out

    candidates: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(syllables):
        candidates[fold(s)].append(i)

    abbrevs = {}
    for text in vocab + list(ABBREVIATIONS):
        for piece in re.findall(r"[^\W\d_]+", nfc(text)):
            if piece.isupper() and len(piece) >= 2 and fold(piece) != piece.lower() and canonical(piece) is None:
                abbrevs[fold(piece).upper()] = piece

    return {
        "format": "baocao-restorer/1",
        "meta": {
            "wheel": wheel.name,
            "wheel_sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "hunspell": str(hunspell) if hunspell else None,
            "hunspell_sha256": hashlib.sha256(hunspell.read_bytes()).hexdigest() if hunspell else None,
            "vlsp_sentences_train": len(train),
            "vlsp_sentences_heldout": len(held),
            "heldout_rule": "sha1(' '.join(tokens))[:8] % 10 == 0",
            "syllables": len(syllables),
            "bigrams": len(big),
            "place_bigrams": len(prop),
            "abbreviation_tokens": len(abbr),
        },
        "tokens": vocab_list,
        "n_syllables": len(syllables),
        "unigram": [round(uni.get(t, 0.0), 2) for t in vocab_list],
        "bigram": flat(big),
        "place_bigram": flat(prop),
        "candidates": {k: v for k, v in sorted(candidates.items())},
        "abbreviations": dict(sorted(abbrevs.items())),
        "phrases": sorted([index[t] for t in run] for run in phrases),
    }


def write(model: dict, out: Path) -> int:
    raw = json.dumps(model, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(raw)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
    return len(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", help="underthesea wheel (default: download underthesea==9.5.0)")
    ap.add_argument("--hunspell", default=str(HUNSPELL_DIC), help="hunspell-vi .dic ('' to skip)")
    ap.add_argument("-o", "--output", default=str(MODEL_PATH))
    ap.add_argument("--no-crf", action="store_true", help="leave out the CRF models' bigram features")
    args = ap.parse_args(argv)
    wheel = find_wheel(args.wheel)
    hunspell = Path(args.hunspell) if args.hunspell else None
    if hunspell and not hunspell.exists():
        ap.error(f"{hunspell} not found: apt-get install hunspell-vi, or --hunspell ''")
    model = build(wheel, hunspell, use_crf=not args.no_crf)
    size = write(model, Path(args.output))
    print(f"wrote {args.output}: {size / 1e6:.2f} MB; " + ", ".join(f"{k}={v}" for k, v in model["meta"].items()
                                                                  if isinstance(v, int)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

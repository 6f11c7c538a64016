"""References: citations of other documents in prose, footnotes and tables, and their merging.

Example table of sentences as printed in the seeds (000-004; 003 is OCR without diacritics) and
invented ones (agencies and places that do not exist), each with the references it cites as
(kind, number, date, issuer, subject) in reading order.
"""
from __future__ import annotations

import pytest
from unidecode import unidecode

from extractors import vocabulary as V
from extractors.references import Citation, merge_references, references_from_table, references_in_text
from pipeline.record import Reference


def refs(text: str) -> list[tuple]:
    return [(c.ref.kind, c.ref.number, c.ref.date, c.ref.issuer, c.ref.subject) for c in references_in_text(text, "body")]



CB = "Ban Chấp hành Trung ương Đảng (khóa XI)"

CASES = [
    # --- seed 001: spaces inside the number, subject up to ", Ban …", a nested citation ---------------
    ("Thực hiện Công văn số 5906 -CV/TW, ngày 14/2/2019 của Ban Tuyên giáo Trung ương về việc tổng kết 10 năm thực hiện Chỉ thị 38-CT/TW, ngày 07/9/2009 của Ban Bí thư (khóa X) về “Đẩy mạnh công tác Bảo hiểm y tế trong tình hình mới”, Ban Thường vụ Tỉnh uỷ xây dựng Kế hoạch tổng kết như sau:",
     [("Công văn", "5906-CV/TW", "2019-02-14", "Ban Tuyên giáo Trung ương", "về việc tổng kết 10 năm thực hiện Chỉ thị 38-CT/TW, ngày 07/9/2009 của Ban Bí thư (khóa X) về “Đẩy mạnh công tác Bảo hiểm y tế trong tình hình mới”"),
      ("Chỉ thị", "38-CT/TW", "2009-09-07", "Ban Bí thư (khóa X)", "về “Đẩy mạnh công tác Bảo hiểm y tế trong tình hình mới”")]),
    # --- seed 002: a chain of four nested citations -----------------------------------------------------
    ("Thực hiện Kế hoạch số 66-KH/TU ngày 30/3/2018 của Ban Thường vụ Thành ủy về thực hiện Kết luận số 148-KL/TU ngày 24/01/2018 của Ban Thường vụ Tỉnh ủy về tiếp tục thực hiện Chương trình hành động số 15-CTr/TU ngày 28/8/2012 của Ban Chấp hành Đảng bộ tỉnh (khóa XV) thực hiện Nghị quyết số 15-NQ/TW ngày 01/6/2012 của Ban Chấp hành Trung ương Đảng (khóa XI) một số vấn đề chính sách xã hội giai đoạn 2012-2020.",
     [("Kế hoạch", "66-KH/TU", "2018-03-30", "Ban Thường vụ Thành ủy", "về thực hiện Kết luận số 148-KL/TU ngày 24/01/2018 của Ban Thường vụ Tỉnh ủy về tiếp tục thực hiện Chương trình hành động số 15-CTr/TU ngày 28/8/2012 của Ban Chấp hành Đảng bộ tỉnh (khóa XV) thực hiện Nghị quyết số 15-NQ/TW ngày 01/6/2012 của Ban Chấp hành Trung ương Đảng (khóa XI) một số vấn đề chính sách xã hội giai đoạn 2012-2020"),
      ("Kết luận", "148-KL/TU", "2018-01-24", "Ban Thường vụ Tỉnh ủy", "về tiếp tục thực hiện Chương trình hành động số 15-CTr/TU ngày 28/8/2012 của Ban Chấp hành Đảng bộ tỉnh (khóa XV) thực hiện Nghị quyết số 15-NQ/TW ngày 01/6/2012 của Ban Chấp hành Trung ương Đảng (khóa XI) một số vấn đề chính sách xã hội giai đoạn 2012-2020"),
      ("Chương trình hành động", "15-CTr/TU", "2012-08-28", "Ban Chấp hành Đảng bộ tỉnh (khóa XV)", None),
      ("Nghị quyết", "15-NQ/TW", "2012-06-01", CB, None)]),
    # --- seed 003: OCR without diacritics ("s6", "ngay", "ciia", "veé") --------------------------------
    ("Thuc hign Ké hoach s6 126/KH-UBND ngay 28/6/2022 ciia Uy ban nhéan dan tinh Tuyén Quang veé thuc hién chi tiéu bao phu bao hiem y teé giai doan 2022 - 2025 trén dia ban tinh Tuyén Quang.",
     [("Kế hoạch", "126/KH-UBND", "2022-06-28", "Uy ban nhéan dan tinh Tuyén Quang", "veé thuc hién chi tiéu bao phu bao hiem y teé giai doan 2022 - 2025 trén dia ban tinh Tuyén Quang")]),
    ("Nghi quyet so 21-NQ/TW ngay 22/11/2012 cua Bo Chinh tri ve tang cuong su lanh dao.",
     [("Nghị quyết", "21-NQ/TW", "2012-11-22", "Bo Chinh tri", "ve tang cuong su lanh dao")]),
    ("Cong van s6 5508/UBND-VX ngay 04/8/2017 cta UBND thanh pho.",
     [("Công văn", "5508/UBND-VX", "2017-08-04", "UBND thanh pho", None)]),
    # --- seed 000: a law's name before "số", subject with "về việc", date before the kind is not its date
    ("Năm 2008, Luật BHYT số 25/2008/QH12 đã được Quốc hội khóa XII thông qua.",
     [("Luật", "25/2008/QH12", None, None, None)]),
    ("ngày 16/6/2009, Thủ tướng Chính phủ ban hành Quyết định số 823/QĐ-TTg về việc lấy ngày 01/7 hàng năm là “Ngày BHYT Việt Nam”.",
     [("Quyết định", "823/QĐ-TTg", None, None, "về việc lấy ngày 01/7 hàng năm là “Ngày BHYT Việt Nam”")]),
    ("Công văn số 106/UBND ngày 08/01/2015 về việc xây dựng kế hoạch triển khai đề án; Công văn số 2095/UBND ngày 22/4/2015 về việc thực hiện Chương trình hành động.",
     [("Công văn", "106/UBND", "2015-01-08", None, "về việc xây dựng kế hoạch triển khai đề án"),
      ("Công văn", "2095/UBND", "2015-04-22", None, "về việc thực hiện Chương trình hành động")]),
    ("UBND thành phố xây dựng chương trình, kế hoạch thực hiện Chỉ thị số 38-CT/TW, chương trình hành động 74-Ctr/Th.U, tăng cường các giải pháp.",
     [("Chỉ thị", "38-CT/TW", None, None, None), ("Chương trình hành động", "74-Ctr/Th.U", None, None, None)]),
    ("Công văn số 5508/UBND-VX ngày 04/8/2017 của UBND thành phố Đà Lạt về việc báo cáo kết quả thực hiện BHYT năm 2017 thực hiện theo Nghị quyết số 17/2016/NQ-HĐND ngày 08/12/2016 của HĐND tỉnh; Công văn số 6518/UBND ngày 08/9/2017.",
     [("Công văn", "5508/UBND-VX", "2017-08-04", "UBND thành phố Đà Lạt", "về việc báo cáo kết quả thực hiện BHYT năm 2017 thực hiện theo Nghị quyết số 17/2016/NQ-HĐND ngày 08/12/2016 của HĐND tỉnh"),
      ("Nghị quyết", "17/2016/NQ-HĐND", "2016-12-08", "HĐND tỉnh", None),
      ("Công văn", "6518/UBND", "2017-09-08", None, None)]),
    ("Công văn số 5300/UBND ngày 22/8/2016 về việc triển khai Chỉ thị 09-CT/TU ngày 29/7/2016 của Ban Thường vụ Tỉnh ủy; Công văn số 1146/UBND ngày 28/02/2017.",
     [("Công văn", "5300/UBND", "2016-08-22", None, "về việc triển khai Chỉ thị 09-CT/TU ngày 29/7/2016 của Ban Thường vụ Tỉnh ủy"),
      ("Chỉ thị", "09-CT/TU", "2016-07-29", "Ban Thường vụ Tỉnh ủy", None),
      ("Công văn", "1146/UBND", "2017-02-28", None, None)]),
    ("ban hành Chương trình hành động số 74-CTr/Th.U, ngày 14/4/2015 về thực hiện Nghị quyết số 21-NQ/TW ngày 22/11/2012 của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng đối với công tác Bảo hiểm xã hội, Bảo hiểm y tế giai đoạn 2012 - 2020.",
     [("Chương trình hành động", "74-CTr/Th.U", "2015-04-14", None, "về thực hiện Nghị quyết số 21-NQ/TW ngày 22/11/2012 của Bộ Chính trị về tăng cường sự lãnh đạo của Đảng đối với công tác Bảo hiểm xã hội, Bảo hiểm y tế giai đoạn 2012 - 2020"),
      ("Nghị quyết", "21-NQ/TW", "2012-11-22", "Bộ Chính trị", "về tăng cường sự lãnh đạo của Đảng đối với công tác Bảo hiểm xã hội, Bảo hiểm y tế giai đoạn 2012 - 2020")]),
    ("Thực hiện Chỉ thị số 38-CT/TW, ngày 07/9/2009 của Ban Bí thư (khóa X) về “Đẩy mạnh công tác Bảo hiểm y tế trong tình hình mới”, Ban Thường vụ Thành ủy Đà Lạt đã chỉ đạo.",
     [("Chỉ thị", "38-CT/TW", "2009-09-07", "Ban Bí thư (khóa X)", "về “Đẩy mạnh công tác Bảo hiểm y tế trong tình hình mới”")]),
    ("Quyết định số 3614/QĐ-UBND ngày 11/10/2017 về việc ban hành kế hoạch phát triển BHYT giai đoạn 2017 - 2020 trên địa bàn thành phố Đà Lạt; Công văn số 7898/UBND-VX ngày 24/10/2017.",
     [("Quyết định", "3614/QĐ-UBND", "2017-10-11", None, "về việc ban hành kế hoạch phát triển BHYT giai đoạn 2017 - 2020 trên địa bàn thành phố Đà Lạt"),
      ("Công văn", "7898/UBND-VX", "2017-10-24", None, None)]),
    # a comma inside the subject that does not open an agency clause stays in the subject
    ("Kế hoạch số 1144/KH-UBND về việc tổ chức Hội nghị tổng kết công tác phát triển đối tượng tham gia bảo hiểm y tế, công tác giảm nghèo năm 2018 và triển khai phương hướng, nhiệm vụ năm 2019; Quyết định số 850/QĐ-UBND về việc điều chỉnh.",
     [("Kế hoạch", "1144/KH-UBND", None, None, "về việc tổ chức Hội nghị tổng kết công tác phát triển đối tượng tham gia bảo hiểm y tế, công tác giảm nghèo năm 2018 và triển khai phương hướng, nhiệm vụ năm 2019"),
      ("Quyết định", "850/QĐ-UBND", None, None, "về việc điều chỉnh")]),
    # --- seed 004: the subject ends at " và Kế hoạch số …" ------------------------------------------------
    ("Thực hiện Chỉ thị số 52-CT/TW ngày 03/10/2025 của Ban Bí thư về thực hiện bảo hiểm y tế toàn dân trong giai đoạn mới và Kế hoạch số 15-KH/TU ngày 20/11/2025 của Ban Thường vụ Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện như sau:",
     [("Chỉ thị", "52-CT/TW", "2025-10-03", "Ban Bí thư", "về thực hiện bảo hiểm y tế toàn dân trong giai đoạn mới"),
      ("Kế hoạch", "15-KH/TU", "2025-11-20", "Ban Thường vụ Tỉnh ủy", None)]),
    ("Nghị quyết số 21-NQ/TW ngày 22/11/2012 của Bộ Chính trị về tăng cường sự lãnh đạo và Chỉ thị số 38-CT/TW ngày 07/9/2009 của Ban Bí thư.",
     [("Nghị quyết", "21-NQ/TW", "2012-11-22", "Bộ Chính trị", "về tăng cường sự lãnh đạo"),
      ("Chỉ thị", "38-CT/TW", "2009-09-07", "Ban Bí thư", None)]),
    # --- every kind, with and without "số", both date forms -----------------------------------------------
    ("Căn cứ thông báo số 188/TB-UBND ngày 5 tháng 3 năm 2020 của UBND huyện về kết luận của Chủ tịch.",
     [("Thông báo", "188/TB-UBND", "2020-03-05", "UBND huyện", "về kết luận của Chủ tịch")]),
    ("Căn cứ Nghị định số 146/2018/NĐ-CP ngày 17/10/2018 của Chính phủ.",
     [("Nghị định", "146/2018/NĐ-CP", "2018-10-17", "Chính phủ", None)]),
    ("Nghị định 146/2018/NĐ-CP ngày 17/10/2018 của Chính phủ.",
     [("Nghị định", "146/2018/NĐ-CP", "2018-10-17", "Chính phủ", None)]),
    ("Căn cứ Thông tư số 30/2020/TT-BYT ngày 31/12/2020 của Bộ Y tế.",
     [("Thông tư", "30/2020/TT-BYT", "2020-12-31", "Bộ Y tế", None)]),
    ("Thông tư liên tịch số 41/2014/TTLT-BYT-BTC ngày 24/11/2014 hướng dẫn thực hiện bảo hiểm y tế.",
     [("Thông tư liên tịch", "41/2014/TTLT-BYT-BTC", "2014-11-24", None, None)]),
    ("Theo Báo cáo số 45/BC-SYT ngày 3/4/2020 của Sở Y tế tỉnh Nam Sơn.",
     [("Báo cáo", "45/BC-SYT", "2020-04-03", "Sở Y tế tỉnh Nam Sơn", None)]),
    ("Đề án số 07/ĐA-UBND về phát triển đối tượng tham gia BHYT.",
     [("Đề án", "07/ĐA-UBND", None, None, "về phát triển đối tượng tham gia BHYT")]),
    ("Hướng dẫn số 12-HD/BTGTW ngày 01/3/2019 của Ban Tuyên giáo Trung ương về tổng kết.",
     [("Hướng dẫn", "12-HD/BTGTW", "2019-03-01", "Ban Tuyên giáo Trung ương", "về tổng kết")]),
    ("Tờ trình số 99/TTr-SYT ngày 10/5/2021 về việc phê duyệt kế hoạch.",
     [("Tờ trình", "99/TTr-SYT", "2021-05-10", None, "về việc phê duyệt kế hoạch")]),
    ("Quy định số 08-QĐi/TW ngày 25/10/2018 về trách nhiệm nêu gương.",
     [("Quy định", "08-QĐi/TW", "2018-10-25", None, "về trách nhiệm nêu gương")]),
    ("Quy chế số 3/QC-UBND về phối hợp.", [("Quy chế", "3/QC-UBND", None, None, "về phối hợp")]),
    ("Pháp lệnh số 02/2020/UBTVQH14 về ưu đãi người có công.",
     [("Pháp lệnh", "02/2020/UBTVQH14", None, None, "về ưu đãi người có công")]),
    ("Hiến pháp số 18/2013/QH13 đã được Quốc hội thông qua.", [("Hiến pháp", "18/2013/QH13", None, None, None)]),
    ("Chương trình số 15-CTr/TU ngày 2/3/2021 về an sinh xã hội.",
     [("Chương trình", "15-CTr/TU", "2021-03-02", None, "về an sinh xã hội")]),
    ("Nghị quyết 21-NQ/TW ngày 22/11/2012 của Bộ Chính trị về tăng cường sự lãnh đạo.",
     [("Nghị quyết", "21-NQ/TW", "2012-11-22", "Bộ Chính trị", "về tăng cường sự lãnh đạo")]),
    ("Nghị quyết số 68/2013/QH13 ngày 29/11/2013 của Quốc hội về đẩy mạnh thực hiện chính sách, pháp luật về bảo hiểm y tế, tiến tới bảo hiểm y tế toàn dân.",
     [("Nghị quyết", "68/2013/QH13", "2013-11-29", "Quốc hội", "về đẩy mạnh thực hiện chính sách, pháp luật về bảo hiểm y tế, tiến tới bảo hiểm y tế toàn dân")]),
    ("Kết luận số 148-KL/TU ngày 24/01/2018 của Ban Thường vụ Tỉnh ủy.",
     [("Kết luận", "148-KL/TU", "2018-01-24", "Ban Thường vụ Tỉnh ủy", None)]),
    ("Thực hiện Chỉ thị số 05-CT/TU ngày 12 tháng 4 năm 2021 của Tỉnh ủy Nam Sơn về đẩy mạnh công tác phát triển người tham gia BHYT.",
     [("Chỉ thị", "05-CT/TU", "2021-04-12", "Tỉnh ủy Nam Sơn", "về đẩy mạnh công tác phát triển người tham gia BHYT")]),
    ("theo Quyết định số 1167/QĐ-TTg ngày 28/6/2016 của Thủ tướng Chính phủ về việc điều chỉnh giao chỉ tiêu thực hiện bao phủ bảo hiểm y tế giai đoạn 2016 - 2020",
     [("Quyết định", "1167/QĐ-TTg", "2016-06-28", "Thủ tướng Chính phủ", "về việc điều chỉnh giao chỉ tiêu thực hiện bao phủ bảo hiểm y tế giai đoạn 2016 - 2020")]),
    # laws with a name (commas included) before "số"
    ("Luật Khám bệnh, chữa bệnh số 15/2023/QH15 có hiệu lực.", [("Luật", "15/2023/QH15", None, None, None)]),
    ("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Bảo hiểm y tế số 46/2014/QH13 ngày 13/6/2014.",
     [("Luật", "46/2014/QH13", "2014-06-13", None, None)]),
    # --- number and date spellings ---------------------------------------------------------------------
    ("Theo Kế hoạch số: 45/KH-UBND ngày 2/2/2022.", [("Kế hoạch", "45/KH-UBND", "2022-02-02", None, None)]),
    ("Kế hoạch số 15 - KH/TU ngày 20/11/2025.", [("Kế hoạch", "15-KH/TU", "2025-11-20", None, None)]),
    ("Chỉ thị số 38-CT/TW ngày 07 / 9 / 2009 của Ban Bí thư.", [("Chỉ thị", "38-CT/TW", "2009-09-07", "Ban Bí thư", None)]),
    ("CÔNG VĂN SỐ 12/UBND NGÀY 1/2/2020", [("Công văn", "12/UBND", "2020-02-01", None, None)]),
    ("Chỉ thị số 38-CT/TW.", [("Chỉ thị", "38-CT/TW", None, None, None)]),
    ("Quyết định số 12/QĐ-UBND ngày 31/02/2020 về việc ban hành.", [("Quyết định", "12/QĐ-UBND", None, None, "về việc ban hành")]),
    # --- issuer: after the date, before the date, ending at "," ------------------------------------------
    ("Công văn số 12/SYT của Sở Y tế ngày 5/6/2020 về việc tiêm chủng.",
     [("Công văn", "12/SYT", "2020-06-05", "Sở Y tế", "về việc tiêm chủng")]),
    ("Kế hoạch số 12/KH-UBND ngày 1/2/2020 của UBND tỉnh, Sở Y tế đã triển khai.",
     [("Kế hoạch", "12/KH-UBND", "2020-02-01", "UBND tỉnh", None)]),
    ("Thực hiện Quyết định số 1234/QĐ-UBND ngày 5/5/2022 của Chủ tịch UBND tỉnh Bắc Vân về phê duyệt đề án: các xã thực hiện.",
     [("Quyết định", "1234/QĐ-UBND", "2022-05-05", "Chủ tịch UBND tỉnh Bắc Vân", "về phê duyệt đề án")]),
    # --- subject ends: ";", sentence end, ", Ban …" ---------------------------------------------------------
    ("Theo Kế hoạch số 8/KH-UBND ngày 2/3/2021 của UBND huyện Lạc An về việc kiểm tra; Quyết định số 9/QĐ-UBND.",
     [("Kế hoạch", "8/KH-UBND", "2021-03-02", "UBND huyện Lạc An", "về việc kiểm tra"), ("Quyết định", "9/QĐ-UBND", None, None, None)]),
    ("Quyết định số 2441/QĐ-UBND ngày 19/6/2018 về việc kiểm tra BHYT. Các xã đã thực hiện.",
     [("Quyết định", "2441/QĐ-UBND", "2018-06-19", None, "về việc kiểm tra BHYT")]),
    ("Kế hoạch số 23/KH-UBND ngày 10/02/2021 của Ủy ban nhân dân tỉnh Bắc Vân về triển khai tiêm chủng vắc xin phòng COVID-19 năm 2021 - 2022, Ban Chỉ đạo huyện tổ chức thực hiện.",
     [("Kế hoạch", "23/KH-UBND", "2021-02-10", "Ủy ban nhân dân tỉnh Bắc Vân", "về triển khai tiêm chủng vắc xin phòng COVID-19 năm 2021 - 2022")]),
    # --- a plan *implementing* a directive cites the directive, not a plan --------------------------------
    ("Thực hiện kế hoạch thực hiện Chỉ thị số 38-CT/TW của Ban Bí thư.", [("Chỉ thị", "38-CT/TW", None, "Ban Bí thư", None)]),
    # --- negatives: no document number --------------------------------------------------------------------
    ("Văn bản ngày 08/01/2015 gửi các xã.", []),
    ("Ngày 08/01/2015 UBND thành phố họp.", []),
    ("Số liệu đến 31/12/2019 đạt 93,19%.", []),
    ("Đến năm 2019, tỷ lệ đạt 90%.", []),
    ("Kế hoạch này được triển khai đến các xã.", []),
    ("Kế hoạch phát triển BHYT năm 2019.", []),
    ("Ban hành Kế hoạch thực hiện chỉ tiêu bao phủ BHYT giai đoạn 2022 - 2025 trên địa bàn huyện.", []),
    ("Công văn ngày 08/01/2015 của Sở Y tế về việc rà soát đối tượng.",
         [("Công văn", None, "2015-01-08", "Sở Y tế", "về việc rà soát đối tượng")]),
    ("Thực hiện Kế hoạch 2021-2025 đã đề ra.", []),
    ("UBND huyện gửi Báo cáo 6 tháng đầu năm 2020 đúng hạn.", []),
    ("Công văn số 77/UBND-VX ngày 3/3/2021 về việc hỗ trợ TP. Hồ Chí Minh phòng chống dịch.",
         [("Công văn", "77/UBND-VX", "2021-03-03", None, "về việc hỗ trợ TP. Hồ Chí Minh phòng chống dịch")]),
    ("Căn cứ Quyết định số 12/QĐ-UBND ngày 5/5/2022 phê duyệt kế hoạch bảo vệ môi trường.",
         [("Quyết định", "12/QĐ-UBND", "2022-05-05", None, None)]),
    ("Thực hiện Pháp lệnh số 02/2020/UBTVQH14 ngày 9/12/2020 của Ủy ban Thường vụ Quốc hội.",
         [("Pháp lệnh", "02/2020/UBTVQH14", "2020-12-09", "Ủy ban Thường vụ Quốc hội", None)]),
    ("Thông báo kết luận số 25-TB/TU ngày 3/3/2020 của Thường trực Tỉnh ủy.",
         [("Thông báo", "25-TB/TU", "2020-03-03", "Thường trực Tỉnh ủy", None)]),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_references_in_text(text, expected):
    assert refs(text) == expected


def test_table_covers_every_reference_kind():
    seen = set()
    for case in CASES:
        values = case.values if hasattr(case, "values") else case
        seen.update(r[0] for r in values[1])
    assert set(V.REFERENCE_KINDS) <= seen


# every kind as printed (title case), lower case, upper case and folded (diacritics lost)
KIND_SPELLINGS = [(k, spelled) for k in V.REFERENCE_KINDS for spelled in (k, k.lower(), k.upper(), unidecode(k))]


@pytest.mark.parametrize("kind, spelled", KIND_SPELLINGS)
def test_every_kind_in_every_spelling(kind, spelled):
    text = f"Căn cứ {spelled} số 12/ABC-XYZ ngày 1/2/2020 của Sở Nội vụ tỉnh Nam Sơn về việc thử nghiệm."
    assert refs(text) == [(kind, "12/ABC-XYZ", "2020-02-01", "Sở Nội vụ tỉnh Nam Sơn", "về việc thử nghiệm")]


def test_citation_carries_where_page_and_raw():
    (c,) = references_in_text("Xem Kế hoạch số 9/KH-UBND ngày 1/2/2023 của UBND tỉnh về kiểm tra.", "footnote:3", page=2)
    assert c.where == "footnote:3"
    assert c.ref.cited_in == ["footnote:3"]
    assert c.ref.prov.page == 2
    assert c.ref.raw.startswith("Kế hoạch số 9/KH-UBND ngày 1/2/2023")
    assert c.start == len("Xem ")
    assert c.self_cite is False


# --- references_from_table ------------------------------------------------------------------------

DOC_TABLE_HEADER = ["STT", "Cơ quan ban hành", "Tên văn bản", "Ngày ban hành", "Trích yếu"]
DOC_TABLE = [
    # (row, (kind, number, date, issuer))
    (["1", "UBND thành phố", "Công văn số 106/UBND", "08/01/2015", "Về việc xây dựng kế hoạch"],
     ("Công văn", "106/UBND", "2015-01-08", "UBND thành phố")),
    # the citation's own date wins over the date column
    (["2", "HĐND tỉnh", "Nghị quyết số 17/2016/NQ-HĐND ngày 08/12/2016", "09/12/2016", None],
     ("Nghị quyết", "17/2016/NQ-HĐND", "2016-12-08", "HĐND tỉnh")),
    (["3", None, "Kế hoạch số 5/KH-UBND", "1/2/2020", None], ("Kế hoạch", "5/KH-UBND", "2020-02-01", None)),
    # the citation's own issuer wins over the issuer column
    (["4", "UBND huyện", "Chỉ thị số 09-CT/TU của Ban Thường vụ Tỉnh ủy", None, None],
     ("Chỉ thị", "09-CT/TU", None, "Ban Thường vụ Tỉnh ủy")),
]


@pytest.mark.parametrize("row, expected", DOC_TABLE)
def test_table_of_documents_columns(row, expected):
    (c,) = references_from_table(DOC_TABLE_HEADER, [row], "t2", page=9)
    assert (c.ref.kind, c.ref.number, c.ref.date, c.ref.issuer) == expected
    assert c.where == "table:t2" and c.ref.cited_in == ["table:t2"] and c.ref.prov.page == 9


def test_table_other_header_spellings():
    cites = references_from_table(["Số, ký hiệu", "Ngày tháng", "Đơn vị ban hành"],
                                  [["Chỉ thị 09-CT/TU", "29/7/2016", "Ban Thường vụ Tỉnh ủy"]], "t3")
    assert [(c.ref.kind, c.ref.number, c.ref.date, c.ref.issuer) for c in cites] == [
        ("Chỉ thị", "09-CT/TU", "2016-07-29", "Ban Thường vụ Tỉnh ủy")]


def test_table_without_document_columns_reads_cells_only():
    cites = references_from_table(["STT", "Nội dung", "Ghi chú"],
                                  [["1", "Thực hiện Quyết định số 850/QĐ-UBND", "UBND thành phố"],
                                   ["2", "Tổng số thẻ BHYT", "131.408"]], "t1")
    assert [(c.ref.kind, c.ref.number, c.ref.date, c.ref.issuer) for c in cites] == [
        ("Quyết định", "850/QĐ-UBND", None, None)]


def test_table_issuer_and_date_cells_are_not_searched():
    # "Ngày ban hành" and "Cơ quan ban hành" cells hold no citation of their own
    cites = references_from_table(DOC_TABLE_HEADER, [["1", "Kế hoạch số 3/KH-SYT", "Kế hoạch số 4/KH-SYT", "1/1/2020", None]], "t1")
    assert [c.ref.number for c in cites] == ["4/KH-SYT"]
    assert cites[0].ref.issuer == "Kế hoạch số 3/KH-SYT"


def test_table_date_column_without_issuer_column():
    (c,) = references_from_table(["STT", "Văn bản", "Ngày ban hành"], [["1", "Công văn số 106/UBND", "08/01/2015"]], "t1")
    assert c.ref.date == "2015-01-08"


# --- merge_references ------------------------------------------------------------------------------

def cites(*pairs: tuple[str, str]) -> list[Citation]:
    out: list[Citation] = []
    for text, where in pairs:
        out.extend(references_in_text(text, where))
    return out


def test_merge_dedups_kind_and_number_case_insensitively():
    merged = merge_references(cites(("Chương trình hành động số 74-CTr/Th.U, ngày 14/4/2015", "body"),
                                    ("chương trình hành động 74-Ctr/Th.U", "body")))
    assert [(r.kind, r.number, r.date, r.cited_in) for r in merged] == [
        ("Chương trình hành động", "74-CTr/Th.U", "2015-04-14", ["body"])]


def test_merge_first_citation_wins_later_fill_nulls():
    merged = merge_references(cites(
        ("Thực hiện Chỉ thị số 38-CT/TW của Ban Bí thư.", "body"),
        ("Chỉ thị số 38-CT/TW ngày 07/9/2009 của Ban Bí thư (khóa X) về “Đẩy mạnh công tác BHYT”.", "footnote:1"),
        ("Chỉ thị số 38-CT/TW ngày 08/9/2009 của Trung ương về việc khác.", "table:t1"),
    ))
    assert len(merged) == 1
    r = merged[0]
    assert (r.kind, r.number) == ("Chỉ thị", "38-CT/TW")
    assert r.issuer == "Ban Bí thư"  # the first citation's, not the later "(khóa X)" one
    assert r.date == "2009-09-07"  # null in the first, filled by the second, not overwritten by the third
    assert r.subject == "về “Đẩy mạnh công tác BHYT”"
    assert r.cited_in == ["body", "footnote:1", "table:t1"]


def test_merge_cited_in_first_seen_order_each_once():
    merged = merge_references(cites(("Quyết định số 850/QĐ-UBND.", "footnote:2"), ("Quyết định số 850/QĐ-UBND.", "body"),
                                    ("Quyết định số 850/QĐ-UBND.", "footnote:2"), ("Quyết định số 850/QĐ-UBND.", "table:t3"),
                                    ("Quyết định số 850/QĐ-UBND.", "body")))
    assert [r.cited_in for r in merged] == [["footnote:2", "body", "table:t3"]]


def test_merge_keeps_reading_order_and_separates_kinds():
    merged = merge_references(cites(("Công văn số 106/UBND; Quyết định số 106/UBND; Kế hoạch số 2/KH.", "body"),
                                    ("Công văn số 106/UBND ngày 08/01/2015.", "footnote:1")))
    assert [(r.kind, r.number, r.date, r.cited_in) for r in merged] == [
        ("Công văn", "106/UBND", "2015-01-08", ["body", "footnote:1"]),
        ("Quyết định", "106/UBND", None, ["body"]),
        ("Kế hoạch", "2/KH", None, ["body"]),
    ]


def test_merge_skips_self_citations():
    own, other = cites(("Kèm theo Kế hoạch số 131/KH-UBND; Chỉ thị số 38-CT/TW.", "table:t1"))
    own.self_cite = True
    assert [r.number for r in merge_references([own, other])] == ["38-CT/TW"]


def test_merge_without_number_keys_on_kind_date_issuer():
    def c(date, issuer, where):
        return Citation(ref=Reference(kind="Công văn", number=None, date=date, issuer=issuer, cited_in=[where]), where=where)
    merged = merge_references([c("2015-01-08", "Sở Y tế", "body"), c("2015-01-08", "Sở Y tế", "footnote:1"),
                               c("2015-01-08", "UBND tỉnh", "body"), c("2016-01-08", "Sở Y tế", "body")])
    assert [(r.date, r.issuer, r.cited_in) for r in merged] == [
        ("2015-01-08", "Sở Y tế", ["body", "footnote:1"]), ("2015-01-08", "UBND tỉnh", ["body"]),
        ("2016-01-08", "Sở Y tế", ["body"])]


def test_merge_does_not_mutate_its_input():
    first, second = cites(("Chỉ thị số 38-CT/TW.", "body"), ("Chỉ thị số 38-CT/TW ngày 07/9/2009.", "footnote:1"))
    merge_references([first, second])
    assert first.ref.date is None and first.ref.cited_in == ["body"]

"""Across documents: each reference linked to the document of the dataset it names.

A reference names a document by kind, number and date ("Kế hoạch số 45/KH-UBND ngày 3/2/2020"); a
document of the dataset is that one when its header's doc_type is the kind (case folded: KẾ HOẠCH is
Kế hoạch), its ref is the number (spaces removed, case folded) and, when both dates are known, its
date is the date. `match` says how sure: "kind+number+date", or "kind+number" when a date is missing
on either side (numbers restart every year, so that is weaker); a date that differs is no match. A
document never cites itself; a reference matching several documents (the same report as a PDF and as
text) gets one row per document. References with no document in the dataset keep a row with nulls.

The table is built CHUNK references at a time (by rowid: `references` is written in (document,
ref_index) order, so the chunks' sorted results follow each other in the order of the whole), so the
sort holds one chunk, not every reference of the archive: each chunk is written as a Parquet part of
its own, in a connection of its own (dataset.py), and the parts are loaded as any table's are.
Writing the whole table to Parquet from the database instead held more the more citations there were
(+19 MB at 133,363).
"""
from __future__ import annotations

CHUNK = 2_048  # references per sorted chunk: 100 documents' ~1,200 already fill most of one

CITATIONS_SQL = """
WITH docs AS (
    SELECT document, file, date,
           lower(replace(ref, ' ', '')) AS number_key,
           lower(trim(doc_type)) AS kind_key
    FROM documents
    WHERE ref IS NOT NULL AND doc_type IS NOT NULL
), refs AS (
    SELECT document, ref_index, kind, number, date,
           lower(replace(number, ' ', '')) AS number_key,
           lower(trim(kind)) AS kind_key
    FROM "references"
    WHERE rowid >= $start AND rowid < $stop
)
SELECT r.document, r.ref_index, r.kind, r.number, r.date,
       d.document AS cited_document, d.file AS cited_file,
       CASE WHEN d.document IS NULL THEN NULL
            WHEN r.date IS NOT NULL AND d.date IS NOT NULL THEN 'kind+number+date'
            ELSE 'kind+number' END AS match
FROM refs r
LEFT JOIN docs d
       ON d.kind_key = r.kind_key
      AND d.number_key = r.number_key
      AND (r.date IS NULL OR d.date IS NULL OR d.date = r.date)
      AND d.document <> r.document
ORDER BY r.document, r.ref_index, d.document
"""


def citation_chunks(con, chunk: int = CHUNK) -> list[tuple[int, int]]:
    """The (start, stop) rowids of the references, CHUNK at a time (one chunk when there are none)."""
    n = con.execute('SELECT count(*) FROM "references"').fetchone()[0]
    return [(start, start + chunk) for start in range(0, max(n, 1), chunk)]


def citations_to_parquet(con, start: int, stop: int, part) -> int:
    """The citations of references [start, stop) as one Parquet part (zstd; a part with no rows still
    has the columns); returns how many rows it holds."""
    return con.execute(f"COPY ({CITATIONS_SQL}) TO '{part}' (FORMAT parquet, COMPRESSION zstd)",
                       {"start": start, "stop": stop}).fetchone()[0]

"""baocao: Vietnamese government reports → structured, checked records.

    from pipeline import extract
    record = extract("samples/000_text.txt")
    frames = record.to_pandas()
"""
from pipeline.extract import extract
from pipeline.record import Record

__all__ = ["extract", "Record"]

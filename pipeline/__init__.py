"""baocao: Vietnamese government reports → structured, checked records.

    from pipeline import extract
    record = extract("samples/000_text.txt")
    frames = record.to_pandas()

Names are imported on first use, so that `pipeline.sources` or `pipeline.record` load alone.
"""
__all__ = ["extract", "Record", "load_record", "load_dataset"]


def __getattr__(name):
    if name == "extract":
        from pipeline.extraction import extract

        return extract
    if name == "Record":
        from pipeline.record import Record

        return Record
    if name == "load_record":
        from pipeline.extraction import load_record

        return load_record
    if name == "load_dataset":
        from pipeline.ingest.dataset import load_dataset

        return load_dataset
    raise AttributeError(name)

"""Ingest whole archives (folders, zip and tar files, nested) into a dataset: records JSON, tidy tables
as Parquet and DuckDB, a resumable manifest. `baocao ingest`, `baocao query`, `baocao report`.

    inputs.py     folders / zip / tar (streamed, nested) → documents, with the safety limits
    manifest.py   the append-only, resumable per-input state (manifest.jsonl)
    executors.py  the local supervised process pool and the Dask executor (kill on --timeout)
    worker.py     the child process that runs extract() on one document at a time
    run.py        the ingest driver: dedupe by SHA-256, bounded in-flight work, progress, log
    tables.py     record → tidy rows (fixed columns)
    dataset.py    Parquet + DuckDB writing, load_dataset
    citations.py  references linked to the documents of the dataset they name
    report.py     coverage table and chart of BHYT coverage rates
    commands.py   the `ingest`, `query`, `report` subcommands
"""

"""DataFrames from a record: tables in long form (one row per cell, parsed value beside the text),
measures, references, sections, footnotes, assignments, checks."""
from __future__ import annotations

import pandas as pd


def record_to_frames(record) -> dict[str, pd.DataFrame]:
    doc = record.source.file
    cells = []
    for t in record.tables:
        for r, (row, vals) in enumerate(zip(t.rows, t.values or [[]] * len(t.rows)), start=1):
            for c, text in enumerate(row, start=1):
                v = vals[c - 1] if c - 1 < len(vals) else None
                cells.append({"document": doc, "table": t.id, "row": r, "column": c,
                              "column_name": t.columns[c - 1] if c - 1 < len(t.columns) else None,
                              "row_kind": t.row_kinds[r - 1] if r - 1 < len(t.row_kinds) else None,
                              "text": text, "value": v.value if v else None, "unit": v.unit if v else None})

    def frame(items, drop=("prov", "evidence")):
        rows = [{"document": doc, **{k: v for k, v in i.model_dump().items() if k not in drop}} for i in items]
        return pd.DataFrame(rows)

    return {
        "tables": pd.DataFrame(cells, columns=["document", "table", "row", "column", "column_name", "row_kind",
                                               "text", "value", "unit"]),
        "measures": frame(record.measures),
        "references": frame(record.references),
        "sections": frame(record.sections),
        "footnotes": frame(record.footnotes),
        "assignments": frame(record.assignments),
        "checks": frame(record.checks),
    }

"""A record (its JSON, as a dict) → tidy rows for each table of the dataset, with fixed columns so that
every document's rows fit one schema. Every row names its document by the SHA-256 of its bytes
(`document`), the key of the `documents` table. The long form of tables is `pipeline/frames.py`'s
(table, row, column, column_name, row_kind, text, value, unit), per cell."""
from __future__ import annotations

from typing import Optional

# table → [(column, type)]; types: str, int, float, bool, list<str>, list<int>
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "documents": [("document", "str"), ("file", "str"), ("paths", "list<str>"), ("path_count", "int"),
                  ("record", "str"), ("status", "str"), ("media_type", "str"), ("page_count", "int"),
                  ("ocr_pages", "int"), ("ocr_mean_confidence", "float"),
                  ("issuer_parent", "str"), ("issuer", "str"), ("ref", "str"), ("number", "int"),
                  ("doc_type", "str"), ("place", "str"), ("date", "str"), ("year", "int"), ("title", "str"),
                  ("authority", "str"), ("deputy", "str"), ("position", "str"), ("signer", "str"),
                  ("recipients", "list<str>"), ("sections", "int"), ("footnotes", "int"), ("references", "int"),
                  ("tables", "int"), ("measures", "int"), ("assignments", "int"), ("checks_failed", "int"),
                  ("warnings", "int"), ("errors", "int")],
    "pages": [("document", "str"), ("page", "int"), ("mode", "str"), ("mode_reason", "str"),
              ("confidence", "float"), ("chars", "int"), ("text", "str")],
    "sections": [("document", "str"), ("position", "int"), ("id", "str"), ("number", "str"), ("title", "str"),
                 ("level", "int"), ("page", "int"), ("raw", "str")],
    "footnotes": [("document", "str"), ("marker", "str"), ("text", "str"), ("page", "int"),
                  ("pages", "list<int>")],
    "references": [("document", "str"), ("ref_index", "int"), ("kind", "str"), ("number", "str"),
                   ("date", "str"), ("issuer", "str"), ("subject", "str"), ("cited_in", "list<str>"),
                   ("raw", "str"), ("page", "int")],
    "tables": [("document", "str"), ("table", "str"), ("page", "int"), ("caption", "str"), ("row", "int"),
               ("column", "int"), ("column_name", "str"), ("row_kind", "str"), ("text", "str"),
               ("value", "float"), ("unit", "str")],
    "measures": [("document", "str"), ("measure_index", "int"), ("indicator", "str"), ("value", "float"),
                 ("unit", "str"), ("period", "str"), ("scope", "str"), ("kind", "str"), ("qualifier", "str"),
                 ("raw", "str"), ("source", "str"), ("page", "int")],
    "assignments": [("document", "str"), ("agency", "str"), ("role", "str"), ("task", "str"),
                    ("deadline", "str"), ("raw", "str")],
    "checks": [("document", "str"), ("rule", "str"), ("status", "str"), ("message", "str"), ("where", "str"),
               ("expected", "float"), ("actual", "float")],
    "warnings": [("document", "str"), ("message", "str")],
    # failures: of a whole input (document null when it was never read) or of a page or stage in a record
    "errors": [("document", "str"), ("input", "str"), ("status", "str"), ("stage", "str"), ("page", "int"),
               ("message", "str")],
    # the manifest, one row per input path
    "inputs": [("input", "str"), ("kind", "str"), ("status", "str"), ("reason", "str"), ("sha256", "str"),
               ("record", "str"), ("container", "str"), ("size", "int"), ("pages", "int"), ("seconds", "float")],
    "citations": [("document", "str"), ("ref_index", "int"), ("kind", "str"), ("number", "str"), ("date", "str"),
                  ("cited_document", "str"), ("cited_file", "str"), ("match", "str")],
}


def _year(date: Optional[str]) -> Optional[int]:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _page(item: dict) -> Optional[int]:
    prov = item.get("prov") or {}
    return item.get("page") if item.get("page") is not None else prov.get("page")


def record_rows(rec: dict, document: str, record_file: str, paths: list[str]) -> dict[str, list[dict]]:
    """The rows of one record in every per-document table (not inputs, errors of inputs, citations)."""
    src, hdr, sig = rec["source"], rec.get("header") or {}, rec.get("signature") or {}
    out: dict[str, list[dict]] = {}
    ocr_pages = sum(1 for m in src.get("page_modes", []) if m == "ocr")
    out["documents"] = [{
        "document": document, "file": src.get("file"), "paths": sorted(paths), "path_count": len(paths),
        "record": record_file, "status": rec.get("status"), "media_type": src.get("media_type"),
        "page_count": src.get("page_count"), "ocr_pages": ocr_pages,
        "ocr_mean_confidence": (src.get("ocr") or {}).get("mean_confidence"),
        **{k: hdr.get(k) for k in ("issuer_parent", "issuer", "ref", "number", "doc_type", "place", "date", "title")},
        "year": _year(hdr.get("date")),
        **{k: sig.get(k) for k in ("authority", "deputy", "position", "signer")},
        "recipients": list(rec.get("recipients") or []),
        **{k: len(rec.get(k) or []) for k in ("sections", "footnotes", "references", "tables", "measures",
                                               "assignments", "warnings", "errors")},
        "checks_failed": sum(1 for c in rec.get("checks") or [] if c.get("status") == "fail"),
    }]
    reasons = src.get("page_mode_reasons") or []
    out["pages"] = [{"document": document, "page": p["number"], "mode": p["mode"],
                     "mode_reason": reasons[i] if i < len(reasons) else None, "confidence": p.get("confidence"), "chars": len(p.get("text") or ""), "text": p.get("text")}
                    for i, p in enumerate(rec.get("pages") or [])]
    out["sections"] = [{"document": document, "position": i, **{k: s.get(k) for k in
                        ("id", "number", "title", "level", "page", "raw")}}
                       for i, s in enumerate(rec.get("sections") or [])]
    out["footnotes"] = [{"document": document, "marker": f.get("marker"), "text": f.get("text"),
                         "page": f.get("page"), "pages": list(f.get("pages") or [])}
                        for f in rec.get("footnotes") or []]
    out["references"] = [{"document": document, "ref_index": i, **{k: r.get(k) for k in
                          ("kind", "number", "date", "issuer", "subject", "raw")},
                          "cited_in": list(r.get("cited_in") or []), "page": _page(r)}
                         for i, r in enumerate(rec.get("references") or [])]
    out["tables"] = table_cells(rec.get("tables") or [], document)
    out["measures"] = [{"document": document, "measure_index": i, **{k: m.get(k) for k in
                        ("indicator", "value", "unit", "period", "scope", "kind", "qualifier", "raw", "source")},
                        "page": _page(m)}
                       for i, m in enumerate(rec.get("measures") or [])]
    out["assignments"] = [{"document": document, **{k: a.get(k) for k in
                           ("agency", "role", "task", "deadline", "raw")}} for a in rec.get("assignments") or []]
    out["checks"] = [{"document": document, **{k: c.get(k) for k in
                      ("rule", "status", "message", "where", "expected", "actual")}} for c in rec.get("checks") or []]
    out["warnings"] = [{"document": document, "message": w} for w in rec.get("warnings") or []]
    first = sorted(paths)[0] if paths else None
    out["errors"] = [{"document": document, "input": first, "status": rec.get("status"), "stage": e.get("stage"),
                      "page": e.get("page"), "message": e.get("message")} for e in rec.get("errors") or []]
    return out


def table_cells(tables: list[dict], document: str) -> list[dict]:
    """Tables in long form: one row per cell, the parsed value and unit beside the printed text."""
    cells = []
    for t in tables:
        columns, kinds, values = t.get("columns") or [], t.get("row_kinds") or [], t.get("values") or []
        for r, row in enumerate(t.get("rows") or [], start=1):
            vals = values[r - 1] if r - 1 < len(values) else []
            for c, text in enumerate(row, start=1):
                v = vals[c - 1] if c - 1 < len(vals) else None
                cells.append({"document": document, "table": t.get("id"), "page": t.get("page"),
                              "caption": t.get("caption"), "row": r, "column": c,
                              "column_name": columns[c - 1] if c - 1 < len(columns) else None,
                              "row_kind": kinds[r - 1] if r - 1 < len(kinds) else None, "text": text,
                              "value": v.get("value") if v else None, "unit": v.get("unit") if v else None})
    return cells


def input_row(e: dict) -> dict:
    return {k: e.get(k) for k, _ in COLUMNS["inputs"]}


def input_error_row(e: dict) -> Optional[dict]:
    """An input that failed as a whole (never read, refused, timed out) as a row of `errors`."""
    if e["status"] != "failed":
        return None
    return {"document": e.get("sha256"), "input": e["input"], "status": "failed",
            "stage": "ingest", "page": None, "message": e.get("reason")}

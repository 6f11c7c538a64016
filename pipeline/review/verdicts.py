"""Per-value golden verdicts: which extracted value is correct, wrong or missing, by the same rules
`baocao eval` scores with.

Nothing here re-decides what matches: items are aligned by `pipeline.evaluate`'s aligners and fields
compared by its equality functions; this module only keeps, for every scored unit, *which* value it was
(so the review can mark it) instead of adding it to a count. Every verdict carries its strict counts, and
`counts_by_family` over them equals `evaluate.score_record(...).strict` (tests/test_review.py checks it
on every sample), so the page's marks and the scores at its head can never disagree.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from pipeline import evaluate as ev

# A unit's verdict. strict counts per verdict (TP, FP, FN), as evaluate._Tally.unit counts them.
CORRECT = "correct"  # equal in strict mode
LENIENT = "lenient"  # equal only in lenient mode (case, diacritics, fuzzy long text): strict FN + FP
WRONG = "wrong"  # both set, different: FN + FP
MISSING = "missing"  # golden set, prediction null or absent: FN
EXTRA = "extra"  # golden null or no golden item, prediction set: FP
VERDICTS = (CORRECT, LENIENT, WRONG, MISSING, EXTRA)
_STRICT_COUNTS = {CORRECT: (1, 0, 0), LENIENT: (0, 1, 1), WRONG: (0, 1, 1), MISSING: (0, 0, 1), EXTRA: (0, 1, 0)}


@dataclass
class FieldVerdict:
    verdict: str
    golden: Optional[str] = None  # the golden value as text (shown beside a wrong value)
    counts: tuple[int, int, int] = (0, 0, 0)  # strict TP, FP, FN of this field


@dataclass
class ItemVerdict:
    """The verdict of one predicted item (a header, a section, a table …), field by field."""

    fields: dict[str, FieldVerdict] = field(default_factory=dict)
    aligned: bool = True  # False: no golden item was aligned with it (every field is EXTRA)
    golden: Optional[dict] = None  # the aligned golden item
    cells: dict[tuple[str, int, int], FieldVerdict] = field(default_factory=dict)  # tables: (grid, row, col)

    @property
    def verdict(self) -> Optional[str]:
        """The worst of the fields: an item is correct only when every scored field is."""
        seen = {f.verdict for f in self.fields.values()}
        for v in (WRONG, MISSING, EXTRA, LENIENT, CORRECT):
            if v in seen:
                return v
        return None


@dataclass
class Verdicts:
    items: dict[tuple[str, int], ItemVerdict] = field(default_factory=dict)  # (family, index in the record)
    missing: list[tuple[str, dict]] = field(default_factory=list)  # golden items nothing was aligned with
    families: tuple[str, ...] = ()  # the families the golden states (the scored ones)

    def get(self, family: str, index: int = 0) -> Optional[ItemVerdict]:
        return self.items.get((family, index))


def unit_verdict(g: Any, p: Any, eq) -> Optional[FieldVerdict]:
    """One scored unit, as evaluate._Tally.unit counts it; None when neither side is set."""
    g_set, p_set = not ev._is_null(g), not ev._is_null(p)
    if not g_set and not p_set:
        return None
    if not g_set:
        v = EXTRA
    elif p_set and eq(g, p, False):
        v = CORRECT
    elif p_set and eq(g, p, True):
        v = LENIENT
    elif p_set:
        v = WRONG
    else:
        v = MISSING
    return FieldVerdict(v, None if not g_set else ev._text(g), _STRICT_COUNTS[v])


def set_verdict(g: Any, p: Any) -> Optional[FieldVerdict]:
    """A list scored as a set (cited_in): counts per element, one verdict for the whole."""
    g_items = {t for t in (ev._text(x) for x in ev._as_list(g)) if t is not None}
    p_items = {t for t in (ev._text(x) for x in ev._as_list(p)) if t is not None}
    if not g_items and not p_items:
        return None
    counts = (len(g_items & p_items), len(p_items - g_items), len(g_items - p_items))
    if g_items == p_items:
        v = CORRECT
    elif {ev._fold(x) for x in g_items} == {ev._fold(x) for x in p_items}:
        v = LENIENT
    elif not g_items:
        v = EXTRA
    elif not p_items:
        v = MISSING
    else:
        v = WRONG
    return FieldVerdict(v, ", ".join(sorted(g_items)) or None, counts)


def _item_verdict(family: str, g: Optional[dict], p: Optional[dict], fields: list[str]) -> ItemVerdict:
    kinds = ev.SCORED_FIELDS[family]
    out = ItemVerdict(aligned=g is not None, golden=g)
    for name in fields:
        kind = kinds[name]
        gv = g.get(name) if g else None
        pv = p.get(name) if p else None
        if kind == ev.SET:
            fv = set_verdict(gv, pv)
        elif kind == ev.CELLS:
            g_rows, p_rows = ev._as_list(gv), ev._as_list(pv)
            for i in range(max(len(g_rows), len(p_rows))):
                g_row = ev._as_list(g_rows[i]) if i < len(g_rows) else []
                p_row = ev._as_list(p_rows[i]) if i < len(p_rows) else []
                for j in range(max(len(g_row), len(p_row))):
                    cv = unit_verdict(g_row[j] if j < len(g_row) else None, p_row[j] if j < len(p_row) else None,
                                      ev._eq_text)
                    if cv is not None:
                        out.cells[(name, i, j)] = cv
            continue
        else:
            fv = unit_verdict(gv, pv, ev._EQ[kind])
        if fv is not None:
            out.fields[name] = fv
    return out


def _record_items(family: str, value: Any) -> tuple[list[dict], list[int]]:
    """evaluate's scored items of a family and, for each, its index in the record's list (failed
    checks only are scored, so a check's index is not its position among the scored ones)."""
    raw = ev._as_list(value)
    items = ev._items(family, raw)
    if family == "recipients":
        return items, list(range(len(items)))
    where = {id(x): i for i, x in enumerate(raw)}
    return items, [where[id(x)] for x in items]


def record_verdicts(record: dict, golden: dict) -> Verdicts:
    """Every scored unit of `record` against `golden` (both JSON dicts), with evaluate's alignment."""
    out = Verdicts(families=tuple(f for f in ev.FAMILIES if ev._family_stated(f, golden)))
    for family in out.families:
        if family in ("header", "signature"):
            g = golden[family] if isinstance(golden[family], dict) else {}
            p = record.get(family) if isinstance(record.get(family), dict) else {}
            out.items[(family, 0)] = _item_verdict(family, g, p, ev._fields_of(family, g))
            continue
        gold = ev._items(family, golden[family])
        pred, index = _record_items(family, record.get(family))
        pairs = ev._ALIGNERS[family](gold, pred)
        aligned_g = {gi for gi, _ in pairs}
        aligned_p = {pi for _, pi in pairs}
        for gi, pi in pairs:
            out.items[(family, index[pi])] = _item_verdict(family, gold[gi], pred[pi], ev._fields_of(family, gold[gi]))
        for gi, g in enumerate(gold):
            if gi not in aligned_g:
                out.missing.append((family, g))
        stated = ([f for f in ev.SCORED_FIELDS[family] if any(f in g for g in gold)] if gold
                  else list(ev.SCORED_FIELDS[family]))
        for pi, p in enumerate(pred):
            if pi not in aligned_p:
                iv = _item_verdict(family, None, p, stated)
                iv.aligned = False
                out.items[(family, index[pi])] = iv
    return out


def missing_counts(family: str, g: dict) -> tuple[int, int, int]:
    """Strict counts of a golden item nothing was aligned with (a FN per non-null field)."""
    iv = _item_verdict(family, g, None, ev._fields_of(family, g))
    fn = sum(f.counts[2] for f in iv.fields.values()) + sum(c.counts[2] for c in iv.cells.values())
    return 0, 0, fn


def counts_by_family(v: Verdicts) -> dict[str, tuple[int, int, int]]:
    """Strict TP, FP, FN per family summed over the verdicts: equal to score_record's by construction,
    and checked to be by the tests."""
    out = {f: [0, 0, 0] for f in v.families}
    for (family, _), iv in v.items.items():
        for fv in list(iv.fields.values()) + list(iv.cells.values()):
            for k in range(3):
                out[family][k] += fv.counts[k]
    for family, g in v.missing:
        for k, n in enumerate(missing_counts(family, g)):
            out[family][k] += n
    return {f: tuple(c) for f, c in out.items()}

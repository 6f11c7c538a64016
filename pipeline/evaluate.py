"""Score predicted records against golden records (docling-eval / GROBID style).

Evaluation is not a test: it measures how close the pipeline's records are to the golden records
of `golden/` (see `golden/CONVENTIONS.md`), field by field, and reports precision, recall and F1.

Model
-----
For each FIELD FAMILY (header, signature, recipients, sections, footnotes, references, tables,
measures, assignments, checks) the predicted items are aligned 1-to-1 to the golden items, then every
scored field of every item is one unit:

* aligned pair, golden non-null: equal → TP; different or null → FN (+ FP when the prediction is
  non-null);  golden null, predicted non-null → FP;  both null → nothing;
* unaligned golden item: FN per non-null scored field; unaligned predicted item: FP per non-null field.

`cited_in` counts one unit per element (as a set); a table counts `page`, `caption` and each header
and body cell by position (row i, column j).

Two modes, computed from the same alignment:

* strict: equality after NFC + whitespace collapse; numbers exact;
* lenient: diacritic-folded, case-insensitive equality; a golden text longer than 30 characters also
  matches when rapidfuzz ratio on the folded texts is ≥ 90; measure values within 0.5 % relative.

Fields (or whole families) that the golden record does not state are not scored.

Everything here is a pure function over JSON dicts except `run_eval`, which reads the directories and
prints.
"""
from __future__ import annotations

import io
import json
import sys
from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Hashable, Iterable, Optional, Sequence

from rapidfuzz import fuzz

from extractors.textnorm import clean, fold

FAMILIES: tuple[str, ...] = (
    "header",
    "signature",
    "recipients",
    "sections",
    "footnotes",
    "references",
    "tables",
    "measures",
    "assignments",
    "checks",
)
MODES: tuple[str, ...] = ("strict", "lenient")

# Kinds of scored field.
TEXT = "text"  # text value (strings; numbers compared by their text)
IDNUM = "idnum"  # an integer that identifies or counts (header number, level, page): exact in both modes
NUM = "num"  # a quantity (measure value): exact in strict, 0.5 % relative in lenient
SET = "set"  # a list scored as a set, one unit per element
CELLS = "cells"  # a grid of cells, one unit per position

SCORED_FIELDS: dict[str, dict[str, str]] = {
    "header": {
        "issuer_parent": TEXT,
        "issuer": TEXT,
        "ref": TEXT,
        "number": IDNUM,
        "doc_type": TEXT,
        "place": TEXT,
        "date": TEXT,
        "title": TEXT,
    },
    "signature": {"authority": TEXT, "deputy": TEXT, "position": TEXT, "signer": TEXT},
    "recipients": {"text": TEXT},  # each recipient string, wrapped as {"text": …}
    "sections": {"id": TEXT, "number": TEXT, "title": TEXT, "level": IDNUM, "page": IDNUM},
    "footnotes": {"marker": TEXT, "text": TEXT, "page": IDNUM},
    "references": {
        "kind": TEXT,
        "number": TEXT,
        "date": TEXT,
        "issuer": TEXT,
        "subject": TEXT,
        "cited_in": SET,
    },
    "tables": {"page": IDNUM, "caption": TEXT, "header_rows": CELLS, "rows": CELLS},
    "measures": {
        "indicator": TEXT,
        "value": NUM,
        "unit": TEXT,
        "period": TEXT,
        "scope": TEXT,
        "kind": TEXT,
        "qualifier": TEXT,
        "source": TEXT,
    },
    "assignments": {"agency": TEXT, "role": TEXT, "task": TEXT, "deadline": TEXT},
    "checks": {"rule": TEXT, "where": TEXT, "status": TEXT},
}

LONG_TEXT = 30  # lenient: golden texts longer than this (folded) may match fuzzily
LONG_TEXT_RATIO = 90.0
NUM_REL_TOL = 0.005  # lenient tolerance for measure values
ALIGN_VALUE_TOL = 1e-6  # measure alignment: values equal within this relative tolerance
ALIGN_RATIO = 80.0  # fuzzy alignment threshold (recipients, agencies, titles, captions)


# --------------------------------------------------------------------------------------------------
# Counts and scores


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def __iadd__(self, other: "Counts") -> "Counts":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def units(self) -> int:
        return self.tp + self.fp + self.fn

    @property
    def precision(self) -> float:
        # No prediction at all: 1.0 when nothing was expected either, else 0.0.
        return _ratio(self.tp, self.tp + self.fp, 1.0 if self.fn == 0 else 0.0)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn, 1.0 if self.fp == 0 else 0.0)

    @property
    def f1(self) -> float:
        if self.units == 0:
            return 1.0
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn, 0.0)


@dataclass
class ModeScore:
    """Counts per scored family (families the golden omits are absent) for one mode."""

    families: dict[str, Counts] = field(default_factory=dict)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.families.values():
            total += c
        return total

    @property
    def precision(self) -> float:
        return self.overall.precision

    @property
    def recall(self) -> float:
        return self.overall.recall

    @property
    def f1(self) -> float:
        return self.overall.f1

    @property
    def macro_f1(self) -> float:
        """Mean of the F1s of the families that have units (a family empty in golden and prediction
        alike, e.g. no failing checks, would be a free 1.0); 1.0 when no family has any."""
        scored = [c.f1 for c in self.families.values() if c.units]
        return sum(scored) / len(scored) if scored else 1.0


@dataclass
class DocScore:
    name: str = ""
    strict: ModeScore = field(default_factory=ModeScore)
    lenient: ModeScore = field(default_factory=ModeScore)
    missing: bool = False  # no prediction file: scored against an empty record

    def mode(self, mode: str) -> ModeScore:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r} (expected one of {', '.join(MODES)})")
        return self.strict if mode == "strict" else self.lenient

    @property
    def families(self) -> list[str]:
        return [f for f in FAMILIES if f in self.strict.families]

    # Strict overall, for convenience.
    @property
    def precision(self) -> float:
        return self.strict.precision

    @property
    def recall(self) -> float:
        return self.strict.recall

    @property
    def f1(self) -> float:
        return self.strict.f1


@dataclass
class EvalReport:
    docs: list[DocScore] = field(default_factory=list)
    aggregate: DocScore = field(default_factory=lambda: DocScore(name="aggregate"))  # micro sums
    missing: list[str] = field(default_factory=list)  # golden stems without a prediction
    unmatched: list[str] = field(default_factory=list)  # prediction stems without a golden
    errors: list[str] = field(default_factory=list)  # unreadable files


# --------------------------------------------------------------------------------------------------
# Values


_fold = lru_cache(maxsize=1 << 16)(fold)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _text(v: Any) -> Optional[str]:
    """Canonical text of a scalar: NFC, whitespace collapsed; None and blank → None."""
    if v is None:
        return None
    if isinstance(v, str):
        return clean(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_number(v):
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return clean(json.dumps(v, ensure_ascii=False, sort_keys=True))


def _is_null(v: Any) -> bool:
    return _text(v) is None


def _to_float(v: Any) -> Optional[float]:
    if _is_number(v):
        return float(v)
    s = _text(v)
    if s is None:
        return None
    s = s.replace(" ", "")
    for cand in (s, s.replace(".", "").replace(",", ".")):  # "60.85" then Vietnamese "60,85", "152.307"
        try:
            return float(cand)
        except ValueError:
            continue
    return None


def _eq_text(g: Any, p: Any, lenient: bool) -> bool:
    gs, ps = _text(g), _text(p)
    if gs == ps:
        return True
    if not lenient or gs is None or ps is None:
        return False
    gf, pf = _fold(gs), _fold(ps)
    if gf == pf:
        return True
    return len(gf) > LONG_TEXT and fuzz.ratio(gf, pf, score_cutoff=LONG_TEXT_RATIO) >= LONG_TEXT_RATIO


def _eq_idnum(g: Any, p: Any, lenient: bool) -> bool:
    if _is_number(g) and _is_number(p):
        return g == p
    if lenient:
        gf, pf = _to_float(g), _to_float(p)
        if gf is not None and pf is not None:
            return gf == pf
    return _eq_text(g, p, lenient)


def _close(a: float, b: float, rel: float) -> bool:
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def _eq_num(g: Any, p: Any, lenient: bool) -> bool:
    if _is_number(g) and _is_number(p):
        return _close(float(g), float(p), NUM_REL_TOL) if lenient else g == p
    if lenient:
        gf, pf = _to_float(g), _to_float(p)
        if gf is not None and pf is not None:
            return _close(gf, pf, NUM_REL_TOL)
    return _eq_text(g, p, lenient)


_EQ: dict[str, Callable[[Any, Any, bool], bool]] = {TEXT: _eq_text, IDNUM: _eq_idnum, NUM: _eq_num}


# --------------------------------------------------------------------------------------------------
# Tallying units (both modes at once)


class _Tally:
    __slots__ = ("strict", "lenient")

    def __init__(self) -> None:
        self.strict = Counts()
        self.lenient = Counts()

    def unit(self, g: Any, p: Any, eq: Callable[[Any, Any, bool], bool]) -> None:
        g_set, p_set = not _is_null(g), not _is_null(p)
        if not g_set and not p_set:
            return
        for counts, lenient in ((self.strict, False), (self.lenient, True)):
            if not g_set:
                counts.fp += 1
            elif p_set and eq(g, p, lenient):
                counts.tp += 1
            else:
                counts.fn += 1
                if p_set:
                    counts.fp += 1

    def set_units(self, g: Any, p: Any) -> None:
        g_items = [t for t in (_text(x) for x in _as_list(g)) if t is not None]
        p_items = [t for t in (_text(x) for x in _as_list(p)) if t is not None]
        for counts, key in ((self.strict, None), (self.lenient, _fold)):
            gs = set(map(key, g_items)) if key else set(g_items)
            ps = set(map(key, p_items)) if key else set(p_items)
            counts.tp += len(gs & ps)
            counts.fn += len(gs - ps)
            counts.fp += len(ps - gs)

    def cell_units(self, g: Any, p: Any) -> None:
        g_rows, p_rows = _as_list(g), _as_list(p)
        for i in range(max(len(g_rows), len(p_rows))):
            g_row = _as_list(g_rows[i]) if i < len(g_rows) else []
            p_row = _as_list(p_rows[i]) if i < len(p_rows) else []
            for j in range(max(len(g_row), len(p_row))):
                self.unit(g_row[j] if j < len(g_row) else None, p_row[j] if j < len(p_row) else None, _eq_text)


def _as_list(v: Any) -> list:
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v]


def _score_item(tally: _Tally, family: str, g: Optional[dict], p: Optional[dict], fields: Iterable[str]) -> None:
    kinds = SCORED_FIELDS[family]
    for name in fields:
        kind = kinds[name]
        gv = g.get(name) if g else None
        pv = p.get(name) if p else None
        if kind == SET:
            tally.set_units(gv, pv)
        elif kind == CELLS:
            tally.cell_units(gv, pv)
        else:
            tally.unit(gv, pv, _EQ[kind])


# --------------------------------------------------------------------------------------------------
# Alignment

Pair = tuple[int, int]


def _pairs_by_key(
    g_keys: Sequence[Optional[Hashable]],
    p_keys: Sequence[Optional[Hashable]],
    used_g: set[int],
    used_p: set[int],
) -> list[Pair]:
    """Equal keys pair up in order of appearance (k-th golden with k-th prediction). None never pairs."""
    queues: dict[Hashable, deque[int]] = defaultdict(deque)
    for pi, k in enumerate(p_keys):
        if k is not None and pi not in used_p:
            queues[k].append(pi)
    pairs: list[Pair] = []
    for gi, k in enumerate(g_keys):
        if k is None or gi in used_g:
            continue
        q = queues.get(k)
        if q:
            pi = q.popleft()
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


def _greedy(
    n_g: int,
    n_p: int,
    similarity: Callable[[int, int], Optional[float]],
    used_g: set[int],
    used_p: set[int],
) -> list[Pair]:
    """1-to-1 greedy on the similarity list sorted best first; `similarity` returns None for no candidate.

    Ties go to the pair closest in relative reading order."""
    cands: list[tuple[float, float, int, int]] = []
    gs = [gi for gi in range(n_g) if gi not in used_g]
    ps = [pi for pi in range(n_p) if pi not in used_p]
    for gi in gs:
        g_pos = gi / n_g
        for pi in ps:
            s = similarity(gi, pi)
            if s is not None:
                cands.append((-s, abs(g_pos - pi / n_p), gi, pi))
    cands.sort()
    pairs: list[Pair] = []
    for _, _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        pairs.append((gi, pi))
        used_g.add(gi)
        used_p.add(pi)
    return pairs


def _key(v: Any) -> Optional[str]:
    t = _text(v)
    return None if t is None else _fold(t)


def _sim(a: Optional[str], b: Optional[str], cutoff: float = 0.0) -> float:
    """Folded-text similarity in [0, 100]; two nulls are identical, a null and a text are not."""
    if a is None or b is None:
        return 100.0 if a is None and b is None else 0.0
    if a == b:
        return 100.0
    return fuzz.ratio(a, b, score_cutoff=cutoff)


def _align_recipients(gold: list[dict], pred: list[dict]) -> list[Pair]:
    gk = [_key(x.get("text")) for x in gold]
    pk = [_key(x.get("text")) for x in pred]
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = _pairs_by_key(gk, pk, used_g, used_p)

    def sim(gi: int, pi: int) -> Optional[float]:
        if gk[gi] is None or pk[pi] is None:
            return None
        s = _sim(gk[gi], pk[pi], ALIGN_RATIO)
        return s if s >= ALIGN_RATIO else None

    return pairs + _greedy(len(gold), len(pred), sim, used_g, used_p)


def _align_sections(gold: list[dict], pred: list[dict]) -> list[Pair]:
    g_id = [_key(x.get("id")) for x in gold]
    p_id = [_key(x.get("id")) for x in pred]
    g_title = [_key(x.get("title")) for x in gold]
    p_title = [_key(x.get("title")) for x in pred]

    def sim(gi: int, pi: int) -> Optional[float]:
        same_id = g_id[gi] is not None and g_id[gi] == p_id[pi]
        t = _sim(g_title[gi], p_title[pi]) / 100.0
        if same_id:
            return 1.0 + t  # same id first, best title among repeated ids
        if g_title[gi] is not None and t * 100.0 >= ALIGN_RATIO:
            return t  # a wrong id with the right title still aligns
        return None

    return _greedy(len(gold), len(pred), sim, set(), set())


def _align_footnotes(gold: list[dict], pred: list[dict]) -> list[Pair]:
    return _pairs_by_key([_key(x.get("marker")) for x in gold], [_key(x.get("marker")) for x in pred], set(), set())


def _ref_number(v: Any) -> Optional[str]:
    k = _key(v)
    return None if k is None else k.replace(" ", "")


def _ref_key(x: dict) -> tuple:
    number = _ref_number(x.get("number"))
    if number is not None:
        return ("number", _key(x.get("kind")), number)
    return ("date", _key(x.get("kind")), _key(x.get("date")))


def _align_references(gold: list[dict], pred: list[dict]) -> list[Pair]:
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = _pairs_by_key([_ref_key(x) for x in gold], [_ref_key(x) for x in pred], used_g, used_p)
    # Fallback: same number under a different kind (the kind then scores FN + FP).
    pairs += _pairs_by_key(
        [_ref_number(x.get("number")) for x in gold], [_ref_number(x.get("number")) for x in pred], used_g, used_p
    )
    return pairs


def _align_tables(gold: list[dict], pred: list[dict]) -> list[Pair]:
    """By id, else by caption — but ids are positional (t1, t2 … in reading order), so one table found
    or missed shifts every later id: a caption match outranks an id match whose captions disagree."""
    g_id = [_key(x.get("id")) for x in gold]
    p_id = [_key(x.get("id")) for x in pred]
    g_cap = [_key(x.get("caption")) for x in gold]
    p_cap = [_key(x.get("caption")) for x in pred]

    def sim(gi: int, pi: int) -> Optional[float]:
        same_id = g_id[gi] is not None and g_id[gi] == p_id[pi]
        if g_cap[gi] is not None and p_cap[pi] is not None:
            c = _sim(g_cap[gi], p_cap[pi]) / 100.0
            if c * 100.0 >= ALIGN_RATIO:
                return 3.0 + c + (0.5 if same_id else 0.0)
            return 1.0 + c if same_id else None  # same id, captions disagree: weakest candidate
        return 2.0 if same_id else None  # a caption missing: the id decides

    return _greedy(len(gold), len(pred), sim, set(), set())


def _align_measures(gold: list[dict], pred: list[dict]) -> list[Pair]:
    def prep(x: dict) -> tuple:
        return (
            _to_float(x.get("value")),
            _key(x.get("unit")),
            _key(x.get("indicator")),
            _key(x.get("period")),
            _key(x.get("scope")),
            _key(x.get("source")),
        )

    gp = [prep(x) for x in gold]
    pp = [prep(x) for x in pred]

    def sim(gi: int, pi: int) -> Optional[float]:
        gv, gu, gind, gper, gsc, gsrc = gp[gi]
        pv, pu, pind, pper, psc, psrc = pp[pi]
        if gv is None or pv is None:
            if gv is not pv:
                return None
        elif not _close(gv, pv, ALIGN_VALUE_TOL):
            return None
        ind = _sim(gind, pind)
        if gu != pu and ind < ALIGN_RATIO:
            return None  # same value, other unit: only with a matching indicator
        s = (ind + _sim(gper, pper) + _sim(gsc, psc)) / 300.0 + (0.01 if gsrc is not None and gsrc == psrc else 0.0)
        return (2.0 if gu == pu else 0.0) + s

    return _greedy(len(gold), len(pred), sim, set(), set())


def _align_assignments(gold: list[dict], pred: list[dict]) -> list[Pair]:
    def prep(x: dict) -> tuple:
        return _key(x.get("agency")), _key(x.get("role")), _key(x.get("task"))

    gp = [prep(x) for x in gold]
    pp = [prep(x) for x in pred]

    def sim(gi: int, pi: int) -> Optional[float]:
        ga, gr, gt = gp[gi]
        pa, pr, pt = pp[pi]
        if ga is None or pa is None:
            return None
        a = _sim(ga, pa, ALIGN_RATIO)
        if a < ALIGN_RATIO:
            return None
        t = _sim(gt, pt) / 100.0
        if gr == pr:
            return 3.0 + a / 100.0 + 0.5 * t
        if t * 100.0 >= ALIGN_RATIO:
            return a / 100.0 + 0.5 * t  # right agency and task, wrong role
        return None

    return _greedy(len(gold), len(pred), sim, set(), set())


def _align_checks(gold: list[dict], pred: list[dict]) -> list[Pair]:
    def key(x: dict) -> tuple:
        return _key(x.get("rule")), _key(x.get("where"))

    return _pairs_by_key([key(x) for x in gold], [key(x) for x in pred], set(), set())


_ALIGNERS: dict[str, Callable[[list[dict], list[dict]], list[Pair]]] = {
    "recipients": _align_recipients,
    "sections": _align_sections,
    "footnotes": _align_footnotes,
    "references": _align_references,
    "tables": _align_tables,
    "measures": _align_measures,
    "assignments": _align_assignments,
    "checks": _align_checks,
}


# --------------------------------------------------------------------------------------------------
# Scoring one record


def _items(family: str, value: Any) -> list[dict]:
    items = _as_list(value)
    if family == "recipients":
        return [x if isinstance(x, dict) else {"text": x} for x in items]
    out = [x for x in items if isinstance(x, dict)]
    if family == "checks":  # only failures are scored (the golden lists failures only)
        out = [x for x in out if _key(x.get("status")) == "fail"]
    return out


def _fields_of(family: str, item: dict) -> list[str]:
    return [f for f in SCORED_FIELDS[family] if f in item]


def _score_family(family: str, pred_value: Any, gold_value: Any) -> _Tally:
    tally = _Tally()
    if family in ("header", "signature"):
        g = gold_value if isinstance(gold_value, dict) else {}
        p = pred_value if isinstance(pred_value, dict) else {}
        _score_item(tally, family, g, p, _fields_of(family, g))
        return tally

    gold = _items(family, gold_value)
    pred = _items(family, pred_value)
    pairs = _ALIGNERS[family](gold, pred)
    aligned_g = {gi for gi, _ in pairs}
    aligned_p = {pi for _, pi in pairs}
    for gi, pi in pairs:
        _score_item(tally, family, gold[gi], pred[pi], _fields_of(family, gold[gi]))
    for gi, g in enumerate(gold):
        if gi not in aligned_g:
            _score_item(tally, family, g, None, _fields_of(family, g))
    # Unaligned predictions count the fields the golden states for this family (all, when it lists none).
    stated = [f for f in SCORED_FIELDS[family] if any(f in g for g in gold)] if gold else list(SCORED_FIELDS[family])
    for pi, p in enumerate(pred):
        if pi not in aligned_p:
            _score_item(tally, family, None, p, stated)
    return tally


def _family_stated(family: str, gold: dict) -> bool:
    if family not in gold:
        return False
    v = gold[family]
    if family in ("header", "signature"):
        return isinstance(v, dict)
    return isinstance(v, list)


def score_record(pred: Optional[dict], gold: dict, name: str = "") -> DocScore:
    """Score one predicted record against its golden record (families the golden omits are skipped)."""
    pred = pred if isinstance(pred, dict) else {}
    doc = DocScore(name=name)
    for family in FAMILIES:
        if not _family_stated(family, gold):
            continue
        tally = _score_family(family, pred.get(family), gold[family])
        doc.strict.families[family] = tally.strict
        doc.lenient.families[family] = tally.lenient
    return doc


def aggregate(docs: Iterable[DocScore]) -> DocScore:
    """Micro sums per family and mode over documents."""
    agg = DocScore(name="aggregate")
    for d in docs:
        for mode in MODES:
            target = agg.mode(mode).families
            for family, c in d.mode(mode).families.items():
                target.setdefault(family, Counts())
                target[family] += c
    # keep FAMILIES order
    for mode in MODES:
        fams = agg.mode(mode).families
        agg.mode(mode).families = {f: fams[f] for f in FAMILIES if f in fams}
    return agg


# --------------------------------------------------------------------------------------------------
# Directories


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def score_dirs(pred_dir: Path, gold_dir: Path) -> EvalReport:
    """Pair PRED_DIR/<stem>.json with GOLDEN_DIR/<stem>.json and score each golden record."""
    pred_dir, gold_dir = Path(pred_dir), Path(gold_dir)
    report = EvalReport()
    gold_files = sorted(p for p in gold_dir.glob("*.json") if p.is_file())
    gold_stems = {p.stem for p in gold_files}
    for gpath in gold_files:
        try:
            gold = _load_json(gpath)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            report.errors.append(f"golden {gpath.name}: unreadable ({exc}); skipped")
            continue
        if not isinstance(gold, dict):
            report.errors.append(f"golden {gpath.name}: not a JSON object; skipped")
            continue
        ppath = pred_dir / gpath.name
        pred: Any = {}
        missing = not ppath.is_file()
        if missing:
            report.missing.append(gpath.stem)
        else:
            try:
                pred = _load_json(ppath)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                report.errors.append(f"prediction {ppath.name}: unreadable ({exc}); scored as empty")
                pred = {}
            if not isinstance(pred, dict):
                report.errors.append(f"prediction {ppath.name}: not a JSON object; scored as empty")
                pred = {}
        doc = score_record(pred, gold, name=gpath.stem)
        doc.missing = missing
        report.docs.append(doc)
    report.unmatched = sorted(p.stem for p in pred_dir.glob("*.json") if p.is_file() and p.stem not in gold_stems)
    report.aggregate = aggregate(report.docs)
    return report


# --------------------------------------------------------------------------------------------------
# Output


def _r(x: float) -> float:
    return round(x, 4)


def _counts_dict(c: Counts) -> dict:
    return {"p": _r(c.precision), "r": _r(c.recall), "f1": _r(c.f1), "tp": c.tp, "fp": c.fp, "fn": c.fn}


def _mode_dict(ms: ModeScore) -> dict:
    return {
        "overall": _counts_dict(ms.overall),
        "macro_f1": _r(ms.macro_f1),
        "families": {f: _counts_dict(c) for f, c in ms.families.items()},
    }


def report_to_dict(report: EvalReport) -> dict:
    return {
        "documents": [
            {"name": d.name, "missing": d.missing, "strict": _mode_dict(d.strict), "lenient": _mode_dict(d.lenient)}
            for d in report.docs
        ],
        "aggregate": {
            "documents": len(report.docs),
            "strict": _mode_dict(report.aggregate.strict),
            "lenient": _mode_dict(report.aggregate.lenient),
        },
        "missing": list(report.missing),
        "unmatched": list(report.unmatched),
        "errors": list(report.errors),
    }


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def _family_rows(report: EvalReport) -> list[tuple[str, Counts, Counts]]:
    agg = report.aggregate
    rows = [(f, agg.strict.families[f], agg.lenient.families[f]) for f in FAMILIES if f in agg.strict.families]
    rows.append(("overall (micro)", agg.strict.overall, agg.lenient.overall))
    return rows


def format_report(report: EvalReport) -> str:
    """Plain-text report: one line per document, then the aggregate per family."""
    lines: list[str] = []
    width = max([len("document")] + [len(d.name) + (10 if d.missing else 0) for d in report.docs])
    lines.append(f"{'document':<{width}}  {'strict F1':>9}  {'lenient F1':>10}")
    for d in report.docs:
        label = d.name + (" (missing)" if d.missing else "")
        lines.append(f"{label:<{width}}  {_fmt(d.strict.f1):>9}  {_fmt(d.lenient.f1):>10}")
    lines.append("")
    lines.append(f"Aggregate over {len(report.docs)} document(s)")
    fw = max(len(r[0]) for r in _family_rows(report))
    head = (
        f"{'family':<{fw}}  {'strict P':>8} {'R':>6} {'F1':>6}  {'lenient P':>9} {'R':>6} {'F1':>6}"
        f"  {'TP':>6} {'FP':>6} {'FN':>6}"
    )
    lines.append(head)
    lines.append("-" * len(head))
    for name, s, l in _family_rows(report):
        lines.append(
            f"{name:<{fw}}  {_fmt(s.precision):>8} {_fmt(s.recall):>6} {_fmt(s.f1):>6}"
            f"  {_fmt(l.precision):>9} {_fmt(l.recall):>6} {_fmt(l.f1):>6}"
            f"  {s.tp:>6} {s.fp:>6} {s.fn:>6}"
        )
    lines.append(
        f"{'macro F1':<{fw}}  {'':>8} {'':>6} {_fmt(report.aggregate.strict.macro_f1):>6}"
        f"  {'':>9} {'':>6} {_fmt(report.aggregate.lenient.macro_f1):>6}"
    )
    lines.append("(TP/FP/FN are strict counts)")
    if report.missing:
        lines.append("")
        lines.append("Missing predictions (scored as empty): " + ", ".join(report.missing))
    if report.unmatched:
        lines.append("")
        lines.append("Predictions without golden (ignored): " + ", ".join(report.unmatched))
    if report.errors:
        lines.append("")
        lines.append("Errors:")
        lines.extend(f"  {e}" for e in report.errors)
    return "\n".join(lines)


def format_report_rich(report: EvalReport, width: int = 120) -> str:
    """The same report as rich tables, rendered to a string."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    docs = Table(title="Documents")
    docs.add_column("document")
    docs.add_column("strict F1", justify="right")
    docs.add_column("lenient F1", justify="right")
    for d in report.docs:
        docs.add_row(d.name + (" (missing)" if d.missing else ""), _fmt(d.strict.f1), _fmt(d.lenient.f1))
    console.print(docs)

    fam = Table(title=f"Aggregate over {len(report.docs)} document(s)")
    for col in ("family", "strict P", "strict R", "strict F1", "lenient P", "lenient R", "lenient F1", "TP", "FP", "FN"):
        fam.add_column(col, justify="left" if col == "family" else "right")
    for name, s, l in _family_rows(report):
        fam.add_row(
            name,
            _fmt(s.precision), _fmt(s.recall), _fmt(s.f1),
            _fmt(l.precision), _fmt(l.recall), _fmt(l.f1),
            str(s.tp), str(s.fp), str(s.fn),
        )
    fam.add_row(
        "macro F1", "", "", _fmt(report.aggregate.strict.macro_f1), "", "", _fmt(report.aggregate.lenient.macro_f1),
        "", "", "",
    )
    console.print(fam)
    if report.missing:
        console.print("Missing predictions (scored as empty): " + ", ".join(report.missing))
    if report.unmatched:
        console.print("Predictions without golden (ignored): " + ", ".join(report.unmatched))
    for e in report.errors:
        console.print(f"error: {e}")
    return console.file.getvalue()  # type: ignore[attr-defined]


def run_eval(
    pred_dir: str,
    gold_dir: str,
    as_json: bool = False,
    min_f1: float | None = None,
    mode: str = "strict",
) -> int:
    """`baocao eval`: print the report; 0 ok, 1 when the aggregate overall F1 (in `mode`) is below
    `min_f1`, 2 on a usage error (a directory that does not exist, an unknown mode)."""
    if mode not in MODES:
        print(f"baocao eval: unknown mode {mode!r} (expected strict or lenient)", file=sys.stderr)
        return 2
    for label, d in (("prediction", pred_dir), ("golden", gold_dir)):
        if not Path(d).is_dir():
            print(f"baocao eval: {label} directory not found: {d}", file=sys.stderr)
            return 2
    report = score_dirs(Path(pred_dir), Path(gold_dir))
    if as_json:
        print(json.dumps(report_to_dict(report), ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    if not report.docs:
        print(f"baocao eval: no golden records (*.json) in {gold_dir}", file=sys.stderr)
        return 1 if min_f1 is not None else 0
    if min_f1 is not None:
        f1 = report.aggregate.mode(mode).f1
        if f1 < min_f1:
            print(f"baocao eval: {mode} overall F1 {f1:.4f} is below --min-f1 {min_f1}", file=sys.stderr)
            return 1
    return 0

"""Restore lost Vietnamese diacritics, and repair an English-model OCR's letters, from real Vietnamese.

Text whose diacritics were stripped ("Thuc hien chi tieu bao phu") or read by an OCR without the
Vietnamese model ("Thuc hién chi tiéu bao phia ... s6 ... ty 1€") is turned back into Vietnamese
("Thực hiện chỉ tiêu bao phủ ... số ... tỷ lệ") by a syllable language model built from real
Vietnamese text (`tools/build_restorer.py` writes `extractors/data/restorer.json.gz`):

- the text is tokenized keeping spacing, punctuation, numbers and case exactly;
- each word token gets candidates: the valid syllables whose folded key (no diacritics, đ→d) is the
  token's, or, for a token that is no Vietnamese, the keys an OCR repair reaches ("s6"→so, "ciia"→
  cua, "ngudi"→nguoi, "1€"→le); diacritics the token still has are evidence ("hién" → hiện);
- Viterbi over syllable bigrams (Witten-Bell back-off to unigrams, each pair read both ways; place
  names of the gazetteer when the token is capitalized; the project's vocabulary as phrases, and a
  bonus for the readings of a phrase of three tokens or more the folded text matches; a person's
  family and middle names) picks the sequence; markup is skipped;
- the input's case is kept ("KE HOACH" → "KẾ HOẠCH", "Can Tho" → "Cần Thơ").

A text is read as English-model OCR (`RestoredText.ocr`) when 4% of its words or more have digits or
symbols among letters or marks no syllable has; only then may letters be repaired in valid-looking
tokens ("tim" → "tâm"). In a text with its diacritics, a token that is a syllable as written stays
(unless the model very strongly prefers another). Numbers, document codes ("38-CT/TW"),
abbreviations (BHYT; "HDND" → "HĐND") and roman numerals ("Il." → "II.") are not read as words.

Pure: no I/O but loading the shipped model once, lazily. `vietnamese_score` tells how much of a text
is Vietnamese as written (a text layer that is not real Vietnamese scores low).
"""
from __future__ import annotations

import gzip
import json
import math
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

MODEL_PATH = Path(__file__).resolve().parent / "data" / "restorer.json.gz"

# ------------------------------------------------------------------------------------------------
# Vietnamese orthography: syllable structure, tone marks, canonical tone placement, folding.

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_MOD_MARKS = "\u0302\u0306\u031b"  # circumflex, breve, horn
_VOWELS = "aăâeêioôơuưy"
_MOD_VOWELS = "ăâêôơư"
_STOP_CODAS = ("c", "ch", "p", "t")
_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
)
_CODAS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
RHYMES: frozenset[str] = frozenset(
    """a ac ach ai am an ang anh ao ap at au ay
    ăc ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot ooc oong
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu
    oa oac oach oai oam oan oang oanh oap oat oay oăc oăm oăn oăng oăt
    oe oen oet oeo oem oeng
    uân uâng uât uây
    uê uêch uênh uên uêt
    uy uya uych uyn uynh uyp uyt uyu uyên uyêt
    uơ""".split()
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def unmarked(text: str) -> str:
    """`text` without its diacritics, in its own case, đ→d ("Đảng" → "Dang"; other characters kept)."""
    out = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return out.replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Folded key: lower case, no diacritics, đ→d (other characters kept)."""
    return unmarked(text.lower())


def split_tone(syl: str) -> tuple[str, Optional[str]]:
    """(syllable without its tone mark, the tone mark or None); ("", "multi") for two tone marks."""
    tone = None
    out = []
    for ch in unicodedata.normalize("NFD", syl):
        if ch in _TONE_MARKS:
            if tone is not None:
                return "", "multi"
            tone = ch
        else:
            out.append(ch)
    return nfc("".join(out)), tone


def _parts(toneless: str) -> Optional[tuple[str, str, str]]:
    """(onset, vowel cluster, coda) of a lower-case toneless syllable, or None when it is none."""
    s = toneless
    onset = ""
    for o in _ONSETS:
        if s.startswith(o):
            onset = o
            break
    rest = s[len(onset):]
    if onset == "gi" and (not rest or rest[0] not in _VOWELS):
        onset, rest = "g", s[1:]
    if onset == "qu" and (not rest or rest[0] not in _VOWELS):
        return None
    i = 0
    while i < len(rest) and rest[i] in _VOWELS:
        i += 1
    cluster, coda = rest[:i], rest[i:]
    if not cluster or (coda and coda not in _CODAS):
        return None
    rhyme = cluster + coda
    if onset == "qu":
        ok = rhyme in RHYMES or ("u" + rhyme) in RHYMES or ("o" + rhyme) in RHYMES
    elif onset == "gi":
        ok = rhyme in RHYMES or ("i" + rhyme) in RHYMES
    else:
        ok = rhyme in RHYMES
    return (onset, cluster, coda) if ok else None


def _tone_index(cluster: str, coda: str) -> int:
    mods = [i for i, c in enumerate(cluster) if c in _MOD_VOWELS]
    if mods:
        return mods[-1]
    if coda:
        return len(cluster) - 1
    return 1 if len(cluster) == 3 else 0


@lru_cache(maxsize=65536)
def canonical(syl: str) -> Optional[str]:
    """The syllable in lower case with its tone mark where the seeds' documents put it ("hoá" → "hóa",
    "thuỷ" → "thủy"), or None when `syl` is no Vietnamese syllable (structure, one tone at most,
    a stop coda -c/-ch/-p/-t only with sắc or nặng)."""
    syl = nfc(syl.lower())
    toneless, tone = split_tone(syl)
    if tone == "multi" or not toneless:
        return None
    parts = _parts(toneless)
    if parts is None:
        return None
    onset, cluster, coda = parts
    if coda in _STOP_CODAS and tone not in (None, "\u0301", "\u0323"):
        return None
    if tone is None:
        return toneless
    idx = len(onset) + _tone_index(cluster, coda)
    base = unicodedata.normalize("NFD", toneless)
    # insert the tone after the base letter (and its modifier) at idx in the NFC string
    chars = list(toneless)
    chars[idx] = nfc(unicodedata.normalize("NFD", chars[idx]) + tone)
    del base
    return "".join(chars)


def is_syllable_form(token: str) -> bool:
    """True when `token` (any case) is a Vietnamese syllable in structure, as written."""
    return canonical(token) is not None


def _has_marks(text: str) -> bool:
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", text)) or "đ" in text.lower()


# ------------------------------------------------------------------------------------------------
# The model (loaded once, lazily)

class _Model:
    def __init__(self, data: dict):
        self.meta = data.get("meta", {})
        self.tokens: list[str] = data["tokens"]
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.n_syl: int = data["n_syllables"]
        self.V = V = len(self.tokens)
        uni = data["unigram"]
        self.uni = uni
        n = sum(uni)
        k = 0.5
        self.pu = [(c + k) / (n + k * V) for c in uni]
        self.log_pu = [math.log(p) for p in self.pu]
        self.big: dict[int, float] = {}
        self.left = [0.0] * V
        self.types = [0] * V
        self.right = [0.0] * V
        self.rtypes = [0] * V
        b = data["bigram"]
        for i in range(0, len(b), 3):
            a, c, w = b[i], b[i + 1], b[i + 2]
            self.big[a * V + c] = w
            self.left[a] += w
            self.types[a] += 1
            self.right[c] += w
            self.rtypes[c] += 1
        self.prop: dict[int, float] = {}
        self.prop_left = [0.0] * V
        self.prop_types = [0] * V
        p = data["place_bigram"]
        for i in range(0, len(p), 3):
            a, c, w = p[i], p[i + 1], p[i + 2]
            self.prop[a * V + c] = w
            self.prop_left[a] += w
            self.prop_types[a] += 1
        self.candidates: dict[str, list[int]] = data["candidates"]
        self.syllables = frozenset(self.tokens[: self.n_syl])
        self.abbreviations: dict[str, str] = data.get("abbreviations", {})
        # the vocabulary's and glossary's phrases of three tokens or more, by their first token's folded key
        self.phrases: dict[str, list[tuple[tuple[str, ...], tuple[int, ...]]]] = {}
        for run in data.get("phrases", []):
            keys = tuple(fold(self.tokens[t]) for t in run)
            self.phrases.setdefault(keys[0], []).append((keys, tuple(run)))
        self.keys = frozenset(self.candidates)
        self.abbreviation_tokens = frozenset(
            t for t in self.tokens[self.n_syl:] if t.isupper() and len(t) >= 2 and t.isalpha())
        # A trie of folded keys for OCR repairs: node -> {char: node}; terminal keys.
        self.trie: list[dict[str, int]] = [{}]
        self.trie_key: list[Optional[str]] = [None]
        for key in sorted(self.candidates):
            node = 0
            for ch in key:
                nxt = self.trie[node].get(ch)
                if nxt is None:
                    nxt = len(self.trie)
                    self.trie.append({})
                    self.trie_key.append(None)
                    self.trie[node][ch] = nxt
                node = nxt
            self.trie_key[node] = key
        self._lm_cache: dict[tuple[int, int, bool], float] = {}

    def lm(self, a: int, b: int, cap: bool) -> float:
        """log P(b | a): Witten-Bell over syllable bigrams; a bonus for a place name before a
        capitalized token (`cap`)."""
        if a == CUT:
            return self.log_pu[b]  # no left context: what the model knows of b alone
        if b == CUT:
            return 0.0
        ck = (a, b, cap)
        hit = self._lm_cache.get(ck)
        if hit is not None:
            return hit
        key = a * self.V + b
        c_ab = self.big.get(key, 0.0)
        c_a = self.left[a]
        t_a = self.types[a]
        c_b, t_b = self.right[b], self.rtypes[b]
        if c_a <= 0:
            val = self.log_pu[b]
        else:
            val = math.log((c_ab + t_a * self.pu[b]) / (c_a + t_a))
        if c_b > 0:
            # the same pair read right to left, P(a | b) P(b) / P(a), averaged in: each direction's
            # back-off errs on other pairs (a syllable with few counts on its left, or on its right),
            # and the two together are right more often on held-out text
            back = math.log((c_ab + t_b * self.pu[a]) / (c_b + t_b)) + self.log_pu[b] - self.log_pu[a]
            val = (1 - BACKWARD_WEIGHT) * val + BACKWARD_WEIGHT * back
        if cap and cap != PERSON_NAME and key in self.prop:
            base = val
            val += PLACE_BONUS  # a place name of the gazetteer ("quận Ninh Kiều", "Cần Thơ")
            if cap == IN_PLACE_NAME or (cap == AFTER_UNIT and self.tokens[a] in UNIT_SYLLABLES):
                # inside a name after its unit word ("xã Nghi Lâm"): the gazetteer's own odds of the
                # next syllable, beside the general model's (a rare syllable of a name is likely here)
                p_place = self.prop[key] / (self.prop_left[a] + self.prop_types[a])
                val = max(val, math.log(math.exp(base) + PLACE_WEIGHT * p_place))
        if len(self._lm_cache) < 2_000_000:
            self._lm_cache[ck] = val
        return val


# Weight of the right-to-left bigram model in a transition's score (held-out VLSP syllables: 0 97.81%,
# 0.5 97.96%, 0.7 97.91%; Kneser-Ney discounting instead of Witten-Bell was no better)
BACKWARD_WEIGHT = 0.5
PLACE_BONUS = 2.0  # log-bonus of a place-name bigram before a capitalized token
# A capitalized token's place in a name (the `cap` of Model.lm): the first after an administrative
# unit word ("Phường", "xã"), or a later one of the same run of capitalized words
AFTER_UNIT, IN_PLACE_NAME = 2, 3
PLACE_WEIGHT = 0.3  # weight of the gazetteer's odds there (0.1-0.3 alike on the stripped seeds, 0.5 and 1 worse)
# A person's name: a common family name before a common middle name ("Nguyen Van", "Do Thi" — a
# signer's line). Both take their name's spelling (NAME_BONUS: "Nguyên Văn", "Do Thị" before, the
# syllables' commoner readings, above all after a blank line), and the gazetteer's bonus is off for
# the rest of the name: many given names are places too ("Vũ Vân", "Vân Sơn" are communes). Middle
# names read two common ways (Thanh/Thành, Quang/Quảng) are left out.
PERSON_NAME = 4
FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
                "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Lương", "Trịnh", "Mai", "Đào", "Hà", "Lò")
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Xuân", "Hữu", "Đình", "Ngọc", "Quốc", "Minh")
NAME_BONUS = 12.0  # (3: "Do Thị" after a blank line still "Do"; 12 decides, as the pattern does)
UNIT_SYLLABLES = frozenset({"xã", "phường", "huyện", "quận", "tỉnh", "trấn", "phố"})
_UNIT_KEYS = frozenset(fold(u) for u in UNIT_SYLLABLES)
_FAMILY_KEYS = {fold(f): f.lower() for f in FAMILY_NAMES}  # folded key -> spelling
_MIDDLE_KEYS = {fold(m): m.lower() for m in MIDDLE_NAMES}
# A cut between two pieces of text read apart (cells of a table row, rows): the next token is read
# without left context, by its unigram probability, not as a sentence start (<s>: VLSP's sentences
# start with "Sở", "Ngay"... far more than a table's cells do).
CUT = -1

_MODEL: Optional[_Model] = None
_MODEL_LOCK = threading.Lock()


def model() -> _Model:
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as fh:
                    _MODEL = _Model(json.load(fh))
    return _MODEL


# ------------------------------------------------------------------------------------------------
# Tokens

_TOKEN_RE = re.compile(r"(?P<word>(?:[^\W_]|[€¢|&])+)|(?P<space>\s+)|(?P<other>.)", re.S)
_OCR_SYMBOLS = "€¢|&"
_ROMAN = re.compile(r"^[IVXL]+$")
_ROMAN_OCR = re.compile(r"^(?:[IVX]*[l|1][IVXl|1]*|[IVX]+)$")
_PART_WORDS = frozenset({"phan", "chuong", "muc", "phu luc"})


@dataclass(frozen=True)
class Token:
    raw: str
    text: str
    confidence: float
    start: int
    end: int

    @property
    def changed(self) -> bool:
        return self.raw != self.text


@dataclass(frozen=True)
class RestoredText:
    text: str
    raw: str
    tokens: tuple[Token, ...] = field(default=())
    ocr: bool = False  # the text read as English-model OCR (letter repairs allowed)

    @property
    def changed(self) -> bool:
        return self.text != self.raw


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, start): kind is word, num, space or other; the texts add up to `text`."""
    out: list[tuple[str, str, int]] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        tok = m.group()
        if kind == "word" and "&" in tok and not re.fullmatch(r"[^\W\d_]{1,3}&", tok):
            pos = m.start()
            for piece in re.split(r"(&)", tok):
                if piece:
                    out.append(("other" if piece == "&" else _word_kind(piece), piece, pos))
                    pos += len(piece)
            continue
        if kind == "word":
            kind = _word_kind(tok)
        out.append((kind, tok, m.start()))
    return out


def _word_kind(tok: str) -> str:
    return "num" if tok.isdigit() else "word"


def _letters(tok: str) -> str:
    return "".join(c for c in tok if c.isalpha())


def _is_mixed_case(tok: str) -> bool:
    """TTr, ThU, HCMc: capitals after the first letter beside small letters (an abbreviation)."""
    return any(c.isupper() for c in tok[1:]) and any(c.islower() for c in tok)


def _apply_case(raw: str, out: str, line_upper: bool) -> str:
    letters = [c for c in raw if c.isalpha()]
    if not letters:
        return out
    if raw[0] == "I" and out[:1] == "l" and not line_upper and not raw[1:].isupper():
        return out  # "I&" is "lệ": an OCR's capital I for a small l
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return out.upper()
    first = next(c for c in raw if c.isalpha() or c in "0123456789€¢|&")
    if letters[0].isupper() and (first.isalpha() or raw[0].isupper()):
        if len(letters) == 1 and line_upper:
            return out.upper()
        return out[:1].upper() + out[1:]
    return out


# ------------------------------------------------------------------------------------------------
# Candidates: folded keys (with OCR repairs) and the evidence of marks the token still has

_VOWEL_KEYS = frozenset("aeiouy")
_SYMBOL_SUBS: dict[str, dict[str, float]] = {
    "6": {"o": 0.3}, "0": {"o": 0.6}, "1": {"l": 0.4, "i": 0.9}, "3": {"a": 0.9}, "4": {"a": 0.9},
    "€": {"e": 0.2}, "&": {"e": 0.6}, "¢": {"c": 0.4, "e": 0.9}, "|": {"l": 0.6, "i": 0.6},
}
# English-model OCR reading Vietnamese letters (folded input letter -> folded letter, cost).
_LETTER_SUBS: dict[str, dict[str, float]] = {
    "w": {"u": 0.8}, "d": {"o": 1.5}, "g": {"e": 1.8, "o": 2.2}, "a": {"u": 2.0},
    "i": {"a": 2.0, "u": 2.0, "l": 2.2}, "b": {"o": 1.5}, "q": {"o": 1.5}, "l": {"i": 1.5},
    "e": {"o": 2.2}, "n": {"u": 2.2}, "u": {"n": 2.2}, "f": {"t": 2.2}, "c": {"e": 2.2, "o": 2.2},
    "y": {"u": 2.5},
}
_PAIR_SUBS: dict[str, dict[str, float]] = {
    "ii": {"u": 0.8}, "it": {"u": 1.4}, "ir": {"u": 1.4}, "rn": {"m": 1.0}, "li": {"h": 2.0},
    "cl": {"d": 1.8}, "ue": {"u": 1.6}, "dp": {"d": 0.8}, "bp": {"d": 0.8}, "bd": {"d": 0.8},
}
_GENERIC_SUB = 3.0
_INSERT_VOWEL = 2.0
_INSERT_CONSONANT = 9.0  # (never: OCR drops vowels' marks and letters inside, not onsets)
_DELETE_VOWEL = 1.8
_DELETE_MARKED = 1.2
_DELETE_CONSONANT = 2.6
_DELETE_SYMBOL = 1.0
MAX_REPAIR = 3.6  # an English-model OCR token that is no key
MAX_REPAIR_VALID = 2.2  # ... one that is a key (a single confusion of a vowel)


def _repairs(units: tuple[tuple[str, bool], ...], letters_ok: bool, at_start_upper_p: bool,
             max_cost: float) -> dict[str, float]:
    """Folded keys reachable from the token's units (folded char, had a mark) by OCR repairs, with
    their cost (a best-first search over the trie of keys). `letters_ok`: letter confusions allowed
    (English-model OCR), else only OCR symbols and digits map to letters."""
    import heapq

    m = model()
    trie, trie_key = m.trie, m.trie_key
    n = len(units)
    best: dict[tuple[int, int], float] = {(0, 0): 0.0}
    heap = [(0.0, 0, 0)]
    found: dict[str, float] = {}
    pops = 0
    while heap:
        cost, node, i = heapq.heappop(heap)
        if cost > best.get((node, i), 1e9) + 1e-9:
            continue
        pops += 1
        if pops > 20000:
            break
        if i == n and trie_key[node] is not None and trie_key[node] not in found:
            found[trie_key[node]] = cost
        children = trie[node]

        def push(c2: float, nd: int, j: int) -> None:
            if c2 <= max_cost and c2 < best.get((nd, j), 1e9) - 1e-9:
                best[(nd, j)] = c2
                heapq.heappush(heap, (c2, nd, j))

        if i < n:
            ch, marked = units[i]
            is_letter = ch.isalpha() and ch not in _OCR_SYMBOLS
            # identity / substitutions
            subs = _SYMBOL_SUBS.get(ch)
            for tgt, nd in children.items():
                if tgt == ch and is_letter:
                    push(cost, nd, i + 1)
                    continue
                c = None
                if subs and tgt in subs:
                    c = subs[tgt]
                elif letters_ok and is_letter:
                    if i == 0 and at_start_upper_p and ch == "p" and tgt == "d":
                        c = 1.5
                    elif marked and ch in _VOWEL_KEYS and tgt in _VOWEL_KEYS:
                        c = 1.3
                    else:
                        c = _LETTER_SUBS.get(ch, {}).get(tgt)
                        if c is None and ch in _VOWEL_KEYS and tgt in _VOWEL_KEYS:
                            c = _GENERIC_SUB  # a vowel for another; consonants only as listed
                if c is not None:
                    push(cost + c, nd, i + 1)
            # pairs of input characters read for one letter
            if letters_ok and i + 1 < n:
                pair = units[i][0] + units[i + 1][0]
                for tgt, c in _PAIR_SUBS.get(pair, {}).items():
                    node2 = node
                    for t in tgt:
                        node2 = trie[node2].get(t, -1)
                        if node2 < 0:
                            break
                    if node2 >= 0:
                        push(cost + c, node2, i + 2)
            # deletion of an input character
            if not is_letter:
                push(cost + (_DELETE_SYMBOL if ch not in "0123456789" else 2.5), node, i + 1)
            elif letters_ok:
                push(cost + (_DELETE_MARKED if marked else _DELETE_VOWEL if ch in _VOWEL_KEYS
                             else _DELETE_CONSONANT), node, i + 1)
        # insertion of a letter the OCR lost
        if letters_ok:
            for tgt, nd in children.items():
                push(cost + (_INSERT_VOWEL if tgt in _VOWEL_KEYS else _INSERT_CONSONANT), nd, i)
    return found


_MOD_OF = {"\u0302": "^", "\u0306": "(", "\u031b": "+"}


def _features(text: str) -> tuple[Optional[str], frozenset, frozenset, bool]:
    """(tone mark, {(base, modifier)}, {bases that carry any mark}, has đ) of a token or syllable."""
    tone = None
    mods = set()
    marked = set()
    for ch in text.lower():
        if ch in "€&":
            marked.add("e")
            continue
        if ch == "6":
            marked.add("o")
            continue
        d = unicodedata.normalize("NFD", ch)
        base = "d" if d[0] == "đ" else d[0]
        for mk in d[1:]:
            if mk in _TONE_MARKS:
                tone = tone or mk
                marked.add(base)
            elif mk in _MOD_OF:
                mods.add((base, _MOD_OF[mk]))
                marked.add(base)
    return tone, frozenset(mods), frozenset(marked), "đ" in text.lower()


def _evidence(tok_f, cand_f, ocr: bool = False) -> float:
    """How well a candidate agrees with the marks a token still has. An English-model OCR's mark
    only tells that the vowel had some ("hién" for hiện, "véi" for với); elsewhere a mark is meant."""
    tone_t, mods_t, marked_t, d_t = tok_f
    tone_c, mods_c, marked_c, d_c = cand_f
    e = 0.0
    if ocr:
        for b in marked_t:
            e += 0.5 if b in marked_c else -0.5
        if tone_t and tone_c == tone_t:
            e += 0.3
    else:
        if tone_t:
            e += 1.0 if tone_c == tone_t else (0.3 if tone_c else -0.7)
        for b, mk in mods_t:
            e += 0.8 if (b, mk) in mods_c else (0.2 if b in marked_c else -0.4)
        for b in marked_t:
            if not any(b == mb for mb, _ in mods_t):
                e += 0.3 if b in marked_c else -0.4
    if d_t:
        e += 1.0 if d_c else -1.0
    return e


# ------------------------------------------------------------------------------------------------
# Restoring

ID_BONUS = 6.0  # a token that is a syllable as written, in a line of clean Vietnamese, stays
OCR_EXACT_BONUS = 1.0  # ... in English-model OCR, a syllable as written with its marks is evidence
OCR_NOISE = 0.04  # share of word tokens that are no Vietnamese as written from which a text is OCR
MAX_CANDIDATES = 12
LM_WEIGHT = 1.0


@lru_cache(maxsize=16384)
def _syl_features(idx: int):
    return _features(model().tokens[idx])


def _doc_profile(words: list[str]) -> tuple[int, int, int, int]:
    """(word tokens counted, no Vietnamese as written, syllables as written, with marks)."""
    m = model()
    n = foreign = valid = marked = 0
    for tok in words:
        if _is_mixed_case(tok):
            continue
        has_sym = any(c.isdigit() or c in _OCR_SYMBOLS for c in tok)
        letters = _letters(tok)
        if not letters:
            continue
        key = fold(tok)
        if tok.isupper() and len(letters) >= 2 and key not in m.keys and not has_sym:
            continue  # an abbreviation (BHYT) or capitals that are none (HQI): neither way
        n += 1
        canon = None if has_sym else canonical(tok)
        ok = canon is not None and canon in m.syllables
        has_m = _has_marks(tok)
        if ok:
            valid += 1
        if has_m:
            marked += 1
        if has_sym or (has_m and not ok):
            foreign += 1  # "s6", "1€", "hién", "véi": letters an English-model OCR made
    return n, foreign, valid, marked


def _trust(n: int, valid: int, marked: int) -> float:
    """How much a line is clean Vietnamese as written: the share of syllables when it has marks."""
    if n == 0 or marked < 0.25 * n:
        return 0.0
    return valid / n


def vietnamese_score(text: str) -> float:
    """Share of the word tokens of `text` that are Vietnamese syllables with their diacritics.

    A syllable written with diacritics counts 1; one written without counts as much as that reading
    is likely among the readings of its letters ("cho" nearly 1, "ban" about a third, "hiem" 0 —
    no syllable): clean text scores above 0.9, English-model OCR and stripped text much lower.
    Abbreviations and numbers do not count; 0.0 for a text without words.
    """
    m = model()
    total = 0.0
    n = 0
    for kind, tok, _ in _tokenize(nfc(text)):
        if kind != "word" or _is_mixed_case(tok):
            continue
        has_sym = any(c.isdigit() or c in _OCR_SYMBOLS for c in tok)
        letters = _letters(tok)
        if not letters:
            continue
        key = fold(tok)
        if tok.isupper() and len(letters) >= 2 and key not in m.keys and not has_sym:
            continue
        n += 1
        if has_sym:
            continue
        canon = canonical(tok)
        if canon is None or canon not in m.syllables:
            continue
        if _has_marks(tok):
            total += 1.0
        else:
            cands = m.candidates.get(key, ())
            mass = sum(m.uni[i] for i in cands) or 1.0
            share = m.uni[m.index[canon]] / mass
            total += min(1.0, 2.0 * share)
    return total / n if n else 0.0


def _candidates(tok: str, ocr: bool, id_bonus: float) -> list[tuple[int, float]]:
    """(model token, emission score) of each reading of a word token, best first; [] to keep it."""
    m = model()
    mixed = _is_mixed_case(tok)
    if mixed and not ocr:
        return []  # TTr, ThU: abbreviations
    has_sym = any(c.isdigit() or c in _OCR_SYMBOLS for c in tok)
    letters = _letters(tok)
    if not letters and not any(c in "€&|¢" for c in tok):
        return []
    if has_sym and sum(c.isdigit() for c in tok) > 2:
        return []
    if _ROMAN.match(tok):
        return []  # II, XIV: roman numerals ("VI" that is "vị" has its candidates below)
    key = fold(tok)
    canon = None if has_sym else canonical(tok)
    keys: dict[str, float] = {}
    if not has_sym and key in m.keys:
        keys[key] = 0.0
    capitals = len(letters) >= 2 and (letters.isupper() or mixed)
    max_cost = 0.0
    if len(tok) == 1 and not tok.isupper():
        pass  # "b" of </b>, "c)" of a list
    elif ocr:
        if not keys:
            max_cost = 1.6 if capitals else MAX_REPAIR  # BHYT stays, HQI is HỘI
        else:
            max_cost = MAX_REPAIR_VALID  # "tim" may be "tâm", "chit" "chất"
    elif has_sym or not keys:
        max_cost = 1.8  # "s6", "1€": symbols; "Sb", "HQI": one cheap confusion
    if max_cost > 0:
        units = tuple((fold(c) or c, _has_marks(c) or c in "€&6") for c in tok.lower())
        letters_ok = ocr or (not keys and not capitals)  # "Sb:" is "Số:", CD stays
        for k, c in _repairs(units, letters_ok, tok[:1] == "P", max_cost if ocr else min(max_cost, 1.6)).items():
            if c < keys.get(k, 1e9):
                keys[k] = c
    if not keys:
        return []
    tf = _features(tok)
    has_m = _has_marks(tok)
    out: dict[int, float] = {}
    for k, c in keys.items():
        for idx in m.candidates[k]:
            e = -c + (_evidence(tf, _syl_features(idx), ocr) if (has_m or has_sym) else 0.0)
            if canon is not None and m.tokens[idx] == canon:
                e += id_bonus + (OCR_EXACT_BONUS if ocr and has_m else 0.0)
            if e > out.get(idx, -1e9):
                out[idx] = e
    ranked = sorted(out.items(), key=lambda kv: -(kv[1] + m.log_pu[kv[0]]))
    if len(ranked) <= MAX_CANDIDATES:
        return ranked
    # every reading of the token's own letters stays; repairs fill up to MAX_CANDIDATES
    own = set(m.candidates.get(key, ())) if not has_sym else set()
    kept = [kv for kv in ranked if kv[0] in own]
    rest = [kv for kv in ranked if kv[0] not in own][: max(0, MAX_CANDIDATES - len(kept))]
    return sorted(kept + rest, key=lambda kv: -(kv[1] + m.log_pu[kv[0]]))


def _roman(tokens: list[tuple[str, str, int]], i: int) -> Optional[str]:
    """'Il.' → 'II.', 'PHAN |' → 'PHẦN I': a roman numeral an OCR read with l, | or 1."""
    kind, tok, _ = tokens[i]
    if kind != "word" or not _ROMAN_OCR.match(tok) or not any(c in "l|1" for c in tok):
        return None
    if tok.isdigit() or (tok.islower() and tok != "|"):
        return None
    nxt = tokens[i + 1][1] if i + 1 < len(tokens) else "\n"
    prev_word = next((t for k, t, _ in reversed(tokens[:i]) if k == "word"), "")
    at_line_start = i == 0 or "\n" in tokens[i - 1][1] or (i == 1 and tokens[0][0] == "space")
    if nxt.startswith((".", ")")) and at_line_start or fold(prev_word) in _PART_WORDS or (
        prev_word and fold(prev_word) in _PART_WORDS
    ):
        return re.sub(r"[l|1]", "I", tok)
    return None


def _roman_context(tokens: list[tuple[str, str, int]], i: int) -> bool:
    """A single I, V or X that numbers a part ("Phần I", "I. KẾT QUẢ")."""
    nxt = tokens[i + 1][1] if i + 1 < len(tokens) else "\n"
    prev_word = next((t for k, t, _ in reversed(tokens[:i]) if k == "word"), "")
    return nxt.startswith((".", ")")) or fold(prev_word) in _PART_WORDS


def restore_text(text: str) -> RestoredText:
    """Restore the diacritics of `text` (and an English-model OCR's letters); see the module doc."""
    raw = text
    text = nfc(text)
    m = model()
    toks = _tokenize(text)
    # line of each token, and per-line profiles
    line_of: list[int] = []
    line = 0
    for kind, tok, _ in toks:
        line_of.append(line)
        if kind == "space":
            line += tok.count("\n")
    words_by_line: dict[int, list[str]] = {}
    for (kind, tok, _), ln in zip(toks, line_of):
        if kind == "word":
            words_by_line.setdefault(ln, []).append(tok)
    doc = _doc_profile([t for k, t, _ in toks if k == "word"])
    ocr = doc[0] >= 3 and doc[1] >= OCR_NOISE * doc[0]
    doc_trust = _trust(doc[0], doc[2], doc[3])
    doc_bonus = ID_BONUS * min(1.0, max(0.0, (doc_trust - 0.75) / 0.15))
    line_bonus: dict[int, float] = {}
    for ln, ws in words_by_line.items():
        n, _, valid, marked = _doc_profile(ws)
        trust = _trust(n, valid, marked) if n >= 4 else doc_trust
        line_bonus[ln] = ID_BONUS * min(1.0, max(0.0, (trust - 0.75) / 0.15))
    line_upper = {}
    for ln, ws in words_by_line.items():
        letters = [c for w in ws for c in w if c.isalpha()]
        line_upper[ln] = bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)

    # LM positions: (token index or -1, [(model token, emission)], capitalized)
    bos = m.index["<s>"]
    num = m.index["<num>"]
    unk = m.index["<unk>"]
    positions: list[tuple[int, list[tuple[int, float]], bool]] = [(-1, [(bos, 0.0)], False)]
    fixed_out: dict[int, str] = {}
    place_ctx = _place_contexts(toks)
    markup = _markup_tokens(text, toks)
    code_parts = frozenset(tok for i, (kind, tok, _) in enumerate(toks) if kind == "word" and _in_code(toks, i))
    for i, (kind, tok, _) in enumerate(toks):
        place_state = place_ctx[i]
        if i in markup:
            continue  # <b>, </sup>, a footnote marker: no word of the sentence, no context either way
        if kind == "space":
            if tok.count("\n") >= 2 and not _continues(toks, i):
                positions.append((-1, [(bos, 0.0)], False))
            elif _is_cut(tok, toks[i - 1][0] if i else None):
                positions.append((-1, [(CUT, 0.0)], False))
            continue
        if kind == "num":
            positions.append((-1, [(num, 0.0)], False))
            continue
        if kind == "other":
            positions.append((-1, [(m.index.get(tok, unk), 0.0)], False))
            continue
        roman = _roman(toks, i)
        if roman is not None:
            fixed_out[i] = roman
            positions.append((-1, [(m.index["<roman>"], 0.0)], False))
            continue
        if _in_code(toks, i):
            positions.append((-1, [(m.index.get(tok, unk), 0.0)], False))
            continue
        ab = _abbreviation(toks, i, ocr)
        if ab is not None:
            fixed_out[i] = ab
            positions.append((-1, [(m.index.get(ab, unk), 0.0)], False))
            continue
        if tok in m.abbreviation_tokens:
            positions.append((-1, [(m.index[tok], 0.0)], False))  # UBND, BHYT
            continue
        if tok in code_parts and not line_upper.get(line_of[i], False):
            # an abbreviation the text writes in its document codes ("KL/TU": Tỉnh ủy), among small
            # letters: the same abbreviation, not a word in capitals ("TƯ", "TỪ")
            positions.append((-1, [(m.index.get(tok, unk), 0.0)], False))
            continue
        if _ROMAN.match(tok) and (len(tok) > 1 or _roman_context(toks, i)):
            positions.append((-1, [(m.index["<roman>"], 0.0)], False))  # II, XIV
            continue
        if i > 0 and toks[i - 1][1] == "<" or i > 1 and toks[i - 1][1] == "/" and toks[i - 2][1] == "<":
            positions.append((-1, [(unk, 0.0)], False))  # <sup>, </b>: markup
            continue
        bonus = line_bonus.get(line_of[i], 0.0)
        if _has_marks(tok):
            bonus = max(bonus, doc_bonus)  # a syllable as written in a clean text stays
        cands = _candidates(tok, ocr, bonus)
        name = _name_spelling(toks, i) if place_state not in (AFTER_UNIT, IN_PLACE_NAME) else None
        if name is not None:  # (after a unit word, "xã Vũ Vân" is a place)
            cands = [(t, e + NAME_BONUS if m.tokens[t] == name else e) for t, e in cands]
        if not cands:
            positions.append((-1, [(unk, 0.0)], False))
            continue
        first = next((c for c in tok if not c.isdigit()), "")
        cap = first.isupper()
        if cap and place_state:
            cap = place_state  # (an int: True == 1)
        positions.append((i, cands, cap))
    positions.append((-1, [(bos, 0.0)], False))
    positions = _phrase_bonus(positions, toks)

    choice, conf = _viterbi(positions)
    out_parts: list[str] = []
    details: list[Token] = []
    chosen = {positions[p][0]: (choice[p], conf[p]) for p in range(len(positions)) if positions[p][0] >= 0}
    for i, (kind, tok, start) in enumerate(toks):
        if i in fixed_out:
            new = fixed_out[i]
            out_parts.append(new)
            details.append(Token(tok, new, 1.0, start, start + len(tok)))
        elif i in chosen:
            idx, c = chosen[i]
            if canonical(tok) == m.tokens[idx]:
                new = tok  # the token's own spelling ("uỷ" stays "uỷ")
            else:
                new = _apply_case(tok, m.tokens[idx], line_upper.get(line_of[i], False))
            out_parts.append(new)
            details.append(Token(tok, new, round(c, 4), start, start + len(tok)))
        else:
            out_parts.append(tok)
            if kind == "word":
                details.append(Token(tok, tok, 1.0, start, start + len(tok)))
    return RestoredText(text="".join(out_parts), raw=raw, tokens=tuple(details), ocr=ocr)


# Emission bonus of a reading that spells a vocabulary or glossary phrase the folded text matches
# (held-out VLSP 97.94% at 0, 1 and 2, 97.91% at 3; stripped seeds 98.90%, 98.96%, 98.99%, 98.99%)
PHRASE_BONUS = 2.0


def _phrase_bonus(positions: list[tuple[int, list[tuple[int, float]], bool]],
                  toks: list[tuple[str, str, int]]) -> list[tuple[int, list[tuple[int, float]], bool]]:
    """`positions` with PHRASE_BONUS on each reading that spells a phrase of the vocabulary or
    glossary (three tokens or more) where the text's folded tokens are that phrase's ("cac xa,
    phuong." is "các xã, phường", though "phương." ends many a sentence): the context a bigram
    lacks."""
    m = model()
    if not m.phrases:
        return positions
    keys = [fold(toks[i][1]) if i >= 0 else (fold(m.tokens[c[0][0]]) if c[0][0] >= 0 else None)
            for i, c, _ in positions]
    bonus: dict[tuple[int, int], float] = {}
    for p, key in enumerate(keys):
        for phrase_keys, run in m.phrases.get(key, ()):
            n = len(run)
            if tuple(keys[p:p + n]) == phrase_keys:
                for q, t in enumerate(run):
                    bonus[(p + q, t)] = PHRASE_BONUS
    if not bonus:
        return positions
    return [(i, [(t, e + bonus.get((p, t), 0.0)) for t, e in cands], cap)
            for p, (i, cands, cap) in enumerate(positions)]


def _name_spelling(toks: list[tuple[str, str, int]], i: int) -> Optional[str]:
    """The spelling of a family name before a middle name ("Nguyen Van" → "nguyễn", not "Nguyên
    Văn", "Do Thi" → "đỗ"), or of the middle name after it ("văn"), both capitalized, one space
    apart; else None."""
    def word(j: int) -> Optional[str]:
        if 0 <= j < len(toks) and toks[j][0] == "word" and toks[j][1][:1].isupper():
            return fold(toks[j][1])
        return None

    key = word(i)
    if key in _FAMILY_KEYS and i + 2 < len(toks) and toks[i + 1][1] == " " and word(i + 2) in _MIDDLE_KEYS:
        return _FAMILY_KEYS[key]
    if key in _MIDDLE_KEYS and i >= 2 and toks[i - 1][1] == " " and word(i - 2) in _FAMILY_KEYS:
        return _MIDDLE_KEYS[key]
    return None


def _place_contexts(toks: list[tuple[str, str, int]]) -> list[int]:
    """Per token: AFTER_UNIT for a capitalized word right after an administrative unit word
    ("Phuong Le Loi", "xa Nghi Lam"), IN_PLACE_NAME for the capitalized words after it in the
    same run, PERSON_NAME for a middle name after a family name ("Tran Van", "Le Thi") and the
    capitalized words after it, else 0. A line break, a tab, punctuation or a number ends the run."""
    out, state, family, prev = [], 0, False, ""
    for kind, tok, _ in toks:
        if kind == "space":
            out.append(0)
            if "\n" in tok or "\t" in tok:
                state, family = 0, False
            continue
        if kind != "word":
            out.append(0)
            state, family, prev = 0, False, ""
            continue
        capital = tok[:1].isupper()
        key = fold(tok)
        if capital and family and state == 0 and key in _MIDDLE_KEYS:
            state = PERSON_NAME  # (inside a place name after its unit word, a place still)
        out.append(state if capital else 0)
        family = capital and key in _FAMILY_KEYS and state != PERSON_NAME
        if key in _UNIT_KEYS and (key != "tran" or prev == "thi"):  # "trấn" of "thị trấn", not "Trần"
            state = AFTER_UNIT
        elif capital and state in (AFTER_UNIT, IN_PLACE_NAME, PERSON_NAME):
            state = IN_PLACE_NAME if state == AFTER_UNIT else state
        else:
            state = 0
        prev = key
    return out


# Inline markup of a text rendering: a bold or italic run's tags, and a footnote marker with its
# label ("phường<sup>2</sup>"), none of them a word the sentence reads.
_MARKUP = re.compile(r"<sup>[^<>\n]{0,8}</sup>|</?(?:b|i|u|em|strong|sup|sub)>|<br\s*/?>", re.I)


def _markup_tokens(text: str, toks: list[tuple[str, str, int]]) -> frozenset[int]:
    """Indices of the tokens of `text` inside inline markup (see _MARKUP)."""
    spans = [(m.start(), m.end()) for m in _MARKUP.finditer(text)]
    if not spans:
        return frozenset()
    out, j = set(), 0
    for i, (_, _, start) in enumerate(toks):
        while j < len(spans) and spans[j][1] <= start:
            j += 1
        if j < len(spans) and spans[j][0] <= start:
            out.add(i)
    return frozenset(out)


def _continues(toks: list[tuple[str, str, int]], i: int) -> bool:
    """Does the sentence run on across the blank line at token `i`? It does between a word and a
    word in small letters ("vai\n\ntrò, ý nghĩa": a page break inside a sentence); a new
    sentence, heading or row starts with a capital, a number or a mark."""
    prev_kind = toks[i - 1][0] if i else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return prev_kind == "word" and nxt is not None and nxt[0] == "word" and nxt[1][:1].islower()


def _is_cut(space: str, prev_kind: Optional[str]) -> bool:
    """Does this space (after a token of `prev_kind`) cut what the syllable model reads across? A tab (the
    cells of a table row are separate labels: "Tuyen huyen<TAB>433.710<NL><TAB>Tuyen xa" is not read
    as "433.710 Tuyên xã"), and a line break after anything but a word (after a number, a colon, a
    stop: a new row or sentence; after a word it may be prose wrapped mid-sentence)."""
    if "\t" in space:
        return True
    return "\n" in space and prev_kind != "word"


def _in_code(toks: list[tuple[str, str, int]], i: int) -> bool:
    """A capitalized part of a document code ("38-CT/TW", "KL/TU", "/KH-UBND"): kept as written
    (but for the Đ of an abbreviation, see `_abbreviation`)."""
    tok = toks[i][1]
    if len(tok) < 2 or not tok[0].isupper() or not any(c.isupper() for c in tok[1:]):
        return False
    prev = toks[i - 1][1] if i > 0 else ""
    nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
    if prev in ("/", "-") and i >= 2 and toks[i - 2][0] in ("word", "num"):
        return _abbreviation(toks, i) is None
    if nxt in ("/", "-") and i + 2 < len(toks) and toks[i + 2][0] == "word" and toks[i + 2][1].isupper():
        return _abbreviation(toks, i) is None
    return False


def _abbreviation(toks: list[tuple[str, str, int]], i: int, ocr: bool = False) -> Optional[str]:
    """HDND → HĐND, QD-UBND → QĐ-UBND: abbreviations of the vocabulary whose Đ was lost."""
    tok = toks[i][1]
    if not (tok.isupper() and len(tok) >= 2):
        return None
    abbrevs = model().abbreviations
    key = fold(tok).upper()
    ab = abbrevs.get(key)
    if ab is None and ocr and len(key) >= 4:  # HBDND, BPKKV: Đ read as BD, BP, DP, P
        key2 = re.sub(r"^P(?=[A-Z])", "D", re.sub(r"BP|DP|BD|PD", "D", key))
        ab = abbrevs.get(key2)
    if ab is None or ab == tok:
        return None
    if len(tok) <= 2:  # QD, ND: only inside a document code ("/QD-UBND", "ND-CP")
        prev = toks[i - 1][1] if i > 0 else ""
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if not (prev in ("/", "-") or nxt in ("-", "/")):
            return None
    return ab


def _viterbi(positions: list[tuple[int, list[tuple[int, float]], bool]]) -> tuple[list[int], list[float]]:
    """Best model token per position, and each one's max-marginal confidence."""
    m = model()
    lm = m.lm
    n = len(positions)
    fwd: list[list[float]] = []
    back: list[list[int]] = []
    trans: list[list[list[float]]] = [[]]  # trans[p][j][k]: log P(cand j of p | cand k of p-1)
    prev_c = positions[0][1]
    fwd.append([e for _, e in prev_c])
    back.append([-1] * len(prev_c))
    for p in range(1, n):
        _, cands, cap = positions[p]
        prev_scores = fwd[-1]
        prev_tokens = [t for t, _ in positions[p - 1][1]]
        rows = []
        row, brow = [], []
        for t, e in cands:
            tr = [LM_WEIGHT * lm(pt, t, cap) for pt in prev_tokens]
            rows.append(tr)
            best, arg = -1e18, 0
            for j, (ps, x) in enumerate(zip(prev_scores, tr)):
                if ps + x > best:
                    best, arg = ps + x, j
            row.append(best + e)
            brow.append(arg)
        trans.append(rows)
        fwd.append(row)
        back.append(brow)
    # backward max scores for confidences
    bwd: list[list[float]] = [[0.0] * len(positions[p][1]) for p in range(n)]
    for p in range(n - 2, -1, -1):
        nxt = positions[p + 1][1]
        tr = trans[p + 1]
        nb = bwd[p + 1]
        cur_b = bwd[p]
        for j in range(len(cur_b)):
            cur_b[j] = max(nb[k] + tr[k][j] + nxt[k][1] for k in range(len(nxt)))
    # best path
    last = max(range(len(fwd[-1])), key=lambda j: fwd[-1][j])
    path = [0] * n
    path[-1] = last
    for p in range(n - 1, 0, -1):
        path[p - 1] = back[p][path[p]]
    choice, conf = [], []
    for p in range(n):
        cands = positions[p][1]
        choice.append(cands[path[p]][0])
        if len(cands) == 1:
            conf.append(1.0)
            continue
        scores = [fwd[p][j] + bwd[p][j] for j in range(len(cands))]
        top = max(scores)
        z = sum(math.exp(s - top) for s in scores)
        conf.append(math.exp(scores[path[p]] - top) / z)
    return choice, conf


# ------------------------------------------------------------------------------------------------
# OCR'd text that has its diacritics, with a few read wrong: repair only the words the OCR doubted

UNCERTAIN_BELOW = 96.0  # Tesseract word confidence under which a word's diacritics may be repaired (90–98 tried on the scans: 96 best)
REPAIR_CONFIDENCE = 0.95  # the restorer's own confidence needed to change one


def _marks_may_change(word: str) -> bool:
    """Whether restoring a line could give `word` other marks: it has marks (a word the restorer
    cannot read comes back as folded, without them), it is a capitalized abbreviation ("HDND" →
    "HĐND"), or some syllable of the model has its letters with other marks. A word for which this
    is False comes out of `repair_uncertain_words` as it went in."""
    m = model()
    for kind, tok, _ in _tokenize(nfc(word)):
        if kind != "word":
            continue
        if _has_marks(tok) or len(tok) >= 2 and tok.isupper():
            return True
        own = canonical(tok)
        if any(m.tokens[idx] != own for idx in m.candidates.get(fold(tok), ())):
            return True
    return False


def repair_uncertain_words(words: list[str], confidences: list[float]) -> list[str]:
    """The words of one OCR'd line with the diacritics of the doubtful ones (confidence under
    UNCERTAIN_BELOW) replaced by what the restorer reads from the whole line stripped of its marks,
    where it is sure: "TRIỂN KHAI THỤC(26) HIỆN" → "THỰC". Only marks change, never letters, and
    words the OCR was sure of stay as read (the restorer is right on 97.8% of syllables, Tesseract
    on more)."""
    doubtful = [w for w, c in zip(words, confidences) if c < UNCERTAIN_BELOW and len(fold(w)) == len(w)]
    if not any(_marks_may_change(w) for w in doubtful):
        return list(words)  # nothing the line's restoration could change (~5 ms a line saved)
    return _repair_from_line(words, confidences)


def _repair_from_line(words: list[str], confidences: list[float]) -> list[str]:
    """`repair_uncertain_words` without its shortcut: the whole line restored, without its marks in
    its own case (capitals tell abbreviations and names: "Số chỉ BHYT" → "chi"), and, for a word
    that reading is not sure of, in small letters (the reading the repairs were first tuned on)."""
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(fold(w))))
        pos += len(fold(w)) + 1
    readings = [restore_text(" ".join(unmarked(w) for w in words))]
    line_upper = sum(c.isupper() for w in words for c in w) >= 0.9 * max(1, sum(c.isalpha() for w in words for c in w))
    out = list(words)
    for i, (w, conf) in enumerate(zip(words, confidences)):
        if conf >= UNCERTAIN_BELOW or len(fold(w)) != len(w):
            continue  # sure, or a word whose folding changes its length (no safe letter mapping)
        a, b = spans[i]
        t = None
        for k in range(2):
            if k == len(readings):
                readings.append(restore_text(" ".join(fold(x) for x in words)))
            toks = [x for x in readings[k].tokens if a <= x.start and x.end <= b]
            if len(toks) == 1 and toks[0].confidence >= REPAIR_CONFIDENCE:
                t = toks[0]  # (a sure reading without marks counts too: "Bộ Ý tế" → "Y")
                break
        if t is None:
            continue
        s, e = t.start - a, t.end - a
        if fold(t.text) != fold(w[s:e]) or t.text.lower() == w[s:e].lower() or \
                t.text.lower().count("đ") != w[s:e].lower().count("đ"):
            continue  # a letter change (đ and d are two letters), or nothing to change
        new = _apply_case(w[s:e], t.text.lower(), line_upper)
        out[i] = nfc(w[:s] + new + w[e:])
    return out

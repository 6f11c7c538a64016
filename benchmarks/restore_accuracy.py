"""Syllable accuracy and speed of the diacritic restorer (extractors/restore.py).

    .venv/bin/python benchmarks/restore_accuracy.py [--wheel underthesea-9.5.0-py3-none-any.whl]

Sets:
  (a) vlsp-heldout  the 10% of the VLSP sentences that tools/build_restorer.py holds out of training,
                    stripped of their diacritics (đ→d too), restored, compared with the originals;
  (b) seed NNN      each seed text of shared/seeds but 003 (clean Vietnamese), stripped and restored;
  (c) seed 003 OCR  the real English-model OCR text of seed 003, restored, against the true text of
                    its golden record (golden/003_text.json: title, section titles, recipients).

Accuracy is over word tokens (syllables; abbreviations and foreign words count too, numbers do not),
tone placement normalized ("hoá" = "hóa"; the strict column counts it as a difference), case kept.
"before" is the share already right before restoring; "unigram" picks each token's commonest
candidate (no context), the floor the bigram model must beat. Prints a table and writes
benchmarks/restore_accuracy.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from extractors import restore as R  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
if not SEEDS.exists():
    SEEDS = Path("/work/shared/seeds")
OUT = ROOT / "benchmarks" / "restore_accuracy.json"


def strip(text: str) -> str:
    """unidecode-style folding of Vietnamese letters, case kept: no marks, đ→d, Đ→D."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            continue
        out.append({"đ": "d", "Đ": "D"}.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def words(text: str) -> list[str]:
    return [t for k, t, _ in R._tokenize(R.nfc(text)) if k == "word"]


def norm(tok: str) -> str:
    """The token with canonical tone placement, its case kept."""
    c = R.canonical(tok)
    if c is None:
        return tok
    return R._apply_case(tok, c, False) if not tok.isupper() or len(tok) > 1 else c.upper()


def compare(gold: list[str], pred: list[str]) -> tuple[int, int, int]:
    """(tokens, right with tone placement normalized, right strictly) for aligned token lists."""
    assert len(gold) == len(pred), (len(gold), len(pred))
    ok = sum(norm(g) == norm(p) for g, p in zip(gold, pred))
    strict = sum(g == p for g, p in zip(gold, pred))
    return len(gold), ok, strict


def unigram_baseline(text: str) -> str:
    m = R.model()
    out = []
    for kind, tok, _ in R._tokenize(R.nfc(text)):
        if kind == "word" and R.fold(tok) in m.candidates and not R._is_mixed_case(tok):
            best = max(m.candidates[R.fold(tok)], key=lambda i: m.uni[i])
            out.append(R._apply_case(tok, m.tokens[best], False))
        else:
            out.append(tok)
    return "".join(out)


def run_stripped(name: str, golds: list[str]) -> dict:
    n = ok = strict = before = uni = 0
    errors: dict[str, int] = {}
    t0 = time.perf_counter()
    preds = [R.restore_text(strip(g)).text for g in golds]
    secs = time.perf_counter() - t0
    for g, p in zip(golds, preds):
        gw, pw = words(g), words(p)
        a, b, c = compare(gw, pw)
        n, ok, strict = n + a, ok + b, strict + c
        before += compare(gw, words(strip(g)))[1]
        uni += compare(gw, words(unigram_baseline(strip(g))))[1]
        for x, y in zip(gw, pw):
            if norm(x) != norm(y):
                errors[f"{x}→{y}"] = errors.get(f"{x}→{y}", 0) + 1
    top = sorted(errors.items(), key=lambda kv: -kv[1])[:15]
    return {
        "set": name, "syllables": n, "accuracy": ok / n, "strict": strict / n,
        "before": before / n, "unigram": uni / n, "seconds": secs, "syllables_per_s": n / secs,
        "top_errors": top,
    }


# ------------------------------------------------------------------------------------------------
# (c) real OCR against the golden record

def _align(gold: list[str], pred: list[str]) -> int:
    """Tokens of `gold` matched in a minimum-edit alignment with `pred` (normalized equality)."""
    g = [norm(x) for x in gold]
    p = [norm(x) for x in pred]
    n, m = len(g), len(p)
    # dp over (cost, -matches)
    dp = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        dp[i][0] = (i, 0)
    for j in range(1, m + 1):
        dp[0][j] = (j, 0)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = g[i - 1] == p[j - 1]
            diag = dp[i - 1][j - 1]
            cands = [
                (diag[0] + (0 if same else 1), diag[1] - (1 if same else 0)),
                (dp[i - 1][j][0] + 1, dp[i - 1][j][1]),
                (dp[i][j - 1][0] + 1, dp[i][j - 1][1]),
            ]
            dp[i][j] = min(cands)
    return -dp[n][m][1]


def _find_span(gold_words: list[str], raw_words: list[str]) -> tuple[int, int]:
    """The window of the OCR's word tokens that reads most like `gold_words` (folded keys)."""
    from rapidfuzz import fuzz

    target = " ".join(R.fold(w) for w in gold_words)
    keys = [R.fold(w) for w in raw_words]
    best, span = -1.0, (0, 0)
    L = len(gold_words)
    for size in range(max(1, L - 2), L + 3):
        for s in range(0, len(keys) - size + 1):
            sc = fuzz.ratio(target, " ".join(keys[s:s + size]))
            if sc > best:
                best, span = sc, (s, s + size)
    return span


def run_ocr_003() -> dict:
    seed = next(SEEDS.glob("003_*.txt"))
    raw = seed.read_text(encoding="utf-8")
    gold = json.loads((ROOT / "golden" / "003_text.json").read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    res = R.restore_text(raw)
    secs = time.perf_counter() - t0
    word_details = [t for t in res.tokens]
    raw_words = [t.raw for t in word_details]
    out_words = [t.text for t in word_details]
    items = [("title", gold["header"]["title"])]
    items += [("section", s["title"]) for s in gold["sections"] if s.get("title")]
    items += [("recipient", r) for r in gold["recipients"]]
    per: dict[str, list[int]] = {}
    samples = []
    for kind, text in items:
        gw = words(text)
        if not gw:
            continue
        s, e = _find_span(gw, raw_words)
        got = _align(gw, out_words[s:e])
        was = _align(gw, raw_words[s:e])
        acc = per.setdefault(kind, [0, 0, 0])
        acc[0] += len(gw)
        acc[1] += got
        acc[2] += was
        samples.append({"kind": kind, "gold": text, "raw": " ".join(raw_words[s:e]),
                        "restored": " ".join(out_words[s:e]), "right": got, "of": len(gw)})
    total = [sum(v[i] for v in per.values()) for i in range(3)]
    return {
        "set": "seed 003 OCR", "syllables": total[0], "accuracy": total[1] / total[0],
        "before": total[2] / total[0],
        "by_kind": {k: {"syllables": v[0], "accuracy": v[1] / v[0], "before": v[2] / v[0]} for k, v in per.items()},
        "seconds": secs, "syllables_per_s": len(raw_words) / secs, "ocr_mode": res.ocr,
        "vietnamese_score_raw": R.vietnamese_score(raw), "vietnamese_score_restored": R.vietnamese_score(res.text),
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    import build_restorer as B

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", help="underthesea wheel (default: as tools/build_restorer.py finds it)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    R.model()  # load once, outside the timings
    wheel = B.find_wheel(args.wheel)
    _, held = B.split_vlsp(wheel)
    results = [run_stripped("vlsp-heldout", [B.sentence_text(s) for s in held])]
    for seed in sorted(SEEDS.glob("*.txt")):
        if seed.name.startswith("003_"):
            continue
        text = seed.read_text(encoding="utf-8")
        res = run_stripped(f"seed {seed.name[:3]}", [text])
        res["vietnamese_score_clean"] = R.vietnamese_score(text)
        res["vietnamese_score_stripped"] = R.vietnamese_score(strip(text))
        results.append(res)
    seeds_b = [r for r in results if r["set"].startswith("seed ")]
    n = sum(r["syllables"] for r in seeds_b)
    results.append({
        "set": "seeds (b) all", "syllables": n,
        "accuracy": sum(r["accuracy"] * r["syllables"] for r in seeds_b) / n,
        "strict": sum(r["strict"] * r["syllables"] for r in seeds_b) / n,
        "before": sum(r["before"] * r["syllables"] for r in seeds_b) / n,
        "unigram": sum(r["unigram"] * r["syllables"] for r in seeds_b) / n,
        "seconds": sum(r["seconds"] for r in seeds_b),
        "syllables_per_s": n / sum(r["seconds"] for r in seeds_b),
    })
    results.append(run_ocr_003())
    size = R.MODEL_PATH.stat().st_size
    print(f"model {R.MODEL_PATH}: {size / 1e6:.2f} MB")
    print(f"{'set':<16}{'syll':>8}{'acc':>8}{'strict':>8}{'before':>8}{'unigram':>9}{'syll/s':>9}")
    for r in results:
        print(f"{r['set']:<16}{r['syllables']:>8}{r['accuracy']:>8.2%}"
              f"{r.get('strict', float('nan')):>8.2%}{r['before']:>8.2%}"
              f"{r.get('unigram', float('nan')):>9.2%}{r['syllables_per_s']:>9.0f}")
    ocr = results[-1]
    for k, v in ocr["by_kind"].items():
        print(f"  003 {k:<12}{v['syllables']:>6}{v['accuracy']:>8.2%} (before {v['before']:.2%})")
    print("vietnamese_score: " + ", ".join(
        f"{r['set'][5:]} clean {r['vietnamese_score_clean']:.2f} stripped {r['vietnamese_score_stripped']:.2f}"
        for r in seeds_b) + f"; 003 OCR {ocr['vietnamese_score_raw']:.2f} (restored {ocr['vietnamese_score_restored']:.2f})")
    if not args.no_write:
        OUT.write_text(json.dumps({"model_bytes": size, "model_meta": R.model().meta, "results": results},
                                  ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`baocao report DATASET`: the BHYT coverage rates stated across all reports of a dataset, as a table
(`coverage.csv`, `coverage.parquet`) and a chart over time per locality (`coverage.png`), actual
figures and targets apart.

A measure is a coverage rate when its unit is % and its indicator speaks of coverage ("bao phủ",
"tham gia BHYT / bảo hiểm y tế"), or it is a bare "Tỷ lệ" in a table whose caption does; the share of
people NOT covered ("chưa tham gia") is not one. Its year is the last year its period names (the end
of "2009-2014"), else, for an actual figure, the year of the report. Its locality is its scope, or the
report's place when the scope is the report's whole ("Cộng", "Toàn tỉnh") or missing. Rates over 100 %
are printing or parsing errors and are left out of the chart (kept in the table, marked). `population`
is "all" for the rate of the whole population and "group" for one group's (pupils, the poor, a
contribution group); the chart draws the population's.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional, Union

from extractors.textnorm import fold

COVERAGE_PHRASES = ("bao phu", "tham gia bhyt", "tham gia bao hiem y te", "co the bhyt", "co the bao hiem y te")
NOT_COVERAGE = ("chua tham gia", "khong tham gia")
# a rate of one group of people (pupils, the poor, a contribution group), not of the whole population
GROUP_MARKERS = ("nhom", "doi tuong", "hoc sinh", "sinh vien", "ngheo", "tre em", "tuoi", "chinh sach", "lao dong",
                 "ho gia dinh", "dan toc", "nguoi co cong", "cuu chien binh", "can bo")
WHOLE_SCOPES = {"cong", "tong", "tong cong", "tong so", "toan tinh", "toan thanh pho", "toan huyen", "toan thi xa",
                "chung", "toan quoc", "ca nuoc"}
YEAR = re.compile(r"""(?<!\d) (19\d\d | 20\d\d) (?!\d)   # a four-digit year of this or the last century""",
                  re.VERBOSE)

MEASURES_SQL = """
SELECT m.document, d.file, d.place, d.issuer, d.year AS document_year, m.indicator, m.value, m.unit, m.period,
       m.scope, m.kind, m.raw, m.source, t.caption
FROM measures m
JOIN documents d USING (document)
LEFT JOIN (SELECT DISTINCT document, "table", caption FROM tables) t
       ON t.document = m.document AND m.source LIKE 'table:%' AND t."table" = split_part(m.source, ':', 2)
WHERE m.unit = '%' AND m.value IS NOT NULL
ORDER BY d.file, m.document, m.measure_index
"""


def _folded(text: Optional[str]) -> str:
    return fold(text or "").lower()


def is_coverage(indicator: Optional[str], caption: Optional[str]) -> bool:
    ind, cap = _folded(indicator), _folded(caption)
    if any(p in ind for p in NOT_COVERAGE):
        return False
    if any(p in ind for p in COVERAGE_PHRASES):
        return True
    return ind.startswith("ty le") and any(p in cap for p in COVERAGE_PHRASES) and not any(
        p in cap for p in NOT_COVERAGE)


def population_of(indicator: Optional[str]) -> str:
    ind = _folded(indicator)
    return "group" if any(g in ind for g in GROUP_MARKERS) else "all"


def year_of(period: Optional[str]) -> Optional[int]:
    years = YEAR.findall(period or "")
    return int(years[-1]) if years else None


def locality_of(scope: Optional[str], place: Optional[str], issuer: Optional[str]) -> Optional[str]:
    s = (scope or "").strip()
    if s and _folded(s).strip(" .:") not in WHOLE_SCOPES:
        return s
    return place or issuer


def coverage_table(dataset: Union[str, Path]):
    """The coverage rates of the dataset as a DataFrame (one row per stated rate)."""
    import duckdb
    import pandas as pd

    db = Path(dataset) / "dataset.duckdb"
    if not db.exists():
        raise FileNotFoundError(f"{dataset}: no dataset.duckdb (not a dataset made by baocao ingest?)")
    con = duckdb.connect(str(db), read_only=True)
    try:
        m = con.execute(MEASURES_SQL).df()
    finally:
        con.close()
    m = m.astype(object).where(m.notna(), None)  # NULL is None, not NaN
    cols = ["locality", "year", "year_from", "kind", "population", "value", "period", "indicator", "raw", "plotted",
            "file",
            "document", "source"]
    rows = []
    for r in m.itertuples(index=False):
        if not is_coverage(r.indicator, r.caption):
            continue
        year, year_from = year_of(r.period), "period"
        if year is None and r.kind == "actual" and r.document_year is not None:
            year, year_from = int(r.document_year), "report date"
        locality = locality_of(r.scope, r.place, r.issuer)
        population = population_of(r.indicator)
        rows.append({"locality": locality, "year": year, "year_from": year_from if year is not None else None,
                     "kind": r.kind, "population": population, "value": float(r.value), "period": r.period,
                     "indicator": r.indicator, "raw": r.raw,
                     "plotted": bool(year is not None and locality and population == "all" and 0 <= r.value <= 100),
                     "file": r.file, "document": r.document, "source": r.source})
    df = pd.DataFrame(rows, columns=cols)
    df["year"] = df["year"].astype("Int64")
    return df.sort_values(["locality", "year", "kind", "file", "source"], na_position="last").reset_index(drop=True)


def draw_chart(df, path: Path, max_localities: int = 12) -> int:
    """Coverage rate of the population over time, one panel per locality (the most documented first),
    the per-year median of actual figures as a solid line and of targets dashed, every stated rate as a
    dot. Returns the number of panels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plot = df[df["plotted"]]
    localities = plot["locality"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    names = list(localities.index[:max_localities])
    n = max(1, len(names))
    ncols = min(3, n)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.4 * nrows), squeeze=False, sharey=True)
    styles = {"actual": dict(color="#1f77b4", linestyle="-", marker="o"),
              "target": dict(color="#d62728", linestyle="--", marker="x")}
    for ax, name in zip(axes.flat, names):
        sub = plot[plot["locality"] == name]
        for kind, style in styles.items():
            k = sub[sub["kind"] == kind]
            if k.empty:
                continue
            ax.scatter(k["year"].astype(int), k["value"], s=12, alpha=0.35, color=style["color"])
            median = k.groupby("year")["value"].median()
            ax.plot(median.index.astype(int), median.values, **style)
        ax.set_title(name, fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    if not names:
        axes.flat[0].text(0.5, 0.5, "no coverage rates in this dataset", ha="center", va="center")
    else:
        from matplotlib.lines import Line2D

        fig.legend([Line2D([], [], **styles["actual"]), Line2D([], [], **styles["target"])],
                   ["thực hiện (actual)", "chỉ tiêu (target)"], loc="upper right", fontsize=9)
        for ax in axes[:, 0]:
            ax.set_ylabel("tỷ lệ bao phủ BHYT (%)")
    fig.suptitle("Tỷ lệ bao phủ BHYT theo năm và địa bàn (BHYT coverage rate by year and locality)", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
    return len(names)


def write_report(dataset: Union[str, Path], out: Optional[Union[str, Path]] = None) -> dict:
    from pipeline.files import write_atomic

    df = coverage_table(dataset)
    out_dir = Path(out) if out else Path(dataset) / "report"
    out_dir.mkdir(parents=True, exist_ok=True)
    table = out_dir / "coverage.csv"
    write_atomic(table, df.to_csv(index=False).encode("utf-8"))
    df.to_parquet(out_dir / "coverage.parquet", index=False)
    chart = out_dir / "coverage.png"
    panels = draw_chart(df, chart)
    return {"table": str(table), "chart": str(chart), "rows": len(df), "localities": int(df["locality"].nunique()),
            "panels": panels}

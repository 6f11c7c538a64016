"""The `baocao ingest`, `baocao query` and `baocao report` subcommands (registered by pipeline/cli.py).
Exit codes as the rest of the CLI: 0 ok, 1 some input failed, 2 usage."""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

EXAMPLE_QUERIES = [
    ("documents by type and year",
     "SELECT doc_type, year, count(*) AS n FROM documents GROUP BY ALL ORDER BY ALL"),
    ("coverage rates stated",
     "SELECT d.file, m.indicator, m.value, m.period, m.kind FROM measures m JOIN documents d USING (document) "
     "WHERE m.unit = '%' AND m.indicator ILIKE '%tham gia%' LIMIT 10"),
    ("citations found in the dataset",
     "SELECT d.file, c.kind, c.number, c.cited_file, c.match FROM citations c JOIN documents d USING (document) "
     "WHERE c.cited_document IS NOT NULL"),
    ("inputs that did not finish", "SELECT input, status, reason FROM inputs WHERE status IN ('failed', 'partial')"),
]


class _Progress:
    """Documents and pages per second, ETA and failures: a rich bar on a terminal, else a line to stderr
    every 10 s (logs and CI)."""

    def __init__(self):
        self.bar = None
        self.task = None
        self.last = 0.0
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                TextColumn("{task.description}"), transient=True)
            self.task = self.bar.add_task("", total=None)
            self.bar.start()

    @staticmethod
    def _rates(s) -> str:
        t = max(s.elapsed, 1e-6)
        failed = s.status["failed"]
        return (f"{s.extracted / t:.1f} docs/s, {s.pages / t:.1f} pages/s, "
                f"{failed} failed" + (f", {s.reused + s.unchanged} already done" if s.reused + s.unchanged else ""))

    def __call__(self, s) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=s.seen, total=max(s.total or 0, s.seen) or None,
                            description=self._rates(s))
        elif time.monotonic() - self.last >= 10:
            self.last = time.monotonic()
            total = f"/{max(s.total, s.seen)}" if s.total else ""
            print(f"ingest: {s.seen}{total} inputs, {self._rates(s)}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _sigterm(signum, frame):
    raise KeyboardInterrupt  # stop the workers and close the manifest as on Ctrl-C


def cmd_ingest(args) -> int:
    from pipeline.ingest.executors import ExecutorError
    from pipeline.ingest.inputs import Limits
    from pipeline.ingest.run import IngestError, IngestOptions, ingest

    if args.workers < 1 or (args.timeout is not None and args.timeout <= 0):
        print("error: --workers must be >= 1 and --timeout > 0", file=sys.stderr)
        return EXIT_USAGE
    if args.executor == "local" and args.scheduler:
        print("error: --scheduler goes with --executor dask", file=sys.stderr)
        return EXIT_USAGE
    limits = Limits(max_member_bytes=int(args.max_member_mb * (1 << 20)), max_ratio=args.max_ratio)
    opts = IngestOptions(workers=args.workers, resume=args.resume, timeout=args.timeout, executor=args.executor,
                         scheduler=args.scheduler, password=args.password, max_pages=args.max_pages, ocr=args.ocr,
                         limits=limits, retry_failed=args.retry_failed, exclude=tuple(args.exclude or ()))
    old = signal.signal(signal.SIGTERM, _sigterm)
    progress = _Progress()
    try:
        stats = ingest(args.inputs, args.out, opts, on_progress=progress)
    except (IngestError, ExecutorError) as exc:
        progress.stop()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        progress.stop()
        print(f"interrupted: run again with --resume to continue {args.out}", file=sys.stderr)
        return 130
    finally:
        progress.stop()
        signal.signal(signal.SIGTERM, old)
    print(summary_text(stats), file=sys.stderr)
    return EXIT_FAILED if stats.final.get("failed") or stats.archives_failed else EXIT_OK


def summary_text(s) -> str:
    t = max(s.elapsed, 1e-6)
    f = s.final
    lines = [f"dataset: {Path(s.dataset).resolve()}",
             f"inputs: {f.get('done', 0)} done, {f.get('partial', 0)} partial, {f.get('failed', 0)} failed, "
             f"{f.get('skipped', 0)} skipped" + (f"; {s.archives_failed} archive(s) broken or stopped"
                                                 if s.archives_failed else ""),
             f"this run: {s.extracted} documents extracted ({s.pages} pages) in {s.elapsed:.1f} s — "
             f"{s.extracted / t:.2f} docs/s, {s.pages / t:.1f} pages/s; {s.reused} inputs reused a record "
             f"(same content), {s.unchanged} unchanged since the last run",
             ("tables rebuilt: " + ", ".join(f"{k} {v}" for k, v in s.rows.items())) if s.built
             else "tables: up to date"]
    if f.get("failed") or s.archives_failed:
        lines.append(f"failures: baocao query {s.dataset} \"SELECT input, message FROM errors\"")
    lines.append("try:")
    for what, sql in EXAMPLE_QUERIES[:3]:
        lines.append(f"  baocao query {s.dataset} \"{sql}\"   # {what}")
    return "\n".join(lines)


def cmd_query(args) -> int:
    import duckdb

    from pipeline.ingest.dataset import DUCKDB

    db = Path(args.dataset) / DUCKDB
    if not db.exists():
        print(f"error: {args.dataset}: no {DUCKDB} (not a dataset made by baocao ingest?)", file=sys.stderr)
        return EXIT_USAGE
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        print(f"error: {db}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        rel = con.sql(args.sql)
        if rel is None:  # a statement without a result
            return EXIT_OK
        if args.format == "csv":
            rel.df().to_csv(sys.stdout, index=False)
        elif args.format == "json":
            sys.stdout.write(rel.df().to_json(orient="records", force_ascii=False, indent=1) + "\n")
        else:
            rel.show(max_rows=args.max_rows, max_width=10_000)
    except duckdb.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        con.close()
    return EXIT_OK


def cmd_report(args) -> int:
    from pipeline.ingest.report import write_report

    try:
        out = write_report(args.dataset, args.out)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"coverage table: {out['table']} ({out['rows']} rows, {out['localities']} localities)\n"
          f"chart: {out['chart']}", file=sys.stderr)
    return EXIT_OK


def register(sub) -> None:
    """Add ingest, query and report to the `baocao` subcommands."""
    i = sub.add_parser("ingest", help="folders, zip and tar archives → a dataset (records, Parquet, DuckDB)")
    i.add_argument("inputs", nargs="+", metavar="INPUT", help="folders (recursive), .zip, .tar, .tar.gz, files")
    i.add_argument("--out", required=True, metavar="DATASET")
    i.add_argument("--workers", type=int, default=1, help="documents extracted at a time (default 1)")
    i.add_argument("--resume", action="store_true", help="continue the dataset: finished inputs are not redone")
    i.add_argument("--retry-failed", action="store_true", help="with --resume: try failed inputs again")
    i.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="stop a document that takes longer, record it as failed, go on")
    i.add_argument("--executor", choices=["local", "dask"], default="local")
    i.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler (tcp://host:8786); without it a LocalCluster of --workers processes")
    i.add_argument("--exclude", action="append", metavar="GLOB",
                   help="leave out input paths matching this pattern (repeatable), e.g. '*/scans/*'")
    i.add_argument("--password", default=None, help="password of encrypted PDFs")
    i.add_argument("--max-pages", type=int, default=None)
    i.add_argument("--ocr", choices=["auto", "always", "never"], default="auto")
    i.add_argument("--max-member-mb", type=float, default=512, help="largest file read from an archive")
    i.add_argument("--max-ratio", type=float, default=200, help="largest compression ratio (zip bombs)")
    i.set_defaults(func=cmd_ingest)
    q = sub.add_parser("query", help="run SQL on a dataset's DuckDB database")
    q.add_argument("dataset", metavar="DATASET")
    q.add_argument("sql", metavar="SQL")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument("--max-rows", type=int, default=40, help="rows shown in table format")
    q.set_defaults(func=cmd_query)
    r = sub.add_parser("report", help="coverage table and PNG chart of BHYT coverage rates over time per locality")
    r.add_argument("dataset", metavar="DATASET")
    r.add_argument("--out", default=None, metavar="DIR", help="where to write (default DATASET/report)")
    r.set_defaults(func=cmd_report)

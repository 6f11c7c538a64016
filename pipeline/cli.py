"""The `baocao` command: extract, eval, schema. Exceptions become messages and exit codes here only."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterable, Optional

from pipeline.ingest.commands import register as register_ingest
from pipeline.review.commands import register as register_review
from pipeline.files import write_atomic

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _inputs(paths: Iterable[str]) -> tuple[list[Path], list[str]]:
    from pipeline.extraction import SUPPORTED_SUFFIXES

    files: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            if not found:
                problems.append(f"{p}: folder holds no document (.pdf, .txt, .md, .png, .jpg, .tif)")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    return files, problems


def _progress(total: int):
    if not sys.stderr.isatty() or total < 1:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    TextColumn("{task.description}"), transient=True)


def cmd_extract(args) -> int:
    from pipeline.extraction import extract
    from pipeline.sources.errors import SourceError

    files, problems = _inputs(args.inputs)
    for msg in problems:
        print(f"error: {msg}", file=sys.stderr)
    if not files:
        return EXIT_FAILED if problems else EXIT_USAGE
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: output folder {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    failed = len(problems)
    used: set[str] = set()
    bar = _progress(len(files))
    task = bar.add_task("", total=len(files)) if bar else None
    if bar:
        bar.start()
    try:
        for f in files:
            if bar:
                bar.update(task, description=f.name)
            stem = f.stem if f.stem not in used else f"{f.stem}{f.suffix.replace('.', '_')}"
            used.add(stem)
            try:
                rec = extract(f, password=args.password, max_pages=args.max_pages, ocr=args.ocr)
            except SourceError as exc:
                failed += 1
                print(f"error: {f}: {exc.reason}", file=sys.stderr)
            except Exception as exc:  # an unexpected bug must not stop the batch
                failed += 1
                print(f"error: {f}: internal error {type(exc).__name__}: {exc}", file=sys.stderr)
            else:
                target = out / f"{stem}.json"
                try:
                    write_atomic(target, rec.to_json())
                except OSError as exc:
                    failed += 1
                    print(f"error: {f}: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
                else:
                    if rec.status != "success":
                        print(f"warning: {f}: {rec.status} ({len(rec.errors)} errors, {len(rec.warnings)} "
                              "warnings)", file=sys.stderr)
            if bar:
                bar.advance(task)
    finally:
        if bar:
            bar.stop()
    done = len(files) - (failed - len(problems))
    print(f"{done} of {len(files)} documents extracted to {out}" + (f", {failed} failed" if failed else ""),
          file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_eval(args) -> int:
    from pipeline.evaluate import run_eval

    return run_eval(args.pred_dir, args.golden_dir, as_json=args.json, min_f1=args.min_f1, mode=args.mode)


def cmd_schema(args) -> int:
    from pipeline.record import record_json_schema

    print(json.dumps(record_json_schema(), ensure_ascii=False, indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="baocao", description="Structured, checked records from Vietnamese "
                                "government reports (PDF or text renderings).")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("extract", help="write OUTDIR/<stem>.json for each input (files or folders)")
    e.add_argument("inputs", nargs="+", metavar="INPUT")
    e.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    e.add_argument("--password", default=None, help="password of encrypted PDFs")
    e.add_argument("--max-pages", type=int, default=None, help="read at most this many pages of a PDF")
    e.add_argument("--ocr", choices=["auto", "always", "never"], default="auto",
                   help="per page: text layer or OCR (auto: OCR pages without text or whose text layer is not "
                        "Vietnamese as written)")
    e.set_defaults(func=cmd_extract)
    v = sub.add_parser("eval", help="score records against golden records (P/R/F1 per field family)")
    v.add_argument("pred_dir", metavar="PRED_DIR")
    v.add_argument("golden_dir", metavar="GOLDEN_DIR")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    v.add_argument("--min-f1", type=float, default=None, help="exit 1 when the aggregate F1 is below this")
    v.add_argument("--mode", choices=["strict", "lenient"], default="strict", help="the F1 --min-f1 applies to")
    v.set_defaults(func=cmd_eval)
    s = sub.add_parser("schema", help="print the JSON Schema of the record")
    s.set_defaults(func=cmd_schema)
    register_ingest(sub)
    register_review(sub)
    return p


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

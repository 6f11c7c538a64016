#!/usr/bin/env bash
# Set up everything baocao needs on a Debian machine, from the project's own files.
#
#   bash scripts/setup.sh
#
# - Debian packages: Tesseract with Vietnamese data, DejaVu fonts, Poppler tools, Chromium (headless, for
#   the review report's browser test), hunspell-vi (the restorer's dictionary)
#   (apt is skipped when all are installed; `apt-get update` runs only when
#   something is missing).
# - .venv with `pip install -e '.[dev]'` (skipped while a stamp keyed on
#   pyproject.toml, this script and the Python version is current), and underthesea's wheel in
#   .venv/wheels (the restorer's source text, read by tools/build_restorer.py and the tests).
# - A final check that OCR and the Python side work.
#
# Idempotent and non-interactive: safe under CI=true with no stdin, as root.
# Environment: PYTHON (interpreter to build .venv with, default python3),
# BAOCAO_FORCE_PIP=1 (reinstall even when the stamp is current).
set -Eeuo pipefail

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; printf "setup: ERROR: command failed (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ -f pyproject.toml ]] || die "pyproject.toml not found in $ROOT"

export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1
exec </dev/null

# chromium: the review report's browser test; hunspell-vi: what tools/build_restorer.py builds the
# diacritic restorer from (the tests check the shipped model is what it builds, and its held-out accuracy)
APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie fonts-dejavu-core poppler-utils chromium hunspell-vi)
VENV="$ROOT/.venv"
STAMP="$VENV/.baocao-setup-stamp"
PYTHON="${PYTHON:-python3}"

# ---------------------------------------------------------------- Debian packages
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  log "system packages present (${APT_PACKAGES[*]})"
else
  command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo; install by hand: ${missing[*]}"
    SUDO=(sudo -n)
  fi
  log "installing system packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq \
    || die "apt-get update failed"
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
fi

# ---------------------------------------------------------------- virtualenv
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON=/path/to/python3.11+)"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "$PYTHON is $("$PYTHON" -V 2>&1); baocao needs Python >= 3.11"

if [[ -x "$VENV/bin/python" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  log ".venv is broken (its interpreter does not start); recreating"
  rm -rf "$VENV"
fi
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating .venv with $("$PYTHON" -V 2>&1)"
  "$PYTHON" -m venv "$VENV" || die "python -m venv failed (is the venv module installed?)"
fi

want_stamp="$(
  {
    sha256sum pyproject.toml scripts/setup.sh
    "$VENV/bin/python" -VV
  } | sha256sum | cut -d' ' -f1
)"
have_stamp="$(cat "$STAMP" 2>/dev/null || true)"

if [[ "$want_stamp" == "$have_stamp" && "${BAOCAO_FORCE_PIP:-0}" != 1 ]]; then
  log "python packages up to date (.venv)"
else
  rm -f "$STAMP"
  log "upgrading pip"
  "$VENV/bin/python" -m pip install -q --upgrade pip \
    || die "pip upgrade failed"
  log "installing baocao and dev extras: pip install -e '.[dev]'"
  "$VENV/bin/python" -m pip install -q -e '.[dev]' \
    || die "pip install -e '.[dev]' failed"
  printf '%s\n' "$want_stamp" >"$STAMP"
fi

# ---------------------------------------------------------------- the restorer's source text
# underthesea's wheel holds the VLSP sentences and word lists the restorer is built from (not installed:
# only read); kept beside the venv for tools/build_restorer.py and the tests of the shipped model
WHEELS="$VENV/wheels"
if compgen -G "$WHEELS/underthesea-9.5.0-*.whl" >/dev/null; then
  log "underthesea wheel present ($WHEELS)"
else
  log "downloading underthesea 9.5.0's wheel to $WHEELS (the restorer's source text)"
  "$VENV/bin/python" -m pip download -q --no-deps underthesea==9.5.0 -d "$WHEELS" \
    || die "pip download underthesea==9.5.0 failed"
fi

# ---------------------------------------------------------------- checks
command -v tesseract >/dev/null || die "tesseract not on PATH"
tesseract --list-langs 2>/dev/null | grep -qx 'vie' \
  || die "tesseract has no Vietnamese data ('vie' missing from tesseract --list-langs)"
command -v pdftoppm >/dev/null || die "pdftoppm (poppler-utils) not on PATH"

"$VENV/bin/python" -c 'import pdfplumber, pytesseract, rapidfuzz, unidecode, pandas, pydantic' \
  || die "core Python imports failed in .venv; rerun with BAOCAO_FORCE_PIP=1"

if [[ -f pipeline/cli.py ]]; then
  "$VENV/bin/baocao" --help >/dev/null \
    || die ".venv/bin/baocao --help failed"
  log "checked: tesseract has 'vie', Python imports work, baocao --help runs"
else
  log "checked: tesseract has 'vie', Python imports work (pipeline/cli.py not present yet, CLI not checked)"
fi
log "done"

"""Shared test setup: the `needs_tesseract` marker and a private OCR cache.

`@pytest.mark.needs_tesseract` skips a test where Tesseract with the `vie` model is missing — but
not under CI (CI=true), where scripts/setup.sh installs it: there a missing install must fail.
"""
from __future__ import annotations

import functools
import os
import shutil

import pytest


@functools.lru_cache(maxsize=1)
def tesseract_with_vie() -> bool:
    if not shutil.which("tesseract"):
        return False
    import pytesseract

    try:
        return "vie" in pytesseract.get_languages()
    except Exception:
        return False


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_tesseract: uses the real Tesseract with the vie model")


def pytest_collection_modifyitems(config, items):
    if tesseract_with_vie() or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return
    skip = pytest.mark.skip(reason="Tesseract with the vie model is not installed")
    for item in items:
        if "needs_tesseract" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def own_ocr_cache(tmp_path, monkeypatch):
    """An empty OCR cache for the test (BAOCAO_CACHE)."""
    monkeypatch.setenv("BAOCAO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"

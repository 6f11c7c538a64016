"""Errors a source raises for input it cannot read; the CLI turns them into messages and exit codes."""
from __future__ import annotations


class SourceError(Exception):
    """The input file cannot be read as a document; the message names the file and the reason."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason

"""The document record of `shared/docs/record-contract.md` (contract v1) as typed models.

Contract fields keep their names and meanings. Fields this project adds (provenance, raw text,
parsed table values, status, errors) are marked "added" in their description; JSON Schema
(`baocao schema`) is generated from these classes.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points (or pixels for images)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Prov(Model):
    """Where a value came from (added): page, and the box/confidence when the input gives one."""

    page: Optional[int] = None
    box: Optional[Box] = None
    confidence: Optional[float] = None


class Evidence(Prov):
    """Raw printed text of a header/signature field beside its provenance (added)."""

    raw: Optional[str] = None


class OcrInfo(Model):
    engine: str = "tesseract"
    version: Optional[str] = None
    lang: str = "vie"
    mean_confidence: Optional[float] = None


PageMode = Literal["text-layer", "ocr", "text"]


class Source(Model):
    file: str
    sha256: str
    media_type: str
    page_count: int
    page_modes: list[PageMode] = Field(default_factory=list)
    page_mode_reasons: list[str] = Field(default_factory=list, description="added: why each page mode was chosen")
    ocr: Optional[OcrInfo] = None


class PageText(Model):
    number: int
    mode: PageMode
    text: str
    confidence: Optional[float] = None


class Header(Model):
    issuer_parent: Optional[str] = None
    issuer: Optional[str] = None
    ref: Optional[str] = None
    number: Optional[int] = None
    doc_type: Optional[str] = None
    place: Optional[str] = None
    date: Optional[str] = None
    title: Optional[str] = None
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="added: raw text and provenance per field")


class Signature(Model):
    authority: Optional[str] = None
    deputy: Optional[str] = None
    position: Optional[str] = None
    signer: Optional[str] = None
    evidence: dict[str, Evidence] = Field(default_factory=dict, description="added: raw text and provenance per field")


class Section(Model):
    id: str
    number: str
    title: str
    level: int
    page: Optional[int] = None
    raw: Optional[str] = Field(default=None, description="added: the heading as printed")
    prov: Optional[Prov] = Field(default=None, description="added")


class Footnote(Model):
    marker: str
    text: str
    page: Optional[int] = None
    pages: list[int] = Field(default_factory=list, description="added: every page the body spans")
    prov: Optional[Prov] = Field(default=None, description="added: where the marker is")


class Reference(Model):
    kind: str
    number: Optional[str] = None
    date: Optional[str] = None
    issuer: Optional[str] = None
    subject: Optional[str] = None
    cited_in: list[str] = Field(default_factory=list)
    raw: Optional[str] = Field(default=None, description="added: the citation as first printed")
    prov: Optional[Prov] = Field(default=None, description="added: first citation's place")


class CellValue(Model):
    """A parsed table cell (added)."""

    value: Optional[float] = None
    unit: Optional[str] = None
    raw: str
    box: Optional[Box] = None


class Table(Model):
    id: str
    page: Optional[int] = None
    caption: Optional[str] = None
    header_rows: list[list[Optional[str]]] = Field(default_factory=list)
    rows: list[list[Optional[str]]] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list, description="added: one name per column, header levels joined with ' › '")
    row_kinds: list[Literal["data", "group", "total", "subgroup"]] = Field(default_factory=list, description="added")
    values: list[list[Optional[CellValue]]] = Field(default_factory=list, description="added: parsed numbers per cell")
    pages: list[int] = Field(default_factory=list, description="added: every page the table spans")
    prov: Optional[Prov] = Field(default=None, description="added")


class Measure(Model):
    indicator: str
    value: Optional[float] = None
    unit: Optional[str] = None
    period: Optional[str] = None
    scope: Optional[str] = None
    kind: Literal["actual", "target"] = "actual"
    qualifier: Optional[str] = None
    raw: str
    source: str
    prov: Optional[Prov] = Field(default=None, description="added")


class Assignment(Model):
    agency: str
    role: Literal["lead", "coordinate", "responsible"]
    task: Optional[str] = None
    deadline: Optional[str] = None
    raw: Optional[str] = Field(default=None, description="added: the deadline as printed")
    prov: Optional[Prov] = Field(default=None, description="added")


class Check(Model):
    rule: str
    status: Literal["pass", "fail"]
    message: str
    where: str
    expected: Optional[float] = Field(default=None, description="added")
    actual: Optional[float] = Field(default=None, description="added")


class ErrorItem(Model):
    """A failure that did not stop the document (added)."""

    stage: str
    page: Optional[int] = None
    message: str


class Record(Model):
    schema_version: str = SCHEMA_VERSION
    status: Literal["success", "partial", "failure"] = Field(default="success", description="added")
    source: Source
    pages: list[PageText] = Field(default_factory=list)
    header: Header = Field(default_factory=Header)
    signature: Signature = Field(default_factory=Signature)
    recipients: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    errors: list[ErrorItem] = Field(default_factory=list, description="added")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def to_pandas(self) -> dict:
        """Tables (long form), measures, references, sections, checks as DataFrames."""
        from pipeline.frames import record_to_frames

        return record_to_frames(self)


def record_json_schema() -> dict:
    return Record.model_json_schema()

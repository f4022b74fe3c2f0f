"""API shapes. The document shapes mirror the JSON export (see documents.to_dict)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from kamkit.frameworks.choices import FrameworkSource, FrameworkStatus


class QuestionDocSchema(Schema):
    text: str
    probes: list[str] = []
    probe_stars: list[str] = Field(
        default=[], description="STAR tag per probe: situation/task/action/result/other"
    )


class LevelDocSchema(Schema):
    level: int = Field(ge=1, le=5)
    summary: str
    behaviours: list[str] = []
    questions: list[QuestionDocSchema] = []


class TipsSchema(Schema):
    mindset: list[str] = []
    practice: list[str] = []


class CompetencyDocSchema(Schema):
    name: str
    definition: str = ""
    weight: float = 1.0
    low: list[str] = []
    high: list[str] = []
    tips: TipsSchema = TipsSchema()
    levels: list[LevelDocSchema] = []


class FrameworkDocument(Schema):
    name: str
    slug: str = ""
    role: str = ""
    description: str = ""
    version: int = 1
    competencies: list[CompetencyDocSchema]


class FrameworkRead(Schema):
    id: int
    slug: str
    version: int
    name: str
    role: str
    description: str
    status: FrameworkStatus
    source: FrameworkSource
    based_on_id: int | None
    published_at: dt.datetime | None
    competency_count: int = 0


class FrameworkUpdate(Schema):
    name: str = Field(min_length=1, max_length=200)
    role: str = ""
    description: str = ""


class CompetencyRead(CompetencyDocSchema):
    id: int
    framework_id: int
    order: int


class CompetencyWrite(Schema):
    name: str = Field(min_length=1, max_length=200)
    definition: str = ""
    weight: float = Field(default=1.0, ge=0)
    low: list[str] = []
    high: list[str] = []
    tips: TipsSchema = TipsSchema()


class ImportResultRead(Schema):
    slug: str
    version: int
    dry_run: bool
    summary: list[str]
    framework: FrameworkRead | None


class TargetRead(Schema):
    competency_id: int
    competency: str
    band_low: int
    band_high: int
    importance: int


class TargetWrite(Schema):
    competency_id: int
    band_low: int = Field(ge=0, le=100)
    band_high: int = Field(ge=0, le=100)
    importance: int = Field(default=3, ge=1, le=5)


class BenchmarkRead(Schema):
    id: int
    framework_id: int
    role: str
    name: str
    description: str
    targets: list[TargetRead]


class BenchmarkWrite(Schema):
    role: str = Field(min_length=1, max_length=150)
    name: str = ""
    description: str = ""
    targets: list[TargetWrite] | None = None


class ListChangeRead(Schema):
    added: list[str]
    removed: list[str]


class CompetencyChangeRead(Schema):
    name: str
    kind: str
    fields: dict[str, list[str]]
    lists: dict[str, ListChangeRead]


class ComparisonRead(Schema):
    old_id: int
    new_id: int
    fields: dict[str, list[str]]
    competencies: list[CompetencyChangeRead]
    unchanged: list[str]

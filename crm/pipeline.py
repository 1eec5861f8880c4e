"""The sales pipeline's stages as data (``PipelineStage`` rows) that an administrator sets: order, Persian and
English labels, the default chance (percent) and the kind (``open``, ``won`` or ``lost``).

Rules that keep every opportunity valid: a key never changes (opportunities, reports and the lead process hold
it); there is exactly one ``won`` stage and one ``lost`` stage (keys ``won`` and ``lost``, shipped, never
removed, deactivated or turned into another kind; their chances stay 100 and 0); a new stage is always open;
a stage that any opportunity holds or ever held cannot be removed, only deactivated; at least one open stage
stays active. An inactive stage takes no new or moved deals but keeps those it holds.

``funnel`` turns the rows into the ``crm.funnel.Funnel`` the opportunity commands check moves against (the
``funnel_stages`` setting's funnel while the table is empty)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from crm.errors import InvalidRecord, RecordConflict, RecordNotFound, refuse_fields
from crm.funnel import DEFAULT, Funnel
from crm.models import Opportunity, PipelineStage, StageVisit
from crm.unit import Ctx

KINDS = ("open", "won", "lost")
CLOSED = {"won": 100, "lost": 0}  # the closing stages' fixed chances
KEY = re.compile(r"[a-z][a-z0-9_]{0,19}")
EDITABLE = ("label_fa", "label_en", "position", "probability", "active")
RECORD = "pipeline_stage"
SHIPPED: tuple[tuple[str, str, str, int, str], ...] = (
    ("prospecting", "شناسایی", "Prospecting", 10, "open"),
    ("qualification", "ارزیابی", "Qualification", 25, "open"),
    ("proposal", "پیشنهاد", "Proposal", 50, "open"),
    ("negotiation", "مذاکره", "Negotiation", 75, "open"),
    ("won", "برنده", "Won", 100, "won"),
    ("lost", "از دست رفته", "Lost", 0, "lost"),
)


def shipped_rows() -> list[dict[str, Any]]:
    """The stages Ravand ships (the default ``funnel_stages`` with won and lost), as rows for a migration."""
    return [{"key": key, "label_fa": fa, "label_en": en, "position": (i + 1) * 10, "probability": chance,
             "kind": kind, "active": True} for i, (key, fa, en, chance, kind) in enumerate(SHIPPED)]


def stages(session: Session, *, include_inactive: bool = True) -> list[PipelineStage]:
    """The stages in order: open ones by position, then won, then lost."""
    query = select(PipelineStage)
    if not include_inactive:
        query = query.where(PipelineStage.active.is_(True))
    rows = list(session.scalars(query.order_by(PipelineStage.position, PipelineStage.id)))
    rank = {"open": 0, "won": 1, "lost": 2}
    return sorted(rows, key=lambda s: rank.get(s.kind, 0))


def funnel(session: Session, fallback: Funnel = DEFAULT) -> Funnel:
    """The funnel of the active stages (``fallback`` while no stage is stored). Inactive stages keep their
    chance, so a deal resting in one still reads it."""
    rows = stages(session)
    open_stages = tuple(s.key for s in rows if s.kind == "open" and s.active)
    if not open_stages:
        return fallback
    return Funnel(open_stages, {**{s.key: s.probability for s in rows if s.kind == "open"}, **CLOSED})


def find(session: Session, key: str) -> PipelineStage:
    stage = session.scalar(select(PipelineStage).where(PipelineStage.key == key))
    if stage is None:
        raise RecordNotFound(f"no pipeline stage {key!r} / مرحله‌ای با این کلید نیست")
    return stage


def _label(value: Any, field: str, errors: dict[str, list[str]]) -> str | None:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not 1 <= len(text) <= 80:
        errors[field] = ["1 to 80 characters / ۱ تا ۸۰ نویسه"]
        return None
    return text


def _whole(value: Any, field: str, low: int, high: int, errors: dict[str, list[str]]) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[field] = [f"a whole number from {low} to {high} / عددی درست از {low} تا {high}"]
        return None
    return value


def _clash(session: Session, key: str, labels: Mapping[str, str | None], errors: dict[str, list[str]]) -> None:
    """Two stages may not carry the same label in one language (the board's columns would read alike)."""
    for field, value in labels.items():
        if value is None:
            continue
        column = getattr(PipelineStage, field)
        if session.scalar(select(PipelineStage.key).where(func.lower(column) == value.lower(),
                                                          PipelineStage.key != key)):
            errors[field] = ["another stage has this label / مرحلهٔ دیگری همین نام را دارد"]


def add_stage(ctx: Ctx, data: Mapping[str, Any]) -> PipelineStage:
    """A new active open stage; last unless ``position`` is given; its chance defaults to 0."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind", "open")
    if kind != "open":
        errors["kind"] = ["there is exactly one won and one lost stage; a new stage is open / "
                          "فقط یک مرحلهٔ برنده و یک مرحلهٔ باخته هست؛ مرحلهٔ تازه باز است"]
    key = data.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        errors["key"] = ["1-20 lower-case letters, digits or _, starting with a letter / "
                         "۱ تا ۲۰ حرف کوچک لاتین، رقم یا _ که با حرف آغاز شود"]
    elif ctx.session.scalar(select(PipelineStage.id).where(PipelineStage.key == key)):
        errors["key"] = ["a stage with this key exists / مرحله‌ای با این کلید هست"]
    labels = {f: _label(data.get(f), f, errors) for f in ("label_fa", "label_en")}
    _clash(ctx.session, key if isinstance(key, str) else "", labels, errors)
    chance = _whole(data.get("probability", 0), "probability", 0, 100, errors)
    position = _whole(data["position"], "position", 0, 1_000_000, errors) if "position" in data else None
    refuse_fields(errors)
    if position is None:
        last = ctx.session.scalar(select(func.max(PipelineStage.position)).where(PipelineStage.kind == "open"))
        position = (last or 0) + 10
    stage = PipelineStage(key=key, label_fa=labels["label_fa"], label_en=labels["label_en"], position=position,
                          probability=chance, kind="open", active=True)
    return ctx.add(stage, RECORD)


def _closing_rules(stage: PipelineStage, values: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    if stage.kind == "open":
        return
    if values.get("active") is False:
        errors["active"] = ["the won and lost stages stay active / مرحله‌های برنده و باخته همیشه فعال‌اند"]
    if "probability" in values and values["probability"] != CLOSED[stage.kind]:
        errors["probability"] = [f"the {stage.kind} stage's chance is {CLOSED[stage.kind]} / "
                                 f"احتمال این مرحله {CLOSED[stage.kind]} است"]


def _last_open(session: Session, stage: PipelineStage) -> bool:
    others = session.scalar(select(func.count()).select_from(PipelineStage).where(
        PipelineStage.kind == "open", PipelineStage.active.is_(True), PipelineStage.key != stage.key))
    return stage.kind == "open" and not others


def change_stage(ctx: Ctx, key: str, changes: Mapping[str, Any]) -> PipelineStage:
    """Change a stage's labels, position, chance or whether it is active; key and kind never change."""
    stage = find(ctx.session, key)
    errors: dict[str, list[str]] = {}
    if "key" in changes and changes["key"] != key:
        errors["key"] = ["a key never changes: deactivate this stage and add another / کلید تغییر نمی‌کند"]
    if "kind" in changes and changes["kind"] != stage.kind:
        errors["kind"] = ["a stage's kind never changes / نوع مرحله تغییر نمی‌کند"]
    for unknown in sorted(set(changes) - {*EDITABLE, "key", "kind"}):
        errors[unknown] = ["unknown field / فیلد ناشناخته"]
    values: dict[str, Any] = {}
    for field in ("label_fa", "label_en"):
        if field in changes:
            values[field] = _label(changes[field], field, errors)
    _clash(ctx.session, key, {f: values.get(f) for f in ("label_fa", "label_en")}, errors)
    if "probability" in changes:
        values["probability"] = _whole(changes["probability"], "probability", 0, 100, errors)
    if "position" in changes:
        values["position"] = _whole(changes["position"], "position", 0, 1_000_000, errors)
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            errors["active"] = ["true or false / درست یا نادرست"]
        values["active"] = changes["active"]
        if changes["active"] is False and _last_open(ctx.session, stage):
            errors["active"] = ["keep at least one open stage active / دست‌کم یک مرحلهٔ باز باید فعال بماند"]
    _closing_rules(stage, values, errors)
    refuse_fields(errors)
    ctx.change(stage, RECORD, values)
    return stage


def in_use(session: Session, key: str) -> bool:
    """Whether any opportunity is, or ever was, at this stage."""
    return bool(session.scalar(select(exists().where(Opportunity.stage == key)))
                or session.scalar(select(exists().where(StageVisit.stage == key))))


def remove_stage(ctx: Ctx, key: str) -> None:
    """Remove a stage no opportunity holds or ever held; the won and lost stages stay."""
    stage = find(ctx.session, key)
    if stage.kind != "open":
        raise RecordConflict(f"the {stage.kind} stage cannot be removed / مرحلهٔ برنده یا باخته حذف نمی‌شود")
    if in_use(ctx.session, key):
        raise RecordConflict(f"stage {key!r} is in use by opportunities: deactivate it instead / "
                             "این مرحله در فرصت‌ها به کار رفته است: به جای حذف، آن را غیرفعال کنید")
    if _last_open(ctx.session, stage) and stage.active:
        raise InvalidRecord("keep at least one open stage / دست‌کم یک مرحلهٔ باز باید بماند",
                            {"key": ["the last active open stage / آخرین مرحلهٔ باز فعال"]})
    ctx.record(f"crm.{RECORD}.removed", record=RECORD, id=stage.id, key=key)
    ctx.session.delete(stage)
    ctx.session.flush()

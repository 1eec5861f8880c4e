"""The sales pipeline: the board of opportunities by stage (``GET /opportunities/board``: per column the count,
the total and the weighted total in rials, and the first cards with a cursor for more) and the stages an
administrator sets (``/pipeline/stages``: labels, order, chance, active; a stage in use is deactivated, never
removed). A card moves with the opportunity's own stage change, ``POST /opportunities/{id}/stage``."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from api.context import db
from api.form_lists import viewer_locale
from api.guard import BEARER, current_principal, requires
from api.resources.common import storable
from api.resources.crm.shared import READ, act
from crm import pipeline
from crm.dates import parse_day
from crm.errors import InvalidRecord
from crm.pipeline_board import BoardFilter, board, team_column

blp = Blueprint("crm_opportunity_board", __name__, url_prefix="/api/v1", description="The sales pipeline")
DAY = {"description": "the expected close, Jalali (1405/11/15, ۱۴۰۵/۱۱/۱۵) or Gregorian (2027-02-04)"}


class BoardArgs(Schema):
    owner = fields.String(validate=validate.Length(1, 150), metadata={"description": "a user name"})
    team = fields.String(validate=validate.Length(1, 80))
    since = fields.String(validate=validate.Length(1, 20), metadata=DAY)
    until = fields.String(validate=validate.Length(1, 20), metadata=DAY)
    q = fields.String(validate=[validate.Length(max=200), storable],
                      metadata={"description": "words of the title or the customer's name"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100), metadata={"description": "cards a column"})
    stage = fields.String(validate=validate.Length(1, 20), metadata={"description": "one column alone (for more)"})
    cursor = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000),
                            metadata={"description": "a column's ``cursor``: where its next cards start"})


class BoardCardSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    customer_id = fields.Integer()
    customer_name = fields.String()
    stage = fields.String()
    kind = fields.String()
    amount = fields.Integer(metadata={"description": "rials"})
    probability = fields.Integer()
    expected_close = fields.Date(allow_none=True)
    owner = fields.String(allow_none=True)
    stage_entered_at = fields.DateTime()


class BoardColumnSchema(Schema):
    stage = fields.String()
    label = fields.String(metadata={"description": "in the caller's language"})
    label_fa = fields.String()
    label_en = fields.String()
    kind = fields.String(metadata={"enum": list(pipeline.KINDS)})
    probability = fields.Integer(metadata={"description": "the stage's default chance, percent"})
    active = fields.Boolean(metadata={"description": "false: shown only while it holds deals"})
    count = fields.Integer()
    total = fields.Integer(metadata={"description": "rials"})
    weighted = fields.Integer(metadata={"description": "rials: the amounts weighted by each deal's chance"})
    cards = fields.List(fields.Nested(BoardCardSchema))
    cursor = fields.Integer(allow_none=True, metadata={"description": "where the column's next cards start"})


class BoardSchema(Schema):
    columns = fields.List(fields.Nested(BoardColumnSchema))
    team_filter = fields.Boolean(metadata={"description": "whether opportunities carry a team to filter by"})


class PipelineStageSchema(Schema):
    key = fields.String()
    label = fields.String()
    label_fa = fields.String()
    label_en = fields.String()
    position = fields.Integer()
    probability = fields.Integer()
    kind = fields.String(metadata={"enum": list(pipeline.KINDS)})
    active = fields.Boolean()
    in_use = fields.Boolean(metadata={"description": "an opportunity is or was at this stage: it cannot be removed"})


def _label(**kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(1, 80), storable], **kwargs)


class PipelineStageIn(Schema):
    key = fields.String(required=True, validate=validate.Length(1, 20),
                        metadata={"description": "lower-case letters, digits and _; never changes"})
    label_fa = _label(required=True)
    label_en = _label(required=True)
    probability = fields.Integer(validate=validate.Range(0, 100), metadata={"description": "percent; default 0"})
    position = fields.Integer(validate=validate.Range(0, 1_000_000), metadata={"description": "default: last"})
    kind = fields.String(metadata={"description": "only open: there is exactly one won and one lost stage"})


class PipelineStageChange(Schema):
    label_fa = _label()
    label_en = _label()
    probability = fields.Integer(validate=validate.Range(0, 100))
    position = fields.Integer(validate=validate.Range(0, 1_000_000))
    active = fields.Boolean(metadata={"description": "false: no new deals; those it holds stay"})
    key = fields.String(metadata={"description": "never changes"})
    kind = fields.String(metadata={"description": "never changes"})


class StagesArgs(Schema):
    include_inactive = fields.Boolean(load_default=True)


def _locale() -> str:
    return viewer_locale(current_principal().locale)


def _day(args: dict[str, Any], name: str) -> Any:
    return parse_day(args.get(name), field=name)


def _stage_out(stage: Any, locale: str, used: bool | None = None) -> dict[str, Any]:
    return {"key": stage.key, "label": stage.label_en if locale == "en" else stage.label_fa,
            "label_fa": stage.label_fa, "label_en": stage.label_en, "position": stage.position,
            "probability": stage.probability, "kind": stage.kind, "active": stage.active,
            "in_use": pipeline.in_use(db(), stage.key) if used is None else used}


@blp.route("/opportunities/board")
class Board(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(BoardArgs, location="query")
    @blp.response(200, BoardSchema)
    @requires(*READ)
    def get(self, args: dict) -> object:
        """The pipeline board: a column per stage (the active ones, and an inactive one while it holds deals),
        each with the count, total and weighted total of the opportunities matching the filters (owner, team,
        the expected close ``since``/``until``, ``q``) and its first ``limit`` cards, the soonest to close first.
        ``stage`` with ``cursor`` gives one column's further cards."""
        session = db()
        errors: dict[str, list[str]] = {}
        days = {}
        for name in ("since", "until"):
            try:
                days[name] = _day(args, name)
            except InvalidRecord as exc:
                errors[name] = exc.field_errors.get(name, [exc.message])
        if errors:
            raise InvalidRecord("the period is not valid / بازهٔ زمانی درست نیست", errors)
        filters = BoardFilter(owner=args.get("owner"), team=args.get("team"), q=args.get("q"), **days)
        locale = _locale()
        columns = board(session, pipeline.stages(session), filters, limit=args["limit"], only=args.get("stage"),
                        offset=args["cursor"])
        for column in columns:
            column["label"] = column["label_en"] if locale == "en" else column["label_fa"]
        return {"columns": columns, "team_filter": team_column() is not None}


@blp.route("/pipeline/stages")
class PipelineStages(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(StagesArgs, location="query")
    @blp.response(200, PipelineStageSchema(many=True))
    @requires(*READ)
    def get(self, args: dict) -> object:
        """The pipeline's stages in order (open ones, then won, then lost), inactive ones too unless asked not."""
        session, locale = db(), _locale()
        return [_stage_out(s, locale) for s in pipeline.stages(session, include_inactive=args["include_inactive"])]

    @blp.doc(security=BEARER)
    @blp.arguments(PipelineStageIn)
    @blp.response(201, PipelineStageSchema)
    @requires("admin")
    def post(self, body: dict) -> object:
        """Add an open stage (last unless ``position``); keys and labels are unique."""
        stage = act(lambda ctx: pipeline.add_stage(ctx, body))
        return _stage_out(stage, _locale(), used=False)


@blp.route("/pipeline/stages/<string:key>")
class PipelineStageOne(MethodView):
    @blp.doc(security=BEARER)
    @blp.arguments(PipelineStageChange)
    @blp.response(200, PipelineStageSchema)
    @requires("admin")
    def patch(self, body: dict, key: str) -> object:
        """Change a stage's labels, position, chance or whether it is active. Key and kind never change; the
        won and lost stages stay active with chances 100 and 0; one open stage at least stays active."""
        stage = act(lambda ctx: pipeline.change_stage(ctx, key, body))
        return _stage_out(stage, _locale())

    @blp.doc(security=BEARER)
    @blp.response(204)
    @blp.alt_response(409, description="The stage is in use, or it is the won or lost stage: deactivate instead")
    @requires("admin")
    def delete(self, key: str) -> None:
        """Remove a stage no opportunity is or ever was at."""
        act(lambda ctx: pipeline.remove_stage(ctx, key))

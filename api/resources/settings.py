"""The Settings screen's API (administrators): the company's legal details, the SMS and e-mail senders, quiet
hours and the working calendar. Each value is checked (field errors in English and Persian), stored, applied
at once to this server, and journaled with its value before and after (a secret only as set or not)."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api import admin_settings as admin
from api.commands import command
from api.composition import Ravand, SettingsError, contract_settings, notice_settings, work_calendar
from api.context import db, ravand
from api.guard import BEARER, current_principal, requires
from crm.errors import InvalidRecord
from crm.sender_settings import senders_from
from engine import journal
from engine.clock import utcnow
from engine.errors import InvalidData
from engine.events import calendar

blp = Blueprint("settings", __name__, url_prefix="/api/v1/settings", description="Settings an administrator changes")
log = logging.getLogger("ravand.settings")
FOLLOW_EVERY_S = 15.0  # how often a server process looks whether another one stored new settings
_SEEN = "ravand.settings_seen"
SENDER_WORDS = "فرستنده با این تنظیمات کار نمی‌کند: این مقدار لازم است یا درست نیست"


class SettingsSchema(Schema):
    company = fields.Dict()
    sms = fields.Dict()
    email = fields.Dict()
    quiet = fields.Dict()
    calendar = fields.Dict()


def _before(current: Any, spec: admin.Spec) -> Any:
    if spec.secret:
        return "set" if current else "not set"
    return list(current) if isinstance(current, tuple) else current


def _checked(new: Any) -> tuple[Any, dict[str, Any]]:
    """The calendar and the engine's settings ``new`` makes; ``InvalidData`` on the setting that cannot be."""
    try:
        senders_from(new)
    except InvalidRecord as exc:  # e.g. a panel chosen without its API key or line
        raise InvalidData({name: [f"{reasons[0]} / {SENDER_WORDS}"] for name, reasons in exc.field_errors.items()},
                          exc.message) from None
    try:
        return work_calendar(new), {**notice_settings(new), **contract_settings(new)}
    except SettingsError as exc:
        name = str(exc).split(":", 1)[0]
        raise InvalidData({name: [f"{exc} / این مقدار پذیرفته نیست"]}, str(exc)) from None


def _apply(app: Ravand, new: Any, work: Any, engine_settings: dict[str, Any]) -> None:
    """This server uses the new values at once (other server processes read them when they start)."""
    app.settings = new
    calendar.configure(work)
    settings = app.engine.ctx.settings
    if isinstance(settings, dict):
        settings.update(engine_settings)


def _stamp(session: Session) -> tuple[Any, ...]:
    return tuple(session.execute(select(func.count(admin.AppSetting.name), func.max(admin.AppSetting.updated_at)))
                 .one())


@blp.before_app_request
def follow_other_servers() -> None:
    """Every ``FOLLOW_EVERY_S`` a server process looks (one small read) whether settings were stored since it
    last looked (by another gunicorn worker or server), and if so uses them."""
    seen = current_app.extensions.get(_SEEN)
    if seen is not None and time.monotonic() - seen["at"] < FOLLOW_EVERY_S:
        return
    try:
        stamp = _stamp(db())
        if seen is None:
            current_app.extensions[_SEEN] = {"at": time.monotonic(), "stamp": stamp}
        elif stamp == seen["stamp"]:
            seen["at"] = time.monotonic()
            return
        else:
            seen.update(at=time.monotonic(), stamp=stamp)
        app = ravand()
        new = app.settings.with_overrides(**admin.stored(db()))
        if new == app.settings:  # the first request finds what build() read, most often
            return
        work, engine_settings = _checked(new)
    except (SQLAlchemyError, InvalidData) as exc:
        log.warning("the stored settings were not read again: %s", exc)
        return
    _apply(app, new, work, engine_settings)


@blp.route("")
class Settings(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, SettingsSchema)
    @requires("admin")
    def get(self) -> object:
        """Every setting of the screen by section; a secret as ``{"set": true|false}``, never its value."""
        return admin.shown(ravand().settings)

    @blp.doc(security=BEARER, requestBody={"content": {"application/json": {"schema": {"type": "object"}}}})
    @blp.response(200, SettingsSchema)
    @blp.alt_response(422, description="Field errors by setting name, in English and Persian")
    @requires("admin")
    def patch(self) -> object:
        """Change the settings given (a flat object: ``{"seller_name": "...", "smtp_port": 587}``); all or none.
        A secret sent as ``""`` is cleared; one not sent stays as it is."""
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise InvalidData({"_schema": ["send a JSON object / یک شیء JSON بفرستید"]}, "send a JSON object")
        values, errors = admin.clean(body)
        if errors:
            raise InvalidData(errors, "; ".join(f"{k}: {v[0]}" for k, v in errors.items()))
        app, actor = ravand(), current_principal().username
        current = app.settings
        changed = {k: v for k, v in values.items() if _before(getattr(current, k), admin.BY_NAME[k])
                   != _before(admin.as_setting(k, v), admin.BY_NAME[k]) or (admin.BY_NAME[k].secret and v)}

        def run(session: Session) -> None:
            now = utcnow()
            for name, value in changed.items():
                row = session.get(admin.AppSetting, name)
                if row is None:
                    session.add(admin.AppSetting(name=name, value=value, updated_by=actor, updated_at=now))
                else:
                    row.value, row.updated_by, row.updated_at = value, actor, now
            if changed:
                specs = admin.BY_NAME
                journal.record(session, "admin.settings.changed", actor, data={
                    "before": {k: _before(getattr(current, k), specs[k]) for k in changed},
                    "after": {k: _before(admin.as_setting(k, v), specs[k]) for k, v in changed.items()}})

        if changed:
            new = current.with_overrides(**{k: admin.as_setting(k, v) for k, v in changed.items()})
            work, engine_settings = _checked(new)
            command(run)
            _apply(app, new, work, engine_settings)
            current_app.extensions.pop(_SEEN, None)  # this process has them: look afresh from the next request
        return admin.shown(app.settings)

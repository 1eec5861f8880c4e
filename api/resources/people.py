"""Who the user names on records and tasks are (every signed-in person may read it): each account's display name,
and the words for the actors without an account (the customer portal, the scheduler, the outbox), so a page
shows "سارا احمدی" where a record keeps ``sara``."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from api.context import db
from api.guard import ANYONE, BEARER, requires
from api.identity.models import User
from api.record_history import MACHINES

blp = Blueprint("people", __name__, url_prefix="/api/v1/people",
                description="The display names of the user names records and tasks carry")


class PersonSchema(Schema):
    username = fields.String(metadata={"description": "the user name records, tasks and the journal keep"})
    name = fields.Dict(metadata={"description": "how to show it, {fa, en}: the display name, or the words for an "
                                                "actor without an account"})
    active = fields.Boolean()


class PeopleList(Schema):
    items = fields.List(fields.Nested(PersonSchema))
    total = fields.Integer()


@blp.route("")
class People(MethodView):
    @blp.doc(security=BEARER)
    @blp.response(200, PeopleList)
    @requires(*ANYONE)
    def get(self) -> object:
        """Every account (disabled ones too: their name stays on what they did), by user name, with its display
        name; then the actors without an account."""
        rows = db().execute(select(User.username, User.display_name, User.active).order_by(User.username)).all()
        items = [{"username": username, "name": {"fa": shown or username, "en": shown or username}, "active": active}
                 for username, shown, active in rows]
        known = {item["username"] for item in items}
        items += [{"username": name, "name": words, "active": True} for name, words in MACHINES.items()
                  if name not in known]
        return {"items": items, "total": len(items)}

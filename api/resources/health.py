"""``GET /api/v1/health``: 200 when the database answers, else 503."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.context import db
from api.errors import problem

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Liveness and readiness")


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, description="The database is unreachable")
    def get(self) -> object:
        """Is Ravand able to serve?"""
        try:
            db().execute(text("SELECT 1"))
        except SQLAlchemyError:
            return problem(503, "Service Unavailable", "the database is unreachable")
        return {"status": "ok", "database": "ok"}

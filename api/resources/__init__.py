"""Every blueprint of the API, registered in one place."""

from __future__ import annotations

from flask_smorest import Api


def register_all(api: Api) -> None:
    from api.resources import auth, crm, definitions, health, instances, journal, me, messages, tasks, users

    for module in (health, auth, me, users, definitions, instances, tasks, messages, journal):
        api.register_blueprint(module.blp)
    crm.register(api)

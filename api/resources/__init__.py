"""Every blueprint of the API, registered in one place."""

from __future__ import annotations

from flask_smorest import Api


def register_all(api: Api) -> None:
    from api.resources import (
        auth,
        crm,
        definitions,
        groups,
        health,
        instances,
        journal,
        me,
        messages,
        people,
        settings,
        tasks,
        users,
    )

    for module in (health, auth, me, users, people, groups, settings, definitions, instances, tasks, messages, journal):
        api.register_blueprint(module.blp)
    crm.register(api)

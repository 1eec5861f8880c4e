"""The sessions commands run in.

On SQLite a command's session borrows a connection that stays checked out of the pool between
commands, and gives it back when it closes. A pool checkout and checkin (the connection object,
its events, the reset on return) cost about as much as a small command's own SQL; SQLite has no
network and no server that could drop the connection, so nothing is lost by keeping it. At most
``IDLE`` connections wait to be lent; more go back to the pool, which read sessions share.

On PostgreSQL sessions take their connection from the pool as usual: a connection that was idle a while is
checked on checkout (``engine.store.db``), which is what notices a server that restarted.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, sessionmaker

IDLE = 2


class CommandSession(Session):
    """A session that gives its borrowed connection back when it closes (or is reset); used again
    afterwards, it takes a connection from the engine like any session."""

    _lent: tuple[CommandSessions, Connection] | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_back()

    def reset(self) -> None:
        try:
            super().reset()
        finally:
            self._give_back()

    def _give_back(self) -> None:
        lent, self._lent = self._lent, None
        if lent is not None:
            factory, connection = lent
            self.bind = factory.engine
            factory.give_back(connection)


class CommandSessions(sessionmaker[CommandSession]):
    """A ``sessionmaker`` whose sessions, on SQLite, borrow a connection kept out of the pool."""

    def __init__(self, engine: Engine, **kw: Any) -> None:
        super().__init__(engine, class_=CommandSession, **kw)
        self.engine = engine
        self._lends = engine.dialect.name == "sqlite"
        self._idle: list[Connection] = []
        self._pid = os.getpid()
        if self._lends:
            event.listen(engine, "engine_disposed", lambda _engine: self._close_idle())

    def __call__(self, **local_kw: Any) -> CommandSession:
        if not self._lends or "bind" in local_kw:
            return super().__call__(**local_kw)
        connection = self._borrow()
        session = super().__call__(bind=connection, **local_kw)
        session._lent = (self, connection)
        return session

    def _borrow(self) -> Connection:
        if self._pid != os.getpid():  # a forked child never uses its parent's connections
            self._idle, self._pid = [], os.getpid()
        while self._idle:
            try:
                connection = self._idle.pop()
            except IndexError:  # another thread took the last one
                break
            if not (connection.closed or connection.invalidated):
                return connection
        return self.engine.connect()

    def give_back(self, connection: Connection) -> None:
        usable = not (connection.closed or connection.invalidated) and self._pid == os.getpid()
        if usable and connection.in_transaction():
            connection.rollback()
        if usable and len(self._idle) < IDLE:
            self._idle.append(connection)
        else:
            connection.close()

    def _close_idle(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

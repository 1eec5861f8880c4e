"""Record access figures: ``python -m bench.record_access`` against ``ravand serve`` on PostgreSQL over loopback.

Fills a fresh schema as ``bench.lists`` does (a million customers and tasks, ``BENCH_RECORD_ROWS`` leads,
complaints and opportunities), spreads the records over 50 teams in 5 branches and eight owners (by a hash of
the id, so no filter of the list data lines up with them), puts the
employee ``worker`` in one team, then asks each list's first page (and the funnel report) twice: with no access
rule (everyone reads all, today's default) and with the employee role reading its team's records only
(``crm.access`` adds the condition to every select). Prints the median and 95th percentile of each against the
100 ms budget of a first page, and one line of JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from sqlalchemy import text

from bench import harness
from bench.api import _request
from bench.lists import LISTS, PORT, RECORDS, ROWS, TIMES, prepare
from engine.store.db import make_engine

TEAMS = 50
PLACE = """
UPDATE customer SET team_key = 't' || (abs(hashtext('t' || id)) % :teams),
  branch_key = 'b' || (abs(hashtext('t' || id)) % :teams % 5), owner = (ARRAY['sara','reza','john','worker',
  'nima','dara','mina','omid'])[1 + abs(hashtext('o' || id)) % 8];
UPDATE lead SET team_key = 't' || (abs(hashtext('l' || id)) % :teams),
  branch_key = 'b' || (abs(hashtext('l' || id)) % :teams % 5),
  owner = (ARRAY['sara','reza','john','worker','nima','dara','mina','omid'])[1 + abs(hashtext('p' || id)) % 8];
UPDATE complaint SET team_key = 't' || (abs(hashtext('c' || id)) % :teams),
  branch_key = 'b' || (abs(hashtext('c' || id)) % :teams % 5);
UPDATE opportunity SET team_key = 't' || (abs(hashtext('d' || id)) % :teams),
  branch_key = 'b' || (abs(hashtext('d' || id)) % :teams % 5),
  owner = (ARRAY['sara','reza','john','worker','nima','dara','mina','omid'])[1 + abs(hashtext('q' || id)) % 8];
UPDATE app_user SET team_key = 't3', branch_key = 'b3' WHERE username = 'worker';
ANALYZE;
"""
ASKED = (*LISTS, ("report: sales funnel", "/reports/funnel"), ("report: lead funnel", "/reports/lead-funnel"))


def _place(url: str) -> None:
    began = time.perf_counter()
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        for statement in filter(str.strip, PLACE.split(";")):
            conn.execute(text(statement), {"teams": TEAMS})
    engine.dispose()
    print(f"records spread over {TEAMS} teams in {time.perf_counter() - began:.0f} s")


def _round(token: str, admin_token: str, scope: str) -> dict:
    if scope == "all":
        _request("DELETE", "/access-rules/role/employee", admin_token)
    else:
        _request("PUT", "/access-rules/role/employee", admin_token, body={"read_scope": scope, "edit_scope": scope})
    return harness.measure(ASKED, token, TIMES, prefix=f"[{scope:4}] ")


def main() -> None:
    with harness.schema() as (url, reused):
        if not reused:
            prepare(url)
        if not reused or os.environ.get("BENCH_PLACE_AGAIN"):
            _place(url)
        with make_engine(url, pool_size=1).begin() as conn:  # an administrator to set the rule
            conn.execute(text("DELETE FROM app_user WHERE username = 'bench-admin'"))
        subprocess.run([sys.executable, "-m", "api.cli", "users", "add", "bench-admin", "--role", "admin",
                        "--password", harness.PASSWORD], env=harness.server_env(url), check=True,
                       stdout=subprocess.DEVNULL)
        with harness.serving(url, PORT):
            worker, boss = harness.token("worker"), harness.token("bench-admin")
            figures = {scope: _round(worker, boss, scope) for scope in ("all", "team", "own")}
        print(json.dumps({"rows": ROWS, "records": RECORDS, "teams": TEAMS, "figures": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()

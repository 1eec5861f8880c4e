"""Exports hold everything they promise and say what they hold: the journal CSV streams every matching entry
(no row cap), newest first, in a file named by its filters and the day (Jalali for a Persian reader, with an
RFC 5987 ``filename*`` when the name has Persian in it); an instance's history CSV is whole and named by its
process and business key; report CSVs are named by report and day."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

from api.identity.service import create_user
from engine import journal
from engine.queries import JournalQuery, journal_stream
from tests.api.conftest import PASSWORD, Api
from tests.api.test_behaviour import BROKEN, V1, ok, start

ENTRIES = 1_234  # more than twice the page limit of 500 the journal page used to ask for


def _write_entries(api: Api, count: int, actor: str) -> None:
    with api.app.extensions["ravand"].sessions() as session:
        for n in range(count):
            journal.record(session, "crm.note.created", actor, business_key=f"bulk-{n}", data={"n": n, "f": "=1+1"})
        session.commit()


def _rows(answer) -> list[list[str]]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv", answer.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))


def _filename(answer) -> str:
    header = answer.headers["Content-Disposition"]
    star = re.search(r"filename\*=UTF-8''([^;]+)", header)
    return unquote(star.group(1)) if star else re.search(r'filename="([^"]+)"', header).group(1)


def test_the_journal_csv_holds_every_entry_newest_first_in_a_file_named_by_its_filters(api: Api):
    _write_entries(api, ENTRIES, "nima")
    everything = _rows(api.call("GET", f"{V1}/journal?format=csv", "auditor"))
    total = ok(api.call("GET", f"{V1}/journal", "auditor"))["total"]
    assert everything[0] == ["seq", "at", "actor", "kind", "element_id", "business_key", "data", "hash"]
    assert len(everything) - 1 == total >= ENTRIES
    seqs = [int(row[0]) for row in everything[1:]]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)  # newest first, none twice
    assert everything[1][6].startswith('{"n": ' + str(ENTRIES - 1))  # the last written comes first
    assert "'=1+1" in everything[1][6] or '"f": "=1+1"' in everything[1][6]  # data stays JSON text

    answer = api.call("GET", f"{V1}/journal?format=csv&actor=nima&limit=10", "auditor")
    assert len(_rows(answer)) - 1 == ENTRIES  # limit is for pages, not for the file
    assert re.fullmatch(r"journal-actor-nima-20\d\d-\d\d-\d\d\.csv", _filename(answer)), _filename(answer)
    assert answer.headers["Cache-Control"] == "no-store"

    newest = ok(api.call("GET", f"{V1}/journal?actor=nima&order=newest&limit=3", "auditor"))["items"]
    assert [e["seq"] for e in newest] == seqs[:3]


def test_a_persian_reader_gets_a_jalali_day_and_a_persian_name_that_survives_the_header(api: Api):
    with api.app.extensions["ravand"].sessions() as session:
        create_user(session, "roya", PASSWORD, "auditor", [], locale="fa")
        session.commit()
    token = api.client.post(f"{V1}/auth/token", json={"username": "roya", "password": PASSWORD}).get_json()
    api.tokens["auditor_fa"] = token["access_token"]
    _write_entries(api, 3, "نیما")
    answer = api.call("GET", f"{V1}/journal", "auditor_fa", query_string={"format": "csv", "actor": "نیما"})
    assert len(_rows(answer)) - 1 == 3
    assert re.fullmatch(r"journal-actor-نیما-14\d\d-\d\d-\d\d\.csv", _filename(answer)), _filename(answer)
    header = answer.headers["Content-Disposition"]
    assert header.isascii() and re.search(r'filename="journal-actor-14\d\d-\d\d-\d\d\.csv"', header), header

    # a period from before the Jalali calendar's first year is named by its Gregorian day, not refused
    ancient = api.call("GET", f"{V1}/journal", "auditor_fa",
                       query_string={"format": "csv", "after": "0275-04-27T20:29:25Z"})
    assert ancient.status_code == 200 and "from-0275-04-27" in _filename(ancient), _filename(ancient)


def test_an_instance_history_csv_is_whole_and_named_by_process_and_business_key(api: Api):
    ok(api.deploy([("broken.bpmn", BROKEN)]), 201)
    failed = start(api, "broken", business_key="R-42", variables={"count": 0})
    with api.app.extensions["ravand"].sessions() as session:
        for n in range(1_100):  # past the 1,000 the history page answers by default
            journal.record(session, "incident.note", "dana", instance_id=failed["id"], data={"n": n})
        session.commit()
    answer = api.call("GET", f"{V1}/process-instances/{failed['id']}/history?format=csv", "auditor")
    rows = _rows(answer)
    total = ok(api.call("GET", f"{V1}/process-instances/{failed['id']}/history?limit=1"))["total"]
    assert len(rows) - 1 == total > 1_100
    assert rows[1][3] == "instance.started"  # in order, like the timeline
    assert re.fullmatch(r"history-broken-R-42-20\d\d-\d\d-\d\d\.csv", _filename(answer)), _filename(answer)
    missing = api.call("GET", f"{V1}/process-instances/no-such-instance/history?format=csv", "auditor")
    assert missing.status_code == 404


def test_the_stream_reads_in_batches_without_losing_or_repeating_an_entry(api: Api):
    _write_entries(api, 50, "batch")
    with api.app.extensions["ravand"].sessions() as session:
        newest = [e.seq for e in journal_stream(session, JournalQuery(actor="batch", newest_first=True), batch=7)]
        oldest = [e.seq for e in journal_stream(session, JournalQuery(actor="batch"), batch=7)]
    assert len(newest) == 50 and newest == sorted(newest, reverse=True) and oldest == newest[::-1]


def test_a_report_csv_is_named_by_report_and_day(api: Api):
    answer = api.call("GET", f"{V1}/reports/lead-funnel?format=csv&table=steps", "admin")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert re.fullmatch(r"lead-funnel-steps-20\d\d-\d\d-\d\d\.csv", _filename(answer)), _filename(answer)

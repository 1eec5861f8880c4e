"""Customer import over HTTP: 202 and a job whose progress is read through the API, the roles that may
not import, a zip bomb and an oversized upload refused at once, and a `ravand customers import`
killed with SIGKILL mid-file whose job a server resumes at start."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from api.composition import build
from api.imports import start_runner
from crm.models import Customer, ImportJob
from tests.api.conftest import Api

V1 = "/api/v1/customers"
ROOT = Path(__file__).resolve().parents[2]


def _csv(rows: int) -> bytes:
    return ("name,mobile\n" + "".join(f"customer {i},0912{i:07d}\n" for i in range(rows))).encode()


def _post(api: Api, content: bytes, name: str, who: str = "employee") -> Any:
    return api.call("POST", f"{V1}/import", who, data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def _tune(api: Api, **settings: Any) -> None:
    ravand = api.app.extensions["ravand"]
    ravand.settings = ravand.settings.with_overrides(**settings)


def test_progress_is_read_through_the_job(api: Api):
    _tune(api, import_batch_rows=50)
    answer = _post(api, _csv(400) + b"sara,12345\n", "people.csv")
    assert answer.status_code == 202, answer.get_data(as_text=True)
    location, seen = answer.headers["Location"], []
    while True:
        job = api.call("GET", location, "auditor").get_json()
        seen.append((job["state"], job["rows_read"]))
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.01)
    assert job["state"] == "done" and (job["rows_total"], job["imported"], job["rejected"]) == (401, 400, 1)
    assert all(read % 50 == 0 or read == 401 for state, read in seen if state == "running")  # batch by batch
    assert any(state == "running" and 0 < read < 401 for state, read in seen)
    assert job["report"]["rows_per_s"] > 0 and job["finished_at"] >= job["started_at"]
    rows = api.call("GET", f"{location}/rows", "designer").get_json()
    assert rows["total"] == 1 and rows["items"][0]["row"] == 402 and "mobile" in rows["items"][0]["errors"]
    download = api.call("GET", f"{location}/rejected.csv", "employee")
    assert download.mimetype == "text/csv" and download.get_data(as_text=True).count("\n") == 2
    listed = api.call("GET", f"{V1}/imports", "admin").get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == job["id"]
    assert api.call("GET", f"{V1}/imports/999", "admin").status_code == 404


def test_who_may_import(api: Api):
    for role in ("auditor", "designer"):
        refused = _post(api, _csv(1), "x.csv", role)
        assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    assert _post(api, _csv(1), "x.csv", None).status_code == 401
    assert api.call("GET", f"{V1}/imports", None).status_code == 401
    assert api.call("GET", f"{V1}/imports", "admin").get_json()["total"] == 0  # nothing was queued


def test_a_zip_bomb_and_an_oversized_file_are_refused_at_once(api: Api):
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bomb, bomb.open("xl/worksheets/s.xml", "w") as sheet:
        for _ in range(200):
            sheet.write(b"<row><c><v>1</v></c></row>" * 40_000)  # 200 MB of XML in a 0.2 MB file
    refused = _post(api, target.getvalue(), "bomb.xlsx")
    assert refused.status_code == 422 and "unpacks" in refused.get_json()["detail"]
    _tune(api, import_max_bytes=10_000)
    too_big = _post(api, _csv(1000), "big.csv")
    assert too_big.status_code == 413 and "at most 10000 bytes" in too_big.get_json()["detail"]
    assert api.call("GET", f"{V1}/imports", "admin").get_json()["total"] == 0
    _tune(api, import_max_bytes=8 * 1024 * 1024)  # over the app's 5 MB body limit: the route's own applies
    big = _post(api, b"name\n" + b"x" * 6 * 1024 * 1024 + b"\n", "long.csv")
    assert big.status_code == 202  # the header is fine; the job reads on and stops at the long line
    for _ in range(600):
        job = api.call("GET", big.headers["Location"], "employee").get_json()
        if job["state"] == "failed":
            break
        time.sleep(0.05)
    assert "a line is longer than" in job["error"] and job["rows_read"] == 0


def test_a_killed_cli_import_is_resumed_by_the_next_server(sqlite_api: Api, tmp_path: Path):
    ravand = sqlite_api.app.extensions["ravand"]
    url = ravand.settings.database_url
    config = tmp_path / "ravand.toml"
    config.write_text(f'[ravand]\ndatabase_url = "{url}"\nscript_isolation = false\nscheduler_enabled = false\n'
                      "import_batch_rows = 20\nimport_lease_s = 1.0\n")
    sheet = tmp_path / "people.csv"
    sheet.write_bytes(_csv(3000))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = subprocess.Popen([sys.executable, "-m", "api.cli", "--config", str(config), "customers", "import",
                            str(sheet), "--on-duplicate", "create"], cwd=ROOT, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with ravand.read_sessions() as session:
                read = session.scalar(select(func.max(ImportJob.rows_read)))
            if read and read >= 100:
                break
            assert cli.poll() is None, "the import ended before it was killed"
            time.sleep(0.05)
        cli.send_signal(signal.SIGKILL)
    finally:
        cli.wait(30)
    with ravand.sessions() as session:
        job = session.scalars(select(ImportJob)).one()
        assert job.state == "running" and 100 <= job.rows_read < 3000
    server = build(ravand.settings.with_overrides(import_lease_s=1.0, import_batch_rows=500))
    runner = start_runner(server, {})  # a server's start: the job is found, its lease waited for, resumed
    runner.join(120)
    with ravand.sessions() as session:
        job = session.scalars(select(ImportJob)).one()
        assert (job.state, job.rows_read, job.imported) == ("done", 3000, 3000)
        assert session.scalar(select(func.count()).select_from(Customer)) == 3000  # none twice, none lost

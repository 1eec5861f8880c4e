"""Problems in the caller's language (``api.wording``): a Persian reader gets Persian titles, details and field
messages that say what to do, with no English sentence under them; an English reader gets exactly the English
as before; status, type, field names and ``code`` are the same in both."""

from __future__ import annotations

import re

import pytest

import processes
from api.identity.service import create_user
from api.wording import field_code, field_message, problem_text
from tests.api.conftest import PASSWORD, Api
from tests.api.test_behaviour import PROBLEM, V1, problem

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
FA = {"Accept-Language": "fa-IR,fa;q=0.9"}


def _persian(text: str) -> None:
    assert re.search(r"[\u0600-\u06FF]", text), text
    assert not LATIN_WORD.search(text), f"an English word in a Persian message: {text!r}"


@pytest.fixture
def parisa(api: Api) -> str:
    """A signed-in user whose language is Persian; the token's name in ``api.tokens``."""
    with api.app.extensions["ravand"].sessions() as session:
        create_user(session, "parisa", PASSWORD, "employee", ["sales"], locale="fa")
        session.commit()
    answer = api.client.post("/api/v1/auth/token", json={"username": "parisa", "password": PASSWORD})
    api.tokens["persian"] = answer.get_json()["access_token"]
    return "persian"


def test_a_persian_browser_gets_persian_problems_and_an_english_one_the_english_as_before(api: Api):
    english = problem(api.call("GET", "/api/v1/no-such-thing", None), 404)
    persian = problem(api.call("GET", "/api/v1/no-such-thing", None, headers=dict(FA)), 404)
    assert english["title"] == "Not Found" and english["code"] == persian["code"] == "not_found"
    assert persian["title"] == "پیدا نشد"
    _persian(persian["detail"])

    english = problem(api.call("GET", V1 + "/tasks", None), 401)
    persian = problem(api.call("GET", V1 + "/tasks", None, headers=dict(FA)), 401)
    assert english["detail"] == "sign in first: send Authorization: Bearer <token>"
    assert english["code"] == persian["code"] == "sign_in_first"
    _persian(persian["title"])
    _persian(persian["detail"])


def test_the_signed_in_users_language_wins_over_the_browsers(api: Api, parisa: str):
    forbidden = problem(api.call("GET", V1 + "/journal", parisa), 403)
    assert forbidden["code"] == "role_forbidden" and forbidden["title"] == "اجازهٔ این کار را ندارید"
    _persian(forbidden["detail"])
    english = problem(api.call("GET", V1 + "/journal", "employee", headers=dict(FA)), 403)
    assert english["detail"] == "the employee role may not do this" and english["title"] == "Forbidden"


def test_field_messages_of_the_lead_form_in_persian_only_and_in_english_as_before(api: Api, parisa: str):
    ok = api.deploy(processes.files("lead_qualification"))
    assert ok.status_code == 201
    lead = {"person_name": "سارا احمدی", "phone": "۱۲۳۴", "source": "web_form", "estimated_revenue": "۵ میلیون"}
    persian = problem(api.call("POST", V1 + "/leads", parisa, json=lead), 422)
    english = problem(api.call("POST", V1 + "/leads", "employee", json=lead), 422)
    assert set(persian["errors"]) == set(english["errors"]) and persian["error_codes"] == english["error_codes"]
    assert persian["code"] == english["code"] and persian["status"] == english["status"] == 422
    assert english["errors"]["phone"] == [
        "too short: write the area code (e.g. 021 …) or the whole mobile number (09…)"]
    for messages in persian["errors"].values():
        for message in messages:
            _persian(message)
    assert persian["error_codes"]["phone"] == ["phone_short"]
    assert "کد شهر" in persian["errors"]["phone"][0]
    _persian(persian["title"])
    _persian(persian["detail"])


def test_request_validation_in_persian(api: Api, parisa: str):
    persian = problem(api.call("GET", V1 + "/tasks?limit=5000", parisa), 422)
    english = problem(api.call("GET", V1 + "/tasks?limit=5000", "employee"), 422)
    assert english["title"] == "Invalid request" and english["detail"] == "some fields are invalid"
    assert english["errors"]["limit"] == ["Must be greater than or equal to 1 and less than or equal to 500."]
    assert persian["errors"]["limit"] == ["عددی میان ۱ و ۵۰۰ بنویسید."]
    assert persian["error_codes"] == english["error_codes"] == {"limit": ["range"]}
    answer = api.call("GET", V1 + "/tasks?limit=5000", parisa)
    assert answer.content_type == PROBLEM and answer.headers["Content-Language"] == "fa"


@pytest.mark.parametrize("message", [
    "this field is required", "must be text", "at most 255 characters", "must be one of: phone, email",
    "not a whole number", "must be between 1 and 5", "is not an email address", "must be true or false",
    "must be a date", "this field cannot be changed here", "not an amount", "an amount is never negative",
    "rials have no fractions", "too large", "an amount is below 1,000,000,000,000,000 rials",
    "unknown unit 'میلیون': write rials or tomans (ریال / تومان)",
    "write the amount in digits, e.g. 1,250,000 or ۱٬۲۵۰٬۰۰۰",
    "too short: write the area code (e.g. 021 …) or the whole mobile number (09…)",
    "not an Iranian number (11 digits starting with 0); write other countries' numbers with + and the country code",
    "a telephone number holds only digits, spaces, dashes and parentheses (and + at the start)",
    "not a mobile number (Iranian mobile numbers start with 09)",
    "an international number has a country code and 8 to 15 digits in all",
    "Missing data for required field.", "Not a valid string.", "Not a valid integer.", "Unknown field.",
    "Length must be between 1 and 255.", "This field is required.", "Must be at least 5 characters long.",
    "Must be at most 40 characters long.", "Not a valid number.", "Must be a whole number.",
])
def test_the_crm_and_form_messages_have_persian_that_says_what_to_do(message: str):
    persian = field_message(message, "fa")
    assert persian != "این مورد را بررسی کنید.", f"no Persian for {message!r}"
    assert not LATIN_WORD.search(persian.replace("name@example.com", "")), persian
    assert field_message(message, "en") == message


def test_script_errors_keep_the_technical_english_after_a_persian_lead():
    title, detail, code, _ = problem_text(422, "Script error", "line 1: ZeroDivisionError: division by zero", "fa")
    assert code == "script_error" and title == "اسکریپت فرایند خطا داد"
    assert detail.startswith("اسکریپت") and detail.endswith("line 1: ZeroDivisionError: division by zero")


def test_a_message_written_in_both_languages_stays_whole_for_the_pages_to_pick_their_half():
    both = "required / لازم است"
    assert field_message(both, "fa") == field_message(both, "en") == both
    assert field_code(both) == "required"

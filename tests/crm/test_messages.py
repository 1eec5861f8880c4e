"""Message texts: Persian digits and Jalali dates in Persian, amounts in the template's unit, SMS within two
parts, date-times in the reader's zone, the language of a text, quiet hours."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from crm.messages import render, sms_parts, templates
from crm.quiet import parse_quiet_hours, quiet_until
from crm.text import guess_locale
from tests.crm.messages_params import BASE, CODE, REALISTIC

TEHRAN = "Asia/Tehran"
# what may carry Latin digits in a Persian text: links, codes people type back, phone numbers
_LATIN_ALLOWED = re.compile(r"https?://\S+|RC-[0-9A-Z]+|Q8M3ZK2T|\+?\d{9,}|\b482913\b")
_GREGORIAN = re.compile(r"January|February|March|April|May|June|July|August|September|October|November|December")


def test_every_template_has_realistic_params_in_both_languages():
    assert set(templates("fa")) == set(templates("en")) == set(REALISTIC["fa"]) == set(REALISTIC["en"])


@pytest.mark.parametrize("name", sorted(REALISTIC["fa"]))
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_persian_texts_have_persian_digits_and_jalali_dates(name, channel):
    subject, text = render(name, REALISTIC["fa"][name], "fa", channel=channel, zone=TEHRAN)
    for part in (subject, text):
        rest = _LATIN_ALLOWED.sub("", part)
        assert not re.search(r"[0-9]", rest), (name, channel, part)
        assert not _GREGORIAN.search(part) and "2026" not in part and "{" not in part, (name, part)


@pytest.mark.parametrize("locale", ["fa", "en"])
@pytest.mark.parametrize("name", sorted(REALISTIC["fa"]))
def test_every_sms_fits_in_two_parts_with_long_realistic_params(locale, name):
    _, text = render(name, REALISTIC[locale][name], locale, channel="sms", zone=TEHRAN)
    assert sms_parts(text) <= 2, (name, locale, len(text), text)
    if locale == "en":  # an English SMS stays in the GSM alphabet (7-bit), so 2 parts hold 306 characters
        assert len(text) <= 306 and sms_parts(text) == sms_parts(text.encode("ascii", "ignore").decode())


def test_sms_parts():
    assert sms_parts("") == 0
    assert sms_parts("a" * 160) == 1 and sms_parts("a" * 161) == 2 and sms_parts("a" * 306) == 2
    assert sms_parts("a" * 307) == 3
    assert sms_parts("€" * 80) == 1 and sms_parts("€" * 81) == 2  # the extension table takes two septets
    assert sms_parts("س" * 70) == 1 and sms_parts("س" * 71) == 2 and sms_parts("س" * 134) == 2
    assert sms_parts("س" * 135) == 3
    assert sms_parts("a" * 69 + "ی") == 1 and sms_parts("a" * 70 + "ی") == 2  # one Persian letter: all UCS-2


def test_amounts_in_the_templates_unit_and_times_in_the_readers_zone():
    _, fa = render("contract_sent", REALISTIC["fa"]["contract_sent"], "fa", channel="sms")
    assert "۹۸۴٬۰۰۰٬۰۰۰ تومان" in fa
    _, en = render("contract_sent", REALISTIC["en"]["contract_sent"], "en", channel="sms")
    assert "9,840,000,000 rials" in en
    _, warning = render("complaint_sla_warning", REALISTIC["fa"]["complaint_sla_warning"], "fa", zone=TEHRAN)
    assert "۲ آذر ۱۴۰۵، ساعت ۱۴:۰۰" in warning
    _, utc = render("complaint_sla_warning", REALISTIC["en"]["complaint_sla_warning"], "en", zone="UTC")
    assert "23 November 2026, 10:30" in utc
    _, recontact = render("lead_recontact", REALISTIC["fa"]["lead_recontact"], "fa", zone=TEHRAN)
    assert "۲ آذر ۱۴۰۵، ساعت ۱۴:۰۰" in recontact  # an ISO text from a process variable is a date-time too


def test_one_resolution_message_says_resolved_with_the_survey_link():
    for locale in ("fa", "en"):
        for channel in ("email", "sms"):
            _, text = render("complaint_resolved", REALISTIC[locale]["complaint_resolved"], locale, channel=channel)
            assert f"{BASE}/portal/complaints/{CODE}" in text
            assert "بسته شد" not in text and "closed" not in text
    _, survey = render("survey_request", REALISTIC["fa"]["survey_request"], "fa")
    assert "حل شد" in survey and "بسته شد" not in survey


def test_guess_locale():
    assert guess_locale("سفارش من هنوز نرسیده است") == "fa"
    assert guess_locale("My order has not arrived yet") == "en"
    assert guess_locale("سلام، order 123 نرسید") == "fa"
    assert guess_locale("Hello, please call me: 0912 123 4567, سلام") == "en"
    assert guess_locale("sara@example.com ۱۲۳") == "fa" and guess_locale("", default="en") == "en"
    assert guess_locale("مرحبا بكم") == "fa"  # Arabic script is read as Persian: Ravand writes fa or en


@pytest.mark.parametrize(("utc", "held_until"), [
    ((17, 29), None),  # 20:59 in Tehran
    ((17, 31), datetime(2026, 11, 24, 4, 30, tzinfo=UTC)),  # 21:01 → 08:00 next morning
    ((20, 48), datetime(2026, 11, 24, 4, 30, tzinfo=UTC)),  # 00:18 Tehran (the review's receipt SMS)
    ((4, 29), datetime(2026, 11, 23, 4, 30, tzinfo=UTC)),  # 07:59 → 08:00 that morning
    ((4, 30), None),
])
def test_quiet_hours_in_the_working_zone(utc, held_until):
    now = datetime(2026, 11, 23, *utc, tzinfo=UTC)
    assert quiet_until(now, "21:00-08:00", TEHRAN) == held_until


def test_quiet_hours_settings():
    assert parse_quiet_hours("") is None and quiet_until(datetime.now(UTC), "", TEHRAN) is None
    assert quiet_until(datetime(2026, 11, 23, 10, tzinfo=UTC), "12:00-14:00", "UTC") is None
    assert quiet_until(datetime(2026, 11, 23, 12, 30, tzinfo=UTC), "12:00-14:00", "UTC") \
        == datetime(2026, 11, 23, 14, tzinfo=UTC)
    for bad in ("21-08", "25:00-08:00", "08:00-08:00", "night"):
        with pytest.raises(ValueError, match="quiet hours"):
            parse_quiet_hours(bad)


def test_a_parameter_in_both_languages_is_shown_in_the_readers():
    params = {**REALISTIC["en"]["complaint_escalated"], "category": {"fa": "صورت‌حساب", "en": "Billing"}}
    assert "(Billing," in render("complaint_escalated", params, "en")[1]
    assert "(صورت‌حساب،" in render("complaint_escalated", params, "fa")[1]

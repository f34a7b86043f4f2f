"""The local web check in a real headless browser (Debian's chromium driven by Playwright) against a real
`mtus serve` process on 127.0.0.1: fill the form, submit, read the prediction; paste a note, see the values."""

from __future__ import annotations

import pytest
from browser import ARGS, CHROMIUM, require_browser
from conftest import ROOT
from serving import running_server

require_browser()

NOTE = (ROOT / "cases" / "notes" / "pr2_opioid_documented.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    with running_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.requests, page.errors = [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.base = url
        yield page
        browser.close()


def test_form_is_generated_from_the_case_schema_in_groups(browser_page):
    page = browser_page
    page.goto(page.base + "/")
    for group in ("injury", "diagnoses", "medications", "pain", "function", "monitoring", "requests"):
        assert page.locator(f"#group-{group}").is_visible(), group
    assert page.locator("select[name='monitoring.cures_checked'] option").all_inner_texts() == [
        "not documented", "yes", "no"]
    assert page.locator("input[name='pain.with_medication']").get_attribute("type") == "number"


def test_fill_the_form_submit_and_read_the_prediction(browser_page):
    page = browser_page
    page.goto(page.base + "/")
    page.fill("input[name='report_date']", "2015-06-01")
    page.fill("textarea[name='diagnoses']", "Lumbar radiculopathy (M54.16)")
    page.select_option("select[name='work_status']", "temporarily_totally_disabled")
    page.fill("input[name='pain.without_medication']", "8")
    page.fill("input[name='pain.with_medication']", "4")
    page.fill("input[name='requests.0.text']", "Norco 10/325mg #120 for 30 days")
    page.click("#check-button")
    item = page.locator("section.item").first
    assert "Norco 10/325mg #120 for 30 days" in item.locator("h3").inner_text()
    assert item.locator(".verdict").inner_text() == "UPHELD: not medically necessary as documented"
    rows = item.locator("tr").all_inner_texts()
    assert any("returned to work" in r and "not met" in r for r in rows)
    assert any("MTUS Chronic Pain Medical Treatment Guidelines (2009)" in r for r in rows)
    assert "To document" in item.inner_text()
    page.emulate_media(media="print")
    assert not page.locator("#rfa-button").is_visible()  # the buttons do not print; the report does
    assert item.is_visible()
    page.emulate_media(media="screen")


def test_paste_a_note_pre_fills_the_form_with_its_evidence(browser_page):
    page = browser_page
    page.goto(page.base + "/")
    page.fill("#note", NOTE)
    page.click("#extract-button")
    assert page.input_value("input[name='report_date']") == "2015-06-01"
    assert page.input_value("input[name='pain.without_medication']") == "8"
    assert page.input_value("input[name='pain.with_medication']") == "4"
    assert page.input_value("select[name='monitoring.cures_checked']") == "true"
    assert page.input_value("select[name='work_status']") == "modified_duty"
    assert page.input_value("input[name='requests.0.text']").startswith("Norco 10/325 mg")
    assert page.input_value("select[name='requests.0.side_effects_documented']") == "true"
    cures = page.locator("select[name='monitoring.cures_checked']")
    assert "from-note" in cures.get_attribute("class")
    said = page.locator("#group-monitoring .said").all_inner_texts()
    assert any("I reviewed the CURES report on 05/28/2015" in s for s in said)
    marks = page.locator("#note-text mark").all_inner_texts()
    assert "She rates her pain 8/10 without medications and 4/10 with medications." in marks
    assert "Date of Exam: 06/01/2015" in marks
    page.click("#check-button")
    item = page.locator("section.item").first
    rows = item.locator("tr").all_inner_texts()
    assert any("pain relief from the opioid" in r and "met" in r and "8/10 without medications" in r for r in rows)
    page.click("#rfa-button")
    assert "Request for Authorization" in page.locator("h1").inner_text()
    rfa = page.locator("#rfa").inner_text()
    assert "Not ready to submit" in rfa and "- [ ] Document: A measured improvement in function" in rfa


def test_a_bad_value_shows_the_form_again_with_the_error(browser_page):
    page = browser_page
    page.goto(page.base + "/")
    page.fill("textarea[name='monitoring.urine_drug_screens']", "last week consistent")
    page.fill("input[name='requests.0.text']", "Norco 10/325mg #120")
    page.click("#check-button")
    assert "does not start with a date" in page.locator(".err").inner_text()
    assert page.input_value("input[name='requests.0.text']") == "Norco 10/325mg #120"


def test_no_external_assets_and_no_script_errors(browser_page):
    page = browser_page
    assert page.requests and all(u.startswith(page.base) for u in page.requests), page.requests
    assert page.errors == []

"""The audit's HTML report in a real headless browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM, require_browser

from checker.audit.run import run_audit
from checker.audit.sink import open_output
from checker.audit.writers import write_report

FIX = Path(__file__).resolve().parent / "fixtures" / "audit"
require_browser()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    report = tmp_path_factory.mktemp("html") / "audit.html"
    result = run_audit([FIX / "cases", FIX / "bad"], rules_path=FIX / "rules")
    with open_output(report) as out:
        write_report(result, "html", out)
    result.close()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.requests, page.errors = [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(report.as_uri())
        yield page
        browser.close()


def _cases(page) -> list[str]:
    return page.locator("#items tbody tr:visible td:first-child").all_inner_texts()


def test_opens_self_contained_without_script_errors(page):
    assert page.title() == "MTUS audit"
    assert all(url.startswith("file://") for url in page.requests), page.requests
    assert page.errors == []
    assert "75.0%" in page.locator("#summary").inner_text()


def test_charts_render(page):
    cells = page.locator("#confusion-chart rect.cell")
    assert cells.count() == 4
    assert all(cells.nth(i).bounding_box()["width"] > 50 for i in range(4))
    assert page.locator("#confusion-chart").inner_html().count(">1<") == 2  # O→U and O→O hold 1 each
    bars = page.locator("#class-chart rect.bar")
    assert bars.count() == 1 and bars.first.get_attribute("data-key") == "muscle_relaxant"
    assert bars.first.bounding_box()["width"] > 100  # 3 of 4 compared items agree


def test_table_renders_every_item(page):
    assert page.locator("#items tbody tr").count() == 7
    assert page.locator("#shown").inner_text() == "7 of 7 items shown"


def test_filtering(page):
    page.fill("#filter", "flexeril")
    assert _cases(page) == ["C1", "C2", "C5"]
    page.fill("#filter", "")
    page.select_option("#agree-filter", "no")
    assert _cases(page) == ["C3"] and page.locator("#shown").inner_text() == "1 of 7 items shown"
    page.select_option("#agree-filter", "na")
    assert _cases(page) == ["C1", "C4", "C5"]
    page.select_option("#agree-filter", "all")
    assert len(_cases(page)) == 7


def test_sorting(page):
    header = page.locator("#items thead th", has_text="case")
    header.click()
    assert _cases(page) == ["C1", "C1", "C2", "C3", "C4", "C5", "C5"]
    header.click()
    assert header.get_attribute("aria-sort") == "descending"
    assert _cases(page) == ["C5", "C5", "C4", "C3", "C2", "C1", "C1"]
    page.locator("#items thead th", has_text="predicted").click()
    predicted = page.locator("#items tbody tr td:nth-child(7)").all_inner_texts()
    assert predicted == sorted(predicted)
    page.fill("#filter", "c5")
    assert _cases(page) == ["C5", "C5"]  # filtering still works after sorting
    page.fill("#filter", "")

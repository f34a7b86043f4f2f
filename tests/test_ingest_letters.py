"""Letter ingestion: text extraction, structure parsing, bad inputs and fuzzing."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
from conftest import LETTERS_DIR, SEEDS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.core.errors import InputError
from checker.ingest import Letter, letter_text, parse_letter, read_letter

LETTERS = LETTERS_DIR
SEEDS = SEEDS_DIR
BAD = Path(__file__).resolve().parent / "fixtures" / "bad_letters"


#: Expected seed outcomes, from mtus-criteria.md §0.1 (seed file prefix -> [(title start, outcome)]).
SEED_OUTCOMES: dict[str, list[tuple[str, str]]] = {
    "000": [("NORCO 10/325", "overturned"), ("FLEXERIL 7.5", "upheld")],
    "001": [("Norco 7.5", "upheld"), ("Zanaflex 2", "upheld"), ("Neurontin 600", "upheld")],
    "002": [("Soma 350", "upheld"), ("Klonopin 1", "upheld"), ("Norco 10/325", "upheld")],
    "003": [("Retro Norco 10/325", "upheld")],
    "004": [("Norco 10/325", "upheld"), ("Norflex 100", "upheld"), ("Omepraxole 20", "upheld"),
            ("Flector patch 1.3%", "upheld")],
}


@lru_cache(maxsize=1)
def _all_letters() -> dict[str, Letter]:
    return {p.stem: read_letter(p) for p in sorted(LETTERS.glob("*.pdf"))}


@lru_cache(maxsize=1)
def _seeds() -> dict[str, Letter]:
    return {p.name[:3]: read_letter(p) for p in sorted(SEEDS.glob("*.txt"))}


def _expected_outcomes() -> dict[str, list[tuple[int, str]]]:
    expected: dict[str, list[tuple[int, str]]] = defaultdict(list)
    with open(LETTERS / "outcomes.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            expected[row["letter"]].append((int(row["item"]), row["outcome"]))
    return expected


# ----------------------------------------------------------------------------- letters


def test_every_item_and_outcome_of_every_letter() -> None:
    letters = _all_letters()
    expected = _expected_outcomes()
    assert len(letters) == 102
    wrong = {}
    total = correct = 0
    for stem, want in expected.items():
        got = [(item.number, item.outcome) for item in letters[stem].items]
        total += len(want)
        correct += sum(1 for g, w in zip(got, want, strict=False) if g == w) if len(got) == len(want) else 0
        if got != want:
            wrong[stem] = (got, want)
    assert not wrong, f"{correct}/{total} items right; wrong letters: {wrong}"
    assert total == 210


def test_seed_items_and_outcomes() -> None:
    seeds = _seeds()
    assert sorted(seeds) == sorted(SEED_OUTCOMES)
    for key, want in SEED_OUTCOMES.items():
        items = seeds[key].items
        assert [(i.title[: len(t)], i.outcome) for i, (t, _) in zip(items, want, strict=False)] == want, key
        assert len(items) == len(want), key
        assert seeds[key].era == "2009"


def test_header_fields() -> None:
    for stem, letter in _all_letters().items():
        assert letter.case_number == stem
        for key in ("assigned", "decision", "injury", "ur_denial", "application_received"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", letter.dates.get(key, "")), (stem, key, letter.dates)
        assert letter.priority == "Standard", stem
        assert letter.reviewer_specialty, stem
        assert letter.reviewer_license, stem
        assert letter.era == "2016", stem
    one = _all_letters()["CM16-0213037"]
    assert one.dates == {
        "assigned": "2016-11-09", "injury": "2016-10-13", "decision": "2016-12-09",
        "ur_denial": "2016-11-03", "application_received": "2016-11-03",
    }
    assert one.reviewer_specialty == "Family Practice"
    assert one.reviewer_license == "California,North Carolina"


def test_seed_reviewer_both_forms() -> None:
    seeds = _seeds()
    assert seeds["000"].reviewer_specialty == "Anesthesia"  # "Board Certified in Anesthesia, has ..."
    assert seeds["002"].reviewer_specialty == "Physical Rehabilitation & Pain Management"
    # the "Certification(s)/Specialty:" form
    assert seeds["001"].reviewer_specialty == "Physical Medicine & Rehabilitation"
    assert seeds["003"].reviewer_license == "Connecticut, California, Virginia"
    assert all(s.case_number is None for s in seeds.values())


def test_items_have_citations_rationale_and_offsets() -> None:
    for stem, letter in {**_all_letters(), **_seeds()}.items():
        assert letter.summary and letter.text[letter.summary_offset :].startswith(letter.summary), stem
        for item in letter.items:
            assert item.title and item.request_text, (stem, item.number)
            assert item.rationale, (stem, item.number)
            at = item.rationale_offset
            assert letter.text[at : at + len(item.rationale)] == item.rationale, (stem, item.number)
            assert not re.search(r"\b(Upheld|Overturned)\s*$", item.title), (stem, item.title)
            for c in item.citations:
                assert c.source in {"claims_administrator", "maximus"}
                assert c.guideline and c.text.startswith("Decision based on")
                if c.source == "maximus" and not c.outside_mtus and c.guideline.startswith("MTUS"):
                    assert c.edition or c.pages, (stem, c)


def test_citation_forms() -> None:
    seeds = _seeds()
    norco = seeds["000"].items[0]
    ca, mx = norco.citations
    assert (ca.source, ca.guideline, ca.sections, ca.pages) == (
        "claims_administrator", "MTUS Chronic Pain Treatment Guidelines", ["Opioids"], "91")
    assert (mx.source, mx.pages) == ("maximus", "78-91")
    s1 = seeds["001"].items[0].citations[-1]
    assert (s1.guideline, s1.edition) == ("MTUS Chronic Pain Medical Treatment", "2009")
    assert s1.sections == ["Opioids, criteria for use", "Opioids for chronic pain",
                           "Opioids, cancer pain vs. nonmalignant pain"]
    omeprazole = seeds["004"].items[2].citations
    assert omeprazole[0].sections == ["NSAIDs, GI symptoms & cardiovascular risk"]
    norflex = seeds["004"].items[1].citations
    assert norflex[-1].outside_mtus and norflex[-1].guideline == "Official Disability Guidelines (ODG)"

    cites = [c for letter in _all_letters().values() for i in letter.items for c in i.citations]
    maximus_mtus = [c for c in cites if c.source == "maximus" and not c.outside_mtus]
    assert maximus_mtus and all(c.edition for c in maximus_mtus)
    opioid = [c for c in cites if c.guideline == "MTUS Opioid Treatment" and c.source == "maximus"]
    assert opioid and all(c.edition == "2016" and re.match(r"\d", c.sections[0]) for c in opioid)
    assert any(c.outside_mtus and c.guideline.startswith("Official Disability Guidelines") for c in cites)
    ppi = _all_letters()["CM16-0230651"].items
    assert [c.guideline for c in ppi[0].citations] == [
        "MTUS Chronic Pain Medical Treatment", "Official Disability Guidelines (ODG)",
        "MTUS Chronic Pain Medical Treatment"]
    assert ppi[0].citations[0].sections == ["Electrodiagnostic testing (EMG/NCS)"]


def test_partial_certification_request_text() -> None:
    item = _all_letters()["CM16-0230651"].items[-1]
    assert item.partial
    assert item.request_text == "Physical therapy to the low back two sessions"
    assert item.title.startswith("Physical therapy to the low back eight sessions was the original request")
    leaving = _all_letters()["CM16-0249536"].items
    partial = [i for i in leaving if i.partial]
    assert partial and partial[0].request_text.startswith("Acupuncture treatments (unspecified quantity)")
    partials = [i for letter in _all_letters().values() for i in letter.items if i.partial]
    assert len(partials) >= 19
    assert all("original request" not in i.request_text for i in partials)


def test_normalised_text() -> None:
    seed = letter_text(next(SEEDS.glob("000_*.txt")))
    assert "4 A's" in seed and "â" not in seed
    assert "\n\n" not in seed
    pdf = letter_text(LETTERS / "CM16-0230651.pdf")
    assert pdf.startswith("Case Number: CM16-0230651\nDate Assigned: 12/07/2016\n")
    assert "Priority: Standard\nApplication Received: 11/29/2016\nHOW THE IMR" in pdf
    assert "electromyography and nerve conduction" in pdf  # de-hyphenated over a line break
    assert "\ufffe" not in pdf and "\n\n" not in pdf
    letter = _all_letters()["CM16-0230651"]
    assert letter.text == pdf


# ----------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "name, words",
    [
        ("truncated.pdf", "damaged"),
        ("encrypted.pdf", "encrypted"),
        ("image_only.pdf", "no text layer"),
        ("empty.pdf", "empty"),
        ("empty.txt", "empty"),
        ("not_a_letter.txt", "not an IMR"),
    ],
)
def test_bad_letters_give_one_line_input_error(name: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        read_letter(BAD / name)
    message = str(info.value)
    assert name in message and words in message
    assert "\n" not in message


def test_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        read_letter(BAD / "does-not-exist.pdf")


# ----------------------------------------------------------------------------- fuzzing


def _parse_or_input_error(text: str) -> None:
    try:
        letter = parse_letter(text, "fuzz.txt")
    except InputError as exc:
        assert "fuzz.txt" in str(exc)
        return
    for item in letter.items:
        assert item.outcome in {"upheld", "overturned"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_fuzz_arbitrary_text(text: str) -> None:
    _parse_or_input_error(text)


_LABEL_TEXT = st.sampled_from([
    "HOW THE IMR FINAL DETERMINATION WAS MADE", "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "X: Upheld", "Upheld", ":", "Claims Administrator guideline: Decision based on", "MAXIMUS guideline:",
    "Decision rationale:", "Section(s): , ;", "Page(s): 1-", "Case Number: 1", "Date Assigned: 13/45/2016",
    "Decision based on Non-MTUS Citation", "was the original request. The original request, is:",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LABEL_TEXT, st.text(max_size=40)), max_size=30))
def test_fuzz_letter_like_lines(lines: list[str]) -> None:
    _parse_or_input_error("\n".join(lines))


@lru_cache(maxsize=1)
def _sample_texts() -> list[str]:
    texts = [letter_text(p) for p in sorted(SEEDS.glob("*.txt"))[:2]]
    texts += [letter_text(p) for p in sorted(LETTERS.glob("*.pdf"))[:3]]
    return texts


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_fuzz_mutated_real_letters(data: st.DataObject) -> None:
    texts = _sample_texts()
    lines = texts[data.draw(st.integers(0, len(texts) - 1))].split("\n")
    for _ in range(data.draw(st.integers(1, 8))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "cut", "swap"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    _parse_or_input_error("\n".join(lines))

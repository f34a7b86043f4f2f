"""Tests of the drug catalog (rules/drugs.yaml, checker/facts/catalog.py)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.core.errors import InputError
from checker.facts.catalog import (
    DEFAULT_PATH,
    DRUG_CLASSES,
    _full_pattern,
    default_catalog,
    load_catalog,
    normalize_name,
)


def test_default_path_is_the_repo_catalog() -> None:
    expected = Path(__file__).resolve().parent.parent / "rules" / "drugs.yaml"
    assert expected == DEFAULT_PATH
    assert DEFAULT_PATH.is_file()


def test_catalog_loads_fast() -> None:
    timings = []
    for _ in range(3):   # best of three: the machine may be busy
        start = time.perf_counter()
        load_catalog()
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.25   # about 15-20 ms on an idle machine; generous for a loaded CI


@pytest.mark.parametrize("name, ingredients", [
    ("Norco", ("hydrocodone", "acetaminophen")), ("NORCO", ("hydrocodone", "acetaminophen")),
    ("Percocet", ("oxycodone", "acetaminophen")), ("Omepraxole", ("omeprazole",)), ("Flexiril", ("cyclobenzaprine",)),
    ("Neurontin", ("gabapentin",)), ("Lidoderm", ("lidocaine",)), ("Ultram", ("tramadol",)),
    ("Soma", ("carisoprodol",)), ("Zanaflex", ("tizanidine",)), ("Norflex", ("orphenadrine",)),
    ("Klonopin", ("clonazepam",)),
    ("Flector", ("diclofenac",)), ("Voltaren", ("diclofenac",)), ("Prilosec", ("omeprazole",)),
    ("Protonix", ("pantoprazole",)), ("Ranitidine", ("ranitidine",)), ("Zofran", ("ondansetron",)),
    ("Ambien", ("zolpidem",)), ("Cymbalta", ("duloxetine",)), ("Elavil", ("amitriptyline",)),
    ("Lyrica", ("pregabalin",)), ("Tramadol ER", ("tramadol",)), ("OxyContin", ("oxycodone",)),
    ("MS Contin", ("morphine",)), ("ms-contin", ("morphine",)), ("Nucynta", ("tapentadol",)),
    ("Celebrex", ("celecoxib",)), ("Anaprox", ("naproxen",)), ("Naproxen", ("naproxen",)), ("Mobic", ("meloxicam",)),
    ("Motrin", ("ibuprofen",)), ("Ibuprofen", ("ibuprofen",)), ("capsaicin", ("capsaicin",)),
    ("Viagra", ("sildenafil",)), ("Topomax", ("topiramate",)), ("APAP", ("acetaminophen",)),
])
def test_lookup(name: str, ingredients: tuple[str, ...]) -> None:
    entry = default_catalog().lookup(name)
    assert entry is not None, name
    assert entry.ingredients == ingredients
    assert entry.principal == ingredients[0]


def test_lookup_unknown() -> None:
    assert default_catalog().lookup("Physical therapy") is None
    assert default_catalog().lookup("") is None


def test_every_ingredient_class_is_in_the_vocabulary() -> None:
    cat = default_catalog()
    for ing in cat.ingredients.values():
        assert ing.drug_class in DRUG_CLASSES
        assert ing.topical_class is None or ing.topical_class in DRUG_CLASSES


@pytest.mark.parametrize("generic, factor", [
    ("hydrocodone", 1), ("oxycodone", 1.5), ("morphine", 1), ("hydromorphone", 4), ("oxymorphone", 3),
    ("codeine", 0.15), ("tramadol", 0.1), ("tapentadol", 0.4),
])
def test_mme_factors(generic: str, factor: float) -> None:
    assert default_catalog().ingredient(generic).mme_factor == factor  # type: ignore[union-attr]


def test_methadone_factor_depends_on_dose() -> None:
    methadone = default_catalog().ingredient("methadone")
    assert methadone is not None
    assert [methadone.mme_factor_for(d) for d in (10, 20, 30, 50, 100)] == [4, 4, 8, 10, 12]
    assert methadone.mme_factor_for(None) is None


def test_sedating_classes() -> None:
    cat = default_catalog()
    for name in ("cyclobenzaprine", "carisoprodol", "tizanidine", "orphenadrine", "methocarbamol", "metaxalone",
                 "clonazepam", "diazepam", "zolpidem"):
        assert cat.ingredient(name).sedating, name  # type: ignore[union-attr]
    assert not cat.ingredient("naproxen").sedating  # type: ignore[union-attr]


def test_find_prefers_longest_and_word_boundaries() -> None:
    cat = default_catalog()
    found = [(m.text, m.entry.key) for m in cat.find("Tramadol ER 100mg, MS Contin, Norco10/325, somatic pain")]
    assert found == [("Tramadol ER", "Tramadol ER"), ("MS Contin", "MS Contin"), ("Norco", "Norco")]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "drugs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "ingredients:\n  hydrocodone: {class: opioid\n")
    with pytest.raises(InputError) as err:
        load_catalog(path)
    assert str(err.value).startswith(f"{path}:3:")


def test_unknown_class_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "ingredients:\n  hydrocodone: {class: opioid}\n  foo:\n    class: opiod\n")
    with pytest.raises(InputError) as err:
        load_catalog(path)
    assert str(err.value).startswith(f"{path}:4:12: unknown drug class 'opiod'")


def test_unknown_product_ingredient(tmp_path: Path) -> None:
    path = _write(tmp_path, "ingredients:\n  hydrocodone: {class: opioid}\nproducts:\n"
                            "  Norco: {ingredients: [hydrocodone, acetaminophen]}\n")
    with pytest.raises(InputError) as err:
        load_catalog(path)
    assert "drugs.yaml:4:" in str(err.value)
    assert "unknown ingredient 'acetaminophen'" in str(err.value)


def test_duplicate_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "ingredients:\n  hydrocodone: {class: opioid}\n"
                            "  oxycodone: {class: opioid, aliases: [Hydrocodone]}\n")
    with pytest.raises(InputError) as err:
        load_catalog(path)
    assert "drugs.yaml:3:" in str(err.value)
    assert "already used by 'hydrocodone'" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_catalog(tmp_path / "nope.yaml")
    assert "no such file" in str(err.value)


@pytest.mark.parametrize("name, generic, drug_class", [
    ("Ketaprofen", "ketoprofen", "nsaid"), ("Ketoprophen", "ketoprofen", "nsaid"),
    ("Seroquel", "quetiapine", "other"), ("quetiapine", "quetiapine", "other"),
    ("ophenadrine", "orphenadrine", "muscle_relaxant"), ("Banflex", "orphenadrine", "muscle_relaxant"),
    ("methylpredniosone", "methylprednisolone", "other"),
    ("Atenolol", "atenolol", "other"), ("metoprolol", "metoprolol", "other"), ("lisinopril", "lisinopril", "other"),
    ("atorvastatin", "atorvastatin", "other"), ("lovastatin", "lovastatin", "other"),
    ("metformin", "metformin", "other"), ("Amoxicillin", "amoxicillin", "other"),
    ("Methotrexate", "methotrexate", "other"),
])
def test_drugs_from_letters_medication_lists(name: str, generic: str, drug_class: str) -> None:
    cat = default_catalog()
    entry = cat.lookup(name)
    assert entry is not None, name
    assert entry.principal == generic
    assert cat.ingredient(generic).drug_class == drug_class  # type: ignore[union-attr]


def test_medication_list_sentences_name_every_drug() -> None:
    found = [m.entry.principal for m in default_catalog().find(
        "Medications have included Norco, Topamax, Norflex, Flector patch, Lorazepam, Seroquel, Sonata, Doxepin. "
        "Relevant medications included Norco, Ketaprofen, and cyclobenzaprine.")]
    assert found == ["hydrocodone", "topiramate", "orphenadrine", "diclofenac", "lorazepam", "quetiapine",
                     "zaleplon", "doxepin", "hydrocodone", "ketoprofen", "cyclobenzaprine"]


# --- the lazily compiled matcher finds exactly what the single alternation of every name finds ------

def _reference_find(text: str) -> list[tuple[int, int, str, str]]:
    cat = default_catalog()
    names = sorted(cat.entries, key=lambda n: (-len(n), n))
    rx = re.compile(_full_pattern(names), re.IGNORECASE)
    out = []
    for m in rx.finditer(text):
        entry = cat.entries.get(normalize_name(m.group(0))) or cat.entries.get(
            re.sub(r"(?:es|s)$", "", normalize_name(m.group(0))))
        if entry is not None:
            out.append((m.start(), m.end(), m.group(0), entry.key))
    return out


def _find(text: str) -> list[tuple[int, int, str, str]]:
    return [(m.start, m.end, m.text, m.entry.key) for m in default_catalog().find(text)]


def test_find_equals_the_single_alternation_on_real_titles() -> None:
    fixture = Path(__file__).parent / "fixtures" / "request_titles.tsv"
    text = fixture.read_text(encoding="utf-8")
    assert _find(text) == _reference_find(text)
    assert len(_find(text)) > 100


_NAME_PIECES = st.sampled_from(sorted({n for n in default_catalog().entries} | {
    "Norco10/325", "MS-Contin", "ms  contin", "Terocin patches", "Flector patches", "Tylenol #3", "tramadol er",
    "xnorco", "norcox", "NORCO", "\u212aetoprofen", "\u017foma", "\u0130buprofen", "Lidoderm", "#", "/", "-", ".",
    " ", "\n", "1", "10mg", "é", "ß", "and", "s", "es"}))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_NAME_PIECES, st.text(max_size=4)), max_size=12).map("".join))
def test_find_equals_the_single_alternation(text: str) -> None:
    assert _find(text) == _reference_find(text)


def test_initials_fold_as_the_regex_engine_does() -> None:
    cat = default_catalog()
    cat.find("")   # build the scanner
    initials = "".join(sorted(cat._names))
    for code in range(0x3000):
        char = chr(code)
        folded = [c for c in initials if re.fullmatch(re.escape(c), char, re.IGNORECASE)]
        assert cat._initial(char) == (folded[0] if folded else None), hex(code)


def test_matcher_is_compiled_on_first_use_and_per_initial() -> None:
    cat = load_catalog()
    assert cat._scanner is None and not cat._buckets
    assert [m.entry.key for m in cat.find("Norco 10/325mg #120")] == ["Norco"]
    assert set(cat._buckets) == {"n", "m"}   # "Norco", and "mg" after a digit

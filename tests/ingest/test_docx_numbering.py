"""Word's automatic numbering: the labels Word prints in front of paragraphs.

The expected labels were reasoned from ECMA-376 17.9 and Word's deviations in
[MS-OI29500], then cross-checked by converting every fixture to text with
LibreOffice 7.4 (``soffice --headless --convert-to txt``), which prints list numbers:
it agrees on every label except two places where LibreOffice 7.4 departs from the
standard: it ignores ``w:isLgl`` ("I.1." where Word prints "1.1.") and a level named
by ``w:lvl/w:pStyle`` for a style that carries only a numId.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from pipeline.ingest import docx
from pipeline.ingest.docx.list_numbering import Definitions, Numbering, format_number, to_letters
from pipeline.numerals import to_roman

FIXTURES = Path(__file__).parents[1] / "fixtures" / "docx"


def _labels(name):
    return [b.label for b in docx.parse(FIXTURES / f"{name}.docx").blocks if b.kind == "text"]


# --------------------------------------------------------------------------- fixtures


def test_numbering_multilevel_renders_and_restarts_lower_levels():
    assert _labels("auto_numbering_multilevel") == [
        None,
        "1.",
        "1.1.",
        "1.2.",
        "1.2.1.",
        "1.2.2.",
        None,
        "1.3.",
        "2.",
        "2.1.",
        "2.1.1.",
        # the empty numbered paragraph took "3." (skipped as blank, but counted as Word does)
        "4.",
        "4.1.1.",  # a skipped level shows its start value
        "5.",
    ]


def test_numbering_start_override_restarts_a_shared_counter():
    """Bug guard: counters kept per w:num print 5. and 7. where Word prints 3. and 4."""
    assert _labels("auto_numbering_start_override") == [
        "5.",
        "6.",
        "6.1.",
        None,
        "1.",
        "2.",  # second w:num, startOverride 1
        "3.",  # third w:num, no override: continues the abstract's counter
        "4.",  # first w:num again: continues too
        "10)",
        "11)",
        "Article I.",
        "Article II.",  # a full w:lvl override changes format and text
    ]


def test_numbering_letters_restart_under_each_clause_and_roman_sections_continue():
    assert _labels("auto_numbering_letters_roman") == [
        "I.",
        "1.",
        "a)",
        "b)",
        "c)",
        "2.",
        "a)",
        "b)",
        "II.",
        "3.",
        "a)",  # a list interrupted by another list continues
        "III.",
        "A.",
        "(i)",
        "(ii)",
        "(iii)",
        "(iv)",
        "B.",
        None,
        "а)",
        "б)",  # russianLower
        None,  # bullet: no label
        "",  # numFmt none: an empty label
        "01.",  # decimalZero
    ]


def test_numbering_from_paragraph_styles_and_style_links():
    blocks = docx.parse(FIXTURES / "numbering_from_style.docx").blocks
    assert [(b.style, b.label, b.level) for b in blocks] == [
        ("Heading 1", "Article 1.", 0),
        ("Heading 2", "1.1.", 1),
        ("Normal", None, None),
        ("Clause Heading", "1.2.", 1),  # basedOn Heading 2 inherits its numbering
        ("Heading 1", "Article 2.", 0),
        ("Heading 2", None, None),  # numId 0 on the paragraph switches the style's numbering off
        ("Heading 2", "2.1.", 1),
        ("Heading 1", "2.2.", 1),  # a direct ilvl with the style's numId
        # The style gives only numId; the level is the w:lvl whose w:pStyle names the
        # style (ECMA-376 17.9.23). LibreOffice 7.4 ignores this and prints "Article 3.".
        ("Heading 3", "2.2.1.", 2),
        ("Sub Clause", "2.2.2.", 2),  # basedOn Heading 3: its base style names the level
        ("Normal", "a)", 0),  # numStyleLink -> numbering style -> the list with styleLink
        ("Normal", "b)", 0),
        ("Normal", "c)", 0),
    ]


def test_numbering_legal_levels_print_decimals():
    assert _labels("legal_numbering") == [
        "Article I.",
        "1.1.",
        "1.2.",
        "1.2.1",
        "I-a)",
        "Article II.",
        "2.1.",
    ]


# --------------------------------------------------------------------------- engine


def _numbering(body: str) -> Numbering:
    xml = f'<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{body}</w:numbering>'
    return Numbering(Definitions.from_xml(etree.fromstring(xml), {}))


def _lvl(ilvl, text, fmt="decimal", extra=""):
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
    )


def _run(numbering, *steps):
    return [numbering.next_label("1", ilvl) for ilvl in steps]


def test_numbering_lvl_restart_zero_never_restarts():
    n = _numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + _lvl(0, "%1.")
        + _lvl(1, "%2)", extra='<w:lvlRestart w:val="0"/>')
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert _run(n, 0, 1, 1, 0, 1) == ["1.", "1)", "2)", "2.", "3)"]


def test_numbering_lvl_restart_names_the_level_that_restarts_it():
    """lvlRestart 1 on level 3: restarted by level 1 only, not by level 2 (Word counts 1-based)."""
    n = _numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + _lvl(0, "%1.")
        + _lvl(1, "%1.%2.")
        + _lvl(2, "(%3)", extra='<w:lvlRestart w:val="1"/>')
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert _run(n, 0, 1, 2, 2, 1, 2, 0, 1, 2) == [
        "1.",
        "1.1.",
        "(1)",
        "(2)",
        "1.2.",
        "(3)",
        "2.",
        "2.1.",
        "(1)",
    ]


def test_numbering_lvl_text_naming_a_deeper_level_prints_nothing():
    n = _numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + _lvl(0, "%1.%2.")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert _run(n, 0) == [""]


def test_numbering_literal_text_around_placeholders_is_kept():
    n = _numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + _lvl(0, "Раздел %1.", "upperRoman")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert _run(n, 0, 0) == ["Раздел I.", "Раздел II."]


def test_numbering_custom_zero_padded_format_from_alternate_content():
    lvl = (
        '<w:lvl w:ilvl="0" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<w:start w:val="1"/><mc:AlternateContent><mc:Choice Requires="w14">'
        '<w:numFmt w:val="custom" w:format="001, 002, 003, ..."/></mc:Choice>'
        '<mc:Fallback><w:numFmt w:val="decimal"/></mc:Fallback></mc:AlternateContent>'
        '<w:lvlText w:val="%1."/></w:lvl>'
    )
    n = _numbering(
        f'<w:abstractNum w:abstractNumId="0">{lvl}</w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert _run(n, 0, 0) == ["001.", "002."]


def test_numbering_hostile_start_value_is_clamped_as_word_does():
    """A start of 10**20 in Roman would be a label of 10**17 letters M."""
    lvl = _lvl(0, "%1.", "upperRoman").replace('w:val="1"', 'w:val="100000000000000000000"', 1)
    n = _numbering(
        f'<w:abstractNum w:abstractNumId="0">{lvl}</w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert _run(n, 0) == ["M" * 32 + "DCCLXVII."]


def test_numbering_unsupported_format_is_decimal_and_reported():
    n = _numbering(
        '<w:abstractNum w:abstractNumId="0">'
        + _lvl(0, "%1.", "cardinalText")
        + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    assert _run(n, 0, 0) == ["1.", "2."]
    assert n.approximated == {"cardinalText"}


def test_numbering_undefined_list_is_unnumbered_with_a_warning(tmp_path):
    import docx as python_docx

    document = python_docx.Document()
    p = document.add_paragraph("Refers to a list that does not exist.")
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = 99
    path = tmp_path / "dangling.docx"
    document.save(path)
    parsed = docx.parse(path)
    assert parsed.blocks[0].label is None
    assert any("list 99" in w for w in parsed.warnings)


_OUTLINE = (
    '<w:abstractNum w:abstractNumId="0">'
    + "".join(_lvl(i, "".join(f"%{k + 1}." for k in range(i + 1))) for i in range(4))
    + '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
)


@st.composite
def _outline_walks(draw):
    """Level sequences an author can type: start at 0, go deeper one step at a time."""
    levels = [0]
    for _ in range(draw(st.integers(0, 40))):
        levels.append(draw(st.integers(0, min(levels[-1] + 1, 3))))
    return levels


@given(_outline_walks())
def test_numbering_outline_labels_are_parent_number_plus_position(levels):
    labels = _run(_numbering(_OUTLINE), *levels)
    last_at: dict[int, tuple[int, ...]] = {}
    for ilvl, label in zip(levels, labels, strict=True):
        number = tuple(int(part) for part in label.rstrip(".").split("."))
        assert len(number) == ilvl + 1
        parent = last_at.get(ilvl - 1, ())
        assert number[:-1] == parent  # the parent's number, as last shown
        previous = last_at.get(ilvl)
        restarted = previous is None or previous[:-1] != parent
        assert number[-1] == (1 if restarted else previous[-1] + 1)
        last_at[ilvl] = number
        for deeper in range(ilvl + 1, 4):
            last_at.pop(deeper, None)


# --------------------------------------------------------------------------- formats

_CANONICAL_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _from_roman(text: str) -> int:
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


@given(st.integers(min_value=1, max_value=3999))
def test_numbering_roman_numerals_are_canonical_and_read_back(n):
    roman = to_roman(n)
    assert _CANONICAL_ROMAN.match(roman)
    assert _from_roman(roman) == n
    assert format_number(n, "lowerRoman") == roman.lower()


@pytest.mark.parametrize(
    "n, roman",
    [
        (1, "I"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (90, "XC"),
        (400, "CD"),
        (1994, "MCMXCIV"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_numbering_roman_examples(n, roman):
    assert to_roman(n) == roman


@given(st.integers(min_value=1, max_value=3999))
def test_numbering_letters_repeat_one_letter_as_word_does(n):
    letters = to_letters(n)
    assert len(set(letters)) == 1
    assert len(letters) == (n - 1) // 26 + 1
    assert ord(letters[0]) - ord("a") == (n - 1) % 26
    assert to_letters(n + 26) == letters + letters[0]  # z is followed by aa, bb, …
    assert format_number(n, "upperLetter") == letters.upper()


@given(st.integers(min_value=1, max_value=3998))
def test_numbering_letters_are_distinct_and_ordered(n):
    a, b = to_letters(n), to_letters(n + 1)
    assert (len(a), a) < (len(b), b)


@pytest.mark.parametrize("n, letters", [(1, "a"), (26, "z"), (27, "aa"), (28, "bb"), (52, "zz"), (53, "aaa")])
def test_numbering_letter_examples(n, letters):
    assert to_letters(n) == letters


def test_numbering_russian_letters_skip_letters_word_skips():
    sequence = [format_number(n, "russianLower") for n in range(1, 30)]
    assert sequence[:3] == ["а", "б", "в"] and sequence[8:10] == ["и", "к"]
    assert sequence[27:] == ["я", "аа"]
    assert not {"ё", "й", "ъ", "ы", "ь"} & set("".join(sequence))


@pytest.mark.parametrize(
    "fmt, n, shown",
    [
        ("decimalZero", 7, "07"),
        ("decimalZero", 12, "12"),
        ("ordinal", 2, "2nd"),
        ("ordinal", 11, "11th"),
        ("bullet", 3, ""),
        ("none", 3, ""),
        ("russianUpper", 3, "В"),
        ("someFutureFormat", 4, "4"),
    ],
)
def test_numbering_format_number(fmt, n, shown):
    assert format_number(n, fmt) == shown

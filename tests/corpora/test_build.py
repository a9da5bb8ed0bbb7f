"""corpora/build.py: the rendered PDF/DOCX files carry what the sources say, and builds are reproducible.

The DOCX numbering is checked by `_word_labels`, a small independent replay of
Word's automatic numbering that reads numbering.xml and document.xml directly
(no python-docx, no code shared with the renderer).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pdfplumber
import pypdfium2 as pdfium
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# corpora/ is a build folder, not part of the installed package: import it from the checkout.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from corpora import build  # noqa: E402
from corpora.render_docx import render_docx  # noqa: E402
from corpora.source import load_source  # noqa: E402

FIXTURES = Path(__file__).with_name("fixtures")
CORPUS_SRC = REPO / "corpora" / "src"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

FIXTURE_IDS = sorted(p.stem for p in FIXTURES.glob("*.yaml"))
CORPUS_IDS = sorted(p.stem for p in CORPUS_SRC.glob("*.yaml"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for doc_id in FIXTURE_IDS:
        build.build_one(load_source(FIXTURES / f"{doc_id}.yaml"), root)
    return root


def _src(doc_id: str):
    return load_source(FIXTURES / f"{doc_id}.yaml")


def _pdf_pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


# --------------------------------------------------------------------------- PDF


@pytest.mark.parametrize(
    "doc_id, pages", [("two-columns-en", (3, 5)), ("renumbered-ru", (2, 3)), ("articles-en", (1, 1))]
)
def test_pdf_page_count_and_every_clause_number(built, doc_id, pages):
    src = _src(doc_id)
    texts = _pdf_pages(built / "samples" / f"{doc_id}.pdf")
    assert pages[0] <= len(texts) <= pages[1]
    text = "\n".join(texts)
    dot = "." if src.number_dot else ""
    for _, clause in src.clauses():
        # A clause number stands at the start of a line, followed by the document's dot style and a space.
        assert re.search(rf"(?m)^{re.escape(clause.number + dot)} ", text), clause.number


@pytest.mark.parametrize("doc_id", ["two-columns-en", "renumbered-ru"])
def test_pdf_running_header_on_every_page_but_the_first(built, doc_id):
    src = _src(doc_id)
    texts = _pdf_pages(built / "samples" / f"{doc_id}.pdf")
    assert len(texts) >= 2
    assert src.running_header not in texts[0]
    for page in texts[1:]:
        assert page.count(src.running_header) == 1


def test_pdf_page_number_styles(built):
    en = _pdf_pages(built / "samples" / "two-columns-en.pdf")
    ru = _pdf_pages(built / "samples" / "renumbered-ru.pdf")
    assert all(f"Page {i} of {len(en)}" in t for i, t in enumerate(en, 1))
    assert all(f"- {i} -" in t for i, t in enumerate(ru, 1))


def test_pdf_section_heading_styles(built):
    en = "\n".join(_pdf_pages(built / "samples" / "two-columns-en.pdf"))
    ru = "\n".join(_pdf_pages(built / "samples" / "renumbered-ru.pdf"))
    assert "Section 2. Remuneration" in en
    assert "Раздел 3. Оплата труда" in ru


def test_pdf_two_columns_put_text_side_by_side(built):
    pdf = pdfium.PdfDocument(str(built / "samples" / "two-columns-en.pdf"))
    page = pdf[1]
    width = page.get_width()
    tp = page.get_textpage()
    lefts = [tp.get_charbox(i)[0] for i in range(tp.count_chars()) if tp.get_text_range(i, 1).strip()]
    pdf.close()
    assert any(x < width * 0.3 for x in lefts) and any(x > width * 0.55 for x in lefts)


def test_pdf_hyphenates_words_at_line_ends(built):
    # pdfium reports a hyphen that ends a line as U+FFFE and joins the two halves.
    text = "".join(_pdf_pages(built / "samples" / "renumbered-ru.pdf"))
    assert "\ufffe" in text


@pytest.mark.parametrize("doc_id", ["two-columns-en", "renumbered-ru"])
def test_pdf_breaks_genuine_compounds_at_their_own_hyphen(built, doc_id):
    raw = (FIXTURES / f"{doc_id}.yaml").read_text(encoding="utf-8")
    text = "".join(_pdf_pages(built / "samples" / f"{doc_id}.pdf"))
    broken = [w for w in re.findall(r"\w+\ufffe\w+", text)]
    compounds = [w for w in broken if w.replace("\ufffe", "-") in raw]
    assert compounds, "no compound such as long-term falls at a line end"
    assert len(compounds) < len(broken), "dictionary hyphenation is missing"


def test_pdf_tables_are_ruled_grids_pdfplumber_finds(built):
    src = _src("two-columns-en")
    expected = next(c.table for _, c in src.clauses() if c.table)
    with pdfplumber.open(built / "samples" / "two-columns-en.pdf") as pdf:
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    assert [tuple(r) for r in tables[0]] == list(expected)


# --------------------------------------------------------------------------- DOCX


_RUSSIAN_LOWER = "абвгдежзиклмнопрстуфхцчшщэюя"


def _fmt(value: int, fmt: str) -> str:
    if fmt == "decimal":
        return str(value)
    if fmt == "lowerLetter":
        return "abcdefghijklmnopqrstuvwxyz"[value - 1]
    if fmt == "russianLower":
        return _RUSSIAN_LOWER[value - 1]
    raise AssertionError(f"format {fmt} not expected in the corpus")


def _word_labels(docx: bytes) -> list[tuple[str | None, str]]:
    """(label Word shows, paragraph text after accepting tracked changes) for each body paragraph.

    Word semantics replayed: w:num instances without overrides continue their
    abstract list; an instance with startOverride is its own list; a level not
    yet used shows its start value; using a level restarts the deeper ones.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        numbering = ET.fromstring(z.read("word/numbering.xml"))
        document = ET.fromstring(z.read("word/document.xml"))
    levels = {}
    for a in numbering.iter(f"{W}abstractNum"):
        aid = a.get(f"{W}abstractNumId")
        for lvl in a.iter(f"{W}lvl"):
            levels[aid, int(lvl.get(f"{W}ilvl"))] = (
                int(lvl.find(f"{W}start").get(f"{W}val")),
                lvl.find(f"{W}numFmt").get(f"{W}val"),
                lvl.find(f"{W}lvlText").get(f"{W}val"),
            )
    nums = {}
    for n in numbering.iter(f"{W}num"):
        overrides = {
            int(o.get(f"{W}ilvl")): int(o.find(f"{W}startOverride").get(f"{W}val"))
            for o in n.iter(f"{W}lvlOverride")
        }
        nums[n.get(f"{W}numId")] = (n.find(f"{W}abstractNumId").get(f"{W}val"), overrides)
    counters: dict[object, dict[int, int]] = {}
    out = []
    for p in document.find(f"{W}body").findall(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))  # w:delText is a different tag
        num_pr = p.find(f"{W}pPr/{W}numPr")
        if num_pr is None:
            out.append((None, text))
            continue
        num_id = num_pr.find(f"{W}numId").get(f"{W}val")
        ilvl = int(num_pr.find(f"{W}ilvl").get(f"{W}val"))
        aid, overrides = nums[num_id]
        key = num_id if overrides else ("abstract", aid)
        state = counters.setdefault(key, {})
        starts = {level: overrides.get(level, levels[aid, level][0]) for (a, level) in levels if a == aid}
        state[ilvl] = state[ilvl] + 1 if ilvl in state else starts[ilvl]
        for deeper in [k for k in state if k > ilvl]:
            del state[deeper]
        shown = {level: state.get(level, starts[level]) for level in starts}
        fmts = {level: levels[aid, level][1] for level in starts}
        label = levels[aid, ilvl][2]
        for level, value in shown.items():
            label = label.replace(f"%{level + 1}", _fmt(value, fmts[level]))
        out.append((label, text))
    return out


def _expected_labels(src) -> list[tuple[str, str]]:
    """The numbered paragraphs the source calls for, in order: headings, clauses, lettered items."""
    out = []
    dot = "." if src.number_dot else ""
    for section in src.sections:
        if section.marker:
            out.append((f"{section.marker} {section.number}.", section.heading))
        else:
            out.append((f"{section.number}.", section.heading.upper()))
        for clause in section.clauses:
            for line in clause.lines:
                if line.kind == "lead":
                    out.append((clause.number + dot, line.text))
                elif line.kind == "lettered":
                    out.append((f"{line.label})", line.text))
    return out


@pytest.mark.parametrize("doc_id", ["two-columns-en", "renumbered-ru"])
def test_docx_auto_numbering_shows_the_source_numbers(built, doc_id):
    src = _src(doc_id)
    data = (built / "samples" / f"{doc_id}.docx").read_bytes()
    shown = [(label, text) for label, text in _word_labels(data) if label is not None]
    assert shown == _expected_labels(src)


@pytest.mark.parametrize("doc_id", ["two-columns-en", "renumbered-ru"])
def test_docx_auto_numbering_types_no_numbers(built, doc_id):
    src = _src(doc_id)
    data = (built / "samples" / f"{doc_id}.docx").read_bytes()
    texts = [text for _, text in _word_labels(data)]
    for _, clause in src.clauses():
        assert not any(t.startswith(clause.number + " ") or t.startswith(clause.number + ".") for t in texts)
    assert not any(re.match(r"^[a-zа-я]\) ", t) for t in texts)


def test_docx_renumbered_document_starts_at_its_first_number(built):
    labels = [lb for lb, _ in _word_labels((built / "samples" / "renumbered-ru.docx").read_bytes()) if lb]
    assert labels[:3] == ["Раздел 3.", "3.1", "3.2"]
    assert "а)" in labels and "в)" in labels


def test_docx_skipped_clause_number_is_shown_as_in_the_source(built):
    labels = [lb for lb, _ in _word_labels((built / "samples" / "two-columns-en.docx").read_bytes()) if lb]
    assert labels[:4] == ["Section 1.", "1.1.", "1.2.", "1.4."]
    assert labels[4] == "Section 2."


def test_docx_auto_numbering_of_articles_numbered_straight_through():
    """Clause numbers that do not continue the chapter number need a list of their own."""
    src = _src("articles-en")
    src = dataclasses.replace(src, layout=dataclasses.replace(src.layout, auto_numbering=True))
    shown = [(label, text) for label, text in _word_labels(render_docx(src)) if label is not None]
    assert shown == _expected_labels(src)
    assert [label for label, _ in shown] == ["Chapter 1.", "1", "2", "Chapter 2.", "3"]


def test_docx_typed_numbers_without_auto_numbering(built):
    src = _src("articles-en")
    paragraphs = _word_labels((built / "samples" / "articles-en.docx").read_bytes())
    assert all(label is None for label, _ in paragraphs)
    texts = [t for _, t in paragraphs]
    for _, clause in src.clauses():
        assert f"{clause.number} {clause.lines[0].text}" in texts
    assert "Chapter 2. Final Provisions" in texts


def test_docx_tracked_change_accepted_gives_the_source_text(built):
    src = _src("two-columns-en")
    data = (built / "samples" / "two-columns-en.docx").read_bytes()
    document = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    ins = [t.text for t in document.iter(f"{W}ins") for t in t.iter(f"{W}t")]
    deleted = [t.text for t in document.iter(f"{W}delText")]
    assert ins and deleted
    tracked = next(p for p in document.iter(f"{W}p") if p.find(f"{W}ins") is not None)
    accepted = "".join(t.text for t in tracked.iter(f"{W}t"))
    clause_texts = [c.text for _, c in src.clauses()]
    assert accepted in clause_texts
    assert ins[0] in accepted and deleted[0] not in accepted


def test_docx_header_and_footer_stay_out_of_the_body(built):
    src = _src("two-columns-en")
    data = (built / "samples" / "two-columns-en.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        headers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/header")]
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    assert any(src.running_header in h for h in headers)
    assert any("PAGE" in f for f in footers)
    assert all(t != src.running_header for _, t in _word_labels(data))


def test_docx_tables_are_word_tables(built):
    data = (built / "samples" / "renumbered-ru.docx").read_bytes()
    document = ET.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    rows = [
        ["".join(t.text for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")]
        for tr in document.iter(f"{W}tr")
    ]
    assert rows[0] == ["Условия труда", "Размер доплаты"] and len(rows) == 3


# --------------------------------------------------------------------------- build and gold


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_build_is_deterministic(tmp_path):
    for run in ("a", "b"):
        assert build.main(["--src", str(FIXTURES), "--out", str(tmp_path / run)]) == 0
    first, second = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert len(first) == 3 * len(FIXTURE_IDS)
    assert first == second


@pytest.mark.parametrize("doc_id", FIXTURE_IDS)
def test_gold_round_trips_the_source_annotations(built, doc_id):
    raw = yaml.safe_load((FIXTURES / f"{doc_id}.yaml").read_text(encoding="utf-8"))
    gold = json.loads((built / "gold" / f"{doc_id}.json").read_text(encoding="utf-8"))
    assert gold["files"] == [f"../samples/{doc_id}.pdf", f"../samples/{doc_id}.docx"]
    assert all((built / "gold" / f).is_file() for f in gold["files"])
    for key in ("title", "level", "language", "sector", "region", "valid_from", "valid_to"):
        assert gold["metadata"][key] == raw[key]
    assert gold["metadata"]["parties"] == raw["parties"]
    assert (gold["holdout"], gold["reference"], gold["previous_version"]) == (
        raw["holdout"],
        raw["reference"],
        raw["previous_version"],
    )
    clauses = [(s, c) for s in raw["sections"] for c in s["clauses"]]
    assert [c["number"] for c in gold["clauses"]] == [c["number"] for _, c in clauses]
    for g, (s, c) in zip(gold["clauses"], clauses, strict=True):
        assert g["heading"] == s["heading"]
        assert g["text"] == "\n".join(line.strip() for line in c["text"].strip().split("\n"))
        assert (g["topics"], g["modality"], g["norms"]) == (c["topics"], c["modality"], c["norms"])
        assert g["table"] == c.get("table")


def test_general_agreement_goes_to_its_own_folder(tmp_path):
    src = dataclasses.replace(_src("articles-en"), level="general")
    out = build.build_one(src, tmp_path)
    assert out.pdf == tmp_path / "general-agreement" / "articles-en.pdf"
    gold = json.loads(out.gold.read_text(encoding="utf-8"))
    assert gold["files"][0] == "../general-agreement/articles-en.pdf"


# --------------------------------------------------------------------------- the real corpus


@pytest.mark.parametrize("doc_id", CORPUS_IDS)
def test_corpus_docx_numbering_shows_the_source_numbers(doc_id):
    src = load_source(CORPUS_SRC / f"{doc_id}.yaml")
    if not src.layout.auto_numbering:
        pytest.skip("numbers typed as text")
    data = render_docx(src, tracked_change=build.tracked_change_wanted(src))
    shown = [(label, text) for label, text in _word_labels(data) if label is not None]
    assert shown == _expected_labels(src)


@pytest.mark.parametrize("doc_id", CORPUS_IDS)
def test_committed_corpus_outputs_are_current(doc_id, tmp_path):
    """Fails when a source changed and `python corpora/build.py` was not run."""
    src = load_source(CORPUS_SRC / f"{doc_id}.yaml")
    committed = build.output_paths(src, REPO / "corpora")
    if not committed.gold.exists():
        pytest.fail(f"{committed.gold} is missing: run python corpora/build.py {doc_id}")
    fresh = build.build_one(src, tmp_path)
    for mine, theirs in zip(dataclasses.astuple(fresh), dataclasses.astuple(committed), strict=True):
        assert Path(mine).read_bytes() == Path(theirs).read_bytes(), f"{theirs} is stale"


@pytest.mark.parametrize("doc_id", CORPUS_IDS)
def test_corpus_annotations_use_the_taxonomy(doc_id):
    """A typo in a hand annotation would silently become a gold label no extractor can produce."""
    from schemas.taxonomy import taxonomy

    tax = taxonomy()
    src = load_source(CORPUS_SRC / f"{doc_id}.yaml")
    # a bilingual source (kk+ru) is in two of the taxonomy's languages
    assert src.level in tax.levels and all(lang in tax.languages for lang in src.language.split("+"))
    assert src.sector is None or src.sector in tax.sectors
    problems = []
    for _, clause in src.clauses():
        problems += [f"{clause.number}: topic {t}" for t in clause.topics if t not in tax.topics]
        if clause.modality is not None and clause.modality not in tax.modalities:
            problems.append(f"{clause.number}: modality {clause.modality}")
        for norm in clause.norms:
            param = tax.parameters.get(norm.get("parameter"))
            if param is None:
                problems.append(f"{clause.number}: parameter {norm.get('parameter')}")
                continue
            if norm.get("unit") not in param.units:
                problems.append(f"{clause.number}: unit {norm.get('unit')} for {param.id}")
            if norm.get("comparator") not in tax.comparators:
                problems.append(f"{clause.number}: comparator {norm.get('comparator')}")
            if norm.get("text") and " ".join(str(norm["text"]).split()) not in _searchable(src, clause):
                problems.append(f"{clause.number}: norm text not in the clause: {norm['text']!r}")
    assert not problems, "\n".join(problems)


def _searchable(src, clause) -> str:
    """Clause text and table cells, whitespace-normalised, where a norm's quoted words must stand."""
    cells = [cell for row in clause.table or () for cell in row]
    return " ".join(" ".join([clause.text, *cells]).split())

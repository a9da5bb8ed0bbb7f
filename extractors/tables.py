"""Norms in a clause's tables: a hazard allowance by class, leave by profession, a lump sum by
disability group, a tariff grid.

Each cell holding a quantity (its own unit, or its column header's: "Additional leave,
calendar days" over "12") is read like a short clause, "<column header>: <cell>", with the
clause itself and its heading as the wider context for the parameter. The row's label (the
cells before the first quantity) gives the condition, read with the first column's header
("Disability group" + "II" = disability group 2; "Class of working conditions" + "3.1" =
harmful working conditions class 3.1; a profession under a clause about harmful work =
"harmful working conditions, <profession>"). The comparator is the cell's or its header's,
else the one the clause states for the table ("not lower than those set out in the table").
In a tariff grid only the first grade is a floor of minimum pay; the others follow from
coefficients and are not guarantees of the taxonomy.
"""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.util import filter_spans

from extractors.conditions import read_conditions
from extractors.lexicon import layer
from extractors.numbers import read_numbers
from extractors.reading import Context, read_clause
from schemas import Evidence, Norm, Table


def _units(doc: Doc) -> list:
    """The unit phrases of a short text, longest where they overlap ("calendar days", not "days")."""
    return sorted(filter_spans(list(layer(doc, "unit"))), key=lambda s: s.start)


def _dangling_comparator(doc: Doc) -> str | None:
    """A comparator of the clause text that no quantity of the text takes: it speaks of the table."""
    reading = read_clause(doc, _lang(doc), Context())
    used = {r.comparator_span for r in reading.readings if r.comparator_span}
    comparators = filter_spans(list(layer(doc, "cmp")))
    free = [s.id_ for s in comparators if (s.start, s.end) not in used and s.id_ in (">=", "<=", "=")]
    return next((c for c in free if c != "="), free[0] if free else None)


def _lang(doc: Doc) -> str:
    from extractors import extensions

    return extensions.get(doc, "kel_lang") or doc.lang_[:2]


def _grade(label: str) -> float | None:
    head = label.strip().split(" ")[0].rstrip(".")
    try:
        return float(head.replace(",", "."))
    except ValueError:
        return None


def _filled(header: tuple[str, ...]) -> tuple[str, ...]:
    """A header row whose empty cells take the text of the cell before them (a merged header)."""
    out: list[str] = []
    for cell in header:
        out.append(cell or (out[-1] if out else ""))
    return tuple(out)


def table_norms(tables: tuple[Table, ...], doc: Doc, lang: str, context: Context) -> tuple[list[Norm], list[Evidence]]:
    """The norms printed in ``tables``, which belong to the clause ``doc``."""
    from extractors.nlp import words_doc

    norms: list[Norm] = []
    evidence: list[Evidence] = []
    lead = None
    seen = set()
    clause_harmful = any(c.kind in ("harmful", "particularly_harmful", "dangerous", "hazard_class")
                         for c in read_conditions(doc, layer(doc, "cond", "range"),
                                                  read_numbers(doc, lang), lang))
    for table in tables:
        rows = [tuple(c.strip() for c in row) for row in table.rows if any(c.strip() for c in row)]
        if len(rows) < 2:
            continue
        header, body = _filled(rows[0]), rows[1:]
        rate_heads = {h for h in set(header) if _rate_of(h, lang)}  # read once a table, not once a cell
        found_rows = []
        for row in body:
            row_norms = []
            label_cells: list[str] = []
            for j, cell in enumerate(row):
                if not cell:
                    continue
                head = header[j] if j < len(header) else header[-1]
                cell_doc = words_doc(cell, lang)
                text = f"{head}: {cell}"
                in_header = label_cells and j > 0 and head in rate_heads and not _rate_of(cell, lang)
                if in_header:
                    # a column headed by a rate ("Time and One Half (1.5x)") over the hours it is paid for
                    # ("Up to 2 hours"), on a row that names the day ("Saturday"): "Saturday, Up to 2 hours
                    # at Time and One Half (1.5x)": hours at a rate are pay, the day says which premium
                    text = f"{' '.join(label_cells)}, {cell} at {head}"
                    cell_doc = words_doc(text, lang)
                if not _units(cell_doc):
                    header_units = _units(words_doc(head, lang))
                    if not header_units or not read_numbers(cell_doc, lang):
                        label_cells.append(cell)
                        continue
                    text = f"{head}: {cell} {header_units[-1].text}"
                if j == 0 or not label_cells:
                    if not read_numbers(cell_doc, lang) or j == 0:
                        label_cells.append(cell)
                        continue
                cell_reading = read_clause(words_doc(text, lang), lang, Context(heading=context.heading, modality=context.modality or "obligation", outer=doc))
                for norm, ev in zip(cell_reading.norms, cell_reading.evidence, strict=True):
                    if norm.parameter == "unassigned" or norm.unit == "flag":
                        continue
                    row_norms.append((norm, ev, cell, in_header and norm.unit == "rate_multiple"))
            if row_norms:
                found_rows.append((" ".join(label_cells), row_norms))
        if lead is None and found_rows:
            lead = _dangling_comparator(doc)
        grades = [r for r in found_rows if any(n.parameter == "minimum_pay.floor" for n, *_ in r[1])]
        if len(grades) > 1:
            first = min(grades, key=lambda r: _grade(r[0]) if _grade(r[0]) is not None else 1e9)
            found_rows = [r for r in found_rows if r is first or r not in grades]
        for label, row_norms in found_rows:
            condition = _row_condition(label, header[0], lang, clause_harmful)
            weekday = _weekday(label, lang)
            for norm, ev, cell, of_header in row_norms:
                comparator = norm.comparator
                if comparator == "=" and lead and ev.rule and "comparator" not in ev.rule:
                    comparator = lead
                if of_header or (weekday and not (condition or norm.condition)):
                    # a rate printed once, in its column's header, read on every row ("Monday" to "Friday"):
                    # one guarantee for each parameter the rows' days make of it; the same value on every
                    # weekday ("Monday | 8 hours", "Tuesday | 8 hours") is one working day
                    key = (norm.parameter, comparator, norm.value, norm.unit, condition or norm.condition)
                    if key in seen:
                        continue
                    seen.add(key)
                norms.append(norm.model_copy(update={
                    "comparator": comparator,
                    "condition": condition or norm.condition,
                    "text": cell,
                }))
                evidence.append(Evidence(kind="norm", label=norm.parameter, text=cell, where="table",
                                         rule=f"table row '{label}': {ev.rule}"))
    return norms, evidence


def _weekday(label: str, lang: str) -> bool:
    """Whether a row label is a day of the week ("Monday", «Понедельник»)."""
    from extractors.nlp import words_doc

    doc = words_doc(label, lang)
    return len(doc) > 0 and all(any(s.id_ == "weekday" and s.start <= t.i < s.end for s in layer(doc, "marker"))
                                or not t.is_alpha for t in doc)


def _rate_of(text: str, lang: str) -> bool:
    """Whether a cell or header states a rate of pay ("Double Time (2x)", «в двойном размере»)."""
    from extractors.nlp import words_doc

    return any(q.unit == "rate_multiple" for q in read_clause(words_doc(text, lang), lang, Context()).quantities)


def _row_condition(label: str, first_header: str, lang: str, harmful: bool) -> str | None:
    """The condition a table row names: read from "<first column header> <row label>"."""
    from extractors.nlp import words_doc

    if not label:
        return None
    doc = words_doc(f"{first_header} {label}", lang)
    spans = layer(doc, "cond", "range")
    conditions = [c for c in read_conditions(doc, spans, read_numbers(doc, lang), lang) if c.kind != "depending"]
    specific = [c for c in conditions if c.kind in ("hazard_class", "disability", "seniority", "particularly_harmful")]
    if specific:
        return " or ".join(dict.fromkeys(c.phrase for c in specific)) if len(specific) > 1 and specific[0].kind == "hazard_class" else specific[0].phrase
    if conditions:
        return conditions[0].phrase
    if harmful and not any(ch.isdigit() for ch in label):
        return f"harmful working conditions, {label.lower()}"
    return None

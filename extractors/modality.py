"""How strongly a clause binds: obligation, prohibition, permission or declaration.

The cues are the ``modal`` spans of ``extractors/data/<lang>/modality.yaml``. What they
mean together (:func:`decide`):

* where cues overlap, the longest wins: "shall not be less than" is a floor (obligation),
  not the ban "shall not"; "shall strive" is a declaration, not the "shall" inside it;
* the first remaining cue in reading order is the operative verb and decides (legal
  drafting states the duty first; later sentences restate its limits);
* a hedge anywhere ("where possible", «при наличии финансовых средств») turns an
  obligation or prohibition into a permission, unless a ``not_hedge`` phrase covers it
  («при наличии письменных заявлений» is a condition of application, not a hedge);
* a permission turned by a ``proviso`` into a duty in the same sentence ("may be excused from
  duty, but shall be paid", «вправе перевести, но обязан сохранить заработок») binds: the later
  obligation or prohibition decides, as it is the guarantee;
* a ``scope`` cue as the operative verb ("This section shall not apply to", "X means",
  «действие договора распространяется на») says the clause binds nobody (None), unless a later
  sentence binds: then its first cue decides (a definition opening a clause that states a duty);
* a clause with no operative cue of its own takes its lead-in's (the words "The Employer
  undertakes:" printed before a list of clauses), and with none there binds nobody: None.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from extractors import extensions
from extractors.component import Component
from extractors.lexicon import layer
from schemas import Evidence

MODALITIES = ("obligation", "prohibition", "permission", "declaration")
SCOPE = "scope"  # "shall not apply to", "means", «распространяется на»: the clause binds nobody


@dataclass(frozen=True)
class Decision:
    modality: str | None
    cues: tuple[Span, ...]
    from_lead_in: bool = False


def subordinate_clauses(doc: Doc, spans: list[Span]) -> set[int]:
    """Tokens of a condition opening a sentence ("Where a contract provides better terms, ...")
    and of a relative clause ("the person to whom the powers ARE TRANSFERRED", «где установлена»):
    from the opening word to the next comma (an opening condition no comma closes: to the sentence's verb)."""
    tokens: set[int] = set()
    for s in spans:
        if s.id_ == "relative":
            end = next((t.i for t in doc[s.end:] if t.text in (",", ";", ".", ":", "—", "–")), len(doc))
            tokens.update(range(s.start, end))
            continue
        if s.id_ != "subordinate":
            continue
        at_start = s.start == 0 or doc[s.start - 1].text in (".", ";", ":", "\n") or doc[s.start - 1].is_space
        between_commas = s.start > 0 and doc[s.start - 1].text == ","
        if not (at_start or between_commas):
            continue
        end = _next_stop(doc, s.end)
        if between_commas and not at_start and (end is None or _first_binding(doc, spans, end) is None):
            # between commas only where the sentence's verb comes after: "At the Employer's discretion,
            # WHERE a ten (10) hour workday is established, the breaks may be ..."
            continue
        if end == s.end:
            # an aside right after the opening word: "Should, as a result of such trades, either employee
            # work more than forty hours, ..." runs to the comma after the aside's
            aside_end = _next_stop(doc, end + 1)
            if aside_end is not None and doc[aside_end].text == ",":
                end = _next_stop(doc, aside_end + 1)
        if end is not None and doc[end].text == ",":
            tokens.update(range(s.start, end))
        elif at_start and (verb := _first_binding(doc, spans, s.end)) is not None:
            # no comma closes it: "Where a scheduled ten (10) hour day is established the breaks WILL BE
            # two breaks of fifteen minutes" runs to the sentence's verb
            tokens.update(range(s.start, verb))
    return tokens


def _first_binding(doc: Doc, spans: list[Span], i: int) -> int | None:
    """The start of the first operative cue after token ``i`` in its sentence."""
    end = _next_stop(doc, i, (".", ";"), len(doc))
    return min((c.start for c in spans if i < c.start < end and c.id_ in MODALITIES and not _attribute(c)), default=None)


def _next_stop(doc: Doc, i: int, stops: tuple[str, ...] = (",", ";", "."), default: int | None = None) -> int | None:
    """The first token from ``i`` on that is one of ``stops`` (``default`` when there is none)."""
    return next((t.i for t in doc[i:] if t.text in stops), default)


def _attribute(span: Span) -> bool:
    """A one-word cue that is a full participle or a gerund here («оплачиваемый отпуск»,
    «предоставляя»): the lemma is the verb's, but the word describes, it does not bind."""
    if len(span) != 1:
        return False
    form = span[0].morph.get("VerbForm")
    return bool(form) and form[0] in ("Conv",) or (bool(form) and form[0] == "Part" and not span[0].morph.get("Variant"))


def _cues(doc: Doc) -> tuple[list[Span], list[Span]]:
    """(operative cues, hedges) of a Doc, longest first where cues overlap; a cue inside a
    condition that opens the sentence counts only when the sentence has no other."""
    spans = layer(doc, "modal")
    not_hedges = [s for s in spans if s.id_ == "not_hedge"]
    hedges = [
        s for s in spans
        if s.id_ == "hedge" and not any(n.start <= s.end and s.start <= n.end for n in not_hedges)
    ]
    operative = longest_cues([s for s in spans if s.id_ in (*MODALITIES, SCOPE) and not _attribute(s)])
    subordinate = subordinate_clauses(doc, spans)
    main = [c for c in operative if c.start not in subordinate]
    return (main or operative), hedges


def longest_cues(cues: list[Span]) -> list[Span]:
    """One cue per run of overlapping cues, in reading order: the longest of the run, then the
    earliest; between cues of one length, a listed scope word («қолданылмайды») beats the rest,
    and any other modality beats "obligation": the generic patterns (any finite verb,
    «предоставляет»; in Kazakh any negated verb) also match listed words («запрещается»)."""
    runs: list[list[Span]] = []
    run_end = 0
    for c in sorted(cues, key=lambda c: (c.start, c.end)):
        if runs and c.start < run_end:
            runs[-1].append(c)
            run_end = max(run_end, c.end)
        else:
            runs.append([c])
            run_end = c.end
    rank = {"scope": 0, "obligation": 2}
    return [min(run, key=lambda c: (-(c.end - c.start), c.start, rank.get(c.id_, 1))) for run in runs]


def _opening_infinitive(doc: Doc) -> Span | None:
    """The infinitive a clause opens with («Предоставлять ...», «Не допускать ...»): an item of a
    list whose lead-in («Работодатель обязуется:») holds the operative verb."""
    for t in doc[:4]:
        if t.is_punct or t.is_space or t.like_num or (len(t.text) <= 2 and t.text.isalpha() and t.i + 1 < len(doc) and doc[t.i + 1].text == ")"):
            continue
        if t.lower_ == "не" and t.i + 1 < len(doc):
            t = doc[t.i + 1]
        return doc[t.i:t.i + 1] if "Inf" in t.morph.get("VerbForm") else None
    return None


def decide(doc: Doc, lead_in: Doc | None = None) -> Decision:
    """The modality of a clause Doc, from its own cues or, with none, its lead-in's."""
    operative, hedges = _cues(doc)
    from_lead_in = False
    infinitive = _opening_infinitive(doc)
    if infinitive is not None and lead_in is not None:
        lead_cues, lead_hedges = _cues(lead_in)
        own = operative[0] if operative else None
        # the lead-in's verb governs an infinitive item («обязуется: не допускать ...» is a duty),
        # unless the item's own first word weakens it («содействовать»)
        if lead_cues and not (own is not None and own.start <= infinitive.start and own.id_ in ("permission", "declaration")):
            operative, hedges, from_lead_in = lead_cues, hedges + lead_hedges, True
    if not operative and lead_in is not None:
        operative, lead_hedges = _cues(lead_in)
        hedges = hedges + lead_hedges
        from_lead_in = bool(operative)
    if not operative and infinitive is not None:
        # an infinitive opening a clause states a duty: its lead-in was printed before the numbers
        return Decision("obligation", (infinitive,))
    if not operative:
        return Decision(None, ())
    first = operative[0]
    if first.id_ == SCOPE:
        binding = _binding_after_scope(doc, operative, first) if not from_lead_in else None
        if binding is None:
            return Decision(None, (first,), from_lead_in)
        first = binding
    # A lead-in's verb reaches its items; a declaration in the item itself ("promote", «содействовать»)
    # is the item's own operative verb.
    if first.id_ == "permission" and not from_lead_in:
        turned = _turned_to_duty(doc, operative, first)
        if turned is not None:
            first = turned
    if not from_lead_in:
        # a hedge weakens the duty of its own sentence: "The County shall discuss ... . Whenever
        # practicable, the County shall provide written notification ..." still binds the County
        hedges = [h for h in hedges if _same_sentence(doc, first, h)]
    if first.id_ in ("obligation", "prohibition") and hedges:
        return Decision("permission", (first, hedges[0]), from_lead_in)
    return Decision(first.id_, (first,), from_lead_in)


def _same_sentence(doc: Doc, a: Span, b: Span) -> bool:
    """Whether no full stop stands between two spans of one Doc."""
    first, second = sorted((a, b), key=lambda s: s.start)
    return not any(t.text == "." for t in doc[first.end:second.start])


def _binding_after_scope(doc: Doc, operative: list[Span], scope: Span) -> Span | None:
    """The first binding cue of a later sentence, when the clause opens with a definition or a scope
    ("For purposes of this Section, 'employee' means ... The State will pick up the 6% contribution"):
    the sentences after it state the duty."""
    end = _next_stop(doc, scope.end, (".", ";"), len(doc))
    return next((c for c in operative if c.start > end and c.id_ in MODALITIES), None)


def _turned_to_duty(doc: Doc, operative: list[Span], permission: Span) -> Span | None:
    """The obligation or prohibition after a ``proviso`` that follows ``permission``, if any."""
    end = next((t.i for t in doc[permission.end:] if t.text == "."), len(doc))  # in the same sentence
    turns = [s for s in layer(doc, "modal") if s.id_ == "proviso" and permission.end <= s.start < end]
    if not turns:
        return None
    return next((c for c in operative if c.id_ in ("obligation", "prohibition") and turns[0].start < c.start < end), None)


class ModalityTagger(Component):
    """``kel_modality``: writes ``kel_modality`` and the deciding words as evidence."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        lead_in = extensions.get(doc, "kel_lead_in_doc")
        decision = decide(doc, lead_in)
        extensions.put(doc, "kel_modality", decision.modality)
        evidence = extensions.evidence_list(doc)
        for cue in decision.cues:
            where = "text" if cue.doc is doc else "lead_in"
            if decision.modality is None:
                evidence.append(Evidence(kind="modality", label="none", text=cue.text, start=cue.start_char,
                                         end=cue.end_char, rule="the clause states a scope or a meaning: it binds nobody"))
                continue
            label = decision.modality if cue.id_ in MODALITIES else "hedge"
            evidence.append(
                Evidence(
                    kind="modality", label=decision.modality or label, text=cue.text,
                    start=cue.start_char,
                    end=cue.end_char,
                    where=where,
                    rule=f"{cue.id_} cue" + (" of the lead-in" if where == "lead_in" else ""),
                )
            )
        return doc


def opening_clause(doc: Doc) -> set[int]:
    """Tokens from a ``subordinate`` word opening the clause ("When", "If", "Before", «При») to
    the first comma: the circumstance the clause speaks of, not its subject."""
    spans = [s for s in layer(doc, "modal") if s.id_ == "subordinate"]
    first = next((t.i for t in doc if not (t.is_punct or t.is_space or t.like_num)), 0)
    verbs = [c.start for c in layer(doc, "modal") if c.id_ in MODALITIES]
    for s in spans:
        if s.start == first:
            end = _next_stop(doc, s.end)
            # a comma must close it before the clause's verb: «При X Работодатель выплачивает ...» has none
            if end is not None and doc[end].text == "," and not any(s.end <= v < end for v in verbs):
                return set(range(s.start, end))
    return set()

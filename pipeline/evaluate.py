"""Measure the pipeline against the hand-written gold corpus (``corpora/gold/<doc_id>.json``).

``evaluate(gold_dir) -> EvalReport`` reads each gold document's first listed
file end to end (``pipeline.analyze.read_agreement``), or, with
``from_text=True``, builds the Agreement straight from the gold clause texts so
that extraction is measured independently of parsing.

Scoring is end to end and honest about segmentation: predicted clauses are
aligned to gold clauses by number; a gold clause the parser missed counts as
a miss (its topics and norms are false negatives, its modality wrong), and a
predicted clause with no gold counterpart contributes its topics and norms as
false positives.

Scores are grouped by part (``all``, ``non_holdout``, ``holdout``) and by
language (``all``, ``en``, ``ru``, ...):

* topics: per-topic precision/recall/F1, and macro-F1 over the topics that
  occur in the gold of that group;
* modality: accuracy over gold clauses (a clause that binds nobody has gold
  modality ``null``, and predicting ``null`` for it is correct);
* norms: precision/recall; a norm counts when parameter, comparator, value and
  unit all match (the condition and quoted text are not scored). A gold written
  before the taxonomy gained a parameter cannot hold norms of it: given the
  parameters the gold could use, a predicted norm of another parameter is counted
  apart (``outside``), and ``precision_all`` counts it as false;
* per document: clause-number precision/recall and metadata exactness
  (level, language, valid_from, valid_to).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from schemas import Agreement, Clause, Source, Table

_log = logging.getLogger(__name__)

METADATA_FIELDS = ("level", "language", "valid_from", "valid_to")
PARTS = ("all", "non_holdout", "holdout")


# --------------------------------------------------------------------------- results


@dataclass
class Counts:
    """True positives, false positives, false negatives, and what follows from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    outside: int = 0  # predicted items the gold could not name (norms of a parameter it never uses)

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.outside += other.outside

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def precision_all(self) -> float | None:
        """Precision with the items outside the gold's vocabulary counted as false."""
        predicted = self.tp + self.fp + self.outside
        return self.tp / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def to_dict(self) -> dict:
        out = {
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.support,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }
        if self.outside:
            out.update(outside=self.outside, precision_all=self.precision_all)
        return out


@dataclass
class Scores:
    """Topic, modality and norm scores of one group of clauses."""

    clauses: int = 0
    topics: dict[str, Counts] = field(default_factory=dict)
    modality_correct: int = 0
    modality_total: int = 0
    norms: Counts = field(default_factory=Counts)

    def add(self, other: Scores) -> None:
        self.clauses += other.clauses
        for topic, counts in other.topics.items():
            self.topics.setdefault(topic, Counts()).add(counts)
        self.modality_correct += other.modality_correct
        self.modality_total += other.modality_total
        self.norms.add(other.norms)

    @property
    def topic_macro_f1(self) -> float | None:
        """Mean F1 over the topics present in gold (a topic only predicted does not count here)."""
        f1s = [c.f1 or 0.0 for c in self.topics.values() if c.support]
        return sum(f1s) / len(f1s) if f1s else None

    @property
    def topic_micro(self) -> Counts:
        total = Counts()
        for counts in self.topics.values():
            total.add(counts)
        return total

    @property
    def modality_accuracy(self) -> float | None:
        return self.modality_correct / self.modality_total if self.modality_total else None

    def to_dict(self) -> dict:
        return {
            "clauses": self.clauses,
            "topic_macro_f1": self.topic_macro_f1,
            "topic_micro": self.topic_micro.to_dict(),
            "topics": {t: c.to_dict() for t, c in sorted(self.topics.items())},
            "modality": {
                "correct": self.modality_correct, "total": self.modality_total, "accuracy": self.modality_accuracy,
            },
            "norms": self.norms.to_dict(),
        }


@dataclass
class DocumentResult:
    """One gold document: where it was read from, how its clauses and metadata came out."""

    doc_id: str
    language: str | None
    holdout: bool
    source: str
    from_text: bool
    error: str | None = None
    clause_numbers: Counts = field(default_factory=Counts)
    metadata: dict[str, dict] = field(default_factory=dict)  # field -> {"gold", "predicted", "exact"}
    scores: Scores = field(default_factory=Scores)
    mismatches: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id, "language": self.language, "holdout": self.holdout, "source": self.source,
            "from_text": self.from_text, "error": self.error,
            "clause_numbers": self.clause_numbers.to_dict(), "metadata": self.metadata,
            "scores": self.scores.to_dict(), "mismatches": self.mismatches,
        }


@dataclass
class EvalReport:
    """Everything ``kelisim eval`` prints: per-document results and grouped scores."""

    gold_dir: str
    from_text: bool
    documents: list[DocumentResult] = field(default_factory=list)

    def groups(self) -> dict[str, dict[str, Scores]]:
        """``{part: {language: Scores}}`` with parts all / non_holdout / holdout and languages all / en / ru / kk."""
        out: dict[str, dict[str, Scores]] = {}
        for part in PARTS:
            docs = [d for d in self.documents if _in_part(d, part)]
            langs = sorted({d.language or "unknown" for d in docs})
            out[part] = {}
            for lang in ["all", *langs]:
                total = Scores()
                for d in docs:
                    if lang == "all" or (d.language or "unknown") == lang:
                        total.add(d.scores)
                out[part][lang] = total
        return out

    def metadata_exactness(self) -> dict[str, dict]:
        """Per metadata field: documents read, exact matches, and the fraction exact."""
        out = {}
        for name in METADATA_FIELDS:
            rows = [d.metadata[name] for d in self.documents if name in d.metadata]
            exact = sum(1 for r in rows if r["exact"])
            out[name] = {"documents": len(rows), "exact": exact, "fraction": exact / len(rows) if rows else None}
        return out

    def clause_numbers(self) -> Counts:
        total = Counts()
        for d in self.documents:
            total.add(d.clause_numbers)
        return total

    @property
    def failed(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.error]

    def to_dict(self) -> dict:
        return {
            "gold_dir": self.gold_dir,
            "from_text": self.from_text,
            "groups": {p: {lang: s.to_dict() for lang, s in g.items()} for p, g in self.groups().items()},
            "clause_numbers": self.clause_numbers().to_dict(),
            "metadata": self.metadata_exactness(),
            "documents": [d.to_dict() for d in self.documents],
        }


def _in_part(doc: DocumentResult, part: str) -> bool:
    return part == "all" or (part == "holdout") == doc.holdout


# --------------------------------------------------------------------------- gold


@dataclass(frozen=True)
class GoldDocument:
    doc_id: str
    path: Path
    files: tuple[str, ...]
    holdout: bool
    metadata: dict
    clauses: tuple[dict, ...]

    @property
    def language(self) -> str | None:
        return self.metadata.get("language")


def load_gold(gold_dir: str | Path) -> list[GoldDocument]:
    """Every ``<doc_id>.json`` of the folder with a ``clauses`` list, sorted by doc id."""
    docs = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or "clauses" not in raw:
            continue
        docs.append(
            GoldDocument(
                doc_id=raw.get("doc_id") or path.stem,
                path=path,
                files=tuple(raw.get("files") or ()),
                holdout=bool(raw.get("holdout", False)),
                metadata=dict(raw.get("metadata") or {}),
                clauses=tuple(raw["clauses"]),
            )
        )
    return docs


def agreement_from_gold(gold: GoldDocument) -> Agreement:
    """The gold clause texts as an un-annotated Agreement: what extraction sees when parsing is perfect."""
    source = Source(path=str(gold.path), sha256="0" * 64, format="pdf")
    clauses = tuple(
        Clause(
            id=f"{gold.doc_id}:{c['language'] + ':' if c.get('language') else ''}{c['number']}",
            number=str(c["number"]),
            heading=c.get("heading"),
            text=c["text"],
            language=c.get("language"),  # a clause of a bilingual (kk+ru) agreement
            tables=(Table(rows=tuple(tuple(str(cell) for cell in row) for row in c["table"])),) if c.get("table") else (),
        )
        for c in gold.clauses
    )
    return Agreement(id=gold.doc_id, source=source, language=gold.language, level=gold.metadata.get("level"),
                     clauses=clauses)


# --------------------------------------------------------------------------- scoring


def norm_key(norm) -> tuple:
    """What makes two norms the same guarantee: parameter, comparator, value, unit."""
    get = norm.get if isinstance(norm, dict) else lambda k: getattr(norm, k)
    return (get("parameter"), get("comparator"), round(float(get("value")), 6), get("unit"))


def _scored(norm) -> bool:
    """Norms of a taxonomy parameter are scored; an ``unassigned`` quantity (shown to the lawyer,
    never compared) is not a norm of the taxonomy and is counted apart."""
    parameter = norm.get("parameter") if isinstance(norm, dict) else norm.parameter
    return parameter != "unassigned"


def score_clause(gold: dict | None, predicted: Clause | None,
                 parameters: frozenset[str] | None = None) -> tuple[Scores, list[str]]:
    """Scores of one aligned pair (either side may be missing) and what differed.

    ``parameters``: those the gold could use; predicted norms of others are counted ``outside``.
    """
    scores = Scores(clauses=1 if gold is not None else 0)
    problems = []
    gold_topics = set(gold["topics"]) if gold else set()
    pred_topics = set(predicted.topics) if predicted else set()
    for topic in gold_topics | pred_topics:
        scores.topics[topic] = Counts(
            tp=int(topic in gold_topics and topic in pred_topics),
            fp=int(topic in pred_topics and topic not in gold_topics),
            fn=int(topic in gold_topics and topic not in pred_topics),
        )
    if gold_topics != pred_topics:
        problems.append(f"topics gold={sorted(gold_topics)} predicted={sorted(pred_topics)}")
    if gold is not None:
        pred_modality = predicted.modality if predicted else None
        scores.modality_total = 1
        scores.modality_correct = int(predicted is not None and gold.get("modality") == pred_modality)
        if not scores.modality_correct:
            problems.append(f"modality gold={gold.get('modality')} predicted={pred_modality}")
    gold_norms = Counter(norm_key(n) for n in (gold or {}).get("norms") or () if _scored(n))
    every = Counter(norm_key(n) for n in (predicted.norms if predicted else ()) if _scored(n))
    pred_norms = Counter({k: v for k, v in every.items() if parameters is None or k[0] in parameters})
    outside = every - pred_norms
    matched = sum((gold_norms & pred_norms).values())
    scores.norms = Counts(
        tp=matched, fp=sum(pred_norms.values()) - matched, fn=sum(gold_norms.values()) - matched,
        outside=sum(outside.values()),
    )
    if gold_norms != pred_norms:
        problems.append(f"norms gold={sorted(gold_norms.elements())} predicted={sorted(pred_norms.elements())}")
    if outside:
        problems.append(f"norms outside the gold's parameters={sorted(outside.elements())}")
    return scores, problems


def _clause_key(gold_clause: dict) -> tuple[str | None, str]:
    return gold_clause.get("language"), str(gold_clause["number"])


def score_document(gold: GoldDocument, agreement: Agreement, result: DocumentResult,
                   parameters: frozenset[str] | None = None) -> DocumentResult:
    """Align clauses by number (and language, in a bilingual agreement) and fill the document's
    scores, clause-number counts and metadata."""
    gold_numbers = Counter(_clause_key(c) for c in gold.clauses)
    pred_numbers = Counter((c.language, c.number) for c in agreement.clauses)
    matched = sum((gold_numbers & pred_numbers).values())
    result.clause_numbers = Counts(
        tp=matched, fp=sum(pred_numbers.values()) - matched, fn=sum(gold_numbers.values()) - matched
    )
    predicted_by_number: dict[tuple, list[Clause]] = {}
    for clause in agreement.clauses:
        predicted_by_number.setdefault((clause.language, clause.number), []).append(clause)
    for g in gold.clauses:
        candidates = predicted_by_number.get(_clause_key(g))
        predicted = candidates.pop(0) if candidates else None
        scores, problems = score_clause(g, predicted, parameters)
        result.scores.add(scores)
        if problems:
            result.mismatches.append({"number": str(g["number"]), "problems": problems})
    for leftovers in predicted_by_number.values():
        for clause in leftovers:
            scores, problems = score_clause(None, clause, parameters)
            result.scores.add(scores)
            if problems:
                result.mismatches.append({"number": clause.number, "problems": ["no gold clause", *problems]})
    if not result.from_text:
        for name in METADATA_FIELDS:
            g, p = gold.metadata.get(name), getattr(agreement, name)
            result.metadata[name] = {"gold": g, "predicted": p, "exact": g == p}
    return result


# --------------------------------------------------------------------------- entry point


Reader = Callable[[Path], Agreement]
Annotator = Callable[[Agreement], Agreement]


def evaluate(
    gold_dir: str | Path,
    *,
    from_text: bool = False,
    read: Reader | None = None,
    annotate: Annotator | None = None,
    doc_ids: Iterable[str] | None = None,
    parameters: frozenset[str] | None = None,
) -> EvalReport:
    """Score the pipeline on every gold document of ``gold_dir``.

    ``read`` (default ``pipeline.analyze.read_agreement``) turns a file into an
    annotated Agreement. ``annotate`` (default ``extractors.annotate``) annotates
    the Agreement built from gold texts. ``doc_ids`` restricts the documents.
    ``parameters``: the parameters the gold could use (``evaluate_findings.gold_parameters``);
    predicted norms of others are counted apart as ``outside``. None scores them all.
    """
    wanted = set(doc_ids) if doc_ids else None
    golds = [g for g in load_gold(gold_dir) if wanted is None or g.doc_id in wanted]
    if not from_text and read is None:
        from pipeline.analyze import read_agreement as read
    if from_text and annotate is None:
        from pipeline.analyze import analyze as annotate
    report = EvalReport(gold_dir=str(gold_dir), from_text=from_text)
    for gold in golds:
        report.documents.append(_evaluate_one(gold, from_text=from_text, read=read, annotate=annotate,
                                              parameters=parameters))
    return report


def _evaluate_one(gold: GoldDocument, *, from_text: bool, read: Reader | None, annotate: Annotator | None,
                  parameters: frozenset[str] | None = None) -> DocumentResult:
    source = str(gold.path) if from_text or not gold.files else str((gold.path.parent / gold.files[0]).resolve())
    result = DocumentResult(gold.doc_id, gold.language, gold.holdout, source, from_text)
    try:
        if from_text:
            agreement = annotate(agreement_from_gold(gold))
        elif not gold.files:
            raise FileNotFoundError("the gold file lists no files")
        else:
            agreement = read(Path(source))
    except Exception as exc:  # one unreadable document must not stop the evaluation of the others
        _log.warning("%s: %s", gold.doc_id, exc)
        result.error = f"{type(exc).__name__}: {exc}"
        # Everything of an unreadable document is missed: score it against an empty agreement.
        agreement = Agreement(id=gold.doc_id, source=Source(path=source, sha256="0" * 64, format="pdf"))
    return score_document(gold, agreement, result, parameters)


def report_json(report: EvalReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


__all__ = ["Counts", "DocumentResult", "EvalReport", "Scores", "agreement_from_gold", "evaluate", "load_gold"]

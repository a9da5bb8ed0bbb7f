"""What ``--against`` names: an agreement file, a stored agreement, the General Agreement, the Labour Code.

The Labour Code is represented as an :class:`Agreement` with ``level=None`` and the id
:data:`LABOUR_CODE_ID`, so the engine treats it like any other reference; its level
check knows it stands above every agreement.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from schemas.datafile import read_yaml
from schemas.models import Agreement, Clause, Norm, Source

_log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
LABOUR_CODE = Path(__file__).with_name("labour_code.yaml")
LABOUR_CODE_ID = "labour-code-kz-2015"

#: Rank of each level in the hierarchy of the Labour Code (Art. 1, social partnership):
#: a lower number stands higher. The Code itself stands above every agreement.
LEVEL_RANK = {"labour_code": -1, "general": 0, "sectoral": 1, "regional": 2, "collective": 3}


class ReferenceProblem(ValueError):
    """``--against`` names nothing usable, or a reference the target may not be checked against."""


class ReferenceNotFound(ReferenceProblem):
    pass


class ReferenceRefused(ReferenceProblem):
    """The reference stands lower in the hierarchy than the target (allowed with ``--force``)."""


def _level(agreement: Agreement) -> str | None:
    return "labour_code" if agreement.id == LABOUR_CODE_ID else agreement.level


@cache
def labour_code() -> Agreement:
    """The statutory floors of ``labour_code.yaml`` as a reference agreement."""
    raw_text = LABOUR_CODE.read_text(encoding="utf-8")
    raw = read_yaml(raw_text)
    agreement_id = raw["id"]
    clauses = tuple(
        Clause(
            id=f"{agreement_id}:{article['number']}",
            number=article["number"],
            heading=article.get("heading"),
            text=f"{article['text']} [{raw['code']}, {article['number']}; source: {article['source']}]",
            topics=tuple(article.get("topics", ())),
            modality=article.get("modality"),
            norms=tuple(Norm(**norm) for norm in article.get("norms", ())),
        )
        for article in raw["articles"]
    )
    # Source.format admits only the two agreement formats; the Code is data, so the record is
    # built without validation rather than claiming to be a PDF.
    source = Source.model_construct(
        path=str(LABOUR_CODE.relative_to(REPO_ROOT)),
        sha256=hashlib.sha256(raw_text.encode("utf-8")).hexdigest(),
        format="yaml",
        pages=None,
    )
    return Agreement(id=agreement_id, source=source, title=raw["code"], level=None, clauses=clauses)


def _read(path: Path, options=None) -> Agreement:
    """Read one agreement; any failure to read it (bad file, out of memory, a bug) is an InputError."""
    from pipeline.analyze import read_outcome  # the analysis stage may be absent in a partial install
    from pipeline.errors import InputError

    _, agreement, error = read_outcome(path) if options is None else read_outcome(path, options)
    if agreement is None:
        reason = (error or "could not be read").removeprefix(f"{path}: ")
        raise InputError(path, reason)
    return agreement


def _stored(agreement_id: str, db: str | Path | None) -> Agreement:
    from pipeline.store import DatabaseError, load_agreement

    if db is None or not Path(db).exists():
        raise DatabaseError(f"{agreement_id}: no clause database at {db}; run `kelisim ingest` or pass --db")
    agreement = load_agreement(db, agreement_id)  # a broken database raises DatabaseError
    if agreement is None:
        raise ReferenceNotFound(f"{agreement_id}: no such agreement in {db}")
    return agreement


def load(spec: str | Path, *, db: str | Path | None = None, as_reference: bool = True, options=None) -> Agreement:
    """An agreement named by a file path or a stored id (``ag_...``); ``options`` are the
    :class:`pipeline.ingest.common.ReadOptions` for a file.

    As a reference (or the old version of a diff) an agreement whose text was not read
    (:func:`pipeline.unread.unread_reason`) is an InputError: compared with it, anything
    would look clean. A target is loaded anyway; its verdicts say it was not read.
    """
    text = str(spec)
    if text.startswith("ag_") and not Path(text).exists():
        agreement = _stored(text, db)
    else:
        path = Path(text)
        if not path.exists():
            raise ReferenceNotFound(f"{text}: no such file, and not a stored agreement id (ag_...)")
        agreement = _read(path, options)
    if as_reference:
        _require_text(agreement, text)
    return agreement


def _require_text(agreement: Agreement, name: str) -> None:
    from pipeline.errors import InputError
    from pipeline.unread import unread_reason

    reason = unread_reason(agreement)
    if reason is not None:
        raise InputError(name, f"{reason}: nothing to compare with")


def resolve(against: str, *, db: str | Path | None = None, options=None) -> Agreement:
    """The reference ``--against`` names: ``labour-code``, ``general-agreement``, an id, or a file."""
    if against == "labour-code":
        return labour_code()
    if against == "general-agreement":
        from pipeline.analyze import GENERAL_AGREEMENT, bundled_general_agreement

        general = bundled_general_agreement()
        if general is None:
            raise ReferenceNotFound(f"general-agreement: the bundled file {GENERAL_AGREEMENT} is missing")
        return general
    return load(against, db=db, options=options)


def check_levels(target: Agreement, reference: Agreement, *, force: bool = False) -> None:
    """Refuse a reference that stands lower than its target, unless ``force``.

    Unknown levels cannot be checked: they are allowed with a warning.
    """
    target_level, reference_level = _level(target), _level(reference)
    if target_level is None or reference_level is None:
        _log.warning(
            "level of %s is unknown: cannot tell whether %s stands above %s",
            target.id if target_level is None else reference.id,
            reference.id,
            target.id,
        )
        return
    if LEVEL_RANK[reference_level] > LEVEL_RANK[target_level] and not force:
        raise ReferenceRefused(
            f"{target.source.path}: a {target_level} agreement cannot be checked against a lower "
            f"{reference_level} agreement ({reference.source.path}); use --force to compare anyway"
        )

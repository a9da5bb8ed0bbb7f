"""The interface language: Russian or English, from a cookie the switch sets, else the browser's Accept-Language."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from schemas.datafile import read_yaml

LANGUAGES = ("ru", "en")
DEFAULT = "ru"
COOKIE = "kelisim_lang"
_MESSAGES = Path(__file__).with_name("messages.yaml")


@cache
def messages() -> dict[str, dict]:
    return read_yaml(_MESSAGES)


def _accepted(header: str) -> list[tuple[float, str]]:
    """(quality, primary language) of each entry of an Accept-Language header, best first."""
    out = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            out.append((quality, -position, tag.split("-")[0].lower()))
    return [(q, lang) for q, _, lang in sorted(out, reverse=True)]


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The interface language. Kazakh readers get the Russian interface (with a Kazakh welcome)."""
    if cookie in LANGUAGES:
        return cookie
    for quality, lang in _accepted(accept_language or ""):
        if quality <= 0:
            continue
        if lang == "kk":
            return "ru"
        if lang in LANGUAGES:
            return lang
    return DEFAULT


def wants_kazakh(accept_language: str | None) -> bool:
    """The browser prefers Kazakh: the welcome is shown in Kazakh too."""
    accepted = _accepted(accept_language or "")
    return bool(accepted) and accepted[0][1] == "kk"


class Translator:
    """``t("key", total=3)`` in templates: the message in the chosen language, formatted."""

    def __init__(self, language: str):
        self.language = language
        self._table = messages()[language]

    def __call__(self, key: str, **values) -> str:
        text = self._table.get(key)
        if text is None:
            text = messages()["en"][key]  # a key missing in both is a bug: KeyError
        return text.format(**values) if values else text

    def _named(self, table: str, value: str | None) -> str:
        """A taxonomy id by its name in this language; an id without one as it is."""
        return self._table[table].get(value, value) if value else ""

    def level(self, level: str | None) -> str:
        return self._named("levels", level)

    def topic(self, topic: str | None) -> str:
        return self._named("topics", topic)

    def sector(self, sector: str | None) -> str:
        return self._named("sectors", sector)

    def modality(self, modality: str | None) -> str:
        return self._named("modalities", modality)

    def text_language(self, language: str | None) -> str:
        """A text's language by name; ``kk+ru`` (one text printed in both) as both names."""
        return " + ".join(self._named("languages", part) for part in (language or "").split("+") if part)

    def chain_level(self, level: str) -> str:
        """A level of a chain (``pipeline.archive.chain``): an agreement level, the Labour Code, or
        ``level`` for a chain that stops at the agreement's unknown level."""
        special = {"labour_code": "chain_labour_code", "level": "chain_level_unknown"}
        return self(special[level]) if level in special else self.level(level)

    def audit_status(self, status: str) -> str:
        """The status of a stored audit (``pipeline.archive.audit``): its highest severity, clean, or an error."""
        if status.startswith("error"):
            return self("audit_error")
        return self._named("audit_statuses", status)

    def severity(self, severity: str) -> str:
        return self._named("severities", severity)

    def facet_value(self, facet: str, value: str) -> str:
        """How a facet's value reads: levels, topics, sectors and languages by name, regions and years as stored."""
        named = {"level": self.level, "topic": self.topic, "sector": self.sector, "language": self.text_language}.get(facet)
        return named(value) if named else value

    def kazakh_welcome(self) -> str:
        return messages()["kk"]["welcome"]

"""A season's earlier official states and release dates, kept as JSON next to the current ones."""

from __future__ import annotations

import json
from typing import Any

from kdrama.dates import as_of_text, stored, stored_as_of
from kdrama.models import ReleaseDate, SeasonStatus, Status


def status_step(step: SeasonStatus) -> dict[str, Any]:
    """One earlier status in the file format."""
    return {"value": step.value.value, "source": step.source, "as_of": as_of_text(step.as_of)}


def release_step(step: ReleaseDate) -> dict[str, Any]:
    """One earlier release date in the file format."""
    return {
        "date": step.date.canonical(),
        "official": step.official,
        "source": step.source,
        "as_of": as_of_text(step.as_of),
    }


def status_history_json(status: SeasonStatus) -> str:
    return json.dumps([status_step(s) for s in status.history], ensure_ascii=False)


def release_history_json(release: ReleaseDate) -> str:
    return json.dumps([release_step(r) for r in release.history], ensure_ascii=False)


_NO_STEPS = (None, "", "[]")  # most seasons: read without parsing JSON


def status_history(text: str | None) -> tuple[SeasonStatus, ...]:
    """The stored column back as models (written only from validated entries)."""
    if text in _NO_STEPS:
        return ()
    return tuple(
        SeasonStatus(Status(d["value"]), d.get("source"), stored_as_of(d.get("as_of")))
        for d in json.loads(text or "[]")
    )


def release_history(text: str | None) -> tuple[ReleaseDate, ...]:
    if text in _NO_STEPS:
        return ()
    return tuple(
        ReleaseDate(
            stored(d["date"]),
            bool(d.get("official")),
            d.get("source"),
            stored_as_of(d.get("as_of")),
        )
        for d in json.loads(text or "[]")
    )

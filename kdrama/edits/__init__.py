"""Every change to the catalog: each validated, run in one transaction, recorded for history and undo.

Curator edits, undo, imports and the release clock all come through here, so history, undo
and notifications are complete. Every edit reads the current values inside its write
transaction (so two curators editing the same season at once both land, in order), writes
the new values through the store and records one `change` with its items (see items.py).

Rooms: items.py (keys, events, words), common.py (limits, checks), shows.py, seasons.py
(with the release clock), cast.py (cast and trailers), undo.py, history.py, curators.py,
imports.py.
"""

from __future__ import annotations

from kdrama.edits.cast import add_cast, add_trailer, remove_cast, remove_trailer
from kdrama.edits.common import (
    CLEAR,
    EPISODES_MAX,
    IMPORT_MAX_BYTES,
    NAME_MAX,
    SEASON_MAX,
    EditError,
)
from kdrama.edits.curators import add_curator, is_curator, list_curators, remove_curator
from kdrama.edits.history import HistoryPage, history
from kdrama.edits.imports import (
    ImportResult,
    export_file,
    export_text,
    import_catalog,
    import_shows,
    load_starter_if_empty,
)
from kdrama.edits.items import (
    describe_change,
    describe_item,
    describe_target,
    events_for,
    replaced_show_events,
)
from kdrama.edits.seasons import (
    CLOCK_ACTOR,
    add_season,
    release_due,
    remove_season,
    set_date,
    set_status,
)
from kdrama.edits.shows import add_show, alias, edit_show, remove_show
from kdrama.edits.undo import undo

__all__ = [
    "CLEAR",
    "CLOCK_ACTOR",
    "EPISODES_MAX",
    "IMPORT_MAX_BYTES",
    "NAME_MAX",
    "SEASON_MAX",
    "EditError",
    "HistoryPage",
    "ImportResult",
    "add_cast",
    "add_curator",
    "add_season",
    "add_show",
    "add_trailer",
    "alias",
    "describe_change",
    "describe_item",
    "describe_target",
    "edit_show",
    "events_for",
    "export_file",
    "export_text",
    "history",
    "import_catalog",
    "import_shows",
    "is_curator",
    "list_curators",
    "load_starter_if_empty",
    "release_due",
    "remove_cast",
    "remove_curator",
    "remove_season",
    "remove_show",
    "remove_trailer",
    "replaced_show_events",
    "set_date",
    "set_status",
    "undo",
]

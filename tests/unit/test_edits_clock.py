"""The release clock is an edit like any other: recorded, in /admin history with its source, undoable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kdrama import admin_render, answers, edits, render
from kdrama.dates import PartialDate
from kdrama.lookup import Catalog
from kdrama.models import Actor, Event, Status

AOUAD = "all-of-us-are-dead"
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
CURATOR = Actor(1001, "curator")
AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


async def schedule(catalog: Catalog) -> None:
    """Season 2 gets an official exact premiere time, as a curator would enter it."""
    await edits.set_status(
        catalog, CURATOR, "All of Us Are Dead", 2, Status.RENEWED, NETFLIX, note="Filming soon"
    )
    await edits.set_status(catalog, CURATOR, "All of Us Are Dead", 2, Status.SCHEDULED, NETFLIX, note="Set")
    when = PartialDate.from_datetime(AT).canonical()
    await edits.set_date(catalog, CURATOR, "All of Us Are Dead", 2, when, True, NETFLIX)


async def release_text(catalog: Catalog) -> str:
    return render.to_text(await answers.release(catalog, "All of Us Are Dead", 2))


async def test_nothing_is_released_before_its_time(catalog: Catalog) -> None:
    await schedule(catalog)
    assert await edits.release_due(catalog, AT - timedelta(seconds=1)) == []
    season = await catalog.store.catalog.season((await catalog.resolve("All of Us Are Dead")).id, 2)
    assert season is not None and season.status.value is Status.SCHEDULED


async def test_a_clock_release_shows_in_history_with_its_source(catalog: Catalog) -> None:
    await schedule(catalog)
    (change,) = await edits.release_due(catalog, AT + timedelta(minutes=1))
    assert change.actor_name == "Drama bot (clock)" and change.actor_id is None
    assert change.source == NETFLIX
    assert change.events == {Event.STATUS, Event.RELEASE}
    lines = edits.describe_change(change)
    assert "the status of season 2: Date announced → Released" in lines
    assert "the status note of season 2: “Set” → none" in lines
    show = await catalog.resolve("All of Us Are Dead")
    total = await catalog.store.changes.count_for_show(show.id)
    page = await catalog.store.changes.for_show(show.id, limit=admin_render.HISTORY_PAGE_SIZE)
    history = render.to_text(admin_render.history_reply(show, page, 0, total))
    newest = next(line for line in history.splitlines() if f"#{change.id}" in line)
    assert "Drama bot (clock)" in newest
    assert f"source: <{NETFLIX}>" in newest
    assert "Date announced → Released" in newest
    assert "notified: release, status" in newest


async def test_a_clock_release_can_be_undone_like_any_edit(catalog: Catalog) -> None:
    await schedule(catalog)
    before = await release_text(catalog)
    (change,) = await edits.release_due(catalog, AT + timedelta(minutes=1))
    assert await release_text(catalog) != before
    undone = await edits.undo(catalog, CURATOR, change.id)
    assert undone.undo_of == change.id and undone.events == {Event.STATUS}
    # Everything the clock changed comes back, note included: /release reads as before.
    assert await release_text(catalog) == before
    show = await catalog.resolve("All of Us Are Dead")
    season = await catalog.store.catalog.season(show.id, 2)
    assert season is not None and season.status.value is Status.SCHEDULED and season.status.note == "Set"
    # The season is due again, so the next tick releases it again (and that is recorded too).
    (again,) = await edits.release_due(catalog, AT + timedelta(minutes=2))
    assert again.id > undone.id

"""What a watched channel reads about the date of a season that was cancelled: it no longer stands."""

from __future__ import annotations

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import Actor, Change, Status
from kdrama.notices import render_notice

CURATOR = Actor(1001, "curator")
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
AOUAD = "All of Us Are Dead"


async def notice_fields(catalog: Catalog, change: Change | None, language: str = "en") -> dict[str, str]:
    assert change is not None and change.show_id is not None and change.season_number
    show = await catalog.store.catalog.show(change.show_id)
    season = await catalog.store.catalog.season(change.show_id, change.season_number)
    notice = render_notice(change, show, season, language=language)
    return {f["name"]: f["value"] for f in notice.embed.get("fields", [])}


async def test_cancelling_a_dated_season_says_its_date_no_longer_stands(catalog: Catalog) -> None:
    await edits.set_date(catalog, CURATOR, AOUAD, 2, "2026-12-20", True, NETFLIX)
    cancelled = await edits.set_status(catalog, CURATOR, AOUAD, 2, Status.CANCELLED, NETFLIX)
    fields = await notice_fields(catalog, cancelled)
    assert fields["Status (official)"] == "Filming → **Cancelled**"
    assert (
        fields["Release date"]
        == "20 December 2026 (official) → **no longer stands: the season was cancelled**"
    )
    korean = await notice_fields(catalog, cancelled, "ko")
    assert korean["공개일"] == "2026년 12월 20일 (공식) → **더 이상 유효하지 않음: 제작 취소**", korean


async def test_a_date_recorded_for_a_cancelled_season_is_not_announced_as_ahead(catalog: Catalog) -> None:
    await edits.set_status(catalog, CURATOR, AOUAD, 2, Status.CANCELLED, NETFLIX)
    dated = await edits.set_date(catalog, CURATOR, AOUAD, 2, "2026-12-20", False, "Soompi")
    fields = await notice_fields(catalog, dated)
    assert fields["Release date"] == (
        "unknown → **20 December 2026 (expected, not official)**, no longer stands: the season was cancelled"
    )

"""What a watched channel reads for a change, from changes real edits record (never hand-made items)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kdrama import edits
from kdrama.dates import PartialDate
from kdrama.lookup import Catalog
from kdrama.models import Actor, Change, Status
from kdrama.notices import Notice, NoticeRenderer, render_notice, role_content
from kdrama.settings import DEFAULT_TRAILER_HOSTS

CURATOR = Actor(1001, "curator")
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
TEASER = "https://www.youtube.com/watch?v=abcdefghijk"
AOUAD = "All of Us Are Dead"


async def notice_of(catalog: Catalog, change: Change | None) -> Notice:
    assert change is not None and change.show_id is not None
    show = await catalog.store.catalog.show(change.show_id)
    season = (
        await catalog.store.catalog.season(change.show_id, change.season_number)
        if change.season_number
        else None
    )
    return render_notice(change, show, season)


def fields(notice: Notice) -> dict[str, str]:
    return {f["name"]: f["value"] for f in notice.embed.get("fields", [])}


def embed(notice: Notice) -> dict[str, Any]:
    return notice.embed


async def test_a_status_move_says_what_moved_and_cites_its_source(catalog: Catalog) -> None:
    change = await edits.set_status(catalog, CURATOR, AOUAD, 2, Status.POST_PRODUCTION, NETFLIX)
    notice = await notice_of(catalog, change)
    assert embed(notice)["title"] == "All of Us Are Dead · Season 2"
    assert embed(notice)["description"] == "Season 2 of All of Us Are Dead: In post-production."
    assert fields(notice) == {
        "Status (official)": "Filming → **In post-production**",
        "Source": f"<{NETFLIX}>",
    }
    assert embed(notice)["footer"]["text"].endswith("Edit by curator.")
    assert [link.label for link in notice.links] == ["Watch on Netflix"]


async def test_a_date_edit_shows_old_and_new_with_officialness(catalog: Catalog) -> None:
    notice = await notice_of(
        catalog, await edits.set_date(catalog, CURATOR, AOUAD, 2, "Q4 2026", True, NETFLIX)
    )
    assert embed(notice)["description"] == "Release date news for Season 2 of All of Us Are Dead."
    assert fields(notice)["Release date"] == "unknown → **Q4 2026 (official)**"


async def test_a_new_teaser_gets_a_watch_button(catalog: Catalog) -> None:
    change = await edits.add_trailer(
        catalog, CURATOR, AOUAD, 2, TEASER, name="Teaser", kind="teaser", hosts=DEFAULT_TRAILER_HOSTS
    )
    notice = await notice_of(catalog, change)
    assert embed(notice)["description"] == "A new trailer for Season 2 of All of Us Are Dead."
    assert fields(notice) == {"New teaser": f"Teaser\n<{TEASER}>"}
    assert notice.links[0].label == "Watch the trailer" and notice.links[0].url == TEASER


async def test_cast_news_escapes_markdown_in_catalog_text(catalog: Catalog) -> None:
    notice = await notice_of(
        catalog, await edits.add_cast(catalog, CURATOR, AOUAD, "Kim *Star*", "Hero", season=2)
    )
    assert embed(notice)["description"] == "Cast news for Season 2 of All of Us Are Dead."
    assert fields(notice) == {"Cast announced": "**Kim \\*Star\\*** as Hero (official)"}


async def test_the_release_clock_says_now_streaming(catalog: Catalog) -> None:
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    await edits.set_status(catalog, CURATOR, AOUAD, 2, Status.SCHEDULED, NETFLIX)
    await edits.set_date(catalog, CURATOR, AOUAD, 2, PartialDate.from_datetime(at).canonical(), True, NETFLIX)
    (change,) = await edits.release_due(catalog, at + timedelta(minutes=1))
    notice = await notice_of(catalog, change)
    assert embed(notice)["description"] == "**Now streaming**: Season 2 of All of Us Are Dead is out."
    assert fields(notice)["Status (official)"] == "Date announced → **Released**"
    assert fields(notice)["Where to watch"] == "Netflix"
    assert embed(notice)["footer"]["text"].endswith("Edit by Drama bot (clock).")


def test_only_the_chosen_roles_are_mentioned() -> None:
    assert role_content(()) is None
    assert role_content((5, 7)) == "<@&5> <@&7>"


# --- in the channel's language -------------------------------------------------------------


async def test_a_korean_channel_reads_the_status_move_in_korean(catalog: Catalog) -> None:
    change = await edits.set_status(catalog, CURATOR, AOUAD, 2, Status.POST_PRODUCTION, NETFLIX)
    assert change is not None and change.show_id is not None
    show = await catalog.store.catalog.show(change.show_id)
    season = await catalog.store.catalog.season(change.show_id, 2)
    notice = render_notice(change, show, season, language="ko")
    assert embed(notice)["title"] == "지금 우리 학교는 (All of Us Are Dead) · 시즌 2"
    assert embed(notice)["description"] == "지금 우리 학교는 (All of Us Are Dead) 시즌 2: 후반 작업 중."
    assert fields(notice) == {"상태 (공식)": "촬영 중 → **후반 작업 중**", "출처": f"<{NETFLIX}>"}
    assert embed(notice)["footer"]["text"] == (
        "공식: 방송사나 제작사가 확인함. 예상: 보도되었으나 확인되지 않음. 수정: curator."
    )
    assert [link.label for link in notice.links] == ["Netflix에서 보기"]


async def test_a_korean_date_notice_keeps_the_precision_and_officialness(catalog: Catalog) -> None:
    change = await edits.set_date(catalog, CURATOR, AOUAD, 2, "Q4 2026", True, NETFLIX)
    assert change is not None and change.show_id is not None
    show = await catalog.store.catalog.show(change.show_id)
    season = await catalog.store.catalog.season(change.show_id, 2)
    notice = render_notice(change, show, season, language="ko")
    assert embed(notice)["description"] == "지금 우리 학교는 (All of Us Are Dead) 시즌 2의 공개일 소식입니다."
    assert fields(notice)["공개일"] == "알 수 없음 → **2026년 4분기 (공식)**"


async def test_the_renderer_renders_a_change_once_per_language(catalog: Catalog) -> None:
    change = await edits.add_cast(catalog, CURATOR, AOUAD, "Kim Star", "Hero", season=2)
    assert change is not None
    renderer = NoticeRenderer(catalog.store)
    english = await renderer.notice(change.id, None)
    korean = await renderer.notice(change.id, "ko")
    assert fields(english) == {"Cast announced": "**Kim Star** as Hero (official)"}
    assert fields(korean) == {"출연진 발표": "**Kim Star** – Hero 역 (공식)"}
    assert await renderer.notice(change.id, "ko") is korean
    assert await renderer.notice(change.id, "en") is english


# --- where-to-watch data from JustWatch ----------------------------------------------------


async def test_a_justwatch_platform_is_credited_once_where_the_notice_names_it(catalog: Catalog) -> None:
    """The field credits it when there is one; else the footer, before "Edit by"; never both."""
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    renewal = await edits.set_status(catalog, CURATOR, AOUAD, 2, Status.SCHEDULED, NETFLIX)
    await edits.set_date(catalog, CURATOR, AOUAD, 2, PartialDate.from_datetime(at).canonical(), True, NETFLIX)
    (released,) = await edits.release_due(catalog, at + timedelta(minutes=1))
    assert renewal is not None and renewal.show_id is not None
    show = await catalog.store.catalog.show(renewal.show_id)
    season = await catalog.store.catalog.season(renewal.show_id, 2)
    for language, field, credit, sentence in (
        ("en", "Where to watch", "Netflix (where-to-watch data: JustWatch)", "comes from JustWatch."),
        ("ko", "시청 가능한 곳", "Netflix (시청 가능한 곳 정보: JustWatch)", "JustWatch에서 제공합니다."),
    ):
        streaming = render_notice(released, show, season, language=language, platform_from_justwatch=True)
        assert fields(streaming)[field] == credit
        assert "JustWatch" not in embed(streaming)["footer"]["text"]  # the field says it already
        # Only the Watch button names it: the footer credits it, and "Edit by" still ends it.
        button = render_notice(renewal, show, season, language=language, platform_from_justwatch=True)
        footer = embed(button)["footer"]["text"]
        assert sentence in footer and footer.endswith("curator.")
        assert "JustWatch" not in str(fields(button))
        # Without a link there is no button, and nothing names the platform: no credit.
        bare = render_notice(
            renewal, show, season, language=language, platform_from_justwatch=True, platform_link=False
        )
        assert "JustWatch" not in str(embed(bare)) and not bare.links
        # A platform that is not JustWatch's is never credited.
        plain = render_notice(released, show, season, language=language)
        assert "JustWatch" not in str(embed(plain))

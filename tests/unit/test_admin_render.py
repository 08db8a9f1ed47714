"""What curators read: an edit's reply, a history page, an import's summary, the curator list."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from kdrama import admin_render, edits, i18n, render
from kdrama.catalog import ImportReport
from kdrama.errors import UserError
from kdrama.lookup import Catalog
from kdrama.models import Actor, Status

CURATOR = Actor(1001, "curator")
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"


async def test_an_edit_reply_names_the_change_what_changed_who_hears_and_how_to_undo(
    catalog: Catalog,
) -> None:
    change = await edits.set_status(
        catalog, CURATOR, "All of Us Are Dead", 2, Status.POST_PRODUCTION, NETFLIX
    )
    assert change is not None
    reply = admin_render.change_reply(change, "unused")
    assert reply.ephemeral
    lines = (reply.content or "").splitlines()
    assert lines[0] == f"**Change #{change.id}** · All of Us Are Dead, season 2"
    assert "- the status of season 2: Filming → In post-production" in lines
    assert lines[-2] == "Watchers of status will hear about it."
    assert lines[-1] == f"Undo it with `/admin undo change_id:{change.id}`."


def test_nothing_changed_is_said_plainly() -> None:
    reply = admin_render.change_reply(None, "the show is already there.")
    assert reply.ephemeral and reply.content == "Nothing changed: the show is already there."


async def test_history_pages_say_where_they_are(catalog: Catalog) -> None:
    for status in (Status.POST_PRODUCTION, Status.SCHEDULED, Status.AIRING):
        await edits.set_status(catalog, CURATOR, "All of Us Are Dead", 2, status, NETFLIX)
    show = await catalog.resolve("All of Us Are Dead")
    page = await edits.history(catalog.store, show.id, 0, admin_render.HISTORY_PAGE_SIZE)
    assert page is not None
    reply = admin_render.history_reply(page.show, page.changes, page.page, page.total)
    text = render.to_text(reply)
    assert text.index("Date announced → Airing") < text.index("Filming → In post-production")
    assert f"Page 1 of {reply.pages} · {page.total} changes · newest first" in text


def test_an_import_reply_gives_the_range_of_changes_to_undo() -> None:
    report = ImportReport(added=["Brand New Show"], changed=["All of Us Are Dead"])
    reply = admin_render.import_reply(edits.ImportResult(report, [7, 8]))
    assert reply.content == (
        "Imported: added 1 show (Brand New Show); changed 1 (All of Us Are Dead). "
        "Recorded as change #7 to #8; each can be undone with `/admin undo`."
    )


def test_the_curator_list_names_owners_and_who_added_whom() -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
    reply = admin_render.curators_reply([(22, 11, at)], [11])
    lines = (reply.content or "").splitlines()
    assert lines[0] == "Owners (always curators): the application's owner or team, and <@11>"
    assert lines[1].startswith("- <@22> (22), added <t:") and lines[1].endswith(" by <@11>")


def test_curator_facing_text_cannot_ping_or_break_code() -> None:
    assert admin_render.inert("@everyone `x`\u0007") == "@\u200beveryone 'x'"


async def test_a_korean_curator_reads_the_edit_reply_and_undo_refusals_in_korean(catalog: Catalog) -> None:
    ko = i18n.text("ko")
    change = await edits.set_status(
        catalog, CURATOR, "All of Us Are Dead", 2, Status.POST_PRODUCTION, NETFLIX
    )
    assert change is not None
    lines = (admin_render.change_reply(change, "", ko).content or "").splitlines()
    assert lines[0] == f"**변경 #{change.id}** · All of Us Are Dead, 시즌 2"
    assert "- 시즌 2의 상태: 촬영 중 → 후반 작업 중" in lines
    assert lines[-2] == "상태 소식을 구독한 채널에 알림이 갑니다."
    assert lines[-1] == f"`/관리 되돌리기 변경번호:{change.id}`로 되돌릴 수 있습니다."
    # The same describer serves history: one line per change, in the reader's language.
    assert "시즌 2의 상태: 촬영 중 → 후반 작업 중" in admin_render.history_line(change, ko)
    # A refusal names the item another change touched, described in the refusal's language.
    later = await edits.set_status(catalog, CURATOR, "All of Us Are Dead", 2, Status.SCHEDULED, NETFLIX)
    assert later is not None
    with pytest.raises(UserError) as refused:
        await edits.undo(catalog, CURATOR, change.id)
    assert str(refused.value) == f"Change #{later.id} later changed the status of season 2; undo that first."
    assert ko.error(refused.value) == (
        f"나중에 변경 #{later.id}에서 시즌 2의 상태 항목을 바꿨습니다. 그 변경을 먼저 되돌리세요."
    )


MASKED = "[Watch on Netflix](https://evil.example/x) **now**"
LIVE_MARKUP = re.compile(r"(?<!\\)\[[^\]\n]*\]\(|(?<!\\)\*\*now|(?<!\\)\*\*Bold")


async def test_catalog_text_in_edit_replies_and_history_shows_as_text_not_markdown(catalog: Catalog) -> None:
    """A synopsis or a name holding markdown reads as typed: no masked link, no bold."""
    synopsis = await edits.edit_show(catalog, CURATOR, "All of Us Are Dead", {"synopsis": MASKED})
    cast = await edits.add_cast(
        catalog, CURATOR, "All of Us Are Dead", "**Bold** Actor", "A student", season=2
    )
    assert synopsis is not None and cast is not None
    for change in (synopsis, cast):
        for t in (i18n.text("en"), i18n.text("ko")):
            for text in (
                admin_render.change_reply(change, "", t).content or "",
                admin_render.history_line(change, t),
            ):
                assert not LIVE_MARKUP.search(text), text
    reply = admin_render.change_reply(synopsis, "").content or ""
    assert "“\\[Watch on Netflix](https://evil.example/x) \\*\\*now\\*\\*”" in reply
    assert "the cast entry for \\*\\*Bold\\*\\* Actor (season 2)" in (
        admin_render.change_reply(cast, "").content or ""
    )
    # A refusal naming the entry shows the name as text too.
    later = await edits.add_cast(
        catalog, CURATOR, "All of Us Are Dead", "**Bold** Actor", "A teacher", season=2
    )
    assert later is not None
    with pytest.raises(UserError) as refused:
        await edits.undo(catalog, CURATOR, cast.id)
    assert not LIVE_MARKUP.search(str(refused.value)), str(refused.value)

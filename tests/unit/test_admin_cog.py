"""The /admin command tree as Discord receives it, the curator check, and what a curator reads.

The end-to-end tests drive these through the real bot; here the public interface (names,
options, hidden-by-default permission) is pinned, and the run-time check is exercised with the
real store behind it.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from bot import DramaBot
from cogs.admin import CURATORS_ONLY, OWNERS_ONLY, Admin, owners_only
from cogs.admin_sync import ReviewButton
from kdrama import admin_render, edits
from kdrama.lookup import Catalog
from kdrama.models import Actor
from kdrama.settings import Settings
from kdrama.store import Store
from tests.standin.validation import validate_modal

OWNER, CURATOR, SERVER_ADMIN, APP_OWNER = 11, 22, 33, 44
MANAGE_GUILD = 1 << 5

EXPECTED = {
    "show": {
        "add": [
            "title",
            "korean_title",
            "romanized_title",
            "platform",
            "platform_url",
            "country",
            "genres",
            "poster_url",
        ],
        "edit": [
            "title",
            "new_title",
            "korean_title",
            "romanized_title",
            "platform",
            "platform_url",
            "country",
            "genres",
            "poster_url",
        ],
        "remove": ["title"],
        "alias": ["title", "alias", "remove"],
    },
    "season": {
        "add": ["title", "season", "episodes"],
        "remove": ["title", "season"],
        "status": ["title", "season", "status", "source", "note"],
        "date": ["title", "season", "date", "official", "source", "note"],
    },
    "cast": {
        "add": ["title", "actor", "character", "season", "official", "source", "korean_name"],
        "remove": ["title", "actor", "season"],
    },
    "trailer": {"add": ["title", "season", "url", "name", "kind"], "remove": ["title", "season", "url"]},
    "curator": {"add": ["user"], "remove": ["user"], "list": []},
    "history": ["title"],
    "undo": ["change_id"],
    "import": ["file"],
    "export": [],
    "sync": {"status": [], "show": ["title", "tmdb_id"], "review": []},
}


@pytest.fixture
async def bot(store: Store, catalog: Catalog) -> DramaBot:
    settings = Settings.from_env({"OWNER_IDS": str(OWNER)}, dotenv=False)
    drama = DramaBot(settings, store, catalog)
    # What logging in learns from the application's info: its owner, besides OWNER_IDS.
    drama.owner_id = APP_OWNER
    await drama.load_extension("cogs.admin")
    return drama


def _options(node: dict[str, Any]) -> Any:
    if node.get("type") in (None, 1) and all(o["type"] not in (1, 2) for o in node.get("options", [])):
        return [o["name"] for o in node.get("options", [])]
    return {o["name"]: _options(o) for o in node["options"]}


def _check_limits(node: dict[str, Any]) -> None:
    assert 1 <= len(node["name"]) <= 32 and node["name"] == node["name"].lower()
    assert 1 <= len(node["description"]) <= 100, node["name"]
    assert len(node.get("options", [])) <= 25
    names = [o["name"] for o in node.get("options", [])]
    assert len(names) == len(set(names))
    for o in node.get("options", []):
        _check_limits(o)
        for choice in o.get("choices", []):
            assert 1 <= len(choice["name"]) <= 100


async def test_admin_tree_is_the_designed_interface_hidden_from_members(bot: DramaBot) -> None:
    (admin,) = [c.to_dict(bot.tree) for c in bot.tree.get_commands() if c.name == "admin"]
    assert int(admin["default_member_permissions"]) == MANAGE_GUILD
    assert _options(admin) == EXPECTED
    _check_limits(admin)


async def test_status_choices_are_the_eight_statuses(bot: DramaBot) -> None:
    admin = next(c for c in bot.tree.get_commands() if c.name == "admin").to_dict(bot.tree)
    season = next(o for o in admin["options"] if o["name"] == "season")
    status = next(o for o in season["options"] if o["name"] == "status")
    option = next(o for o in status["options"] if o["name"] == "status")
    assert [c["value"] for c in option["choices"]] == [
        "unconfirmed",
        "renewed",
        "filming",
        "post_production",
        "scheduled",
        "airing",
        "released",
        "cancelled",
    ]


def _interaction(bot: DramaBot, user_id: int) -> Any:
    return SimpleNamespace(
        user=SimpleNamespace(id=user_id, name=f"user{user_id}", bot=False), command=None, client=bot
    )


async def test_only_owners_and_curators_pass_the_run_time_check(bot: DramaBot) -> None:
    # load_extension imports its own copy of the module, so compare by name, not class.
    cog: Any = bot.get_cog("Admin")
    assert type(cog).__name__ == Admin.__name__
    await edits.add_curator(bot.store, Actor(OWNER, "owner"), CURATOR)
    assert await cog.interaction_check(_interaction(bot, OWNER))
    assert await cog.interaction_check(_interaction(bot, CURATOR))
    with pytest.raises(app_commands.CheckFailure, match=f"^{CURATORS_ONLY}$"):
        await cog.interaction_check(_interaction(bot, SERVER_ADMIN))
    # The curator list itself is for owners only.
    assert await owners_only(_interaction(bot, OWNER))
    assert await owners_only(_interaction(bot, APP_OWNER))  # OWNER_IDS adds to the app's owner
    with pytest.raises(app_commands.CheckFailure, match=f"^{OWNERS_ONLY}$"):
        await owners_only(_interaction(bot, CURATOR))


async def test_edit_reply_says_what_changed_and_how_to_undo(bot: DramaBot) -> None:
    change = await edits.set_status(
        bot.catalog,
        Actor(CURATOR, "kim"),
        "all-of-us-are-dead",
        2,
        "renewed",
        "https://www.netflix.com/tudum",
    )
    reply = admin_render.change_reply(change, "")
    assert reply.ephemeral
    assert reply.content is not None
    lines = reply.content.splitlines()
    assert change is not None
    assert lines[0] == f"**Change #{change.id}** · All of Us Are Dead, season 2"
    assert "- the status of season 2: Filming → Renewed" in lines
    assert "Watchers of status will hear about it." in lines
    assert lines[-1] == f"Undo it with `/admin undo change_id:{change.id}`."
    nothing = admin_render.change_reply(None, "season 2 already has that status, source and as-of date.")
    assert nothing.content == "Nothing changed: season 2 already has that status, source and as-of date."


async def test_history_page_lists_newest_first_with_who_and_source(bot: DramaBot) -> None:
    show = await bot.catalog.resolve("all-of-us-are-dead")
    ids = []
    for status in ("renewed", "filming", "post_production"):
        change = await edits.set_status(
            bot.catalog, Actor(CURATOR, "kim"), show.slug, 2, status, "Netflix Tudum"
        )
        assert change is not None
        ids.append(change.id)
    changes = await bot.store.changes.for_show(show.id, limit=admin_render.HISTORY_PAGE_SIZE)
    total = await bot.store.changes.count_for_show(show.id)
    reply = admin_render.history_reply(show, changes, 0, total)
    text = reply.embeds[0].description or ""
    first, second = text.splitlines()[:2]
    assert first.startswith(f"**#{ids[-1]}** <t:") and second.startswith(f"**#{ids[-2]}** <t:")
    assert "kim (<@22>)" in first
    assert "Filming → In post-production" in first
    assert "source: Netflix Tudum" in first


async def test_keep_ours_answers_a_korean_curator_in_korean(bot: DramaBot) -> None:
    show = await bot.catalog.resolve("all-of-us-are-dead")
    async with bot.store.transaction():
        await bot.store.sync.put_review(show.id, "show.synopsis", "ours", "theirs", "synopsis: ours … TMDB …")
    [item] = await bot.store.sync.open_reviews()
    sent: list[dict[str, Any]] = []

    async def edit_message(**kwargs: Any) -> None:
        pass

    async def send(**kwargs: Any) -> None:
        sent.append(kwargs)

    interaction: Any = SimpleNamespace(
        user=SimpleNamespace(id=OWNER, name="owner", bot=False),
        client=bot,
        locale=discord.Locale.korean,
        response=SimpleNamespace(edit_message=edit_message),
        followup=SimpleNamespace(send=send),
    )
    await ReviewButton(item.id, "ours").callback(interaction)
    [outcome] = sent
    assert outcome["ephemeral"]
    assert outcome["content"] == (
        "우리 값을 유지했습니다: All of Us Are Dead의 줄거리은(는) 큐레이터가 정한 그대로입니다."
    )
    assert await bot.store.sync.open_reviews() == []


async def test_the_synopsis_form_waits_for_a_slow_typist_and_a_new_one_replaces_it(bot: DramaBot) -> None:
    cog: Any = bot.get_cog("Admin")
    opened: list[Any] = []

    async def send_modal(form: Any) -> None:
        opened.append(form)

    def interaction() -> Any:
        return SimpleNamespace(
            user=SimpleNamespace(id=CURATOR, name="kim", bot=False),
            client=bot,
            locale=discord.Locale.american_english,
            response=SimpleNamespace(send_modal=send_modal),
        )

    await cog.show_edit.callback(cog, interaction(), "all-of-us-are-dead")
    await cog.show_edit.callback(cog, interaction(), "squid-game")
    first, second = opened
    # The form Discord gets: a Label holding the text field, prefilled, within Discord's limits.
    form = second.to_dict()
    validate_modal(form)
    (field,) = form["components"]
    assert (field["type"], field["label"]) == (18, "Synopsis (empty it to remove)")
    assert field["component"]["type"] == 4 and not field["component"].get("label")
    # No deadline: submitted an hour later, the text still lands.
    assert second.timeout is None and not second.is_finished()
    # The first was closed unsent when the second opened: it is no longer kept.
    assert first.is_finished()
    assert cog.open_forms == {CURATOR: second}
    second.stop()
    assert cog.open_forms == {}

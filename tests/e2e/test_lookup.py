"""The lookup commands end to end: the real bot process, a fan in a server, the Discord stand-in.

Expected texts are written out from the facts in DESIGN.md and the starter catalog, in the
renderer's wording, so a change in what a fan sees fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn, Reply
from tests.standin.world import Channel, Guild, Member

pytestmark = pytest.mark.asyncio

AOUAD = "all-of-us-are-dead"
FOOTER = "Official: confirmed by the network or studio. Expected: reported, not confirmed."
ARTICLE = '"All of Us Are Dead Season 2: everything we know so far" (fan article citing Rotten Tomatoes)'
PRODUCTION = "Netflix's production announcement, 23 July 2025"
AGES = (
    "status as of 23 Jul 2025, may be out of date; "
    "expected in 2023 (reported in 2022) and in 2024 (reported in January 2024), not released"
)
DEADLINE = 3.0  # Discord voids an interaction not answered within 3 s
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@pytest.fixture(scope="module")
def drama(guild: Guild, bot_factory: Callable[..., BotProcess]) -> Iterator[BotProcess]:
    """The real bot (`python bot.py`) on a fresh database, for the whole module."""
    proc = bot_factory(
        script=REPO_ROOT / "bot.py", ready_marker="Drama bot ready", require_sync=True, name="drama"
    )
    proc.start()
    proc.require_sync = False  # later starts find the tree unchanged and do not sync
    yield proc


def delivered(reply: Reply) -> Reply:
    """Check what every message must be: answered in time, pinging no one."""
    assert reply.elapsed is not None and reply.elapsed < DEADLINE, reply.elapsed
    assert reply.allowed_mentions == {"parse": []}
    assert reply.pings() == set()
    return reply


async def ask(standin: DiscordStandIn, path: str, *, by: Member, at: Channel, **options: Any) -> Reply:
    """Run a slash command as a fan and return what they see."""
    reply = await standin.slash(path, by=by, at=at, **options).reply(within=10)
    return delivered(reply)


async def choices(
    standin: DiscordStandIn, path: str, focused: str, *, by: Member, at: Channel, **options: Any
) -> list[dict[str, Any]]:
    """Autocomplete choices for the focused option, checked against Discord's limits."""
    handle = standin.autocomplete(path, focused=focused, by=by, at=at, **options)
    offered = await handle.choices(within=10)
    assert handle.elapsed is not None and handle.elapsed < DEADLINE
    assert len(offered) <= 25
    assert all(1 <= len(c["name"]) <= 100 for c in offered)
    assert all(len(str(c["value"])) <= 100 for c in offered)
    return offered


def only_embed(reply: Reply) -> dict[str, Any]:
    """The single embed of a reply."""
    assert len(reply.embeds) == 1, reply.embeds
    return reply.embeds[0]


def fields(embed: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, value) of each embed field."""
    return [(f["name"], f["value"]) for f in embed.get("fields") or []]


def link_buttons(reply: Reply) -> list[tuple[str, str]]:
    """(label, url) of each link button."""
    return [(b["label"], b["url"]) for b in reply.buttons() if b.get("style") == 5]


# --- /release ----------------------------------------------------------------------------


async def test_release_of_a_season_with_no_official_date(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "release", by=fan, at=general, title="All of Us Are Dead", season=2)
    assert not reply.ephemeral
    assert reply.content == ""
    embed = only_embed(reply)
    assert embed["title"] == "All of Us Are Dead · Season 2"
    # Filming, officially since July 2025; no official date; the expected 2023 and 2024
    # passed, each with the age of the report behind it.
    assert embed["description"] == (
        "Season 2 is filming, and no release date has been announced. "
        "Officially filming since 23 Jul 2025; that was over a year ago, so it may be out of date. "
        "It was expected in 2023 (reported in 2022) and in 2024 (reported in January 2024); "
        "both passed without a release."
    )
    assert fields(embed) == [
        (
            "Status (official)",
            "Filming\n"
            "Filming was reported wrapped in February 2026 (18–19 February); not confirmed by Netflix.\n"
            f"Source: {PRODUCTION} · as of 23 Jul 2025",
        ),
        (
            "Release date",
            "Not announced\n"
            "Reports in February 2026 expected late 2026. "
            "None of the expected dates (2023, 2024, late 2026) was official.\n"
            "Source: Media reports of the filming wrap, February 2026: Netflix announced no date, "
            "and season 2 was not on Netflix's 2026 slate · as of February 2026\n"
            "Earlier: 2023 (expected, reported in 2022), passed without a release. "
            f"Source: {ARTICLE}\n"
            "Earlier: 2024 (expected, reported in January 2024), passed without a release. "
            "Source: An agency statement, January 2024",
        ),
        (
            "Notes",
            f"Directed by Lee Jae-kyoo and Kim Nam-su, written by Chun Sung-il ({PRODUCTION}).",
        ),
        ("Other seasons", "**Season 1**: Released · 28 January 2022 (official) · 12 episodes"),
    ]
    assert embed["footer"]["text"] == FOOTER
    assert link_buttons(reply) == [("Watch on Netflix", "https://www.netflix.com/title/81237994")]


async def test_release_defaults_to_the_newest_season_and_accepts_the_autocomplete_slug(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    by_name = await ask(standin, "release", by=fan, at=general, title="All of Us Are Dead")
    by_slug = await ask(standin, "release", by=fan, at=general, title=AOUAD, season=2)
    assert only_embed(by_name)["title"] == "All of Us Are Dead · Season 2"
    assert by_name.embeds == by_slug.embeds


async def test_release_of_a_released_season(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    embed = only_embed(await ask(standin, "release", by=fan, at=general, title=AOUAD, season=1))
    assert embed["description"] == "Season 1 was released on 28 January 2022."
    assert ("Episodes", "12") in fields(embed)


async def test_unknown_title_answers_privately_with_the_closest_matches(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "release", by=fan, at=general, title="All of Us Are Ded")
    assert reply.ephemeral
    assert reply.content == "No show called “All of Us Are Ded”; did you mean “All of Us Are Dead”?"
    assert reply.embeds == []


async def test_a_season_that_does_not_exist_answers_privately_listing_the_seasons(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    for command in ("release", "cast", "trailer"):
        reply = await ask(standin, command, by=fan, at=general, title=AOUAD, season=5)
        assert reply.ephemeral, command
        assert reply.content == "All of Us Are Dead has no season 5; its seasons are 1 and 2."


# --- /cast, /trailer, /show --------------------------------------------------------------


async def test_cast_of_season_one_lists_the_seven_actors(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "cast", by=fan, at=general, title=AOUAD, season=1)
    embed = only_embed(reply)
    assert embed["title"] == "All of Us Are Dead · Season 1 · Cast"
    assert embed["description"].split("\n") == [
        "**Park Ji-hu** (박지후) as Nam On-jo",
        "**Yoon Chan-young** (윤찬영) as Lee Cheong-san",
        "**Cho Yi-hyun** (조이현) as Choi Nam-ra",
        "**Park Solomon** (박솔로몬) as Lee Su-hyeok",
        "**Yoo In-soo** (유인수) as Yoon Gwi-nam",
        "**Lee Yoo-mi** (이유미) as Lee Na-yeon",
        "**Im Jae-hyuk** (임재혁) as Yang Dae-su",
    ]
    assert embed["footer"]["text"] == FOOTER
    assert reply.components == []  # one page: no buttons


async def test_cast_of_season_two_lists_the_eight_official_actors(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    embed = only_embed(await ask(standin, "cast", by=fan, at=general, title=AOUAD, season=2))
    assert embed["title"] == "All of Us Are Dead · Season 2 · Cast"
    assert embed["description"].split("\n") == [
        "**Park Ji-hu** (박지후) as Nam On-jo",
        "**Yoon Chan-young** (윤찬영) as Lee Cheong-san",
        "**Cho Yi-hyun** (조이현) as Choi Nam-ra",
        "**Lomon** (로몬) as Lee Su-hyeok",
        "**Lee Min-jae** as Ma-ru",
        "**Kim Si-eun** as Ju-ran",
        "**Roh Jae-won** as Han Du-seok",
        "**Yoon Ga-i** as Jong-a",
    ]


async def test_trailer_of_season_two_falls_back_to_season_one(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "trailer", by=fan, at=general, title=AOUAD, season=2)
    # The bare URL in the content is what makes Discord show the player; "\|" shows as "|".
    assert reply.content == (
        "No trailer for All of Us Are Dead season 2 yet. Here is season 1's: "
        "All of Us Are Dead \\| Official Trailer \\| Netflix\n"
        "https://www.youtube.com/watch?v=IN5TD4VRcSM"
    )
    assert not reply.ephemeral
    assert reply.embeds == []


async def test_trailer_of_season_one(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "trailer", by=fan, at=general, title=AOUAD, season=1)
    assert reply.content == (
        "All of Us Are Dead season 1 trailer: "
        "All of Us Are Dead \\| Official Trailer \\| Netflix\n"
        "https://www.youtube.com/watch?v=IN5TD4VRcSM"
    )


async def test_show_overview(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "show", by=fan, at=general, title="지금 우리 학교는")
    embed = only_embed(reply)
    assert embed["title"] == "All of Us Are Dead (지금 우리 학교는)"
    assert embed["description"] == (
        "A zombie virus breaks out at a high school, and the students trapped inside must "
        'fight their way out or become infected. Based on the webtoon "Now at Our School" '
        "by Joo Dong-geun."
    )
    assert fields(embed) == [
        ("Also known as", "Jigeum Uri Hakgyoneun, Now at Our School"),
        ("Platform", "Netflix"),
        ("Genres", "Horror, Thriller"),
        (
            "Seasons",
            "**Season 1**: Released · 28 January 2022 (official) · 12 episodes\n"
            f"**Season 2**: Filming · {AGES}",
        ),
        (
            "Similar shows",
            "Squid Game, Crash Landing on You, Our Beloved Summer, It's Okay to Not Be Okay",
        ),
    ]
    assert link_buttons(reply) == [
        ("Trailer", "https://www.youtube.com/watch?v=IN5TD4VRcSM"),
        ("Watch on Netflix", "https://www.netflix.com/title/81237994"),
    ]


# --- /search, /upcoming ------------------------------------------------------------------


async def test_search_finds_aliases_and_actors(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    by_alias = only_embed(await ask(standin, "search", by=fan, at=general, query="Now at Our School"))
    assert by_alias["title"] == "Search: Now at Our School"
    assert fields(by_alias)[0] == ("Shows", "• **All of Us Are Dead** (Now at Our School)")
    by_actor = only_embed(await ask(standin, "search", by=fan, at=general, query="Cho Yi-hyun"))
    assert ("People", "• **Cho Yi-hyun** (조이현): All of Us Are Dead") in fields(by_actor)
    nothing = only_embed(await ask(standin, "search", by=fan, at=general, query="zzzzqqqq"))
    assert nothing["description"] == (
        "Nothing matches. Try fewer letters, the Korean title, or an actor's name."
    )


async def test_upcoming_lists_season_two_as_filming_with_the_passed_expectations(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    embed = only_embed(await ask(standin, "upcoming", by=fan, at=general))
    assert embed["title"] == "Coming up in the next 90 days"
    assert embed["description"] == (
        "Nothing has a firm date in the next 90 days.\n\n"
        "**Renewed or in production, no firm date yet**\n"
        f"• **All of Us Are Dead** season 2: Filming; {AGES}"
    )


# --- autocomplete ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["지금", "ㅈㄱㅇㄹ", "jigeum", "all of us are ded"])
async def test_title_autocomplete_offers_all_of_us_are_dead_first(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel, typed: str
) -> None:
    for command in ("show", "release", "cast", "trailer"):
        offered = await choices(standin, command, "title", by=fan, at=general, title=typed)
        assert offered, f"/{command} offered nothing for {typed!r}"
        assert offered[0]["value"] == AOUAD, (command, offered[:3])
        assert offered[0]["name"].startswith("All of Us Are Dead"), offered[0]


async def test_empty_title_autocomplete_fills_the_list(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    offered = await choices(standin, "release", "title", by=fan, at=general, title="")
    assert len(offered) == 25  # the starter catalog has more than 25 shows
    assert len({c["value"] for c in offered}) == 25


async def test_season_autocomplete_lists_the_shows_seasons_newest_first(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    offered = await choices(standin, "release", "season", by=fan, at=general, title=AOUAD, season="")
    assert offered == [
        {"name": "Season 2 · Filming", "value": 2},
        {"name": "Season 1 · Released · 28 January 2022", "value": 1},
    ]


# --- a longer catalog, page buttons, and a restart ----------------------------------------


def extra_catalog(now: datetime) -> tuple[dict[str, Any], datetime, datetime]:
    """Two test shows: one with 15 cast members and an exact premiere, one with a bare day."""
    premiere = (now + timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    day = (now + timedelta(days=5)).date()
    press = {"source": "Test press release", "as_of": now.date().isoformat(), "note": None}
    credits = [
        {
            "actor": f"Actor {i:02d}",
            "korean_name": None,
            "character": f"Character {i:02d}",
            "billing": i,
            "official": True,
            "source": None,
        }
        for i in range(1, 16)
    ]

    def show(slug: str, title: str, seasons: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "slug": slug, "title": title, "korean_title": None, "romanized_title": None,
            "aliases": [], "country": "KR", "platform": None, "platform_url": None,
            "genres": [], "synopsis": None, "poster_url": None, "similar": [], "cast": [],
            "seasons": seasons,
        }  # fmt: skip

    def season(number: int, status: str, when: str, cast: list[Any]) -> dict[str, Any]:
        return {
            "number": number, "episodes": None, "notes": None,
            "status": {"value": status, **press},
            "release": {"date": when, "official": True, **press},
            "cast": cast, "trailers": [],
        }  # fmt: skip

    catalog = {
        "format": 1,
        "shows": [
            show(
                "standin-drama",
                "Stand-in Drama",
                [
                    season(1, "released", "2026-01-02", credits),
                    season(2, "scheduled", premiere.strftime("%Y-%m-%dT%H:%M:%SZ"), []),
                ],
            ),
            show("second-standin", "Second Stand-in", [season(1, "scheduled", str(day), [])]),
        ],
    }
    return catalog, premiere, datetime(day.year, day.month, day.day, tzinfo=UTC)


def import_catalog(drama: BotProcess, path: Path) -> str:
    """`python bot.py import FILE` on the bot's database (the bot must be stopped)."""
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bot.py"), "import", str(path)],
        cwd=drama.workdir,
        env=drama.environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


async def test_long_cast_pages_and_everything_survives_a_restart(
    standin: DiscordStandIn,
    drama: BotProcess,
    fan: Member,
    general: Channel,
    tmp_path: Path,
) -> None:
    before = await ask(standin, "release", by=fan, at=general, title=AOUAD, season=2)
    assert drama.stop() == 0
    catalog, premiere, day = extra_catalog(datetime.now(UTC))
    (tmp_path / "extra.json").write_text(json.dumps(catalog), encoding="utf-8")
    import_catalog(drama, tmp_path / "extra.json")
    drama.start()
    assert "new database" not in drama.log_since_start()  # the starter is not loaded twice

    # 15 people: two pages, with buttons.
    first = await ask(standin, "cast", by=fan, at=general, title="Stand-in Drama", season=1)
    embed = only_embed(first)
    assert embed["description"].split("\n") == [
        f"**Actor {i:02d}** as Character {i:02d}" for i in range(1, 13)
    ]
    assert embed["footer"]["text"] == f"Page 1 of 2 · 15 people. {FOOTER}"
    buttons = {b["label"]: b for b in first.buttons()}
    assert list(buttons) == ["◀ Previous", "Next ▶"]
    assert buttons["◀ Previous"]["disabled"] and not buttons["Next ▶"]["disabled"]

    click = standin.click(first, buttons["Next ▶"]["custom_id"], by=fan, at=general)
    second = delivered(await click.reply(within=10))
    assert only_embed(second)["description"].split("\n") == [
        f"**Actor {i:02d}** as Character {i:02d}" for i in range(13, 16)
    ]
    assert only_embed(second)["footer"]["text"] == f"Page 2 of 2 · 15 people. {FOOTER}"
    buttons = {b["label"]: b for b in second.buttons()}
    assert not buttons["◀ Previous"]["disabled"] and buttons["Next ▶"]["disabled"]

    # Exact premiere as Discord timestamps, a bare day as text, soonest first.
    ts = int(premiere.timestamp())
    upcoming = only_embed(await ask(standin, "upcoming", by=fan, at=general))
    assert upcoming["description"] == (
        f"• {day.day} {MONTHS[day.month - 1]} {day.year}: **Second Stand-in** season 1 "
        "(official)\n"
        f"• <t:{ts}:F> (<t:{ts}:R>): **Stand-in Drama** season 2 (official)\n\n"
        "**Renewed or in production, no firm date yet**\n"
        f"• **All of Us Are Dead** season 2: Filming; {AGES}"
    )

    # Restart: SIGTERM exits 0, nothing is lost, the unchanged tree is not synced again.
    syncs = len(standin.command_syncs)
    drama.restart()
    assert "new database" not in drama.log_since_start()
    assert len(standin.command_syncs) == syncs
    after = await ask(standin, "release", by=fan, at=general, title=AOUAD, season=2)
    assert after.embeds == before.embeds
    # A page button sent before the restart still works.
    back = standin.click(second, buttons["◀ Previous"]["custom_id"], by=fan, at=general)
    again = delivered(await back.reply(within=10))
    assert only_embed(again)["description"] == embed["description"]
    imported = await ask(standin, "show", by=fan, at=general, title="Stand-in Drama")
    assert only_embed(imported)["title"] == "Stand-in Drama"


async def test_an_error_after_a_public_defer_still_reaches_only_the_user(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    # The bot gets it 2.2 s after Discord made it: past the defer threshold. The title looks
    # like an autocomplete value the bot does not hold, so it asks the database: while it
    # waits, it defers publicly ("thinking…" for everyone), and only then finds no such show.
    handle = standin.slash("release", by=fan, at=general, late=2.2, title="no-such-show-at-all")
    deferred = await handle.callback(within=10)
    assert deferred.type == 5 and not deferred.ephemeral  # a public thinking defer
    assert deferred.elapsed < DEADLINE, deferred.elapsed
    (refusal,) = await handle.followups(1, within=10)
    # The public placeholder is gone; the refusal went to the fan alone.
    assert handle.record.original_deleted
    assert refusal.ephemeral, refusal.content
    assert refusal.allowed_mentions == {"parse": []}
    assert refusal.content.startswith("No show called “no-such-show-at-all”")


async def test_a_late_question_answered_at_once_is_not_deferred_and_echoes_no_markup(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    # Past the defer threshold too, but the answer needs no wait: it goes out at once, as
    # quickly as a defer would, and privately.
    typed = "@everyone **Nope** [x](https://evil.example) <@&123456789012345678>"
    handle = standin.slash("release", by=fan, at=general, late=2.2, title=typed)
    refusal = await handle.callback(within=10)
    assert refusal.type == 4 and refusal.ephemeral
    assert refusal.elapsed < DEADLINE, refusal.elapsed
    assert refusal.data["allowed_mentions"] == {"parse": []}
    content = str(refusal.data["content"])
    assert content.startswith("No show called “")
    # What they typed is echoed as text: no ping, no bold, no link.
    for markup in ("**Nope**", " [x](", "@everyone", "<@&123456789012345678>"):
        assert markup not in content, content
    for inert in ("\\*\\*Nope\\*\\*", "\\[x](", "@\u200beveryone", "<@\u200b&123456789012345678>"):
        assert inert in content, content

"""Curators end to end: the real bot process, a server on the Discord stand-in, its SQLite file.

A server admin is not a curator of the catalog every server sees: only the application's
owners and the curator list may edit it, whatever the server's permissions say. What the
curators change is what fans are answered the moment after.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn, Reply
from tests.standin.world import Channel, Guild, Member

pytestmark = pytest.mark.asyncio

AOUAD = "all-of-us-are-dead"
NETFLIX = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
TRAILER = "https://www.youtube.com/watch?v=IN5TD4VRcSM"
ARTICLE = '"All of Us Are Dead Season 2: everything we know so far" (fan article citing Rotten Tomatoes)'
PRODUCTION = "Netflix's production announcement, 23 July 2025"
CURATORS_ONLY = "Only Drama bot curators can edit the catalog."
OWNERS_ONLY = "Only the bot's owners can change the curator list."
DEADLINE = 3.0
MANAGE_GUILD = 1 << 5
TABLES = ("show", "show_alias", "show_similar", "season", "person", "credit", "trailer", "change", "curator")


@pytest.fixture(scope="module")
def server_admin(standin_server: DiscordStandIn, guild: Guild) -> Member:
    """A member whose role grants Administrator in this server, and who is no curator."""
    return standin_server.admin_member(guild, "server-admin")


@pytest.fixture(scope="module")
def curator(standin_server: DiscordStandIn, guild: Guild) -> Member:
    """A member the owner makes a curator (in the test that needs one)."""
    return standin_server.plain_member(guild, "curator")


@pytest.fixture(scope="module")
def owner(standin_server: DiscordStandIn, guild: Guild) -> Member:
    """The application's owner (OWNER_IDS of the bot process)."""
    return standin_server.owner_member(guild)


@pytest.fixture(scope="module")
def drama(guild: Guild, bot_factory: Callable[..., BotProcess]) -> Iterator[BotProcess]:
    """The real bot (`python bot.py`) on a fresh database, for the whole module."""
    proc = bot_factory(
        script=REPO_ROOT / "bot.py", ready_marker="Drama bot ready", require_sync=True, name="drama"
    )
    proc.start()
    proc.require_sync = False
    yield proc


def delivered(reply: Reply) -> Reply:
    """What every message must be: answered in time, pinging no one."""
    assert reply.elapsed is not None and reply.elapsed < DEADLINE, reply.elapsed
    assert reply.allowed_mentions == {"parse": []}
    assert reply.pings() == set()
    return reply


async def run(standin: DiscordStandIn, path: str, *, by: Member, at: Channel, **options: Any) -> Reply:
    return delivered(await standin.slash(path, by=by, at=at, **options).reply(within=15))


def state(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every catalog row, the change log and the curator list, read from the bot's SQLite file."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def attachment_bytes(standin: DiscordStandIn, reply: Reply) -> tuple[str, bytes]:
    (att,) = reply.message["attachments"]
    with standin.lock:
        filename, content, _ = standin.attachments[int(att["id"])]
    return filename, content


def change_id_of(reply: Reply) -> int:
    head = reply.content.splitlines()[0]
    assert head.startswith("**Change #"), reply.content
    return int(head.removeprefix("**Change #").split("**", 1)[0])


def cli(drama: BotProcess, database: Path, *args: str) -> str:
    """`python bot.py ARGS` on another database (import/export need no Discord)."""
    env = {**drama.environment(), "DATABASE_PATH": str(database)}
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bot.py"), *args],
        cwd=database.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def every_admin_call(someone: Member, catalog_file: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Each /admin subcommand with options that would change the catalog if allowed."""
    title = {"title": AOUAD}
    return [
        ("admin show add", {"title": "Lovely Runner", "platform": "tvN"}),
        ("admin show edit", {**title, "platform": "Hulu"}),
        ("admin show remove", title),
        ("admin show alias", {**title, "alias": "Zombie School"}),
        ("admin season add", {**title, "season": 3}),
        ("admin season remove", {**title, "season": 2}),
        ("admin season status", {**title, "season": 2, "status": "renewed", "source": NETFLIX}),
        ("admin season date", {**title, "season": 2, "date": "2027", "official": True, "source": NETFLIX}),
        ("admin cast add", {**title, "actor": "Cho Yi-hyun", "character": "Choi Nam-ra", "season": 2}),
        ("admin cast remove", {**title, "actor": "Park Ji-hu", "season": 1}),
        ("admin trailer add", {**title, "season": 2, "url": "https://www.youtube.com/watch?v=s2teaser"}),
        ("admin trailer remove", {**title, "season": 1, "url": TRAILER}),
        ("admin curator add", {"user": someone}),
        ("admin curator remove", {"user": someone}),
        ("admin curator list", {}),
        ("admin history", title),
        ("admin undo", {"change_id": 1}),
        ("admin import", {"file": ("catalog.json", catalog_file)}),
        ("admin export", {}),
    ]


# --- who may edit ------------------------------------------------------------------------------


async def test_members_and_server_admins_who_are_not_curators_are_refused_everything(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, server_admin: Member, general: Channel
) -> None:
    admin = standin.command("admin")
    assert int(admin["default_member_permissions"]) == MANAGE_GUILD  # hidden from plain members
    catalog = json.loads((REPO_ROOT / "data" / "catalog.json").read_text(encoding="utf-8"))
    catalog["shows"][0]["title"] = "Rewritten by a server admin"
    before = state(drama.database)
    calls = every_admin_call(fan, json.dumps(catalog).encode())
    assert len(calls) == 19  # every subcommand of the design
    for member in (fan, server_admin):
        for path, options in calls:
            reply = await run(standin, path, by=member, at=general, **options)
            assert reply.ephemeral, path
            assert reply.content == CURATORS_ONLY, (path, reply.content)
            assert reply.embeds == [] and reply.message["attachments"] == [], path
    assert state(drama.database) == before


# --- the starter catalog's history ---------------------------------------------------------------


async def test_history_shows_the_2022_renewal_before_the_2025_move_to_filming(
    standin: DiscordStandIn, drama: BotProcess, owner: Member, general: Channel
) -> None:
    history = await run(standin, "admin history", by=owner, at=general, title=AOUAD)
    assert history.ephemeral
    lines = history.embeds[0]["description"].splitlines()
    # Newest first: the load, then the move to filming (23 July 2025), then the renewal (6 June 2022),
    # each dated the day it happened (a bare day: no invented time), with its own source.
    (load,) = [
        n
        for n, line in enumerate(lines)
        if "· starter catalog · added the show · source: catalog import" in line
    ]
    (filming,) = [n for n, line in enumerate(lines) if " 23 Jul 2025 · starter catalog · " in line]
    (renewal,) = [n for n, line in enumerate(lines) if " 6 Jun 2022 · starter catalog · " in line]
    assert load < filming < renewal
    assert lines[renewal].endswith(
        "the status of season 2: No official word → Renewed · source: Netflix at Geeked Week, 6 June 2022 "
        "(announced by the cast; posted by Netflix and Netflix Korea that day)"
    )
    assert lines[filming].endswith(f"the status of season 2: Renewed → Filming · source: {PRODUCTION}")
    assert "notified" not in lines[renewal] + lines[filming]  # a catalog load notifies no one


# --- a curator's edit is what fans are told ----------------------------------------------------


async def test_curator_status_edit_is_what_release_answers_and_undo_restores_it(
    standin: DiscordStandIn,
    drama: BotProcess,
    owner: Member,
    curator: Member,
    fan: Member,
    general: Channel,
) -> None:
    added = await run(standin, "admin curator add", by=owner, at=general, user=curator)
    assert added.ephemeral
    assert added.content.startswith(f"<@{curator.user.id}> is now a curator (change #")
    # A curator edits the catalog but not the curator list.
    refused = await run(standin, "admin curator add", by=curator, at=general, user=fan)
    assert refused.ephemeral and refused.content == OWNERS_ONLY

    before = await run(standin, "release", by=fan, at=general, title=AOUAD, season=2)
    edit = await run(
        standin,
        "admin season status",
        by=curator,
        at=general,
        title=AOUAD,
        season=2,
        status="renewed",
        source=NETFLIX,
    )
    assert edit.ephemeral
    change_id = change_id_of(edit)
    lines = edit.content.splitlines()
    assert lines[0] == f"**Change #{change_id}** · All of Us Are Dead, season 2"
    assert "- the status of season 2: Filming → Renewed" in lines
    assert f"- the status source of season 2: “{PRODUCTION}” → {NETFLIX}" in lines
    assert "Watchers of status will hear about it." in lines
    assert lines[-1] == f"Undo it with `/admin undo change_id:{change_id}`."

    after = await run(standin, "release", by=fan, at=general, title=AOUAD, season=2)
    (embed,) = after.embeds
    today = datetime.now(UTC).date()
    assert embed["description"] == (
        "Season 2 is officially renewed, and no release date has been announced. "
        f"Officially renewed since {today.day} {today.strftime('%b %Y')}. "
        "It was expected in 2023 (reported in 2022) and in 2024 (reported in January 2024); "
        "both passed without a release."
    )
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Status (official)"].startswith(f"Renewed\nSource: <{NETFLIX}> · as of ")
    # The date is a separate fact: still not announced, with the expectations that passed.
    (old_embed,) = before.embeds
    old_fields = {f["name"]: f["value"] for f in old_embed["fields"]}
    assert fields["Release date"] == old_fields["Release date"]
    assert fields["Release date"].startswith("Not announced\n")

    # Resubmitting the same edit changes nothing and records nothing.
    again = await run(
        standin,
        "admin season status",
        by=curator,
        at=general,
        title=AOUAD,
        season=2,
        status="renewed",
        source=NETFLIX,
    )
    assert again.content == "Nothing changed: season 2 already has that status, source and as-of date."

    history = await run(standin, "admin history", by=curator, at=general, title=AOUAD)
    assert history.ephemeral
    first_line = history.embeds[0]["description"].splitlines()[0]
    assert first_line.startswith(f"**#{change_id}** <t:")
    assert f"curator (<@{curator.user.id}>)" in first_line
    assert "Filming → Renewed" in first_line and f"source: <{NETFLIX}>" in first_line

    undone = await run(standin, "admin undo", by=curator, at=general, change_id=change_id)
    assert undone.ephemeral
    assert undone.content.splitlines()[0] == (
        f"**Change #{change_id_of(undone)}** (undid change #{change_id}) · All of Us Are Dead, season 2"
    )
    restored = await run(standin, "release", by=fan, at=general, title=AOUAD, season=2)
    assert restored.embeds == before.embeds
    twice = await run(standin, "admin undo", by=curator, at=general, change_id=change_id)
    assert twice.content == f"Change #{change_id} was already undone by change #{change_id_of(undone)}."


async def test_bad_input_gets_one_private_sentence(
    standin: DiscordStandIn, drama: BotProcess, owner: Member, general: Channel
) -> None:
    before = state(drama.database)
    cases = [
        (
            "admin season date",
            {"title": AOUAD, "season": 2, "date": "2023-02-30", "official": True, "source": NETFLIX},
            "2023-02-30 is not a date: February 2023 has 28 days.",
        ),
        (
            "admin season status",
            {"title": AOUAD, "season": 7, "status": "renewed", "source": NETFLIX},
            "All of Us Are Dead has no season 7; its seasons are 1 and 2.",
        ),
        (
            "admin trailer add",
            {"title": AOUAD, "season": 2, "url": "https://evil.example/video"},
            "The trailer link must be on a known video site",
        ),
        ("admin undo", {"change_id": 99999}, "There is no change #99999."),
    ]
    for path, options, message in cases:
        reply = await run(standin, path, by=owner, at=general, **options)
        assert reply.ephemeral, path
        assert reply.content.startswith(message), (path, reply.content)
    assert state(drama.database) == before


async def test_links_that_are_not_what_they_look_like_are_refused_clearly(
    standin: DiscordStandIn, drama: BotProcess, owner: Member, general: Channel
) -> None:
    before = state(drama.database)
    cases = [
        # A browser opens evil.example: "\\" is read as "/".
        (
            "https://evil.example\\.youtube.com/x",
            "The trailer link has characters a link can't contain (\\).",
        ),
        (
            "https://www.youtube.com/watch?v=<>[x](https://evil.example)",
            "The trailer link has characters a link can't contain (< >).",
        ),
        ("https://[x", "The trailer link must be a web address with a host name"),
    ]
    for url, message in cases:
        reply = await run(standin, "admin trailer add", by=owner, at=general, title=AOUAD, season=2, url=url)
        assert reply.ephemeral, url
        assert reply.content.startswith(message), (url, reply.content)
        assert "Something went wrong" not in reply.content
    assert state(drama.database) == before


async def test_show_edit_takes_the_synopsis_in_a_form_and_history_pages(
    standin: DiscordStandIn, drama: BotProcess, owner: Member, fan: Member, general: Channel
) -> None:
    handle = standin.slash("admin show edit", by=owner, at=general, title="Signal", platform="TVING")
    modal = await handle.modal(within=10)
    (field,) = [c for row in modal["components"] for c in (row.get("components") or [row.get("component")])]
    starter = json.loads((REPO_ROOT / "data" / "catalog.json").read_text(encoding="utf-8"))
    synopsis = next(x["synopsis"] for x in starter["shows"] if x["slug"] == "signal")
    assert (field.get("value") or None) == synopsis  # prefilled with the current synopsis
    submitted = standin.submit_modal(
        modal,
        {field["custom_id"]: "A detective talks to the past through a walkie-talkie."},
        by=owner,
        at=general,
    )
    reply = delivered(await submitted.reply(within=10))
    assert reply.ephemeral
    lines = reply.content.splitlines()
    assert lines[0].startswith("**Change #") and lines[0].endswith("** · Signal")
    assert any(line.startswith("- the synopsis: ") for line in lines), lines
    assert "Notifies no one." in lines
    shown = await run(standin, "show", by=fan, at=general, title="Signal")
    assert "A detective talks to the past through a walkie-talkie." in shown.text()

    # Enough changes for two history pages; the buttons page through them, newest first.
    for n in range(9):
        await run(
            standin, "admin show alias", by=owner, at=general, title="Signal", alias=f"Signal alias {n}"
        )
    first = await run(standin, "admin history", by=owner, at=general, title="Signal")
    embed = first.embeds[0]
    assert embed["footer"]["text"].startswith("Page 1 of 2 · ")
    assert "added the alias “Signal alias 8”" in embed["description"].splitlines()[0]
    older = next(b for b in first.buttons() if b["label"] == "Older ▶")
    second = delivered(await standin.click(first, older["custom_id"], by=owner, at=general).reply(within=10))
    assert second.embeds[0]["footer"]["text"] == "Page 2 of 2 · 11 changes · newest first"
    oldest = second.embeds[0]["description"].splitlines()
    assert len(oldest) == 3
    assert "added the alias “Signal alias 0”" in oldest[0]
    assert "the platform: " in oldest[1] and "the synopsis: " in oldest[1]
    assert "starter catalog · added the show" in oldest[2]
    # A fan who got hold of the button still can't read the log.
    peek = delivered(await standin.click(first, older["custom_id"], by=fan, at=general).reply(within=10))
    assert peek.ephemeral and peek.content == CURATORS_ONLY


# --- import and export -------------------------------------------------------------------------


async def test_a_bad_import_changes_nothing_and_names_the_entry(
    standin: DiscordStandIn, drama: BotProcess, owner: Member, general: Channel
) -> None:
    catalog = json.loads((REPO_ROOT / "data" / "catalog.json").read_text(encoding="utf-8"))
    catalog["shows"][0]["title"] = "Would have been renamed"
    catalog["shows"][5]["seasons"][0]["release"]["date"] = "2023-02-30"
    wrong = catalog["shows"][5]["title"]
    before = state(drama.database)
    reply = await run(
        standin, "admin import", by=owner, at=general, file=("bad.json", json.dumps(catalog).encode())
    )
    assert reply.ephemeral
    assert reply.content == (
        f"Nothing imported: shows[5] ({wrong}): 2023-02-30 is not a date: February 2023 has 28 days."
    )
    not_json = await run(standin, "admin import", by=owner, at=general, file=("x.json", b"{oops"))
    assert not_json.content == "Nothing imported: the file is not valid JSON (line 1, column 2)."
    assert state(drama.database) == before

    # Files that crashed the import before: each is one sentence naming the entry.
    show = '{"slug": "bad-show", "title": "Bad Show", '
    hostile = [
        (
            show + '"seasons": ' + "[" * 50_000 + "]" * 50_000 + "}",
            "shows[0]: lists or objects nest too deeply",
        ),
        (
            show + '"seasons": [{"number": 1, "episodes": ' + "7" * 5000 + "}]}",
            "shows[0] (Bad Show): season 1 episodes",
        ),
        (
            show + '"seasons": [{"number": 1000}]}',
            "shows[0] (Bad Show): season number must be a whole number from 1 to 99",
        ),
        (
            show + '"cast": [{"actor": "Kim"}, {"actor": "Kim"}]}',
            "shows[0] (Bad Show): the cast lists Kim twice",
        ),
    ]
    for body, names in hostile:
        text = '{"format": 1, "shows": [' + body + "]}"
        refused = await run(standin, "admin import", by=owner, at=general, file=("bad.json", text.encode()))
        assert refused.ephemeral and refused.content.startswith(f"Nothing imported: {names}"), refused.content
    assert state(drama.database) == before


async def test_export_then_import_into_a_new_database_gives_the_same_catalog(
    standin: DiscordStandIn,
    drama: BotProcess,
    owner: Member,
    fan: Member,
    general: Channel,
    bot_factory: Callable[..., BotProcess],
    tmp_path: Path,
) -> None:
    # Make the catalog differ from the starter first, so the round trip carries real edits.
    await run(standin, "admin show add", by=owner, at=general, title="Lovely Runner", platform="tvN")
    await run(standin, "admin season add", by=owner, at=general, title="lovely-runner", season=1, episodes=16)
    await run(
        standin,
        "admin season date",
        by=owner,
        at=general,
        title=AOUAD,
        season=2,
        date="Q4 2027",
        official=False,
        source="Soompi report",
    )
    exported = await run(standin, "admin export", by=owner, at=general)
    assert exported.ephemeral
    filename, content = attachment_bytes(standin, exported)
    assert filename.startswith("drama-catalog-") and filename.endswith(".json")
    shows = json.loads(content)["shows"]
    assert exported.content.startswith(f"The catalog: {len(shows)} shows.")
    assert "lovely-runner" in {s["slug"] for s in shows}

    # A truly empty database: `bot.py import` then `bot.py export` give the same file back.
    (tmp_path / "exported.json").write_bytes(content)
    empty_db = tmp_path / "empty" / "kdrama.db"
    empty_db.parent.mkdir()
    cli(drama, empty_db, "import", str(tmp_path / "exported.json"))
    cli(drama, empty_db, "export", str(tmp_path / "again.json"))
    assert (tmp_path / "again.json").read_bytes() == content

    # A freshly installed bot (its new database holds only the starter) takes the file by
    # /admin import and exports the same catalog.
    assert drama.stop() == 0
    fresh = bot_factory(script=REPO_ROOT / "bot.py", ready_marker="Drama bot ready", name="fresh")
    fresh.start()
    try:
        imported = await run(standin, "admin import", by=owner, at=general, file=("exported.json", content))
        assert imported.ephemeral
        starter = {
            x["slug"]: x
            for x in json.loads((REPO_ROOT / "data" / "catalog.json").read_text(encoding="utf-8"))["shows"]
        }
        changed = sorted(x["title"] for x in shows if x["slug"] in starter and x != starter[x["slug"]])
        assert "All of Us Are Dead" in changed
        assert imported.content.startswith(
            f"Imported: added 1 show (Lovely Runner); changed {len(changed)} ({', '.join(changed)}); "
            f"{len(shows) - 1 - len(changed)} already up to date. Recorded as change #"
        )
        assert imported.content.endswith("; each can be undone with `/admin undo`.")
        again = await run(standin, "admin export", by=owner, at=general)
        assert attachment_bytes(standin, again)[1] == content
        release = await run(standin, "release", by=fan, at=general, title="All of Us Are Dead", season=2)
        assert "reports expect it in Q4 2027" in release.embeds[0]["description"]
    finally:
        assert fresh.stop() == 0
        drama.start()

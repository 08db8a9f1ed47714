"""What a subscribed channel receives: one message per change, escaped, with its links."""

from __future__ import annotations

from datetime import UTC, datetime

from kdrama.dates import PartialDate
from kdrama.models import Actor, ChangeItem, Event
from kdrama.render import to_text
from kdrama.store import Store
from tests.unit.watch.helpers import (
    AOUAD,
    CURATOR,
    FakeDiscord,
    add_trailer,
    engine_for,
    ref,
    renew,
    rows,
    schedule,
    subscribe,
)


async def test_a_change_of_several_fields_is_one_message_naming_them_all(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show, role=501)
    await subscribe(store, 2, None)
    await renew(store, show, with_date=True)
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert len(fake.in_channel(1)) == len(fake.in_channel(2)) == 1
    reply = fake.in_channel(1)[0]
    assert reply.content == "<@&501>"  # the chosen role and nothing else
    assert fake.in_channel(2)[0].content is None
    text = to_text(reply)
    assert "All of Us Are Dead · Season 2" in text
    assert "No official word → Renewed" in text
    assert "Release date:\n2023 (expected, not official) → Q4 2025 (expected, not official)" in text
    assert "https://about.netflix.com/en/news/all-of-us-are-dead-season-2" in text
    assert {r[1] for r in await rows(store)} == {"sent"}


async def test_catalog_text_is_escaped_in_the_notice(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    async with store.transaction():
        await store.changes.record(
            actor=Actor(7, "@everyone **bold**"),
            action="cast.add",
            show=show,
            season_number=2,
            source="rumour on @everyone's blog",
            items=[
                ChangeItem(  # as /admin cast add records a new entry
                    "credit",
                    f"{AOUAD}#2#Cho Yi-hyun",
                    "*",
                    None,
                    {
                        "season_number": 2,
                        "actor": "Cho Yi-hyun",
                        "korean_name": None,
                        "character": "**Nam-ra** @here",
                        "billing": 2,
                        "official": True,
                        "source": "rumour on @everyone's blog",
                    },
                )
            ],
            events={Event.CAST},
        )
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    embed = fake.in_channel(1)[0].embeds[0].to_dict()
    flat = str(embed)
    assert "@everyone" not in flat.replace("@\u200beveryone", "")
    assert "@here" not in flat.replace("@\u200bhere", "")
    (cast,) = [f for f in embed["fields"] if f["name"] == "Cast announced"]
    assert cast["value"] == "**Cho Yi-hyun** as \\*\\*Nam-ra\\*\\* @\u200bhere (official)"


async def test_a_trailer_notice_carries_a_link_button(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await add_trailer(store, show)
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    reply = fake.in_channel(1)[0]
    assert reply.links[0].url == "https://www.youtube.com/watch?v=IN5TD4VRcSM"
    assert reply.embeds[0].fields[0].name == "New teaser"


async def test_an_exact_premiere_time_is_shown_as_discord_timestamps(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    at = datetime(2027, 1, 29, 8, 0, tzinfo=UTC)
    await schedule(store, show, at)
    async with store.transaction():
        await store.changes.record(
            actor=CURATOR,
            action="season.date",
            show=show,
            season_number=1,
            source="https://about.netflix.com",
            items=[
                ChangeItem(
                    "season",
                    f"{AOUAD}#1",
                    "release_date",
                    "Q1 2027",
                    PartialDate.from_datetime(at).canonical(),
                )
            ],
            events={Event.DATE},
        )
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    (field_,) = [
        f for f in fake.in_channel(1)[0].embeds[0].fields if f.name and f.name.startswith("Release date")
    ]
    stamp = int(at.timestamp())
    assert field_.name == "Release date"
    assert field_.value == f"Q1 2027 (official) → **<t:{stamp}:F> (<t:{stamp}:R>) (official)**"


async def test_a_curators_date_edit_is_one_field_saying_what_became_official(store: Store) -> None:
    from kdrama import edits
    from kdrama.lookup import Catalog

    show = await ref(store, AOUAD)
    await subscribe(store, 1, show, events=frozenset({Event.DATE}))
    catalog = await Catalog.load(store)
    netflix = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
    await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", netflix)  # not date news
    await edits.set_date(
        catalog, CURATOR, AOUAD, 2, "2027-01-29 17:00", True, netflix, note="Teased at Tudum"
    )
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    (reply,) = fake.in_channel(1)
    embed = reply.embeds[0]
    stamp = int(datetime(2027, 1, 29, 8, 0, tzinfo=UTC).timestamp())
    assert [(f.name, f.value) for f in embed.fields] == [
        (
            "Release date",
            f"unknown → **<t:{stamp}:F> (<t:{stamp}:R>) (official)**",
        ),
        ("Release date note", "Teased at Tudum"),
        ("Source", f"<{netflix}>"),
    ]
    assert embed.description == "Release date news for Season 2 of All of Us Are Dead."

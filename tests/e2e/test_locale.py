"""Answers and commands in the fan's language, end to end: the real bot, the Discord stand-in.

A Korean client (`locale` "ko") reads the seed answers in Korean; en-US reads them exactly as
before; a language we have no catalog for (French) falls back to English. The synced commands
carry Korean names and descriptions that pass the stand-in's copy of Discord's validation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.standin.process import REPO_ROOT, BotProcess
from tests.standin.scenario import DiscordStandIn, Reply
from tests.standin.validation import valid_name, validate_commands
from tests.standin.world import Channel, Guild, Member

pytestmark = pytest.mark.asyncio

AOUAD = "all-of-us-are-dead"
ARTICLE = '"All of Us Are Dead Season 2: everything we know so far" (fan article citing Rotten Tomatoes)'
PRODUCTION = "Netflix's production announcement, 23 July 2025"
NETFLIX = "https://www.netflix.com/title/81237994"
FOOTER_KO = "공식: 방송사나 제작사가 확인함. 예상: 보도되었으나 확인되지 않음."
FOOTER_EN = "Official: confirmed by the network or studio. Expected: reported, not confirmed."


@pytest.fixture(scope="module")
def guild(standin_server: DiscordStandIn) -> Guild:
    """An English-speaking fan server (en-US) with news channels, made before the bot connects."""
    return standin_server.make_guild(
        "K-drama fans", channels=("general", "news-ko", "news-en", "news-server")
    )


@pytest.fixture(scope="module")
def drama(guild: Guild, bot_factory: Callable[..., BotProcess]) -> Iterator[BotProcess]:
    """The real bot (`python bot.py`) on a fresh database, for the whole module."""
    proc = bot_factory(
        script=REPO_ROOT / "bot.py", ready_marker="Drama bot ready", require_sync=True, name="drama"
    )
    proc.start()
    yield proc


async def ask(
    standin: DiscordStandIn, path: str, *, by: Member, at: Channel, locale: str, **options: Any
) -> Reply:
    """Run a slash command from a client in `locale`; check it was answered in time, pinging no one."""
    reply = await standin.slash(path, by=by, at=at, locale=locale, **options).reply(within=10)
    assert reply.elapsed is not None and reply.elapsed < 3.0
    assert reply.allowed_mentions == {"parse": []}
    return reply


def fields(reply: Reply) -> list[tuple[str, str]]:
    assert len(reply.embeds) == 1, reply.embeds
    return [(f["name"], f["value"]) for f in reply.embeds[0].get("fields") or []]


def link_buttons(reply: Reply) -> list[tuple[str, str]]:
    return [(b["label"], b["url"]) for b in reply.buttons() if b.get("style") == 5]


# --- the command tree ----------------------------------------------------------------------


def _nodes(node: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, node
    for option in node.get("options") or []:
        yield from _nodes(option, f"{path} {option['name']}")


async def test_synced_commands_carry_korean_names_and_descriptions(
    standin: DiscordStandIn, drama: BotProcess
) -> None:
    synced = list(standin.global_commands.values())
    assert validate_commands(synced) == {}  # the stand-in also refused any sync that failed it
    missing: list[str] = []
    for command in synced:
        for path, node in _nodes(command, "/" + command["name"]):
            name = (node.get("name_localizations") or {}).get("ko")
            description = (node.get("description_localizations") or {}).get("ko")
            if not name or not valid_name(name):
                missing.append(f"{path}: name {name!r}")
            if not description or not 1 <= len(description) <= 100:
                missing.append(f"{path}: description {description!r}")
            for choice in node.get("choices") or []:
                if not (choice.get("name_localizations") or {}).get("ko"):
                    missing.append(f"{path}: choice {choice['name']!r}")
    assert missing == []
    release = standin.command("release")
    assert release["name_localizations"] == {"ko": "공개일"}
    assert release["description_localizations"] == {"ko": "작품이나 다음 시즌이 언제 공개되는지 알려 줍니다"}
    assert [(o["name"], o["name_localizations"]) for o in release["options"]] == [
        ("title", {"ko": "제목"}),
        ("season", {"ko": "시즌"}),
    ]
    # Interactions still carry the English names: the Korean ones are only what Discord shows.
    assert {c["name"] for c in synced} >= {"show", "release", "cast", "trailer", "upcoming", "search"}


# --- the seed answers ----------------------------------------------------------------------


async def test_release_of_season_two_in_korean(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "release", by=fan, at=general, locale="ko", title=AOUAD, season=2)
    assert not reply.ephemeral
    embed = reply.embeds[0]
    assert embed["title"] == "지금 우리 학교는 (All of Us Are Dead) · 시즌 2"
    # Filming officially since 23 July 2025 (a day), as-of February 2026 (a month), the
    # expected 2023 and 2024 (years) with the age of their reports: each at its precision.
    assert embed["description"] == (
        "시즌 2 촬영 중입니다. 공개일은 아직 발표되지 않았습니다. "
        "2025년 7월 23일부터 공식 촬영 중 상태입니다. 1년도 더 지난 정보라 지금과 다를 수 있습니다. "
        "2023년에 (2022년 보도) 및 2024년에 (2024년 1월 보도) 공개될 것으로 예상되었지만, "
        "두 시기 모두 지나도록 공개되지 않았습니다."
    )
    assert fields(reply) == [
        (
            "상태 (공식)",
            "촬영 중\n"
            "Filming was reported wrapped in February 2026 (18–19 February); not confirmed by Netflix.\n"
            f"출처: {PRODUCTION} · 2025년 7월 23일 기준",
        ),
        (
            "공개일",
            "발표되지 않음\n"
            "Reports in February 2026 expected late 2026. "
            "None of the expected dates (2023, 2024, late 2026) was official.\n"
            "출처: Media reports of the filming wrap, February 2026: Netflix announced no date, "
            "and season 2 was not on Netflix's 2026 slate · 2026년 2월 기준\n"
            f"이전: 2023년 (예상, 2022년 보도), 공개되지 않고 지나감. 출처: {ARTICLE}\n"
            "이전: 2024년 (예상, 2024년 1월 보도), 공개되지 않고 지나감. 출처: An agency statement, January 2024",
        ),
        ("참고", f"Directed by Lee Jae-kyoo and Kim Nam-su, written by Chun Sung-il ({PRODUCTION})."),
        ("다른 시즌", "**시즌 1**: 공개 완료 · 2022년 1월 28일 (공식) · 12부작"),
    ]
    assert embed["footer"]["text"] == FOOTER_KO
    assert link_buttons(reply) == [("Netflix에서 보기", NETFLIX)]


async def test_release_of_season_one_in_korean(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    reply = await ask(standin, "release", by=fan, at=general, locale="ko", title=AOUAD, season=1)
    embed = reply.embeds[0]
    assert embed["title"] == "지금 우리 학교는 (All of Us Are Dead) · 시즌 1"
    assert embed["description"] == "시즌 1: 2022년 1월 28일에 공개되었습니다."
    got = dict(fields(reply))
    assert got["상태 (공식)"].split("\n")[0] == "공개 완료"
    assert got["공개일"].split("\n")[0] == "2022년 1월 28일 (공식)"
    assert got["회차"] == "12"
    assert got["다른 시즌"] == (
        "**시즌 2**: 촬영 중 · 2025년 7월 23일 기준 상태, 지금과 다를 수 있음; "
        "2023년에 (2022년 보도) 및 2024년에 (2024년 1월 보도) 예상되었으나 공개되지 않음"
    )


async def test_english_clients_read_the_answers_as_before_and_other_languages_fall_back(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    us = await ask(standin, "release", by=fan, at=general, locale="en-US", title=AOUAD, season=2)
    embed = us.embeds[0]
    assert embed["title"] == "All of Us Are Dead · Season 2"
    assert embed["description"] == (
        "Season 2 is filming, and no release date has been announced. "
        "Officially filming since 23 Jul 2025; that was over a year ago, so it may be out of date. "
        "It was expected in 2023 (reported in 2022) and in 2024 (reported in January 2024); "
        "both passed without a release."
    )
    assert fields(us)[0] == (
        "Status (official)",
        "Filming\n"
        "Filming was reported wrapped in February 2026 (18–19 February); not confirmed by Netflix.\n"
        f"Source: {PRODUCTION} · as of 23 Jul 2025",
    )
    assert embed["footer"]["text"] == FOOTER_EN
    assert link_buttons(us) == [("Watch on Netflix", NETFLIX)]
    one = await ask(standin, "release", by=fan, at=general, locale="en-US", title=AOUAD, season=1)
    assert one.embeds[0]["description"] == "Season 1 was released on 28 January 2022."
    for locale in ("en-GB", "fr", "es-ES"):
        other = await ask(standin, "release", by=fan, at=general, locale=locale, title=AOUAD, season=2)
        assert other.embeds == us.embeds, locale
        assert link_buttons(other) == link_buttons(us), locale


async def test_errors_in_korean_and_private(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    unknown = await ask(standin, "release", by=fan, at=general, locale="ko", title="All of Us Are Ded")
    assert unknown.ephemeral
    assert (
        unknown.content
        == "“All of Us Are Ded” 작품을 찾을 수 없습니다. 찾으시는 작품이 “All of Us Are Dead”인가요?"
    )
    for command in ("release", "cast", "trailer"):
        no_season = await ask(standin, command, by=fan, at=general, locale="ko", title=AOUAD, season=5)
        assert no_season.ephemeral, command
        assert no_season.content == (
            "지금 우리 학교는 (All of Us Are Dead)에는 해당 시즌(시즌 5)이 없습니다. 있는 시즌: 1 및 2."
        )
    french = await ask(standin, "release", by=fan, at=general, locale="fr", title=AOUAD, season=5)
    assert french.content == "All of Us Are Dead has no season 5; its seasons are 1 and 2."


async def test_cast_trailer_show_and_season_autocomplete_in_korean(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    cast = await ask(standin, "cast", by=fan, at=general, locale="ko", title=AOUAD, season=1)
    assert cast.embeds[0]["title"] == "지금 우리 학교는 (All of Us Are Dead) · 시즌 1 · 출연진"
    assert cast.embeds[0]["description"].split("\n")[0] == "**Park Ji-hu** (박지후) – Nam On-jo 역"
    trailer = await ask(standin, "trailer", by=fan, at=general, locale="ko", title=AOUAD, season=2)
    assert trailer.content.split("\n")[0] == (
        "지금 우리 학교는 (All of Us Are Dead) 시즌 2 예고편은 아직 없습니다. "
        "시즌 1 예고편입니다: All of Us Are Dead \\| Official Trailer \\| Netflix"
    )
    show = await ask(standin, "show", by=fan, at=general, locale="ko", title=AOUAD)
    assert show.embeds[0]["title"] == "지금 우리 학교는 (All of Us Are Dead)"
    assert [name for name, _ in fields(show)][:1] == ["다른 이름"]
    assert [label for label, _ in link_buttons(show)] == ["예고편", "Netflix에서 보기"]
    handle = standin.autocomplete(
        "release", focused="season", by=fan, at=general, locale="ko", title=AOUAD, season=""
    )
    offered = await handle.choices(within=10)
    assert [c["name"] for c in offered] == [
        "시즌 2 · 촬영 중",
        "시즌 1 · 공개 완료 · 2022년 1월 28일",
    ]


# --- channel notices and /watch, /admin for Korean staff ------------------------------------

KINGDOM = "kingdom"
SOURCE = "https://www.netflix.com/tudum/articles/kingdom-season-3"


def news(guild: Guild, name: str) -> Channel:
    return next(c for c in guild.channels.values() if c.name == name)


async def test_each_channel_reads_a_curator_edit_in_its_own_language(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    mod = standin.manager_member(guild, "mod")
    korean = news(guild, "news-ko")
    # English staff choose Korean for one channel; its reply says so in English.
    added = await ask(standin, "watch add", by=mod, at=korean, locale="en-US", title=KINGDOM, language="ko")
    assert added.ephemeral
    assert added.content == (
        f"Now posting news about **Kingdom** in {korean.mention}: all events.\n"
        "Notifications are written in Korean."
    )
    # A channel added with no language takes the server's: English here...
    english = news(guild, "news-en")
    await ask(standin, "watch add", by=mod, at=english, locale="en-US", title=KINGDOM)
    # ...and Korean once the server's preferred locale is Korean; this Korean mod reads Korean.
    server = news(guild, "news-server")
    guild.locale = "ko"
    try:
        added = await ask(standin, "watch add", by=mod, at=server, locale="ko", title=KINGDOM)
    finally:
        guild.locale = "en-US"
    assert added.content == (
        f"이제 {server.mention}에 **킹덤 (Kingdom)** 소식을 올립니다: 모든 소식.\n알림은 한국어로 작성됩니다."
    )
    listed = await ask(standin, "watch list", by=mod, at=korean, locale="ko", channel=korean)
    assert listed.embeds[0]["title"] == "구독 중인 작품"
    assert listed.embeds[0]["fields"][0]["value"] == "• **킹덤 (Kingdom)** · 모든 소식"
    # Korean staff who type a word that names no event still get choices, each one the option takes.
    offered = await standin.autocomplete(
        "watch add", by=mod, at=korean, locale="ko", focused="events", title=KINGDOM, events="premiere,date"
    ).choices(within=10)
    assert offered == [{"name": "공개일 (date)", "value": "date"}]
    # Korean staff find what a channel follows by its Hangul, even by its initial consonants,
    # and read its Korean title first, as in /watch list; the value is still the slug.
    offered = await standin.autocomplete(
        "watch remove", by=mod, at=korean, locale="ko", focused="title", title="ㅋㄷ", channel=korean
    ).choices(within=10)
    assert offered == [{"name": "킹덤 (Kingdom)", "value": KINGDOM}]
    for typed in ("", "king"):
        offered = await standin.autocomplete(
            "watch remove", by=mod, at=korean, locale="ko", focused="title", title=typed, channel=korean
        ).choices(within=10)
        assert offered == [{"name": "킹덤 (Kingdom)", "value": KINGDOM}], typed
    # A show subscribed or unsubscribed between keystrokes is in (or out of) the next choices.
    await ask(
        standin,
        "watch add",
        by=mod,
        at=korean,
        locale="ko",
        title="squid-game",
        channel=korean,
        language="ko",
    )
    offered = await standin.autocomplete(
        "watch remove", by=mod, at=korean, locale="ko", focused="title", title="오징", channel=korean
    ).choices(within=10)
    assert offered == [{"name": "오징어 게임 (Squid Game)", "value": "squid-game"}]
    await ask(standin, "watch remove", by=mod, at=korean, locale="ko", title="squid-game", channel=korean)
    offered = await standin.autocomplete(
        "watch remove", by=mod, at=korean, locale="ko", focused="title", title="오징", channel=korean
    ).choices(within=10)
    assert offered == []
    # English staff read what they always did.
    listed = await ask(standin, "watch list", by=mod, at=korean, locale="en-US", channel=korean)
    assert listed.embeds[0]["fields"][0]["value"] == "• **Kingdom** · all events"
    offered = await standin.autocomplete(
        "watch remove", by=mod, at=korean, locale="en-US", focused="title", title="ㅋㄷ", channel=korean
    ).choices(within=10)
    assert offered == [{"name": "Kingdom (킹덤)", "value": KINGDOM}]

    owner = standin.owner_member(guild)
    general = news(guild, "general")
    await ask(standin, "admin season add", by=owner, at=general, locale="en-US", title=KINGDOM, season=3)
    await ask(
        standin,
        "admin season status",
        by=owner,
        at=general,
        locale="en-US",
        title=KINGDOM,
        season=3,
        status="renewed",
        source=SOURCE,
    )
    # One message per channel, each in the channel's language.
    for ch in (korean, server):
        (message,) = await standin.wait_channel_messages(ch, 1, within=15)
        embed = message.embeds[0]
        assert embed["title"] == "킹덤 (Kingdom) · 시즌 3"
        assert embed["description"] == "킹덤 (Kingdom) 시즌 3: 제작 확정."
        assert embed["fields"] == [
            {"name": "상태 (공식)", "value": "공식 발표 없음 → **제작 확정**", "inline": False},
            {"name": "출처", "value": f"<{SOURCE}>", "inline": False},
        ]
        assert embed["footer"]["text"] == f"{FOOTER_KO} 수정: {owner.user.username}."
    (message,) = await standin.wait_channel_messages(english, 1, within=15)
    assert message.embeds[0]["description"] == "Season 3 of Kingdom: Renewed."
    assert message.embeds[0]["fields"][0] == {
        "name": "Status (official)",
        "value": "No official word → **Renewed**",
        "inline": False,
    }


async def test_a_korean_curator_reads_admin_replies_history_and_refusals_in_korean(
    standin: DiscordStandIn, drama: BotProcess, guild: Guild
) -> None:
    owner = standin.owner_member(guild)
    general = news(guild, "general")
    edit = await ask(
        standin,
        "admin season date",
        by=owner,
        at=general,
        locale="ko",
        title=KINGDOM,
        season=3,
        date="2027",
        official=False,
        source=SOURCE,
    )
    assert edit.ephemeral
    lines = edit.content.splitlines()
    change_id = int(lines[0].split("#")[1].split("*")[0])
    assert lines[0] == f"**변경 #{change_id}** · Kingdom, 시즌 3"
    assert "- 시즌 3의 공개일: 알 수 없음 → 2027년" in lines
    assert lines[-2] == "공개일 소식을 구독한 채널에 알림이 갑니다."
    assert lines[-1] == f"`/관리 되돌리기 변경번호:{change_id}`로 되돌릴 수 있습니다."
    same = await ask(
        standin,
        "admin season date",
        by=owner,
        at=general,
        locale="ko",
        title=KINGDOM,
        season=3,
        date="2027",
        official=False,
        source=SOURCE,
    )
    assert same.content == "변경 사항 없음: 시즌 3에 이미 같은 공개일, 출처, 기준일이 있습니다."
    history = await ask(standin, "admin history", by=owner, at=general, locale="ko", title=KINGDOM)
    assert history.embeds[0]["title"] == "킹덤 (Kingdom) 변경 기록"
    newest = history.embeds[0]["description"].splitlines()[0]
    assert newest.startswith(f"**#{change_id}** ")
    assert "시즌 3의 공개일: 알 수 없음 → 2027년" in newest and newest.endswith("알림: 공개일")
    undone = await ask(standin, "admin undo", by=owner, at=general, locale="ko", change_id=change_id)
    assert undone.content.splitlines()[0].endswith(f"(변경 #{change_id} 되돌림) · Kingdom, 시즌 3")
    again = await ask(standin, "admin undo", by=owner, at=general, locale="ko", change_id=change_id)
    assert again.ephemeral
    assert again.content == f"변경 #{change_id}은(는) 이미 변경 #{change_id + 1}(으)로 되돌렸습니다."
    bad = await ask(
        standin,
        "admin season date",
        by=owner,
        at=general,
        locale="ko",
        title=KINGDOM,
        season=3,
        date="2027-02-30",
        official=True,
        source=SOURCE,
    )
    assert bad.content == "2027-02-30: 없는 날짜입니다. 2027년 2월은 28일까지 있습니다."
    mod = standin.manager_member(guild, "mod2")
    refused = await ask(standin, "admin history", by=mod, at=general, locale="ko", title=KINGDOM)
    assert refused.content == "Drama bot 큐레이터만 카탈로그를 수정할 수 있습니다."


async def test_lists_name_shows_korean_first_for_korean_readers(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    found = await ask(standin, "search", by=fan, at=general, locale="ko", query="오징어")
    assert fields(found)[0] == ("작품", "• **오징어 게임 (Squid Game)**")
    people = await ask(standin, "search", by=fan, at=general, locale="ko", query="Park Hae-soo")
    assert dict(fields(people))["인물"] == "• **Park Hae-soo** (박해수): 오징어 게임 (Squid Game)"
    english = await ask(standin, "search", by=fan, at=general, locale="en-US", query="오징어")
    assert fields(english)[0] == ("Shows", "• **Squid Game** (오징어 게임)")
    show = await ask(standin, "show", by=fan, at=general, locale="ko", title="squid-game")
    assert dict(fields(show))["비슷한 작품"].startswith(
        "지금 우리 학교는 (All of Us Are Dead), 지옥 (Hellbound)"
    )
    assert "D.P. (D.P.)" not in dict(fields(show))["비슷한 작품"]
    upcoming = await ask(standin, "upcoming", by=fan, at=general, locale="ko", days=3650)
    assert "• **지금 우리 학교는 (All of Us Are Dead)** 시즌 2: 촬영 중" in upcoming.embeds[0]["description"]


async def test_a_korean_fan_without_the_permission_is_told_in_korean(
    standin: DiscordStandIn, drama: BotProcess, fan: Member, general: Channel
) -> None:
    refused = await ask(standin, "watch add", by=fan, at=general, locale="ko", title=KINGDOM)
    assert refused.ephemeral
    assert refused.content == "이 명령어를 쓰려면 채널 관리하기 권한이 필요합니다."

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from kdrama import lookup_render, render, season_words
from kdrama.dates import PartialDate
from kdrama.lookup import CastAnswer, Overview, ReleaseAnswer, TrailerAnswer, UpcomingAnswer
from kdrama.models import Credit, ReleaseDate, Season, SeasonStatus, Show, ShowRef, Status, Trailer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SHOW = Show(id=1, slug="s", title="Sample Show")


def season(status: Status, when: str = "unknown", official: bool = False, **extra: object) -> Season:
    return Season(
        id=1,
        show_id=1,
        number=2,
        status=SeasonStatus(status, "https://example.org/status", PartialDate.parse("2026-11-01")),
        release=ReleaseDate(
            PartialDate.parse(when), official, "Some magazine, 2026-10", PartialDate.parse("2026-11-02")
        ),
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("status", "when", "official", "sentence"),
    [
        (
            Status.UNCONFIRMED,
            "unknown",
            False,
            "There is no official word on season 2 yet, and no release date has been announced.",
        ),
        (
            Status.UNCONFIRMED,
            "2023",
            False,
            "There is no official word on season 2 yet, and there is no official release date; reports expected it in 2023, which has passed without a release.",
        ),
        (
            Status.RENEWED,
            "2027",
            False,
            "Season 2 is officially renewed, and there is no official release date; reports expect it in 2027.",
        ),
        (Status.RENEWED, "Q3 2027", True, "Season 2 comes out in Q3 2027."),
        (Status.FILMING, "2027-03", True, "Season 2 comes out in March 2027."),
        (
            Status.POST_PRODUCTION,
            "unknown",
            False,
            "Season 2 is in post-production, and no release date has been announced.",
        ),
        (Status.SCHEDULED, "2027-01-15", True, "Season 2 comes out on 15 January 2027."),
        (
            Status.SCHEDULED,
            "2026-01-15",
            True,
            "Season 2 was officially due on 15 January 2026, but it is not out yet.",
        ),
        (Status.AIRING, "2026-11-01", True, "Season 2 is airing; it premiered on 1 November 2026."),
        (Status.RELEASED, "2022-01-28", True, "Season 2 was released on 28 January 2022."),
        (Status.RELEASED, "unknown", False, "Season 2 has been released."),
        (
            Status.CANCELLED,
            "2027",
            False,
            "Season 2 was cancelled; reports expected it in 2027 (not official), and that date no longer stands.",
        ),
        (Status.CANCELLED, "unknown", False, "Season 2 was cancelled."),
    ],
)
def test_every_status_and_precision_reads_honestly(
    status: Status, when: str, official: bool, sentence: str
) -> None:
    assert season_words.release_sentence(season(status, when, official), NOW) == sentence


def test_an_exact_time_is_a_discord_timestamp_each_reader_sees_locally() -> None:
    s = season(Status.SCHEDULED, "2027-01-15 17:00", True)
    unix = int(datetime(2027, 1, 15, 8, 0, tzinfo=UTC).timestamp())
    assert season_words.release_sentence(s, NOW) == f"Season 2 comes out on <t:{unix}:F> (<t:{unix}:R>)."
    text = render.plain(season_words.release_sentence(s, NOW), NOW)
    assert text == "Season 2 comes out on Friday, 15 January 2027 08:00 UTC (in 1 month)."


def test_release_embed_marks_official_and_expected_and_shows_sources() -> None:
    reply = lookup_render.release_reply(ReleaseAnswer(SHOW, season(Status.RENEWED, "2027", False), [], NOW))
    fields = {f.name: f.value for f in reply.embeds[0].fields}
    assert fields["Status (official)"] == "Renewed\nSource: <https://example.org/status> · as of 1 Nov 2026"
    assert (
        fields["Release date"]
        == "2027 (expected: reported, not official)\nSource: Some magazine, 2026-10 · as of 2 Nov 2026"
    )
    assert not reply.ephemeral


def test_catalog_text_cannot_ping_or_format() -> None:
    evil = Show(
        id=1,
        slug="s",
        title="@everyone **bold** <@123456789012345678> <@&234567890123456789> [x](https://evil.example)",
    )
    reply = lookup_render.release_reply(ReleaseAnswer(evil, season(Status.RENEWED), [], NOW))
    title = reply.embeds[0].title or ""
    assert (
        "@everyone" not in title
        and "**" not in title
        and "<@123456789012345678>" not in title
        and "<@&234567890123456789>" not in title
    )
    assert "\\*\\*bold\\*\\*" in title


def test_embeds_stay_inside_discord_limits_whatever_the_catalog_holds() -> None:
    huge = "x" * 5000
    show = Show(
        id=1,
        slug="s",
        title="T" * 400,
        synopsis=huge,
        aliases=tuple(f"alias {i} " + "y" * 90 for i in range(40)),
    )
    s = season(Status.RENEWED, notes=huge)
    reply = lookup_render.release_reply(ReleaseAnswer(show, s, [s] * 30, NOW))
    from kdrama.lookup import Overview

    overview = lookup_render.overview_reply(Overview(show, [s] * 60, None), NOW)
    for embed in (*reply.embeds, *overview.embeds):
        assert len(embed.title or "") <= 256
        assert len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25
        assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)
        assert len(embed) <= 6000
    assert (reply.embeds[0].title or "").endswith("…")


def test_a_long_cast_is_paged_and_every_page_fits() -> None:
    credits = [
        Credit(
            i,
            1,
            1,
            i,
            f"Actor {i} " + "n" * 60,
            "배우",
            f"Character {i} " + "c" * 60,
            i,
            i % 3 != 0,
            "Some outlet",
        )
        for i in range(1, 41)
    ]
    answer = CastAnswer(SHOW, 1, credits)
    first = lookup_render.cast_reply(answer, 0)
    last = lookup_render.cast_reply(answer, 99)
    assert (first.pages, first.page, last.page) == (4, 0, 3)
    assert "Page 1 of 4 · 40 people" in (first.embeds[0].footer.text or "")
    assert "Actor 1 " in (first.embeds[0].description or "")
    assert "Actor 40 " in (last.embeds[0].description or "")
    assert "(expected, not official; Some outlet)" in (first.embeds[0].description or "")
    for page in range(4):
        assert len(lookup_render.cast_reply(answer, page).embeds[0]) <= 6000


def test_error_replies_are_private_single_sentences() -> None:
    reply = render.error_reply("No show called “Nope”.")
    assert reply.ephemeral and reply.content == "No show called “Nope”." and not reply.embeds
    assert render.to_text(reply).startswith("(only you can see this)")


def test_fit_cuts_a_description_with_an_ellipsis() -> None:
    embed = render.fit(discord.Embed(title="t", description="d" * 5000))
    assert len(embed.description or "") == 4096 and (embed.description or "").endswith("…")


# --- how old a report is -------------------------------------------------------------------------


def dated_season(
    status: Status,
    status_as_of: str,
    when: str = "unknown",
    official: bool = False,
    release_as_of: str | None = None,
    earlier: tuple[ReleaseDate, ...] = (),
) -> Season:
    return Season(
        id=1,
        show_id=1,
        number=2,
        status=SeasonStatus(status, "Netflix", PartialDate.parse(status_as_of)),
        release=ReleaseDate(
            PartialDate.parse(when),
            official,
            "A magazine",
            PartialDate.parse(release_as_of) if release_as_of else None,
            history=earlier,
        ),
    )


def test_a_report_over_a_year_old_says_how_old_it_is_in_every_answer() -> None:
    s = dated_season(Status.RENEWED, "2022-06-06", "2027", False, "2022")
    release = render.to_text(lookup_render.release_reply(ReleaseAnswer(SHOW, s, [s], NOW)), NOW)
    assert (
        "Officially renewed since 6 Jun 2022; that was over a year ago, so it may be out of date. "
        "That date was reported in 2022; it may be out of date." in release
    )
    notes = "status as of 6 Jun 2022, may be out of date; reported in 2022, may be out of date"
    overview = render.to_text(lookup_render.overview_reply(Overview(SHOW, [s], None), NOW), NOW)
    assert f"Season 2: Renewed · 2027 (expected, not official) · {notes}" in overview
    ref = ShowRef(1, "s", "Sample Show")
    upcoming = render.to_text(lookup_render.upcoming_reply(UpcomingAnswer(90, NOW, [], [(ref, s)])), NOW)
    assert f"• Sample Show season 2: Renewed; expected 2027 (not official); {notes}" in upcoming


def test_a_recent_report_and_an_old_official_release_carry_no_warning() -> None:
    fresh = dated_season(Status.FILMING, "2026-10-01", "2027", False, "2026-10")
    text = render.to_text(lookup_render.release_reply(ReleaseAnswer(SHOW, fresh, [fresh], NOW)), NOW)
    assert "Officially filming since 1 Oct 2026." in text
    assert "may be out of date" not in text
    # Facts that do not move need no warning, however old: a season released in 2016.
    old = dated_season(Status.RELEASED, "2016-04-14", "2016-02-24", True, "2016-02-24")
    assert season_words.report_ages(old, NOW) == [] and season_words.report_notes(old, NOW) == ""
    assert "may be out of date" not in render.to_text(
        lookup_render.release_reply(ReleaseAnswer(SHOW, old, [old], NOW))
    )


def test_earlier_dates_that_passed_are_listed_with_the_age_of_each_report() -> None:
    earlier = (
        ReleaseDate(PartialDate.parse("2023"), False, "A fan article", PartialDate.parse("2022")),
        ReleaseDate(PartialDate.parse("Q3 2026"), False, "A later report", PartialDate.parse("2026-02")),
        ReleaseDate(PartialDate.parse("2028"), False, "A hopeful report", PartialDate.parse("2026-03")),
    )
    s = dated_season(Status.FILMING, "2026-01-05", earlier=earlier)
    assert season_words.report_ages(s, NOW)[-1] == (
        "It was expected in 2023 (reported in 2022) and in Q3 2026 (reported in February 2026); "
        "both passed without a release."
    )
    lines = season_words.history_lines(s, NOW)
    assert (
        lines[0]
        == "Earlier: 2023 (expected, reported in 2022), passed without a release. Source: A fan article"
    )
    assert lines[2] == "Earlier: 2028 (expected, reported in March 2026). Source: A hopeful report"


# Rows written before links were checked may hold one that is not what it looks like.
BACKSLASH = "https://evil.example\\.youtube.com/x"  # a browser opens evil.example
MASKED = "https://www.youtube.com/watch?v=<>[x](https://evil.example)"
GOOD = "https://www.youtube.com/watch?v=IN5TD4VRcSM"


def trailer_answer(url: str) -> TrailerAnswer:
    return TrailerAnswer(SHOW, 2, 2, Trailer(1, 1, 2, "Official Trailer", url, "trailer"))


def test_the_trailer_answer_puts_a_sound_link_bare_in_the_content_for_the_player() -> None:
    reply = lookup_render.trailer_reply(trailer_answer(GOOD))
    assert reply.content.splitlines()[-1] == GOOD


@pytest.mark.parametrize("stored", [BACKSLASH, MASKED, "https://[x"])
def test_a_stored_link_that_fails_the_checks_is_never_shown_as_a_link(stored: str) -> None:
    reply = lookup_render.trailer_reply(trailer_answer(stored))
    assert "evil.example" not in reply.content and "https://" not in reply.content, reply.content
    assert reply.content.splitlines()[-1] == render.LINK_WITHHELD
    overview = lookup_render.overview_reply(
        Overview(
            Show(id=1, slug="s", title="Sample Show", platform="Netflix", platform_url=stored),
            [season(Status.RENEWED)],
            Trailer(1, 1, 2, None, stored, "trailer"),
        ),
        NOW,
    )
    assert overview.links == []
    assert season_words.source_line(stored, None) == f"Source: {render.LINK_WITHHELD}"


def cast_text(source: str, locale: str = "en") -> str:
    credit = Credit(1, 1, 2, 1, "Some Actor", None, "Hero", 1, False, source)
    reply = lookup_render.cast_reply(
        CastAnswer(Show(id=1, slug="s", title="Sample Show"), 2, [credit]), locale=locale
    )
    return reply.embeds[0].description or ""


@pytest.mark.parametrize("stored", [BACKSLASH, MASKED, "https://[x"])
def test_a_stored_credit_source_that_fails_the_link_checks_is_not_a_link(stored: str) -> None:
    text = cast_text(stored)
    assert "evil.example" not in text and "https://" not in text, text
    assert text == f"**Some Actor** as Hero (expected, not official; {render.LINK_WITHHELD})"
    masked = "https://www.youtube.com/watch?v=<>[Official Netflix cast](https://evil.example)"
    assert "](https://evil.example)" not in cast_text(masked)


def test_a_credit_source_reads_like_every_other_source() -> None:
    assert cast_text(GOOD).endswith(f"(expected, not official; <{GOOD}>)")
    assert cast_text("Some outlet, 2026").endswith("(expected, not official; Some outlet, 2026)")
    tmdb = "https://www.themoviedb.org/tv/9000001"
    assert cast_text(tmdb).endswith(f"(expected, not official; TMDB (community-edited), <{tmdb}>)")
    assert "TMDB (사용자 편집 데이터), <https://www.themoviedb.org/tv/9000001>" in cast_text(tmdb, "ko")


def test_safe_escapes_exactly_as_discord_py_would_on_any_text() -> None:
    """safe() skips discord.py's escapes for text they would not change: never for text they would."""
    import random
    import unicodedata

    from discord.utils import escape_markdown, escape_mentions

    def reference(text: str) -> str:
        cleaned = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
        return escape_mentions(escape_markdown(cleaned))

    pieces = [*"ab -_\\~|*`>#[]()@&!09\n\t\u200b\u200d\u00a0\u3000가:/.<", "https://x.y/a_b", "@everyone"]
    pieces += ["@here", "123456789012345678", "[x](y)", ">>> ", "\x07", "\ue000", "\U000e0001", "  - "]
    rng = random.Random(14)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        assert render.safe(text) == reference(text), text
    assert render.safe("Kim Ji-won") == "Kim Ji-won"
    assert render.safe("- Kim\n# Lee") == "\\- Kim\n\\# Lee"

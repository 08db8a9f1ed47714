"""The sync planner: what TMDB would change, never clearing, downgrading or overruling a curator."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kdrama.dates import PartialDate
from kdrama.models import Credit, ReleaseDate, Season, SeasonStatus, Show, ShowRef, Status, Trailer
from kdrama.tmdb.mapping import TmdbEntry, map_show
from kdrama.tmdb.models import ImageConfig, parse_season, parse_show
from kdrama.tmdb.plan import CatalogShow, plan_sync
from tests.unit.tmdb.tmdb_bodies import season_body, show_body

NOW = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
IMAGES = ImageConfig("https://image.tmdb.org/t/p/", ("w500",))


def tmdb_entry() -> TmdbEntry:
    return map_show(
        parse_show(show_body()), fetched_at=NOW, images=IMAGES, seasons={1: parse_season(season_body(1))}
    )


def as_catalog(t: TmdbEntry) -> CatalogShow:
    """The catalog holding exactly what TMDB says (as if imported from it)."""
    e = t.entry
    show = Show(
        1, e.slug, e.title, e.korean_title, e.romanized_title, e.aliases, e.country, e.platform,
        e.platform_url, e.genres, e.synopsis, e.poster_url, (),
    )  # fmt: skip
    seasons = tuple(
        Season(10 + s.number, 1, s.number, s.episodes, s.notes, s.status, s.release) for s in e.seasons
    )
    credits = tuple(
        Credit(
            100 + i, 1, number, 200 + i, c.actor, c.korean_name, c.character, c.billing, c.official, c.source
        )
        for number, cast in [(None, e.cast), *((s.number, s.cast) for s in e.seasons)]
        for i, c in enumerate(cast)
    )
    trailers = tuple(
        Trailer(300 + i, 1, s.number, t.title, t.url, t.kind, t.published)
        for s in e.seasons
        for i, t in enumerate(s.trailers)
    )
    return CatalogShow(show, seasons, credits, trailers)


def test_a_show_the_catalog_lacks_is_planned_whole() -> None:
    t = tmdb_entry()
    plan = plan_sync(t, None)
    assert plan.new_show and [d.key for d in plan.apply] == ["show"] and plan.apply[0].new == t.entry


def test_nothing_new_plans_nothing() -> None:
    t = tmdb_entry()
    assert plan_sync(t, as_catalog(t)).empty


def test_a_changed_fact_is_planned_and_a_curated_one_is_a_conflict() -> None:
    t = tmdb_entry()
    current = as_catalog(t)
    current = replace(
        current, show=replace(current.show, synopsis="Old synopsis.", platform="Curated Stream")
    )
    plan = plan_sync(t, current, curated={"show.platform"})
    assert [(d.key, d.old, d.new) for d in plan.apply] == [
        ("show.synopsis", "Old synopsis.", "An invented drama for tests.")
    ]
    assert [(d.key, d.old, d.new) for d in plan.conflicts] == [
        ("show.platform", "Curated Stream", "Invented Stream")
    ]


def test_tmdb_silence_never_clears_and_lists_only_grow() -> None:
    t = tmdb_entry()
    current = as_catalog(t)
    current = replace(current, show=replace(current.show, aliases=("Curated Alias",)))
    silent = replace(t, entry=replace(t.entry, synopsis=None, genres=(), cast=()))
    plan = plan_sync(silent, current)
    assert [(d.key, d.new) for d in plan.apply] == [("show.aliases", ("Curated Alias", "Lanterns"))]


def test_an_unconfirmed_tmdb_season_never_downgrades_what_the_catalog_knows() -> None:
    t = tmdb_entry()
    current = as_catalog(t)
    official = ReleaseDate(
        PartialDate.parse("2027-04"), True, "https://example.org/press", PartialDate.parse("2026-10-01")
    )
    filming = Season(12, 1, 2, 12, None, SeasonStatus(Status.FILMING, "https://example.org/press"), official)
    current = replace(current, seasons=(current.seasons[0], filming))
    plan = plan_sync(t, current)
    assert not [d for d in plan.apply if d.key.startswith("season.2.status") or d.key == "season.2.release"]


def test_a_listed_date_fills_an_unknown_one_and_an_aired_season_moves_forward() -> None:
    t = tmdb_entry()
    current = as_catalog(t)
    s1, s2 = current.seasons
    s1 = replace(s1, status=SeasonStatus(Status.SCHEDULED))
    s2 = replace(s2, release=ReleaseDate())
    plan = plan_sync(t, replace(current, seasons=(s1, s2)))
    by_key = {d.key: d for d in plan.apply}
    assert by_key["season.1.status"].new.value is Status.RELEASED
    new_release = by_key["season.2.release"].new
    assert new_release.date == PartialDate.parse("2027-05-01") and not new_release.official


def test_a_new_season_new_trailer_and_resolved_similar_shows() -> None:
    t = tmdb_entry()
    current = as_catalog(t)
    current = replace(
        current,
        seasons=current.seasons[:1],
        trailers=(),
        show=replace(current.show, similar=(ShowRef(5, "curated-similar", "Curated Similar"),)),
    )
    plan = plan_sync(t, current, slugs_by_tmdb_id={9_100_002: "another-invention-9100002"})
    by_key = {d.key: d for d in plan.apply}
    assert by_key["season.2"].new.number == 2
    assert [x.url for x in by_key["season.1.trailers"].new] == ["https://www.youtube.com/watch?v=Season1Tr"]
    assert by_key["show.similar"].new == ("curated-similar", "another-invention-9100002")

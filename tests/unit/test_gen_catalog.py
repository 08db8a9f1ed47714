"""The benchmark catalog generator writes catalogs the import accepts."""

from __future__ import annotations

import json
import re
from datetime import date

from bench.gen_catalog import generate, main
from kdrama.catalog import parse_catalog

DATE_FORMS = re.compile(
    r"^(unknown|\d{4}|Q[1-4] \d{4}|\d{4}-\d{2}|\d{4}-\d{2}-\d{2}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$"
)
STATUSES = {
    "unconfirmed", "renewed", "filming", "post_production", "scheduled", "airing", "released",
    "cancelled",
}  # fmt: skip
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def check_day(value: str | None) -> None:
    if value is not None:
        date.fromisoformat(value)


def check_link(value: str | None) -> None:
    if value is not None and "://" in value:
        assert value.startswith("https://"), value


def test_catalog_follows_the_format() -> None:
    catalog = generate(300, seed=11)
    assert catalog["format"] == 1
    shows = catalog["shows"]
    slugs = [show["slug"] for show in shows]
    assert len(slugs) == len(set(slugs)) == 300
    precisions, statuses, korean_names = set(), set(), 0
    for show in shows:
        assert SLUG.match(show["slug"])
        assert show["title"].strip()
        assert set(show["similar"]) <= set(slugs) and show["slug"] not in show["similar"]
        for url in (show["platform_url"], show["poster_url"]):
            assert url is None or url.startswith("https://")
        numbers = [season["number"] for season in show["seasons"]]
        assert numbers == list(range(1, len(numbers) + 1)) and 1 <= len(numbers) <= 3
        for season in show["seasons"]:
            status, release = season["status"], season["release"]
            assert status["value"] in STATUSES
            statuses.add(status["value"])
            assert DATE_FORMS.match(release["date"]), release["date"]
            precisions.add(DATE_FORMS.match(release["date"]) and _precision(release["date"]))
            check_day(status["as_of"])
            check_day(release["as_of"])
            check_link(status["source"])
            check_link(release["source"])
            billings = [credit["billing"] for credit in season["cast"]]
            assert len(billings) == len(set(billings))
            people = [(c["actor"], c["korean_name"]) for c in season["cast"]]
            assert len(people) == len(set(people))
            korean_names += sum(1 for c in season["cast"] if c["korean_name"])
            for trailer in season["trailers"]:
                assert trailer["url"].startswith("https://www.youtube.com/watch?v=")
                assert trailer["kind"] in {"teaser", "trailer"}
                check_day(trailer["published"])
    assert statuses == STATUSES
    assert precisions == {"unknown", "year", "quarter", "month", "day", "exact"}
    assert korean_names > 0
    assert sum(1 for show in shows if show["korean_title"]) > 200


def _precision(value: str) -> str:
    if value == "unknown":
        return "unknown"
    if value.startswith("Q"):
        return "quarter"
    return {4: "year", 7: "month", 10: "day"}.get(len(value), "exact")


def test_same_seed_same_catalog_and_the_file_is_json(tmp_path) -> None:
    assert generate(40, seed=3) == generate(40, seed=3)
    assert generate(40, seed=3) != generate(40, seed=4)
    out = tmp_path / "catalog.json"
    main(["--shows", "40", "--seed", "3", "--out", str(out)])
    assert json.loads(out.read_text(encoding="utf-8")) == generate(40, seed=3)


def test_the_generated_catalog_is_one_the_import_accepts() -> None:
    # bench/ fills its databases with `bot.py import` of this catalog: a rule the import
    # gains (an expected cast entry needs its source) must not leave the benchmarks unable to start.
    shows = parse_catalog(generate(300, seed=11))
    assert len(shows) == 300
    expected = [c for s in shows for season in s.seasons for c in season.cast if not c.official]
    assert expected and all(c.source for c in expected)

"""The catalog file format: a whole file validated, the first wrong entry named, exported back."""

from __future__ import annotations

import json

import pytest

from kdrama.catalog import CatalogError, ImportReport, dumps, parse_catalog, parse_text, show_to_dict
from kdrama.errors import UserError


def minimal(**extra: object) -> dict[str, object]:
    return {"slug": "x", "title": "X", **extra}


def test_a_minimal_show_gets_the_documented_defaults() -> None:
    (entry,) = parse_catalog({"shows": [minimal()]})
    data = show_to_dict(entry)
    assert data["aliases"] == [] and data["seasons"] == [] and data["cast"] == []
    assert parse_text(dumps({"format": 1, "shows": [data]})) == [entry]


def test_the_first_wrong_entry_is_named() -> None:
    bad = minimal(seasons=[{"number": 1, "release": {"date": "2023-02-30"}}])
    with pytest.raises(CatalogError, match=r"^shows\[1\] \(X\): 2023-02-30 is not a date"):
        parse_catalog({"shows": [minimal(slug="ok", title="Ok"), bad]})


def test_a_slug_used_twice_is_refused() -> None:
    with pytest.raises(CatalogError, match="the slug 'x' is used twice"):
        parse_catalog({"shows": [minimal(), minimal(title="Other")]})


def test_text_that_is_not_json_is_refused_as_a_user_error() -> None:
    with pytest.raises(UserError, match="not valid JSON"):
        parse_text(b"{nope")
    with pytest.raises(CatalogError, match='"shows" list'):
        parse_text(json.dumps([1, 2]))


def test_an_import_report_reads_as_one_sentence() -> None:
    report = ImportReport(added=["A", "B"], changed=["C"], unchanged=3)
    assert report.summary() == "Imported: added 2 shows (A, B); changed 1 (C); 3 already up to date."
    assert ImportReport().summary() == "The file lists no shows."

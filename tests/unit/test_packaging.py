"""`pip install .` ships every package and the data the bot reads at start."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def setuptools_config() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]


def test_every_package_of_the_bot_is_installed() -> None:
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for top in ("kdrama", "cogs")
        for p in (REPO / top).rglob("__init__.py")
    }
    listed = setuptools_config()["packages"]
    assert isinstance(listed, list)
    assert sorted(found - set(listed)) == []


def test_the_message_catalogs_and_migrations_are_package_data() -> None:
    data = setuptools_config()["package-data"]
    assert isinstance(data, dict)
    kdrama = REPO / "kdrama"
    wanted = [
        *(kdrama / "locales").glob("*/LC_MESSAGES/messages.[mp]o"),
        *(kdrama / "migrations").glob("*.sql"),
    ]
    assert any(p.suffix == ".mo" for p in wanted)  # the bot reads these; the .po are for people
    for path in wanted:
        package = "kdrama.migrations" if path.suffix == ".sql" else "kdrama"
        relative = path.relative_to(REPO / package.replace(".", "/")).as_posix()
        globs = data.get(package, [])
        assert any(fnmatch.fnmatch(relative, g) for g in globs), f"{relative} is not in {package}'s data"

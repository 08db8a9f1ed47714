"""Languages: the catalogs are complete, dates read naturally, English stays as it was."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import discord
import pytest
from babel.messages.catalog import Catalog as MessageCatalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from discord import app_commands

from cogs.translator import NAME_CONTEXT, CommandTranslator
from kdrama import i18n, render
from kdrama.dates import PartialDate
from kdrama.errors import UserError
from kdrama.i18n import ENGLISH, LANGUAGES, LOCALES_DIR, any_of, placeholders
from kdrama.models import ReleaseDate, Season, SeasonStatus, Status
from kdrama.season_words import release_sentence, season_label

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 30, tzinfo=UTC)

Key = tuple[str | None, str]  # (context, message id)


def extracted_messages() -> dict[Key, str | tuple[str, str]]:
    """Every message in the code, as `pybabel extract -F babel.cfg` finds it."""
    with (REPO / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[Key, str | tuple[str, str]] = {}
    for _, _, message, _, context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        found[(context, msgid)] = message
    return found


def catalog_of(lang: str) -> MessageCatalog:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def problems(code: dict[Key, str | tuple[str, str]], catalog: MessageCatalog) -> list[str]:
    """What keeps a catalog from being complete: untranslated, fuzzy, stale or wrong placeholders."""
    found: list[str] = []
    in_catalog: set[Key] = set()
    for entry in catalog:
        if not entry.id:
            continue
        msgid = entry.id if isinstance(entry.id, str) else entry.id[0]
        in_catalog.add((entry.context, msgid))
    for (context, msgid), message in sorted(code.items(), key=str):
        entry = catalog.get(message if isinstance(message, str) else message[0], context=context)
        if entry is None:
            found.append(f"not in the catalog: {msgid!r}")
            continue
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        english = set().union(
            *(placeholders(m) for m in ([message] if isinstance(message, str) else message))
        )
        if entry.fuzzy or not all(strings):
            found.append(f"no translation: {msgid!r}")
        elif any(placeholders(s) != english for s in strings):
            found.append(f"placeholders differ: {msgid!r} -> {strings!r}")
    for _, msgid in sorted(in_catalog - set(code), key=str):
        found.append(f"no longer in the code (run the update): {msgid!r}")
    return found


COMPILE = ".venv/bin/python -m babel.messages.frontend compile -d kdrama/locales -D messages"


def mo_messages(mo: bytes) -> dict[object, object]:
    """What a compiled catalog answers: each (context, id or singular and plural) -> its string(s)."""
    catalog = read_mo(BytesIO(mo))

    def key(value: str | Iterable[str]) -> str | tuple[str, ...]:
        return value if isinstance(value, str) else tuple(value)  # plurals come as lists

    found: dict[object, object] = {(m.context, key(m.id)): key(m.string) for m in catalog if m.id}
    found["Plural-Forms"] = catalog.plural_forms
    return found


def compiled(po: bytes, lang: str) -> bytes:
    """The .mo `pybabel compile` writes for a .po: fuzzy entries left out."""
    out = BytesIO()
    write_mo(out, read_po(BytesIO(po), locale=lang, domain="messages"), use_fuzzy=False)
    return out.getvalue()


def stale(lang: str, po: bytes, mo: bytes) -> list[str]:
    """How the committed .mo differs from its .po compiled now (empty when it is current)."""
    want, have = mo_messages(compiled(po, lang)), mo_messages(mo)
    return [
        f"{key!r}: the .po says {want.get(key)!r}, the .mo {have.get(key)!r}"
        for key in sorted(want.keys() | have.keys(), key=repr)
        if want.get(key) != have.get(key)
    ]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != ENGLISH])
def test_the_committed_mo_is_the_po_compiled(lang: str) -> None:
    # The bot reads the .mo (stdlib gettext, no Babel at start); the .po is what people edit.
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    mo = folder / "messages.mo"
    assert mo.exists(), f"{lang} has no compiled catalog: run `{COMPILE}` and commit the .mo"
    differences = stale(lang, (folder / "messages.po").read_bytes(), mo.read_bytes())
    assert not differences, (
        f"kdrama/locales/{lang}/LC_MESSAGES/messages.mo is stale: run `{COMPILE}` and commit it. "
        f"{len(differences)} differences, first: " + "; ".join(differences[:5])
    )
    assert i18n.text(lang).gettext("unknown") != "unknown"  # and the bot reads it


def test_the_staleness_check_sees_a_changed_translation_a_new_message_and_a_fuzzy_one() -> None:
    po = (LOCALES_DIR / "ko" / "LC_MESSAGES" / "messages.po").read_bytes()
    mo = compiled(po, "ko")
    assert stale("ko", po, mo) == []
    changed = po.replace('msgstr "채널 관리하기"'.encode(), 'msgstr "채널 관리"'.encode())
    assert stale("ko", changed, mo) == [
        "(None, 'Manage Channels'): the .po says '채널 관리', the .mo '채널 관리하기'"
    ]
    added = po + b'\nmsgid "A new message"\nmsgstr "\xec\x83\x88"\n'
    assert len(stale("ko", added, mo)) == 1
    # (after its "#: bot.py:NN" line, whatever NN the last extraction wrote)
    fuzzy = po.replace(b'\nmsgid "Manage Channels"', b'\n#, fuzzy\nmsgid "Manage Channels"', 1)
    assert fuzzy != po
    assert stale("ko", fuzzy, mo) == ["(None, 'Manage Channels'): the .po says None, the .mo '채널 관리하기'"]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != ENGLISH])
def test_every_message_in_the_code_is_translated_with_its_placeholders(lang: str) -> None:
    code = extracted_messages()
    # The extraction sees the answers, the errors and the command tree.
    assert (None, "Season {number} was released {when}.") in code
    assert (None, "No show called “{title}”; did you mean {suggestions}?") in code
    assert (NAME_CONTEXT, "release") in code
    assert (None, "When a show or its next season comes out") in code
    assert problems(code, catalog_of(lang)) == []


def test_the_completeness_check_catches_missing_fuzzy_stale_and_bad_placeholders() -> None:
    code: dict[Key, str | tuple[str, str]] = {
        (None, "Season {number}"): "Season {number}",
        (None, "Cast"): "Cast",
        (None, "Notes"): "Notes",
        (NAME_CONTEXT, "show"): "show",
    }
    catalog = MessageCatalog(locale="ko")
    catalog.add("Season {number}", "시즌 {n}")  # a renamed placeholder
    catalog.add("Cast", "출연진", flags=["fuzzy"])
    catalog.add("Old message", "옛 메시지")
    catalog.add("show", "작품", context=NAME_CONTEXT)
    assert problems(code, catalog) == [
        "no translation: 'Cast'",
        "not in the catalog: 'Notes'",
        "placeholders differ: 'Season {number}' -> ['시즌 {n}']",
        "no longer in the code (run the update): 'Old message'",
    ]


# --- locales -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("discord_locale", "lang"),
    [("ko", "ko"), ("en-US", "en"), ("en-GB", "en"), ("fr", "en"), ("pt-BR", "en"), ("", "en"), (None, "en")],
)
def test_discord_locales_resolve_to_ours_with_english_as_the_fallback(
    discord_locale: object, lang: str
) -> None:
    assert i18n.resolve(discord_locale) == lang
    assert i18n.resolve(discord.Locale.korean.value) == "ko"


def test_a_user_error_is_answered_in_the_readers_language() -> None:
    error = UserError(
        "No show called “{title}”; did you mean {suggestions}?",
        title="x",
        suggestions=any_of(["“A”", "“B”", "“C”"]),
    )
    assert str(error) == "No show called “x”; did you mean “A”, “B” or “C”?"
    assert i18n.text("en-US").error(error) == str(error)
    assert (
        i18n.text("ko").error(error)
        == "“x” 작품을 찾을 수 없습니다. 찾으시는 작품이 “A”, “B” 또는 “C”인가요?"
    )


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "korean"),
    [
        ("2023", "2023년"),
        ("Q4 2023", "2023년 4분기"),
        ("Q1 2024", "2024년 1분기"),
        ("2023-10", "2023년 10월"),
        ("2023-10-06", "2023년 10월 6일"),
        ("2023-10-06 17:00", "2023년 10월 6일 08:00 UTC"),
        ("unknown", "알 수 없음"),
    ],
)
def test_korean_dates_at_each_precision(typed: str, korean: str) -> None:
    assert i18n.text("ko").date(PartialDate.parse(typed)) == korean


def test_english_dates_are_what_they_were_before_translations() -> None:
    en = i18n.text("en-US")
    for year in (1999, 2023, 2024):
        for month in range(1, 13):
            last = calendar.monthrange(year, month)[1]
            for typed in (
                f"{year}",
                f"Q{(month - 1) // 3 + 1} {year}",
                f"{year}-{month:02d}",
                f"{year}-{month:02d}-{last}",
            ):
                d = PartialDate.parse(typed)
                assert en.date(d) == d.human(), typed
            day = date(year, month, 9)
            assert en.day(day) == f"{day.day} {day.strftime('%b %Y')}"  # "9 Sep 2023", never "Sept"
    exact = PartialDate.parse("2023-10-06 17:00")
    assert en.date(exact) == exact.human() == "6 October 2023 08:00 UTC"


def test_korean_release_sentences_keep_each_dates_precision() -> None:
    def season(typed: str, official: bool, status: Status = Status.RENEWED) -> Season:
        release = ReleaseDate(PartialDate.parse(typed), official=official)
        return Season(1, 1, 2, status=SeasonStatus(status), release=release)

    ko = i18n.text("ko")
    assert release_sentence(season("2027-03", True), NOW, ko) == "2027년 3월에 시즌 2 공개 예정입니다."
    assert release_sentence(season("Q4 2027", False), NOW, ko) == (
        "시즌 2 제작이 공식 확정되었습니다. 공식 공개일은 없으며, 보도에 따르면 2027년 4분기에 공개될 것으로 예상됩니다."
    )
    assert release_sentence(season("2027-03", True), NOW) == "Season 2 comes out in March 2027."
    assert season_label(season("Q4 2027", False), "ko") == "시즌 2 · 제작 확정 · 2027년 4분기 예상"


def test_ask_in_korean_renders_timestamps_in_korean() -> None:
    at = datetime(2027, 3, 5, 12, 0, tzinfo=UTC)
    text = f"<t:{int(at.timestamp())}:F> (<t:{int(at.timestamp())}:R>)"
    assert (
        render.plain(text, at - timedelta(days=3), i18n.text("ko"))
        == "2027년 3월 5일 금요일 12:00 UTC (3일 후)"
    )
    assert render.plain(text, at - timedelta(days=3)) == "Friday, 5 March 2027 12:00 UTC (in 3 days)"


# --- the command tree ----------------------------------------------------------------------


async def test_the_translator_gives_korean_names_and_descriptions_and_nothing_for_english() -> None:
    translator = CommandTranslator()
    name = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_name, None)
    description = app_commands.TranslationContext(
        app_commands.TranslationContextLocation.command_description, None
    )
    release = app_commands.locale_str("release")
    about = app_commands.locale_str("When a show or its next season comes out")
    assert await translator.translate(release, discord.Locale.korean, name) == "공개일"
    assert (
        await translator.translate(about, discord.Locale.korean, description)
        == "작품이나 다음 시즌이 언제 공개되는지 알려 줍니다"
    )
    assert await translator.translate(release, discord.Locale.american_english, name) is None
    assert await translator.translate(release, discord.Locale.french, name) is None
    # Unknown text is left to Discord's default rather than sent untranslated as "Korean".
    assert await translator.translate(app_commands.locale_str("zzz"), discord.Locale.korean, name) is None

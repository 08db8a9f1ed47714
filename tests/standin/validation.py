"""Discord's validation of what a bot sends, and its error answers (400 50035 and friends)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any


class ApiError(Exception):
    """An error answer: HTTP status plus Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None):
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors


def not_found(code: int, what: str) -> ApiError:
    """A 404 with Discord's code and message, e.g. (10003, 'Unknown Channel')."""
    return ApiError(404, code, what)


def invalid_form(errors: dict[str, Any]) -> ApiError:
    """A 400 Invalid Form Body (50035)."""
    return ApiError(400, 50035, "Invalid Form Body", errors)


# Discord's locales (discord-api-docs, Reference: Locales), the keys localizations may use.
LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)


def valid_name(name: object) -> bool:
    """Discord's rule for command and option names, and their localizations:
    ^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$, lowercase where the script has case."""
    if not isinstance(name, str) or not 1 <= len(name) <= 32 or name != name.lower():
        return False
    return all(
        ch in "-_"
        or unicodedata.category(ch)[0] in "LN"
        or "\u0900" <= ch <= "\u097f"  # Devanagari, marks included
        or "\u0e00" <= ch <= "\u0e7f"  # Thai, marks included
        for ch in name
    )


def validate_localizations(
    node: dict[str, Any], path: str, err: Callable[[str, str], None], *, names: bool = True
) -> None:
    """name_localizations and description_localizations: known locales, valid values."""
    for key in ("name_localizations", "description_localizations"):
        values = node.get(key)
        if values is None:
            continue
        if not isinstance(values, dict):
            err(f"{path}.{key}", "Must be an object")
            continue
        for locale, value in values.items():
            where = f"{path}.{key}.{locale}"
            if locale not in LOCALES:
                err(where, f"Invalid locale {locale!r}")
            elif key == "description_localizations" and not (
                isinstance(value, str) and 1 <= len(value) <= 100
            ):
                err(where, "Must be between 1 and 100 in length.")
            elif key == "name_localizations" and names and not valid_name(value):
                err(where, f"Invalid name {value!r}")
            elif key == "name_localizations" and not (isinstance(value, str) and 1 <= len(value) <= 100):
                err(where, "Must be between 1 and 100 in length.")  # a choice's name


def localized_name(node: dict[str, Any], locale: str) -> str:
    return (node.get("name_localizations") or {}).get(locale) or node.get("name", "")


def unique_names(nodes: list[dict[str, Any]], path: str, err: Callable[[str, str], None]) -> None:
    """Siblings' names must differ in every locale, as Discord shows them."""
    locales = {loc for n in nodes for loc in (n.get("name_localizations") or {})}
    for locale in sorted(locales):
        names = [localized_name(n, locale) for n in nodes]
        if len(names) != len(set(names)):
            err(f"{path}.name_localizations.{locale}", "Application command names must be unique")


def validate_commands(commands: list[dict[str, Any]]) -> dict[str, Any]:
    errors: dict[str, Any] = {}

    def err(path: str, message: str) -> None:
        errors[path] = {"_errors": [{"code": "INVALID", "message": message}]}

    if len(commands) > 100:
        err("_", "Maximum of 100 commands")
    seen: set[tuple[str, int]] = set()
    for i, cmd in enumerate(commands):
        name = cmd.get("name", "")
        key = (name, cmd.get("type", 1))
        if key in seen:
            err(f"{i}.name", "Application command names must be unique")
        seen.add(key)
        validate_command_node(cmd, str(i), err, depth=0)
    for ctype in {c.get("type", 1) for c in commands}:
        unique_names([c for c in commands if c.get("type", 1) == ctype], "_", err)
    return errors


def validate_command_node(
    node: dict[str, Any], path: str, err: Callable[[str, str], None], depth: int
) -> None:
    name = node.get("name", "")
    if not valid_name(name):
        err(f"{path}.name", f"Invalid name {name!r}")
    ctype = node.get("type", 1)
    if depth == 0 and ctype != 1:
        return
    validate_localizations(node, path, err)
    description = node.get("description", "")
    if not 1 <= len(description) <= 100:
        err(f"{path}.description", "Must be between 1 and 100 in length.")
    options = node.get("options") or []
    if len(options) > 25:
        err(f"{path}.options", "Must be 25 or fewer in length.")
    names = [o.get("name") for o in options]
    if len(names) != len(set(names)):
        err(f"{path}.options", "Option names must be unique")
    unique_names(options, f"{path}.options", err)
    required_done = False
    for j, opt in enumerate(options):
        sub = f"{path}.options.{j}"
        if opt.get("type") in (1, 2):
            if depth >= 2 or (opt["type"] == 2 and depth >= 1):
                err(sub, "Subcommands nest only one level")
            validate_command_node(opt, sub, err, depth + 1)
            continue
        validate_command_node({**opt, "options": []}, sub, err, depth + 1)
        if opt.get("required"):
            if required_done:
                err(sub, "Required options must be placed before non-required options")
        else:
            required_done = True
        if len(opt.get("choices") or []) > 25:
            err(f"{sub}.choices", "Must be 25 or fewer in length.")
        for k, choice in enumerate(opt.get("choices") or []):
            if not 1 <= len(str(choice.get("name", ""))) <= 100:
                err(f"{sub}.choices.{k}.name", "Must be between 1 and 100 in length.")
            validate_localizations(choice, f"{sub}.choices.{k}", err, names=False)
        if opt.get("choices") and opt.get("autocomplete"):
            err(sub, "Autocomplete and choices are exclusive")


def validate_message(payload: dict[str, Any], files: list[dict[str, Any]]) -> None:
    errors: dict[str, Any] = {}

    def err(path: str, message: str) -> None:
        errors[path] = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": message}]}

    content = payload.get("content") or ""
    embeds = payload.get("embeds") or []
    components = payload.get("components") or []
    if (
        not content
        and not embeds
        and not components
        and not files
        and not payload.get("sticker_ids")
        and not payload.get("poll")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")
    if len(content) > 2000:
        err("content", "Must be 2000 or fewer in length.")
    if len(embeds) > 10:
        err("embeds", "Must be 10 or fewer in length.")
    total = 0
    limits = {"title": 256, "description": 4096}
    for i, embed in enumerate(embeds):
        for key, limit in limits.items():
            value = embed.get(key) or ""
            total += len(value)
            if len(value) > limit:
                err(f"embeds.{i}.{key}", f"Must be {limit} or fewer in length.")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            err(f"embeds.{i}.fields", "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            fname, fvalue = fld.get("name") or "", fld.get("value") or ""
            total += len(fname) + len(fvalue)
            if not fname or len(fname) > 256:
                err(f"embeds.{i}.fields.{j}.name", "Must be between 1 and 256 in length.")
            if not fvalue or len(fvalue) > 1024:
                err(f"embeds.{i}.fields.{j}.value", "Must be between 1 and 1024 in length.")
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > 2048:
            err(f"embeds.{i}.footer.text", "Must be 2048 or fewer in length.")
        if len(author) > 256:
            err(f"embeds.{i}.author.name", "Must be 256 or fewer in length.")
    if total > 6000:
        err("embeds", "Embed size exceeds maximum size of 6000")
    if len(components) > 5:
        err("components", "Must be 5 or fewer in length.")
    if errors:
        raise invalid_form(errors)


def validate_choices(data: dict[str, Any]) -> None:
    choices = data.get("choices")
    errors: dict[str, Any] = {}
    if not isinstance(choices, list):
        errors["choices"] = {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "Required"}]}
    else:
        if len(choices) > 25:
            errors["choices"] = {
                "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 25 or fewer in length."}]
            }
        for i, choice in enumerate(choices):
            name = choice.get("name") or ""
            if not 1 <= len(name) <= 100:
                errors[f"choices.{i}.name"] = {
                    "_errors": [
                        {
                            "code": "BASE_TYPE_BAD_LENGTH",
                            "message": "Must be between 1 and 100 in length.",
                        }
                    ]
                }
            value = choice.get("value")
            if isinstance(value, str) and len(value) > 100:
                errors[f"choices.{i}.value"] = {
                    "_errors": [
                        {
                            "code": "BASE_TYPE_MAX_LENGTH",
                            "message": "Must be 100 or fewer in length.",
                        }
                    ]
                }
    if errors:
        raise invalid_form(errors)


TEXT_INPUT, LABEL, ACTION_ROW = 4, 18, 1


def validate_modal(data: dict[str, Any]) -> None:
    """A MODAL callback's data: Discord's limits on the form, its labels and text inputs.

    A text input sits in a Label (type 18: label ≤ 45, description ≤ 100), or, in the older
    layout discord.py still sends for TextInput(label=...), alone in an action row with its
    own label.
    """
    errors: dict[str, Any] = {}

    def err(path: str, message: str) -> None:
        errors[path] = {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": message}]}

    def length(path: str, value: object, low: int, high: int) -> None:
        if not isinstance(value, str) or not low <= len(value) <= high:
            err(path, f"Must be between {low} and {high} in length.")

    length("title", data.get("title"), 1, 45)
    length("custom_id", data.get("custom_id"), 1, 100)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        err("components", "Must be between 1 and 5 in length.")
    for i, top in enumerate(components):
        where = f"components.{i}"
        if top.get("type") == LABEL:
            length(f"{where}.label", top.get("label"), 1, 45)
            if top.get("description") is not None:
                length(f"{where}.description", top.get("description"), 0, 100)
            inputs = [(f"{where}.component", top.get("component") or {}, False)]
        elif top.get("type") == ACTION_ROW:
            inner = top.get("components") or []
            if len(inner) != 1:
                err(f"{where}.components", "Must be 1 in length.")
            inputs = [(f"{where}.components.{j}", c, True) for j, c in enumerate(inner)]
        else:
            err(f"{where}.type", "Value must be one of {1, 18}.")
            continue
        for path, field, labelled in inputs:
            if field.get("type") != TEXT_INPUT:
                err(f"{path}.type", "Value must be one of {4}.")
                continue
            length(f"{path}.custom_id", field.get("custom_id"), 1, 100)
            if labelled:
                length(f"{path}.label", field.get("label"), 1, 45)
            if field.get("style") not in (1, 2):
                err(f"{path}.style", "Value must be one of {1, 2}.")
            if len(str(field.get("value") or "")) > 4000:
                err(f"{path}.value", "Must be 4000 or fewer in length.")
            if len(str(field.get("placeholder") or "")) > 100:
                err(f"{path}.placeholder", "Must be 100 or fewer in length.")
            high = field.get("max_length", 4000)
            if not isinstance(high, int) or not 1 <= high <= 4000:
                err(f"{path}.max_length", "Must be between 1 and 4000.")
    if errors:
        raise invalid_form(errors)

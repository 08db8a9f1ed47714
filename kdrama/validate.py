"""Checks on what curators and import files give us; each failure is one clear sentence."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from kdrama.errors import UserError

TITLE_MAX = 200
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 3000
SOURCE_MAX = 300


class ValidationError(UserError, ValueError):
    """Input we refuse; str(error) is the sentence to show."""


def clean_text(
    value: object,
    *,
    field: str,
    max_len: int = SHORT_TEXT_MAX,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Strip control characters and outer space; refuse empty required text and overlong text."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        raise ValidationError(f"{field} must be text.")
    keep = {"\n"} if multiline else set()
    text = "".join(
        ch if (ch in keep or unicodedata.category(ch)[0] != "C" or ch in "\u200d") else " " for ch in text
    )
    if multiline:
        text = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = " ".join(text.split())
    if not text:
        if required:
            raise ValidationError(f"{field} can't be empty.")
        return None
    if len(text) > max_len:
        raise ValidationError(f"{field} is too long: {len(text)} characters, at most {max_len}.")
    return text


def https_url(value: object, *, field: str, hosts: tuple[str, ...] | None = None) -> str | None:
    """An https URL with a host (optionally from `hosts`, subdomains included), or None."""
    text = clean_text(value, field=field, max_len=500)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname or " " in text:
        raise ValidationError(f"{field} must be an https:// link, not {text!r}.")
    if hosts is not None:
        host = parts.hostname.lower()
        if not any(host == h or host.endswith("." + h) for h in hosts):
            raise ValidationError(
                f"{field} must be on a known video site ({', '.join(sorted(set(hosts)))}), not {host}."
            )
    return text


def source(value: object, *, field: str = "source", required: bool = True) -> str | None:
    """A source: an https link, or a short citation where no link exists."""
    text = clean_text(value, field=field, max_len=SOURCE_MAX, required=required)
    if text is None:
        return None
    if "://" in text and not text.startswith("https://"):
        raise ValidationError(f"{field} must be an https:// link or a short citation, not {text!r}.")
    if text.startswith("https://"):
        https_url(text, field=field)
    elif len(text) < 3:
        raise ValidationError(f"{field} must name where the fact comes from (a link or a short citation).")
    return text


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(value: object, *, field: str = "slug") -> str:
    text = clean_text(value, field=field, max_len=100, required=True)
    assert text is not None
    if not _SLUG.match(text):
        raise ValidationError(f"{field} must be lowercase letters, digits and hyphens, not {text!r}.")
    return text


def slugify(title: str) -> str:
    """A slug for a new show from its English title ("It's Okay…" -> "its-okay")."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80] or "show"

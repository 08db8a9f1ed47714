"""Checks on what curators and import files give us; each failure is one clear sentence."""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

from kdrama.errors import UserError
from kdrama.i18n import Phrase

TITLE_MAX = 200
# The /admin season options' range: what the file may hold is what a curator can edit.
SEASON_MAX = 99
EPISODES_MAX = 1000
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
        raise ValidationError("{field} must be text.", field=Phrase.of(field))
    if not text.isprintable():  # no character of category C is printable: most text skips this
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
            raise ValidationError("{field} can't be empty.", field=Phrase.of(field))
        return None
    if len(text) > max_len:
        raise ValidationError(
            "{field} is too long: {length} characters, at most {limit}.",
            field=Phrase.of(field),
            length=len(text),
            limit=max_len,
        )
    return text


# RFC 3986's characters: unreserved, reserved and "%" for escapes. Anything else ASCII ("\\",
# "<", ">", '"', "{", "}", "|", "^", "`", space) is refused: browsers and Discord read such links
# differently from how we check them (a "\\" turns into "/" and moves the host).
_URL_ASCII = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
_ENCODE_SAFE = "".join(sorted(_URL_ASCII))
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


URL_MAX = 500
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PATH_CHARS = r"A-Za-z0-9\-._~:/!$&'()*+,;=%@"
# A link as https_url re-assembles it: a lowercase host name of two labels or more, the last
# with a letter; no user, no port; a path; a query and a fragment only when not empty; RFC
# 3986's characters, no brackets. Such a text comes out of the checks unchanged. Every link
# the catalog stores has this form, so rendering an answer checks each of its links in one
# match instead of ~10 µs of parsing (tests/unit/test_validate.py holds the two to the same result).
_AS_REASSEMBLED = re.compile(
    rf"https://(?:{_LABEL}\.)+(?=[a-z0-9-]*[a-z]){_LABEL}"
    rf"/[{_PATH_CHARS}]*(?:\?[{_PATH_CHARS}?]+)?(?:#[{_PATH_CHARS}?#]+)?"
)


def https_url(value: object, *, field: str, hosts: tuple[str, ...] | None = None) -> str | None:
    """An https link that is what it looks like, re-assembled from its parts; or None.

    `hosts` limits it to those hosts and their subdomains.
    """
    if hosts is None and type(value) is str and len(value) <= URL_MAX and _AS_REASSEMBLED.fullmatch(value):
        return value
    text = clean_text(value, field=field, max_len=URL_MAX)
    if text is None:
        return None
    if not text.lower().startswith("https://"):
        raise ValidationError(
            "{field} must be an https:// link, not {text}.", field=Phrase.of(field), text=repr(text)
        )
    bad = sorted({ch for ch in text if ch.isascii() and ch not in _URL_ASCII})
    if bad:
        raise ValidationError(
            "{field} has characters a link can't contain ({characters}).",
            field=Phrase.of(field),
            characters=" ".join(bad),
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ValidationError(
            "{field} must be a web address with a host name, not {text}.",
            field=Phrase.of(field),
            text=repr(text),
        ) from None
    if "@" in parts.netloc:
        raise ValidationError("{field} can't contain a user name or password.", field=Phrase.of(field))
    if port not in (None, 443):
        raise ValidationError("{field} can't name a port other than 443.", field=Phrase.of(field))
    host = _host_name(parts.hostname)
    if host is None:
        raise ValidationError(
            "{field} must be a web address with a host name, not {text}.",
            field=Phrase.of(field),
            text=repr(text),
        )
    rest = parts.path + parts.query + parts.fragment
    if "[" in rest or "]" in rest:
        raise ValidationError("{field} has characters a link can't contain ([ ]).", field=Phrase.of(field))
    if hosts is not None and not any(host == h or host.endswith("." + h) for h in hosts):
        raise ValidationError(
            "{field} must be on a known video site ({sites}), not {host}.",
            field=Phrase.of(field),
            sites=", ".join(sorted(set(hosts))),
            host=host,
        )
    # Non-ASCII in the path or query is percent-encoded, as a browser does when it sends it.
    path, query, fragment = (quote(p, safe=_ENCODE_SAFE) for p in (parts.path, parts.query, parts.fragment))
    return urlunsplit(("https", host, path or "/", query, fragment))


def _host_name(hostname: str | None) -> str | None:
    """The host as a lowercase DNS name (IDNA for non-ASCII), or None for IPs and junk."""
    if not hostname:
        return None
    try:
        host = hostname.encode("idna").decode("ascii").lower() if not hostname.isascii() else hostname.lower()
    except UnicodeError:
        return None
    labels = host.rstrip(".").split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        return None
    if not re.search(r"[a-z]", labels[-1]):  # a numeric top level is an IP address, not a name
        return None
    return ".".join(labels)


def source(value: object, *, field: str = "source", required: bool = True) -> str | None:
    """A source: an https link, or a short citation where no link exists."""
    text = clean_text(value, field=field, max_len=SOURCE_MAX, required=required)
    if text is None:
        return None
    if "://" in text and not text.startswith("https://"):
        raise ValidationError(
            "{field} must be an https:// link or a short citation, not {text}.",
            field=Phrase.of(field),
            text=repr(text),
        )
    if text.lower().startswith("https://"):
        return https_url(text, field=field)
    elif len(text) < 3:
        raise ValidationError(
            "{field} must name where the fact comes from (a link or a short citation).",
            field=Phrase.of(field),
        )
    return text


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(value: object, *, field: str = "slug") -> str:
    text = clean_text(value, field=field, max_len=100, required=True)
    assert text is not None
    if not _SLUG.match(text):
        raise ValidationError(
            "{field} must be lowercase letters, digits and hyphens, not {text}.",
            field=Phrase.of(field),
            text=repr(text),
        )
    return text


def slugify(title: str) -> str:
    """A slug for a new show from its English title ("It's Okay…" -> "its-okay")."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80] or "show"

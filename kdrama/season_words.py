"""A season's release in words: its label, its line in an overview, the release sentence, and
how old the reports behind it are.

Every sentence is a catalog message, honest about what is official, expected, listed on TMDB
or cancelled, and about a report more than a year old.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from kdrama import i18n
from kdrama.dates import PartialDate, Precision
from kdrama.i18n import ENGLISH, N_, Text
from kdrama.models import ReleaseDate, Season, Status
from kdrama.render import EN, TMDB_SITE, day, on_or_in, shown_source, status_label, tmdb_listed, when


def season_label(season: Season, locale: str = ENGLISH, now: datetime | None = None) -> str:
    """Short label of a season for lists and autocomplete: "Season 2 · Renewed · expected 2024"."""
    t = i18n.text(locale)
    parts = [t.gettext("Season {number}", number=season.number), status_label(season.status.value, t)]
    r = season.release
    if r.date.known and season.status.value is Status.CANCELLED:
        # The date it had no longer stands: never "due" next to "Cancelled".
        if r.official:
            parts.append(t.gettext("was due {date}", date=t.date(r.date)))
        else:
            parts.append(t.gettext("was expected {date}", date=t.date(r.date)))
    elif r.date.known and not season.status.value.out:
        if r.official:
            label = t.gettext("due {date}", date=t.date(r.date))
        else:
            label = t.gettext("expected {date}", date=t.date(r.date))
        # A date that came and went without a release (official ones too: the clock moves
        # only exact official times) says so, as /release and /upcoming do.
        if r.date.has_passed(now or datetime.now(UTC)):
            label += t.gettext(", not released")
        parts.append(label)
    elif r.date.known:
        parts.append(t.date(r.date))
    return " · ".join(parts)


def season_summary(season: Season, now: datetime, t: Text = EN) -> str:
    """One line per season for overviews: status, date, official or expected."""
    r = season.release
    text = t.gettext(
        "**Season {number}**: {status}", number=season.number, status=status_label(season.status.value, t)
    )
    if r.date.known and season.status.value is Status.CANCELLED:
        text += " · " + _cancelled_date(season, t)
    elif r.date.known:
        if r.official:
            text += " · " + t.gettext("{date} (official)", date=when(r.date, t))
        elif tmdb_listed(r):
            text += " · " + t.gettext("{date} (as listed on TMDB, not official)", date=when(r.date, t))
        else:
            text += " · " + t.gettext("{date} (expected, not official)", date=when(r.date, t))
        if not season.status.value.out and r.date.has_passed(now):
            # An official day stays "scheduled" after it passes until a curator acts: never
            # let it read as still ahead (/release says "officially due …, but it is not out yet").
            if r.official:
                text += t.gettext(", passed without a release")
            else:
                text += t.gettext(", not released")
    if season.episodes:
        text += " · " + t.gettext("{count} episodes", count=season.episodes)
    if notes := report_notes(season, now, t):
        text += f" · {notes}"
    return text


def _cancelled_date(season: Season, t: Text) -> str:
    """The date a cancelled season had, for one line of /show: what it was, and that it no longer stands."""
    r = season.release
    if r.official:
        return t.gettext("was officially due {when}; that date no longer stands", when=on_or_in(r.date, t))
    if tmdb_listed(r):
        return t.gettext("was listed on TMDB for {date}; that date no longer stands", date=when(r.date, t))
    return t.gettext(
        "was expected {when} (not official); that date no longer stands", when=on_or_in(r.date, t)
    )


def _cancelled_sentence(season: Season, t: Text) -> str:
    """ "Season 2 was cancelled", with the date it had, which no longer stands."""
    n, r = season.number, season.release
    if not r.date.known:
        return t.gettext("Season {number} was cancelled.", number=n)
    if r.official:
        return t.gettext(
            "Season {number} was cancelled; it was officially due {when}, and that date no longer stands.",
            number=n,
            when=on_or_in(r.date, t),
        )
    if tmdb_listed(r):
        return t.gettext(
            "Season {number} was cancelled; TMDB listed it for {date}, and that date no longer stands.",
            number=n,
            date=when(r.date, t),
        )
    return t.gettext(
        "Season {number} was cancelled; reports expected it {when} (not official), "
        "and that date no longer stands.",
        number=n,
        when=on_or_in(r.date, t),
    )


def release_sentence(season: Season, now: datetime, t: Text = EN) -> str:
    """The answer to "when does it come out?", in one honest sentence."""
    n, status, r = season.number, season.status.value, season.release
    d = r.date
    if status is Status.CANCELLED:
        return _cancelled_sentence(season, t)
    if status is Status.RELEASED:
        if d.known and r.official:
            return t.gettext("Season {number} was released {when}.", number=n, when=on_or_in(d, t))
        return t.gettext("Season {number} has been released.", number=n)
    if status is Status.AIRING:
        if d.known and r.official:
            return t.gettext("Season {number} is airing; it premiered {when}.", number=n, when=on_or_in(d, t))
        return t.gettext("Season {number} is airing.", number=n)
    if d.known and r.official:
        if d.has_passed(now):
            return t.gettext(
                "Season {number} was officially due {when}, but it is not out yet.",
                number=n,
                when=on_or_in(d, t),
            )
        return t.gettext("Season {number} comes out {when}.", number=n, when=on_or_in(d, t))
    lead = {
        Status.UNCONFIRMED: t.gettext("There is no official word on season {number} yet", number=n),
        Status.RENEWED: t.gettext("Season {number} is officially renewed", number=n),
        Status.FILMING: t.gettext("Season {number} is filming", number=n),
        Status.POST_PRODUCTION: t.gettext("Season {number} is in post-production", number=n),
        Status.SCHEDULED: t.gettext("Season {number} is scheduled", number=n),
    }[status]
    if d.known and tmdb_listed(r):
        if d.has_passed(now):
            return t.gettext(
                "{lead}; TMDB listed it for {date}, which has passed without a release.",
                lead=lead,
                date=when(d, t),
            )
        return t.gettext(
            "{lead}, and there is no official release date; as listed on TMDB, it comes out {when}.",
            lead=lead,
            when=on_or_in(d, t),
        )
    if d.known:
        if d.has_passed(now):
            return t.gettext(
                "{lead}, and there is no official release date; reports expected it "
                "{when}, which has passed without a release.",
                lead=lead,
                when=on_or_in(d, t),
            )
        return t.gettext(
            "{lead}, and there is no official release date; reports expect it {when}.",
            lead=lead,
            when=on_or_in(d, t),
        )
    return t.gettext("{lead}, and no release date has been announced.", lead=lead)


# --- how old a report is -------------------------------------------------------------------
# An answer built on a report more than a year old says how old it is. Official facts that
# do not move (a season released in 2022) need no warning; the status and date of a season
# still to come do.

OLD_REPORT = timedelta(days=365)
_OFFICIALLY = {
    Status.RENEWED: N_("Officially renewed"),
    Status.FILMING: N_("Officially filming"),
    Status.POST_PRODUCTION: N_("Officially in post-production"),
    Status.SCHEDULED: N_("Officially scheduled"),
}


def as_of_words(as_of: PartialDate, t: Text = EN) -> str:
    """When a source said it, at its precision: "23 Jul 2025", "January 2024", "2022"."""
    if as_of.precision is Precision.DAY and as_of.year and as_of.month and as_of.day:
        return day(date(as_of.year, as_of.month, as_of.day), t)
    return t.date(as_of)


def is_old(as_of: PartialDate | None, now: datetime) -> bool:
    """Said more than a year before `now`, even on the last day its precision allows."""
    span = as_of.span() if as_of else None
    return span is not None and now - span[1] > OLD_REPORT


def said(official: bool, as_of: PartialDate, t: Text = EN) -> str:
    """ "reported in 2022", "announced on 23 Jul 2025"."""
    words = as_of_words(as_of, t)
    if official:
        if as_of.firm:
            return t.gettext("announced on {date}", date=words)
        return t.gettext("announced in {date}", date=words)
    if as_of.firm:
        return t.gettext("reported on {date}", date=words)
    return t.gettext("reported in {date}", date=words)


def _and(items: list[str], t: Text) -> str:
    """ "A and B and C" in English (as before translations); the language's own list elsewhere."""
    return " and ".join(items) if t.english else i18n.all_of(items).localize(t)


def _moves(season: Season) -> bool:
    """A season still to come: its status and date can change."""
    return season.status.value.to_come


def _passed_dates(season: Season, now: datetime) -> list[ReleaseDate]:
    """Earlier dates of a season still to come that passed without a release."""
    if not _moves(season):
        return []
    return [r for r in season.release.history if r.date.known and r.date.has_passed(now)]


def _earlier(r: ReleaseDate, t: Text = EN) -> str:
    """ "in 2023 (reported in 2022)"."""
    if r.as_of is None:
        return on_or_in(r.date, t)
    return t.gettext("{when} ({said})", when=on_or_in(r.date, t), said=said(r.official, r.as_of, t))


def report_ages(season: Season, now: datetime, t: Text = EN) -> list[str]:
    """Sentences saying since when the status holds, and how old the reports behind it are."""
    if not _moves(season):
        return []
    out: list[str] = []
    st, r = season.status, season.release
    if st.as_of and st.value in _OFFICIALLY:
        status = t.gettext(_OFFICIALLY[st.value])
        if is_old(st.as_of, now):
            out.append(
                t.gettext(
                    "{status} since {date}; that was over a year ago, so it may be out of date.",
                    status=status,
                    date=as_of_words(st.as_of, t),
                )
            )
        else:
            out.append(t.gettext("{status} since {date}.", status=status, date=as_of_words(st.as_of, t)))
    elif st.as_of and is_old(st.as_of, now):
        out.append(
            t.gettext(
                "No official word as of {date}, over a year ago; it may be out of date.",
                date=as_of_words(st.as_of, t),
            )
        )
    if r.date.known and r.as_of and is_old(r.as_of, now) and not r.date.has_passed(now):
        out.append(
            t.gettext("That date was {said}; it may be out of date.", said=said(r.official, r.as_of, t))
        )
    passed = _passed_dates(season, now)
    if passed:
        dates = _and([_earlier(p, t) for p in passed], t)
        if not any(p.official for p in passed):
            if len(passed) == 1:
                out.append(t.gettext("It was expected {dates}; it passed without a release.", dates=dates))
            elif len(passed) == 2:
                out.append(t.gettext("It was expected {dates}; both passed without a release.", dates=dates))
            else:
                out.append(t.gettext("It was expected {dates}; all passed without a release.", dates=dates))
        elif len(passed) == 1:
            out.append(t.gettext("Earlier dates: {dates}; it passed without a release.", dates=dates))
        elif len(passed) == 2:
            out.append(t.gettext("Earlier dates: {dates}; both passed without a release.", dates=dates))
        else:
            out.append(t.gettext("Earlier dates: {dates}; all passed without a release.", dates=dates))
    return out


def report_notes(season: Season, now: datetime, t: Text = EN) -> str:
    """The same, short, for one line of /show or /upcoming ("" when nothing is old or passed)."""
    if not _moves(season):
        return ""
    parts: list[str] = []
    st, r = season.status, season.release
    if st.as_of and is_old(st.as_of, now):
        parts.append(t.gettext("status as of {date}, may be out of date", date=as_of_words(st.as_of, t)))
    if r.date.known and r.as_of and is_old(r.as_of, now) and not r.date.has_passed(now):
        parts.append(t.gettext("{said}, may be out of date", said=said(r.official, r.as_of, t)))
    passed = _passed_dates(season, now)
    if passed:
        parts.append(
            t.gettext("expected {dates}, not released", dates=_and([_earlier(p, t) for p in passed], t))
        )
    return "; ".join(parts)


def source_line(source: str | None, as_of: PartialDate | None, t: Text = EN) -> str:
    parts = []
    if source and source.startswith(TMDB_SITE):
        parts.append(t.gettext("Source: TMDB (community-edited), {source}", source=shown_source(source, t)))
    elif source:
        parts.append(t.gettext("Source: {source}", source=shown_source(source, t)))
    if as_of:
        parts.append(t.gettext("as of {day}", day=as_of_words(as_of, t)))
    return " · ".join(parts)


def history_lines(season: Season, now: datetime, t: Text = EN) -> list[str]:
    """The earlier dates behind a release-date field, each with its source and age."""
    lines = []
    for r in season.release.history:
        date_ = when(r.date, t)
        if r.as_of:
            said_ = said(r.official, r.as_of, t)
            if r.official:
                line = t.gettext("Earlier: {date} (official, {said})", date=date_, said=said_)
            else:
                line = t.gettext("Earlier: {date} (expected, {said})", date=date_, said=said_)
        elif r.official:
            line = t.gettext("Earlier: {date} (official)", date=date_)
        else:
            line = t.gettext("Earlier: {date} (expected)", date=date_)
        if _moves(season) and r.date.has_passed(now):
            line += t.gettext(", passed without a release")
        if r.source:
            line += t.gettext(". Source: {source}", source=shown_source(r.source, t))
        lines.append(line)
    return lines

"""Linear fuzzy search over all names: a simple first version, replaced by the indexed one on the search branch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz


@dataclass(frozen=True, slots=True)
class Name:
    ref: int
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    ref: int
    kind: str
    text: str
    score: float


def normalize(t: str) -> str:
    return "".join(ch for ch in t.casefold() if ch.isalnum())


class SearchIndex:
    def __init__(self, names: Iterable[Name] = ()) -> None:
        self.names = list(names)

    def set_names(self, kinds: set[str], ref: int, names: Iterable[Name]) -> None:
        self.remove(ref, kinds)
        self.names.extend(names)

    def remove(self, ref: int, kinds: set[str]) -> None:
        self.names = [n for n in self.names if not (n.ref == ref and n.kind in kinds)]

    def search(self, query: str, *, kinds: frozenset[str] | None = None, limit: int = 25) -> list[Match]:
        q = normalize(query)
        if not q:
            return []
        best: dict[tuple[int, str], Match] = {}
        for n in self.names:
            if kinds and n.kind not in kinds:
                continue
            t = normalize(n.text)
            s = 100.0 if t == q else 95.0 if t.startswith(q) else fuzz.WRatio(q, t)
            if s < 70:
                continue
            g = (n.ref, "actor" if n.kind == "actor" else "show")
            if g not in best or best[g].score < s:
                best[g] = Match(n.ref, n.kind, n.text, s)
        return sorted(best.values(), key=lambda m: -m.score)[:limit]

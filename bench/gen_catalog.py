"""Generate a large, realistic catalog in the catalog JSON format, for benchmarks.

    python bench/gen_catalog.py --shows 10000 --out catalog-10k.json [--seed 7]

Titles in English, Hangul and Revised Romanization, aliases, a pool of actors with English
and Hangul names, 1-3 seasons per show with every status and every release-date precision,
trailers and similar-show links. The same seed gives the same file.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import unicodedata
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kdrama.hangul import romanize  # noqa: E402

log = logging.getLogger(__name__)

ADJECTIVES = (
    "Secret", "Hidden", "Beautiful", "Strong", "Extraordinary", "Wonderful", "Lonely",
    "Dangerous", "Sweet", "Bitter", "Last", "First", "Little", "Perfect", "Crazy", "Golden",
    "Silent", "Eternal", "Broken", "Brave", "Gentle", "Wild", "Strange", "Lovely", "Royal",
    "Midnight", "Blue", "Red", "Black", "White", "Fiery", "Hometown", "Weightlifting",
    "Beloved", "Grand", "Fake", "True", "Rich", "Poor", "Young", "Old", "Second", "Private",
)  # fmt: skip
NOUNS = (
    "Love", "Garden", "Hospital", "Playlist", "Signal", "Moon", "Sun", "Star", "Queen",
    "King", "Prince", "Princess", "Hotel", "Doctor", "Lawyer", "Attorney", "Detective",
    "Prosecutor", "Chef", "Teacher", "School", "Village", "City", "Island", "Sea", "River",
    "Mountain", "Night", "Day", "Spring", "Summer", "Autumn", "Winter", "Flower", "Blossom",
    "Rain", "Snow", "Wind", "Heart", "Memory", "Promise", "Destiny", "Letter", "Diary",
    "Song", "Melody", "Dream", "Kiss", "Lie", "Truth", "Game", "Mask", "Shadow", "Mirror",
    "Crown", "Sword", "Empire", "Family", "Wedding", "Divorce", "Contract", "Revenge",
    "Romance", "Story", "Tale", "Café", "Bakery", "Office", "Agency", "Zombie", "Ghost",
    "Goblin", "Fox", "Tiger", "Dragon", "Butterfly", "Ocean", "Sky", "Stranger", "Neighbor",
    "Boss", "Partner", "Intern", "Rookie", "Idol", "Singer", "Actress", "Genius", "Hero",
)  # fmt: skip
PLACES = (
    "Seoul", "Busan", "Jeju", "Gangnam", "Itaewon", "Incheon", "Daegu", "Gyeongju",
    "Haeundae", "Hongdae", "Namsan", "Paris", "Tokyo", "Manhattan", "Bangkok",
)  # fmt: skip
ENGLISH_NAMES = (
    "Woo", "Jae", "Mi-rae", "Eun-ha", "Do-hyun", "Ha-na", "Seo-yeon", "Min-ho", "Ji-woo",
    "Tae-oh", "Kang", "Song", "Hee-do", "Yi-jin", "Oh", "Goo", "Cha", "Baek", "Jung",
)  # fmt: skip
TITLE_PATTERNS = (
    "{adj} {noun}",
    "The {adj} {noun}",
    "My {adj} {noun}",
    "{noun} in {place}",
    "{noun} of {place}",
    "The {noun} of the {noun2}",
    "{name}'s {noun}",
    "{adj} {noun} {name}",
    "{noun} Playlist",
    "Love in the {noun}",
    "When the {noun} Blooms",
    "{noun}, {noun2} and {noun3}",
    "Mr. {noun}",
    "Dear {noun}",
    "{adj} {noun}: The {noun2}",
    "It's Okay to Be {adj}",
    "{noun} {number}",
    "Reply {year}",
    "Twenty-{numword} {noun}",
    "{noun} & {noun2}",
    "Hello, {noun}",
    "Welcome to {place}",
    "{adj} Days",
)
NUMWORDS = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")

KOREAN_WORDS = (
    "사랑", "비밀", "정원", "병원", "학교", "우리", "지금", "그대", "나의", "아저씨", "도깨비",
    "시그널", "호텔", "달", "해", "별", "바다", "봄", "여름", "가을", "겨울", "밤", "꽃", "왕",
    "여왕", "의사", "변호사", "검사", "형사", "기자", "선생님", "친구", "가족", "결혼", "이혼",
    "연애", "첫사랑", "마지막", "이야기", "일기", "편지", "약속", "운명", "기억", "시간", "세상",
    "서울", "부산", "제주", "마을", "도시", "섬", "하늘", "바람", "눈", "비", "마음", "노래",
    "꿈", "거짓말", "진실", "게임", "가면", "그림자", "거울", "왕관", "칼", "제국", "복수",
    "로맨스", "카페", "빵집", "회사", "좀비", "유령", "여우", "호랑이", "나비", "낯선", "이웃",
    "사장님", "신입", "아이돌", "가수", "천재", "영웅", "괜찮아", "이상한", "슬기로운", "눈물",
    "여자", "남자", "그녀", "그남자", "오늘", "내일", "어제", "청춘", "기적", "행복", "소년",
    "소녀", "라면", "치킨", "김치", "닭", "괴물", "악마", "천사", "흑기사", "백설", "황후",
)  # fmt: skip
KOREAN_PARTICLES = ("의", "는", "은", "이", "가", "을", "에서", "와", "")
KOREAN_PATTERNS = (
    "{w1} {w2}",
    "{w1}{p} {w2}",
    "{w1} {w2} {w3}",
    "{w1}{p} {w2}{p2} {w3}",
    "{w1}",
    "{w1} {number}",
    "{given}{p} {w1}",
    "{w1}하는 {w2}",
    "{w1}, {w2}",
)

SURNAMES = (
    ("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"),
    ("Kang", "강"), ("Cho", "조"), ("Yoon", "윤"), ("Jang", "장"), ("Lim", "임"),
    ("Han", "한"), ("Oh", "오"), ("Seo", "서"), ("Shin", "신"), ("Kwon", "권"),
    ("Hwang", "황"), ("Ahn", "안"), ("Song", "송"), ("Jeon", "전"), ("Hong", "홍"),
    ("Yoo", "유"), ("Go", "고"), ("Moon", "문"), ("Yang", "양"), ("Son", "손"),
    ("Bae", "배"), ("Baek", "백"), ("Heo", "허"), ("Nam", "남"), ("Shim", "심"),
    ("Noh", "노"), ("Ha", "하"), ("Kwak", "곽"), ("Sung", "성"), ("Cha", "차"),
    ("Joo", "주"), ("Woo", "우"), ("Min", "민"), ("Ryu", "류"), ("Na", "나"),
    ("Jin", "진"), ("Ji", "지"), ("Uhm", "엄"), ("Byun", "변"), ("Chae", "채"), ("Won", "원"),
)  # fmt: skip
GIVEN_SYLLABLES = (
    ("Ji", "지"), ("Hu", "후"), ("Min", "민"), ("Soo", "수"), ("Young", "영"), ("Hyun", "현"),
    ("Jun", "준"), ("Seo", "서"), ("Yeon", "연"), ("Eun", "은"), ("Woo", "우"), ("Ha", "하"),
    ("Jin", "진"), ("Hye", "혜"), ("Yoon", "윤"), ("Sung", "성"), ("Jae", "재"), ("Dong", "동"),
    ("Hee", "희"), ("Kyung", "경"), ("Ah", "아"), ("So", "소"), ("Tae", "태"), ("Do", "도"),
    ("Sang", "상"), ("Joo", "주"), ("Na", "나"), ("Yoo", "유"), ("Ri", "리"), ("Hyuk", "혁"),
    ("Bin", "빈"), ("Won", "원"), ("Chan", "찬"), ("Hoon", "훈"), ("Seok", "석"), ("Kyu", "규"),
    ("Ye", "예"), ("Rin", "린"), ("Bo", "보"), ("Gum", "검"), ("Il", "일"), ("Na", "나"),
)  # fmt: skip
FOREIGN_ACTORS = (
    "Daniel Henney", "Julien Kang", "Sam Hammington", "Mark Lee", "Nana Komatsu",
    "Lisa Manoban", "Jackson Wang", "Mina Myoui", "Tzuyu Chou", "Ten Chittaphon",
)  # fmt: skip

GENRES = (
    "Romance", "Comedy", "Drama", "Thriller", "Horror", "Fantasy", "Historical", "Action",
    "Crime", "Medical", "Legal", "Mystery", "Melodrama", "Slice of Life", "Sci-Fi",
    "Youth", "Family", "Music", "Sports", "Reality",
)  # fmt: skip
PLATFORMS = (
    ("Netflix", "https://www.netflix.com/title/{n}"),
    ("Disney+", "https://www.disneyplus.com/series/{slug}/{n}"),
    ("TVING", "https://www.tving.com/contents/P{n}"),
    ("Coupang Play", "https://www.coupangplay.com/titles/{n}"),
    ("Viki", "https://www.viki.com/tv/{n}c-{slug}"),
    ("Prime Video", "https://www.primevideo.com/detail/{n}"),
    ("tvN", None),
    ("JTBC", None),
    ("SBS", None),
    ("KBS2", None),
    ("MBC", None),
    ("ENA", None),
)
STATUSES = (
    ("released", 45), ("airing", 6), ("scheduled", 8), ("post_production", 6),
    ("filming", 7), ("renewed", 8), ("unconfirmed", 15), ("cancelled", 5),
)  # fmt: skip
TODAY = date(2026, 11, 25)


def _stable_number(*parts: object) -> int:
    """A six-digit article number fixed by parts, the same in every run (hash() is salted)."""
    return 100000 + zlib.crc32("|".join(map(str, parts)).encode()) % 900000


def slugify(title: str) -> str:
    """A slug from an English title, like the bot makes one ("It's Okay" -> "its-okay")."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "show"


class Generator:
    """Builds a catalog deterministically from one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.slugs: set[str] = set()
        self.people: list[tuple[str, str | None]] = []

    # -- names -------------------------------------------------------------------------

    def english_title(self) -> str:
        rng = self.rng
        nouns = rng.sample(NOUNS, 3)
        return rng.choice(TITLE_PATTERNS).format(
            adj=rng.choice(ADJECTIVES),
            noun=nouns[0],
            noun2=nouns[1],
            noun3=nouns[2],
            place=rng.choice(PLACES),
            name=rng.choice(ENGLISH_NAMES),
            number=rng.randint(2, 2030),
            year=rng.choice((1988, 1994, 1997, 2002, 2020)),
            numword=rng.choice(NUMWORDS),
        )

    def korean_title(self) -> str:
        rng = self.rng
        words = rng.sample(KOREAN_WORDS, 3)
        given = "".join(k for _, k in rng.sample(GIVEN_SYLLABLES, 2))
        return rng.choice(KOREAN_PATTERNS).format(
            w1=words[0],
            w2=words[1],
            w3=words[2],
            p=rng.choice(KOREAN_PARTICLES),
            p2=rng.choice(KOREAN_PARTICLES),
            given=rng.choice(SURNAMES)[1] + given,
            number=rng.randint(2, 2030),
        )

    def aliases(self, title: str, korean: str | None) -> list[str]:
        rng = self.rng
        aliases: list[str] = []
        words = re.findall(r"[^\W\d_]+(?:'s)?", title)
        if len(words) >= 3 and rng.random() < 0.45:
            aliases.append("".join(w[0] for w in words).upper())  # CLOY-style initials
        if rng.random() < 0.4:
            aliases.append(self.english_title())  # an international or working title
        if rng.random() < 0.25:
            aliases.append(f"{rng.choice(ADJECTIVES)} {words[-1] if words else 'Story'}")
        if korean and rng.random() < 0.15:
            aliases.append(korean.split()[0])  # fans shorten Korean titles too
        seen: set[str] = set()
        unique = [a for a in aliases if a != title and not (a in seen or seen.add(a))]
        return unique

    def person(self) -> tuple[str, str | None]:
        rng = self.rng
        if rng.random() < 0.02:
            return rng.choice(FOREIGN_ACTORS), None
        (sur_en, sur_ko) = rng.choice(SURNAMES)
        (a_en, a_ko), (b_en, b_ko) = rng.sample(GIVEN_SYLLABLES, 2)
        style = rng.random()
        if style < 0.75:
            english = f"{sur_en} {a_en}-{b_en.lower()}"  # Park Ji-hu
        elif style < 0.9:
            english = f"{sur_en} {a_en}{b_en.lower()}"  # Park Jihu
        else:
            english = f"{a_en}-{b_en.lower()} {sur_en}"  # Ji-hu Park
        korean = sur_ko + a_ko + b_ko if rng.random() < 0.93 else None
        return english, korean

    def character(self) -> str:
        rng = self.rng
        sur, _ = rng.choice(SURNAMES)
        (a, _), (b, _) = rng.sample(GIVEN_SYLLABLES, 2)
        return f"{sur} {a}-{b.lower()}"

    # -- facts -------------------------------------------------------------------------

    def source(self) -> str:
        rng = self.rng
        if rng.random() < 0.8:
            host = rng.choice(("www.soompi.com", "www.allkpop.com", "www.koreaherald.com"))
            return f"https://{host}/article/{rng.randint(100000, 999999)}"
        return rng.choice(("Press release", "Network announcement", "Dispatch report"))

    def release_date(self, status: str, start: date) -> tuple[str, bool]:
        rng = self.rng
        if status == "released":
            return start.isoformat(), True
        if status == "airing":
            start = TODAY - timedelta(days=rng.randint(0, 60))
            if rng.random() < 0.5:
                return f"{start.isoformat()}T{rng.choice((8, 11, 12, 13)):02d}:00:00Z", True
            return start.isoformat(), True
        if status == "scheduled":
            when = TODAY + timedelta(days=rng.randint(3, 200))
            if rng.random() < 0.4:
                return f"{when.isoformat()}T{rng.choice((8, 11, 12)):02d}:00:00Z", True
            return when.isoformat(), True
        if status == "unconfirmed":
            return ("unknown", False) if rng.random() < 0.6 else (str(TODAY.year + 1), False)
        if status == "cancelled":
            return "unknown", False
        when = TODAY + timedelta(days=rng.randint(60, 600))
        form = rng.random()
        if form < 0.2:
            return "unknown", False
        if form < 0.45:
            return str(when.year), rng.random() < 0.3
        if form < 0.75:
            return f"Q{(when.month - 1) // 3 + 1} {when.year}", rng.random() < 0.4
        return f"{when.year}-{when.month:02d}", rng.random() < 0.5

    def season(self, number: int, status: str, start: date) -> dict[str, Any]:
        rng = self.rng
        value, official = self.release_date(status, start)
        as_of = min(TODAY, start if status == "released" else TODAY).isoformat()
        note = None
        if status == "unconfirmed" and rng.random() < 0.5:
            note = "Rumoured by fan accounts; no word from the network."
        cast = []
        for billing, (actor, korean) in enumerate(rng.sample(self.people, rng.randint(8, 20)), 1):
            cast.append(
                {
                    "actor": actor,
                    "korean_name": korean,
                    "character": self.character() if rng.random() < 0.9 else None,
                    "billing": billing,
                    "official": status in {"released", "airing"} or rng.random() < 0.6,
                    "source": self.source() if rng.random() < 0.3 else None,
                }
            )
            if not cast[-1]["official"] and cast[-1]["source"] is None:
                # An expected entry needs its source (the import refuses one without): one
                # that draws nothing from rng, so the rest of the catalog stays as it was.
                cast[-1]["source"] = f"https://www.soompi.com/article/{_stable_number(actor, number, start)}"
        trailers = []
        if status in {"released", "airing", "scheduled", "post_production"} and rng.random() < 0.4:
            for kind in rng.sample(("teaser", "trailer"), rng.randint(1, 2)):
                video = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_-")
                                for _ in range(11))  # fmt: skip
                published = (start - timedelta(days=rng.randint(5, 60))).isoformat()
                trailers.append(
                    {
                        "title": f"Season {number} | Official {kind.title()}",
                        "url": f"https://www.youtube.com/watch?v={video}",
                        "kind": kind,
                        "published": published if published <= TODAY.isoformat() else None,
                    }
                )
        episodes = rng.choice((6, 8, 10, 12, 12, 16, 16, 16, 20, 24)) if status != "cancelled" else None
        return {
            "number": number,
            "episodes": episodes if status in {"released", "airing", "scheduled"} else None,
            "notes": None,
            "status": {"value": status, "source": self.source(), "as_of": as_of, "note": note},
            "release": {
                "date": value,
                "official": official,
                "source": self.source() if value != "unknown" else None,
                "as_of": as_of,
                "note": None,
            },
            "cast": cast,
            "trailers": trailers,
        }

    def show(self) -> dict[str, Any]:
        rng = self.rng
        title = self.english_title()
        slug = base = slugify(title)
        suffix = 2
        while slug in self.slugs:
            slug = f"{base}-{suffix}"
            suffix += 1
        self.slugs.add(slug)
        korean = self.korean_title() if rng.random() < 0.9 else None
        romanized = None
        if korean and rng.random() < 0.65:
            romanized = " ".join(w.capitalize() for w in romanize(korean).split())
        platform, url = rng.choice(PLATFORMS)
        n_seasons = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
        span = (TODAY - date(2008, 1, 1)).days - (n_seasons - 1) * 900 - 30
        first = date(2008, 1, 1) + timedelta(days=rng.randint(0, span))
        seasons = []
        start = first
        for number in range(1, n_seasons + 1):
            if number < n_seasons:
                status = "released"
            else:
                weights = [w for _, w in STATUSES]
                status = rng.choices([s for s, _ in STATUSES], weights=weights)[0]
            if start > TODAY and status in {"released", "airing"}:
                status = "scheduled"
            seasons.append(self.season(number, status, min(start, TODAY)))
            start = start + timedelta(days=rng.randint(300, 900))
        show_cast = []
        if rng.random() < 0.1:
            actor, korean_name = rng.choice(self.people)
            show_cast.append({"actor": actor, "korean_name": korean_name,
                              "character": "Narrator", "billing": None, "official": True,
                              "source": None})  # fmt: skip
        return {
            "slug": slug,
            "title": title,
            "korean_title": korean,
            "romanized_title": romanized,
            "aliases": self.aliases(title, korean),
            "country": "KR" if rng.random() < 0.95 else rng.choice(("JP", "CN", "TH", "US")),
            "platform": platform,
            "platform_url": url.format(n=rng.randint(10**7, 10**8), slug=slug) if url else None,
            "genres": sorted(rng.sample(GENRES, rng.randint(1, 3))),
            "synopsis": f"A {rng.choice(ADJECTIVES).lower()} story of "
            f"{rng.choice(NOUNS).lower()} and {rng.choice(NOUNS).lower()} in "
            f"{rng.choice(PLACES)}.",
            "poster_url": f"https://img.example.org/posters/{slug}.jpg" if rng.random() < 0.3 else None,
            "similar": [],
            "cast": show_cast,
            "seasons": seasons,
        }

    def catalog(self, n_shows: int) -> dict[str, Any]:
        """A whole catalog of n_shows shows, people pool sized like real credit counts."""
        pool: dict[tuple[str, str | None], None] = {}
        # A person is (English name, Korean name); two people may share the English name.
        target = max(30, n_shows * 33 // 10)
        while len(pool) < target:
            pool[self.person()] = None
        self.people = list(pool)
        shows = [self.show() for _ in range(n_shows)]
        slugs = [s["slug"] for s in shows]
        for show in shows:
            picks = self.rng.sample(slugs, min(len(slugs), self.rng.randint(0, 4)))
            show["similar"] = [s for s in picks if s != show["slug"]][:3]
        return {"format": 1, "shows": shows}


def generate(n_shows: int, seed: int = 7) -> dict[str, Any]:
    """The catalog for n_shows shows and seed, as the JSON-ready dict."""
    return Generator(seed).catalog(n_shows)


def main(argv: list[str] | None = None) -> None:
    """Command line: write a generated catalog to --out."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    parser.add_argument("--shows", type=int, default=10000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    catalog = generate(args.shows, args.seed)
    args.out.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    n_credits = sum(len(s["cast"]) + sum(len(x["cast"]) for x in s["seasons"]) for s in catalog["shows"])
    print(
        json.dumps(
            {"shows": len(catalog["shows"]), "credits": n_credits, "out": str(args.out)},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

"""Shared pieces of the demo-city generator: the reference date, word pickers, names of people."""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from wuye.core.search import initials

from . import names as N

# Every date in the demo city derives from this day, so that the same seed gives the same data.
REFERENCE_DATE = date(2026, 10, 1)


def weighted(pairs: list[tuple[str, int]]) -> list[str]:
    """A flat list in which each value appears ``weight`` times: pick with ``rng.choice``."""
    return [value for value, weight in pairs for _ in range(weight)]


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


class Initials(dict):
    """Pinyin initials, computed once per distinct name."""

    def __missing__(self, key: str) -> str:
        value = self[key] = initials(key)
        return value


class People:
    """Chinese personal names, sexes and birth years drawn from common surnames and given names."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.surnames = weighted(N.SURNAMES)

    def person(self, *, born_from: int = 1945, born_to: int = 2000) -> tuple[str, bool, int]:
        rng = self.rng
        male = rng.random() < 0.5
        year = rng.randint(born_from, born_to)
        r = rng.random()
        if r < 0.5:
            given = rng.choice(N.MALE_FIRST) + rng.choice(N.MALE_SECOND) if male else (
                rng.choice(N.FEMALE_FIRST) + rng.choice(N.FEMALE_SECOND))
        else:
            old = (year < 1970) if r < 0.92 else (year >= 1970)
            pool = (N.MALE_OLD if old else N.MALE_NEW) if male else (N.FEMALE_OLD if old else N.FEMALE_NEW)
            given = rng.choice(pool)
        return rng.choice(self.surnames) + given, male, year

    def name(self, **kwargs) -> str:
        return self.person(**kwargs)[0]

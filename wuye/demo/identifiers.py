"""Valid identifiers for generated records (rules.md §11), drawn from a seeded ``random.Random``."""

from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

from .names import BIRTH_PLACE_CODES, MOBILE_PREFIXES

# GB 11714 organisation code: 8 characters and a check character.
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the characters a credit code may use
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def organisation_code(rng: random.Random, *, new_style: bool) -> str:
    """Nine characters of an organisation code with its GB 11714 check character. Codes issued
    since 2015 start with ``MA``; older ones are eight digits."""
    if new_style:
        body = "MA" + str(rng.randint(1, 9)) + "".join(rng.choice(_ORG_ALPHABET) for _ in range(5))
    else:
        body = "".join(str(rng.randint(0, 9)) for _ in range(8))
    check = 11 - sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng: random.Random, *, region: str, new_style: bool = True) -> str:
    """A unified social credit code (GB 32100-2015) of an enterprise registered in ``region``:
    ``9`` (market regulation) ``1`` (enterprise), region, organisation code, check character."""
    stem = "91" + region + organisation_code(rng, new_style=new_style)
    return stem + uscc.calc_check_digit(stem)


def id_number(rng: random.Random, *, born: date, male: bool) -> str:
    """A resident ID number (GB 11643-1999) with a real birth-place code and its check digit."""
    order = rng.randrange(1, 1000, 2) if male else rng.randrange(2, 1000, 2)
    stem = f"{rng.choice(BIRTH_PLACE_CODES)}{born:%Y%m%d}{order:03d}"
    return stem + ric.calc_check_digit(stem + "0")


def birth_date(rng: random.Random, *, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1)
    return start + timedelta(days=rng.randrange((date(last_year, 12, 31) - start).days + 1))


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def landline(rng: random.Random, area_code: str) -> str:
    return area_code + str(rng.randint(5, 8)) + f"{rng.randrange(10_000_000):07d}"

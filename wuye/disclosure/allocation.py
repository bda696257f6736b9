"""Splitting a sum of money (or a quantity) over units, exact to the last digit.

rules.md §2–§3: shares are in proportion to weights (exclusive area, one per household, or a
published formula) and, rounded to the fen, must add up exactly to the total. We use the
largest-remainder method on integers: every unit gets the floor of its exact share (computed with
``fractions.Fraction``, never floats); the few units left over go one each to the largest
remainders, ties broken by the order the units were given in (so the result is reproducible).

Rounding is one rule (四舍五入, ``core.money``): the total to split is rounded half up once by
the caller (``money(loss × price)``); this module then hands out exactly that total, so each
share lies within one fen of its exact share and the shares add up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from wuye.core.errors import ServiceError
from wuye.core.money import round_half_up


def _fraction(value) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not allowed in allocations")
    return Fraction(Decimal(value)) if not isinstance(value, int) else Fraction(value)


def split_integer(total: int, weights: Sequence) -> list[int]:
    """Split the integer ``total`` (e.g. fen) in proportion to ``weights`` (≥ 0, not all zero)."""
    if weights and all(type(w) is int for w in weights):
        return _split_int_weights(total, weights)
    fractions = [_fraction(w) for w in weights]
    if any(w < 0 for w in fractions):
        raise ServiceError(_("分摊系数不能为负数"))
    whole = sum(fractions, Fraction(0))
    if not fractions or whole == 0:
        raise ServiceError(_("没有可分摊的房屋（分摊系数合计为零）"))
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = [magnitude * w / whole for w in fractions]
    floors = [e.numerator // e.denominator for e in exact]
    left = magnitude - sum(floors)
    # Largest remainders first; among equal remainders, the earlier unit.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * f for f in floors]


def _split_int_weights(total: int, weights: Sequence[int]) -> list[int]:
    """The same split for integer weights (e.g. areas in hundredths of m²), in integer arithmetic:
    the exact share is ``magnitude × w / whole``; its floor and remainder come from ``divmod`` and
    the remainders compare exactly as the fractions would (same denominator)."""
    if any(w < 0 for w in weights):
        raise ServiceError(_("分摊系数不能为负数"))
    whole = sum(weights)
    if whole == 0:
        raise ServiceError(_("没有可分摊的房屋（分摊系数合计为零）"))
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    parts = [divmod(magnitude * w, whole) for w in weights]
    floors = [q for q, _r in parts]
    left = magnitude - sum(floors)
    order = sorted(range(len(parts)), key=lambda i: (-parts[i][1], i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * f for f in floors]


def split_money(total: Decimal, weights: Sequence, places: int = 2) -> list[Decimal]:
    """Split ``total`` yuan over ``weights``, to ``places`` decimals (default: the fen); the parts
    add up exactly to ``total``."""
    total = Decimal(total)
    if total != round_half_up(total, places):
        raise ServiceError(_("金额 %(total)s 的小数位数超过 %(places)s 位") % {"total": total, "places": places})
    scaled = int(total.scaleb(places))
    # Exact: ``part`` is a whole number of fen (or of 10^-places), only its exponent is set.
    return [round_half_up(Decimal(part).scaleb(-places), places) for part in split_integer(scaled, weights)]

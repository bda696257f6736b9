"""The one rounding rule of the platform: half up (四舍五入), on exact decimals.

Money is yuan with two places; areas m² with two places; percentages one or two places. Every
figure a person reads that had to be rounded goes through :func:`round_half_up` (never
``round()``, never ``quantize`` with the default banker's rounding, never a float).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_half_up(value: Decimal | Fraction | int | str, places: int = 2) -> Decimal:
    """``value`` rounded half up to ``places`` decimal places (0.005 → 0.01, -0.005 → -0.01).

    A :class:`~fractions.Fraction` is rounded exactly (no intermediate decimal)."""
    exp = Decimal(1).scaleb(-places)
    if isinstance(value, Fraction):
        scaled = value * 10**places
        whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
        if 2 * rest >= scaled.denominator:
            whole += 1
        sign = -1 if scaled < 0 else 1
        return (Decimal(sign * whole).scaleb(-places)).quantize(exp)
    return Decimal(value).quantize(exp, rounding=ROUND_HALF_UP)


def money(value: Decimal | Fraction | int | str) -> Decimal:
    """An amount in yuan, rounded half up to the fen."""
    return round_half_up(value, 2)


def percent(part: int | Decimal, whole: int | Decimal, places: int = 2) -> Decimal | None:
    """``part / whole`` as a percentage rounded half up; ``None`` when ``whole`` is zero."""
    if not whole:
        return None
    return round_half_up(Fraction(Decimal(part)) * 100 / Fraction(Decimal(whole)), places)

"""The published payment formula of a 准物业 contract (issue 17 §9; rules.md §13: "the community
checks it monthly and payment follows the checks"). One function, shown on every contract page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from wuye.core.money import money, round_half_up


@dataclass(frozen=True)
class Payment:
    checked: int
    passed: int
    pass_rate: Decimal | None  # percent, two places; None when nothing was checked
    share: Decimal  # percent of the amount paid, two places
    amount: Decimal  # the contract amount
    payable: Decimal  # what the buyer pays, yuan, rounded half up to the fen
    deduction: Decimal  # amount − payable
    rule: str  # which branch of the formula applied: "full", "rate", "floor", "unchecked"


def payment_for(*, amount: Decimal, passed: int, checked: int, full_pay_rate: Decimal,
                floor_rate: Decimal) -> Payment:
    """应付服务费 = 合同金额 × 支付比例，四舍五入到分。

    - 合格率 = 合格的月度检查项数 ÷ 已检查的月度检查项数（每个覆盖小区每月检查安全、保洁、
      维护三项，每项一次），按精确分数计算；
    - 合格率 ≥ 全额支付合格率（默认 90%）：支付比例 100%；
    - 最低支付比例（默认 60%）≤ 合格率 < 全额支付合格率：支付比例 = 合格率；
    - 合格率 < 最低支付比例：支付比例 = 最低支付比例（保底，保障服务人员基本报酬）；
    - 尚无检查记录：没有可扣减的依据，支付比例 100%（页面提示尚未检查）。

    整改按期完成不改变当月检查结果；只有检查结果计入合格率。
    """
    amount = Decimal(amount)
    full = Fraction(Decimal(full_pay_rate)) / 100
    floor = Fraction(Decimal(floor_rate)) / 100
    if checked < 0 or passed < 0 or passed > checked:
        raise ValueError("passed must be between 0 and checked")
    if checked == 0:
        share, rule, rate = Fraction(1), "unchecked", None
    else:
        rate = Fraction(passed, checked)
        if rate >= full:
            share, rule = Fraction(1), "full"
        elif rate >= floor:
            share, rule = rate, "rate"
        else:
            share, rule = floor, "floor"
    payable = money(Fraction(amount) * share)
    return Payment(
        checked=checked, passed=passed, pass_rate=None if rate is None else round_half_up(rate * 100, 2),
        share=round_half_up(share * 100, 2), amount=money(amount), payable=payable,
        deduction=money(amount) - payable, rule=rule,
    )

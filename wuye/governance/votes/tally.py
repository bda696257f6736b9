"""Counting a motion's ballots with exact fractions (rules.md §1).

《中华人民共和国民法典》第二百七十八条 第二款:
- 业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决
  (quorum: participating area ≥ 2/3 of the total area AND participating heads ≥ 2/3 of all heads);
- 决定前款第六项至第八项规定的事项，应当经参与表决专有部分面积四分之三以上的业主且参与表决人数四分之三
  以上的业主同意 (major matters: yes ≥ 3/4 of the participating area AND heads);
- 决定前款其他事项，应当经参与表决专有部分面积过半数的业主且参与表决人数过半数的业主同意
  (ordinary matters: yes > 1/2, strictly, of the participating area AND heads).

"以上" includes the bound, "过半数" is strictly more than half. Participants are all who returned a
ballot, abstentions included (they count in participation, never as yes). The area and the heads
of the denominators come from the frozen roll (法释〔2009〕7号 第八条、第九条, see ``roll.py``).

Everything is ``fractions.Fraction``; the percentages in the explanation are for reading only.
The ballots are summed in ONE aggregate query (conditional sums over ballots joined to the roll).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from wuye.core.money import round_half_up
from wuye.governance.models import MAJOR_MATTERS, Ballot, Motion

TWO_THIRDS = Fraction(2, 3)
HALF = Fraction(1, 2)
THREE_QUARTERS = Fraction(3, 4)
ZERO = Decimal("0.00")

# The keys of the API's result, in order (issue 5 item 6).
API_KEYS = ("final", "rule", "total_area", "total_heads", "participating_area", "participating_heads", "yes_area",
            "yes_heads", "participation_area_ratio", "participation_head_ratio", "approval_area_ratio",
            "approval_head_ratio", "quorum_met", "passed", "explanation")


def ratio(part, whole) -> Fraction:
    """``part / whole`` exactly; 0 when ``whole`` is 0."""
    whole = Fraction(whole)
    return Fraction(part) / whole if whole else Fraction(0)


def ratio_str(f: Fraction) -> str:
    """``"p/q"`` in lowest terms (a Fraction is always reduced); ``"0/1"`` for zero."""
    return f"{f.numerator}/{f.denominator}"


def pct(f: Fraction) -> str:
    """A fraction as a percentage with one decimal, rounded half up (for reading only)."""
    return f"{round_half_up(f * 100, 1)}%"


def _area(value) -> str:
    return str(round_half_up(Decimal(value or 0), 2))


# ---- the thresholds of 民法典 第二百七十八条 第二款 (the one home of each; elections use them too)


def reaches(part, whole, bound: Fraction) -> bool:
    """"…以上": ``part / whole ≥ bound`` exactly (never with a zero ``whole``)."""
    return bool(whole) and ratio(part, whole) >= bound


def exceeds(part, whole, bound: Fraction) -> bool:
    """"过半数" and the like: ``part / whole > bound`` strictly (never with a zero ``whole``)."""
    return bool(whole) and ratio(part, whole) > bound


def quorum(*, participating_area, total_area, participating_heads, total_heads) -> tuple[bool, bool]:
    """第二款: owners holding two-thirds or more of the exclusive area AND two-thirds or more of the
    heads take part. Returns (area reached, heads reached)."""
    return reaches(participating_area, total_area, TWO_THIRDS), reaches(participating_heads, total_heads, TWO_THIRDS)


def approval(*, rule: str, yes_area, participating_area, yes_heads, participating_heads) -> tuple[bool, bool]:
    """第二款: items (六)–(八) need three-quarters or more of the participating area AND heads;
    the others more than half of both. Returns (area approved, heads approved)."""
    if rule == Motion.Rule.MAJOR:
        return (reaches(yes_area, participating_area, THREE_QUARTERS),
                reaches(yes_heads, participating_heads, THREE_QUARTERS))
    return exceeds(yes_area, participating_area, HALF), exceeds(yes_heads, participating_heads, HALF)


def rule_for(matter: str) -> str:
    return Motion.Rule.MAJOR if matter in MAJOR_MATTERS else Motion.Rule.ORDINARY


@dataclass(frozen=True)
class Counts:
    participating_area: Decimal
    participating_heads: int
    yes_area: Decimal
    yes_heads: int
    no_area: Decimal = ZERO
    no_heads: int = 0
    abstain_area: Decimal = ZERO
    abstain_heads: int = 0


def decide(*, rule: str, total_area, total_heads: int, counts: Counts) -> dict:
    """The result of a count (pure: used by the live count, the final result and the tests)."""
    p_area_r = ratio(counts.participating_area, total_area)
    p_head_r = ratio(counts.participating_heads, total_heads)
    y_area_r = ratio(counts.yes_area, counts.participating_area)
    y_head_r = ratio(counts.yes_heads, counts.participating_heads)
    area_quorum, head_quorum = quorum(participating_area=counts.participating_area, total_area=total_area,
                                      participating_heads=counts.participating_heads, total_heads=total_heads)
    quorum_met = area_quorum and head_quorum
    major = rule == Motion.Rule.MAJOR
    area_ok, head_ok = approval(rule=rule, yes_area=counts.yes_area, participating_area=counts.participating_area,
                                yes_heads=counts.yes_heads, participating_heads=counts.participating_heads)
    passed = quorum_met and area_ok and head_ok
    explanation = _explain(major=major, area_quorum=area_quorum, head_quorum=head_quorum, area_ok=area_ok,
                           head_ok=head_ok, passed=passed, p_area_r=p_area_r, p_head_r=p_head_r, y_area_r=y_area_r,
                           y_head_r=y_head_r, counts=counts, total_heads=total_heads)
    return {
        "final": False,
        "rule": str(rule),
        "total_area": _area(total_area),
        "total_heads": int(total_heads),
        "participating_area": _area(counts.participating_area),
        "participating_heads": counts.participating_heads,
        "yes_area": _area(counts.yes_area),
        "yes_heads": counts.yes_heads,
        "participation_area_ratio": ratio_str(p_area_r),
        "participation_head_ratio": ratio_str(p_head_r),
        "approval_area_ratio": ratio_str(y_area_r),
        "approval_head_ratio": ratio_str(y_head_r),
        "quorum_met": quorum_met,
        "passed": passed,
        "explanation": explanation,
        # Extra figures for the pages (not in the API's contract).
        "no_area": _area(counts.no_area),
        "no_heads": counts.no_heads,
        "abstain_area": _area(counts.abstain_area),
        "abstain_heads": counts.abstain_heads,
        "area_quorum": area_quorum,
        "head_quorum": head_quorum,
        "area_approved": area_ok,
        "head_approved": head_ok,
    }


def _explain(*, major, area_quorum, head_quorum, area_ok, head_ok, passed, p_area_r, p_head_r, y_area_r, y_head_r,
             counts, total_heads) -> str:
    ge, lt = "≥", "<"
    parts = [_("依据《中华人民共和国民法典》第二百七十八条："),
             _("参与表决的专有部分面积占比 %(p)s（%(op)s 2/3，%(ok)s），") % {
                 "p": pct(p_area_r), "op": ge if area_quorum else lt, "ok": _("达到") if area_quorum else _("未达到")},
             _("参与表决人数 %(n)s 人，占总人数 %(m)s 人的 %(p)s（%(op)s 2/3，%(ok)s），") % {
                 "n": counts.participating_heads, "m": total_heads, "p": pct(p_head_r),
                 "op": ge if head_quorum else lt, "ok": _("达到") if head_quorum else _("未达到")}]
    if area_quorum and head_quorum:
        parts.append(_("参与表决条件已满足。"))
    else:
        parts.append(_("未满足“专有部分面积占比三分之二以上且人数占比三分之二以上的业主参与表决”的条件。"))
    if major:
        area_word = _("达到四分之三（≥ 3/4）") if area_ok else _("未达到四分之三（< 3/4）")
        head_word = _("达到四分之三（≥ 3/4）") if head_ok else _("未达到四分之三（< 3/4）")
    else:
        area_word = _("超过半数（> 1/2）") if area_ok else _("未超过半数（≤ 1/2）")
        head_word = _("超过半数（> 1/2）") if head_ok else _("未超过半数（≤ 1/2）")
    kind = _("本事项属第二百七十八条第一款第六项至第八项规定的重大事项，须经参与表决专有部分面积和参与表决人数"
             "四分之三以上的业主同意。") if major else _("本事项须经参与表决专有部分面积过半数且参与表决人数过半数的业主同意。")
    parts.append(kind)
    parts.append(_("同意面积占参与面积 %(a)s，%(aw)s；同意人数 %(n)s 人，占参与人数 %(h)s，%(hw)s。") % {
        "a": pct(y_area_r), "aw": area_word, "n": counts.yes_heads, "h": pct(y_head_r), "hw": head_word})
    if counts.abstain_heads:
        parts.append(_("弃权 %(n)s 人计入参与表决，不计入同意。") % {"n": counts.abstain_heads})
    parts.append(_("表决通过。") if passed else _("表决未通过。"))
    return "".join(str(p) for p in parts)


def motion_counts(motion: Motion) -> Counts:
    """The ballots of ``motion`` summed in one query (conditional sums over ballots × roll)."""
    yes, no, ab = Q(choice=Ballot.Choice.YES), Q(choice=Ballot.Choice.NO), Q(choice=Ballot.Choice.ABSTAIN)
    row = Ballot.objects.filter(motion_id=motion.pk).aggregate(
        p_area=Sum("entry__area"), p_heads=Count("id"),
        y_area=Sum("entry__area", filter=yes), y_heads=Count("id", filter=yes),
        n_area=Sum("entry__area", filter=no), n_heads=Count("id", filter=no),
        a_area=Sum("entry__area", filter=ab), a_heads=Count("id", filter=ab),
    )
    return Counts(participating_area=row["p_area"] or ZERO, participating_heads=row["p_heads"] or 0,
                  yes_area=row["y_area"] or ZERO, yes_heads=row["y_heads"] or 0,
                  no_area=row["n_area"] or ZERO, no_heads=row["n_heads"] or 0,
                  abstain_area=row["a_area"] or ZERO, abstain_heads=row["a_heads"] or 0)


def live_explanation(result: dict) -> str:
    """The count so far, in whole numbers, with no verdict: a motion is neither passed nor failed
    before its voting closes (issue 14 §8); the law's fractions are compared only at the close."""
    return str(_("投票进行中，当前参与表决 %(p)s 人（共 %(t)s 人）：同意 %(y)s 人，占参与人数 %(y)s/%(p)s；"
                 "反对 %(n)s 人；弃权 %(a)s 人。依据《中华人民共和国民法典》第二百七十八条，投票截止后计票，"
                 "是否通过以截止后的计票为准。") % {
        "p": result["participating_heads"], "t": result["total_heads"], "y": result["yes_heads"],
        "n": result["no_heads"], "a": result["abstain_heads"]})


def motion_result(motion: Motion) -> dict:
    """The final result once written; before that, the count so far (``"final": False``) with an
    explanation that gives no verdict."""
    if motion.final_result:
        return dict(motion.final_result, final=True)
    result = decide(rule=motion.rule, total_area=motion.total_area, total_heads=motion.total_heads,
                    counts=motion_counts(motion))
    result["explanation"] = live_explanation(result)
    return result


def api_result(result: dict) -> dict:
    """The result as the API gives it: exactly ``API_KEYS``."""
    return {k: result[k] for k in API_KEYS}

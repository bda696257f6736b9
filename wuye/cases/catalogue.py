"""The seed catalogue of complaint categories (issue §5) and default escalation rules.

Time limits follow rules.md §7 (Beijing draft norm): web submissions accepted within 2 h;
emergencies and water, power, gas or heating within 24 h; ordinary complaints 7 days; complex
ones 15 days. Ordinary complaints here count working days, as many cities do; every limit is a
per-category setting the city bureau can change.
"""

from django.utils.translation import gettext_noop as N_

H, CD, WD = "hours", "calendar_days", "working_days"

# code, name (marked for translation: Category.label shows it in the user's language), responsible, department kind, supervisor, visibility, emergency,
# (accept, sign, contact, resolve) limits as (amount, unit)
CATEGORIES = [
    ("service_attitude", N_("服务态度"), "company", "", "street", "public", False, (2, H), (4, H), (24, H), (5, WD)),
    ("cleaning_greening", N_("保洁绿化"), "company", "", "street", "public", False, (2, H), (4, H), (24, H), (3, WD)),
    ("parking_fees", N_("停车收费"), "company", "", "district", "public", False, (2, H), (4, H), (24, H), (7, WD)),
    ("parking_sale_only", N_("车位只售不租"), "developer", "", "district", "public", False, (2, H), (8, H), (2, WD), (15, WD)),
    ("utility_cutoff", N_("限水限电/卡缴催费"), "company", "", "district", "public", True, (2, H), (2, H), (4, H), (24, H)),
    ("utility_sharing", N_("水电公摊不合理"), "company", "", "district", "public", False, (2, H), (4, H), (24, H), (10, WD)),
    ("common_income", N_("公共收益不公示"), "company", "", "district", "public", False, (2, H), (4, H), (24, H), (10, WD)),
    ("repairs", N_("维修不及时"), "company", "", "street", "public", False, (2, H), (4, H), (24, H), (5, WD)),
    ("elevator", N_("电梯故障"), "company", "", "district", "public", True, (2, H), (1, H), (2, H), (24, H)),
    ("fire_safety", N_("消防通道与消防隐患"), "department", "fire", "district", "public", True, (2, H), (2, H), (12, H), (3, WD)),
    ("illegal_construction", N_("违规装修与私搭乱建"), "department", "urban", "street", "public", False, (2, H), (8, H), (2, WD), (15, WD)),
    ("noise", N_("噪音扰民"), "community", "", "street", "public", False, (2, H), (4, H), (24, H), (5, WD)),
    ("property_fees", N_("物业收费"), "company", "", "district", "public", False, (2, H), (4, H), (24, H), (7, WD)),
    ("owners_committee", N_("业委会问题"), "community", "", "street", "public", False, (2, H), (8, H), (2, WD), (15, WD)),
    ("gang_clues", N_("涉黑涉恶线索"), "department", "police", "city", "confidential", False, (2, H), (2, H), (24, H), (15, CD)),
    ("other", N_("其他"), "company", "", "street", "public", False, (2, H), (8, H), (2, WD), (7, CD)),
]

# level, overdue hours (rules.md §7: 催办 → 督办 → 挂牌督办 → 通报)
ESCALATIONS = [(1, 0), (2, 2), (3, 48), (4, 168)]


def seed(apps=None) -> int:
    """Create the categories and escalation rules that do not exist yet (idempotent)."""
    if apps is None:
        from .models import Category, EscalationRule  # a migration passes its historical models instead
    else:
        Category = apps.get_model("cases", "Category")
        EscalationRule = apps.get_model("cases", "EscalationRule")
    created = 0
    for i, (code, name, resp, dept, sup, vis, emergency, acc, sign, contact, resolve) in enumerate(CATEGORIES):
        _obj, new = Category.objects.get_or_create(code=code, defaults=dict(
            name=name, responsible=resp, department_kind=dept, supervisor=sup, visibility=vis, emergency=emergency,
            sort_order=(i + 1) * 10,
            accept_amount=acc[0], accept_unit=acc[1], sign_amount=sign[0], sign_unit=sign[1],
            contact_amount=contact[0], contact_unit=contact[1], resolve_amount=resolve[0], resolve_unit=resolve[1],
        ))
        created += new
    for level, hours in ESCALATIONS:
        EscalationRule.objects.get_or_create(level=level, defaults={"overdue_hours": hours})
    return created

"""The demo logins (issue: all with password ``Wuye@2026``) and the table that lists them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from wuye.accounts.models import User

from .common import display_width, pad
from .generator import DEMO_PASSWORD

# Username → what the login is for, in the order the table lists them.
DEMO_LOGINS = {
    "admin": "系统管理员：账号与系统配置",
    "security": "安全管理员：安全策略与账号锁定",
    "auditor": "安全审计员：查阅审计日志",
    "city": "市住房保障房产局：全市",
    "district": "区主管部门：本区",
    "street": "街道办事处：本街道",
    "community": "社区居委会：本社区",
    "dept_market": "职能部门（市场监管）：本区",
    "company": "物业企业负责人：本企业服务的小区",
    "committee": "业委会成员：本小区",
    "resident": "业主：本人房屋所在小区",
}
assert list(DEMO_LOGINS) == list(settings.WUYE_DEMO_USERNAMES)


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, role, unit, purpose) of each demo login in the database."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=list(DEMO_LOGINS)).select_related(
            "district", "street__district", "community__street", "department", "company", "estate", "owner"
        )
    }
    rows = []
    for username, purpose in DEMO_LOGINS.items():
        user = users.get(username)
        if user is None:
            continue
        unit = user.unit_label
        if user.role == "street" and user.street_id:
            unit = f"{user.street.district.name} {user.street.name}"
        elif user.role == "community" and user.community_id:
            unit = f"{user.community.street.name} {user.community.name}"
        elif user.role == "resident" and user.owner_id:
            unit = f"{user.full_name}（业主）"
        rows.append((username, user.get_role_display(), unit or "—", purpose))
    return rows


def print_logins(write: Callable[[str], None]) -> None:
    rows = login_rows()
    if not rows:
        write("（数据库中没有演示账号）")
        return
    headers = ("用户名", "角色", "所属", "用途")
    widths = [max(display_width(str(r[i])) for r in [headers, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    write("  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip())
    write(line)
    for row in rows:
        write("  ".join(pad(str(c), w) for c, w in zip(row, widths, strict=True)).rstrip())

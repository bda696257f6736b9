"""The complaint's states in the resident's words (issue 14 §7)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .models import Status

# Every state as the resident reads it (issue 14 §7): plain words about what happens next, not the
# desk's terms ("待回访" is, for the resident, "请您评价办理结果"). The one place for these words:
# the tracking page, "我的诉求" and the resident's view of the complaint page read them here.
RESIDENT_STATUS_LABELS = {
    Status.SUBMITTED: _("已收到，等待受理"),
    Status.ACCEPTED: _("已受理，正在安排办理单位"),
    Status.DISPATCHED: _("已转交办理单位"),
    Status.SIGNED: _("办理单位已接单，将与您联系"),
    Status.IN_PROGRESS: _("正在办理"),
    Status.RETURN_REVIEW: _("正在重新确定办理单位"),
    Status.REPLY_REVIEW: _("办理结果审核中"),
    Status.REPLIED: _("请您评价办理结果"),
    Status.EVALUATED: _("已收到您的评价，正在复核"),
    Status.CLOSED: _("已办结"),
    Status.REFUSED: _("不予受理"),
    Status.DUPLICATE: _("已与相同诉求合并办理"),
    Status.WITHDRAWN: _("已撤回"),
}


def resident_status(status: str) -> str:
    return str(RESIDENT_STATUS_LABELS.get(status, ""))

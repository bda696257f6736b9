"""The system administrator's status page: what the load balancer's readiness probe sees, the
replica's lag and the queue (issue 18 §2, §4)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from wuye.accounts.models import User

from .access import refuse
from .backup import backups_status
from .health import readiness
from .selectors import can_view_system_status

LABELS = {"database": _("数据库（主库）"), "cache": _("缓存（Redis）"), "queue": _("任务队列"), "replica": _("只读副本")}
STATUS = {"ok": _("正常"), "degraded": _("降级运行（缓存或队列不可用，页面照常服务）"), "unavailable": _("不可用（数据库无法连接）")}


@require_GET
@login_required
def system_status(request):
    if not can_view_system_status(request.user):
        refuse(user=request.user, model=User, pk="", reason=_("只有系统管理员可以查看系统状态"), status=403)
    status, checks = readiness()
    rows = [{"key": k, "label": LABELS.get(k, k), **v} for k, v in checks.items()]
    return render(request, "core/system_status.html", {
        "status": status, "status_label": STATUS[status], "rows": rows, "backups": backups_status(),
    })

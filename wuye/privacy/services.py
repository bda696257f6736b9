"""Writes of the privacy app: a resident's copy of their own data (audited) and their correction
requests (submitted → corrected | refused, on ``core/workflow``). The periodic anonymisation is
``retention.retention_sweep``; the retention periods are saved by ``core.services.settings_update``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g

from wuye.accounts.selectors import city_officials
from wuye.core.audit import audit_record
from wuye.core.calendar import DAY, local_text
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import Message, notify_many

from . import selectors as sel
from .models import CorrectionRequest
from .workflow import CORRECTION

FORMATS = ("json", "xlsx")


# ---- a resident's own data (个人信息保护法第四十五条：查阅、复制) -----------------------------------


@dataclass
class Section:
    key: str
    label: str
    rows: list[dict] = field(default_factory=list)


@dataclass
class OwnData:
    generated_at: str
    account: dict
    sections: list[Section]

    def as_json(self) -> dict:
        return {"generated_at": self.generated_at, "account": self.account,
                **{s.key: s.rows for s in self.sections}}


def _complaint_row(c) -> dict:
    return {
        "查询码": c.tracking_code, "提交时间": local_text(c.created_at), "小区": c.estate.name,
        "类别": c.category.label,
        "标题": c.display_title, "诉求内容": c.description, "具体位置": c.location,
        "诉求人": c.reporter_name, "联系电话": c.reporter_phone, "状态": c.resident_status_text,
        "办结时间": local_text(c.closed_at), "满意度": c.get_satisfaction_display(),
    }


def _ballot_row(b) -> dict:
    return {
        "表决事项": b.motion.title, "小区": b.motion.estate.name, "表决权人": b.entry.name,
        "表决意见": b.get_choice_display(), "投票方式": b.get_channel_display(), "选票编号": b.ballot_no,
        "投票时间": local_text(b.cast_at), "修改时间": local_text(b.changed_at),
    }


def _utility_row(s) -> dict:
    a = s.allocation
    return {
        "小区": a.estate.name, "类别": a.get_utility_display(),
        "期间": f"{local_text(a.period_start, DAY)} 至 {local_text(a.period_end, DAY)}", "房屋": s.unit.number,
        "专有部分面积（m²）": str(s.area), "分摊用量": str(s.quantity), "分摊金额（元）": str(s.charge),
    }


def _income_row(s) -> dict:
    r = s.report
    return {
        "小区": r.estate.name, "期间": f"{local_text(r.period_start, DAY)} 至 {local_text(r.period_end, DAY)}",
        "房屋": s.unit.number, "专有部分面积（m²）": str(s.area), "应享收益（元）": str(s.amount),
    }


def own_data(user) -> OwnData:
    """Everything the platform keeps about the resident that the issue names: their complaints, their
    ballots, their utility and income shares — their own only (``selectors``), unmasked: it is theirs."""
    if not sel.is_resident(user):
        raise ServiceError(_g("只有业主账号可以下载本人的个人信息"))
    sections = [
        Section("complaints", _g("我的诉求"), [_complaint_row(c) for c in sel.own_complaints(user)]),
        Section("ballots", _g("我的表决"), [_ballot_row(b) for b in sel.own_ballots(user)]),
        Section("utility_shares", _g("水电公摊分摊"), [_utility_row(s) for s in sel.own_utility_shares(user)]),
        Section("income_shares", _g("公共收益分配"), [_income_row(s) for s in sel.own_income_shares(user)]),
    ]
    account = {"账号": user.username, "姓名": user.full_name, "手机号码": user.phone or "", "电子邮箱": user.email or ""}
    return OwnData(generated_at=local_text(timezone.now()), account=account, sections=sections)


@transaction.atomic
def own_data_export(*, user, fmt: str) -> OwnData:
    """The resident's copy of their data, and the audit row of its export (one per download)."""
    if fmt not in FORMATS:
        raise ServiceError(_g("不支持的下载格式"))
    data = own_data(user)
    audit_record(action=AuditAction.EXPORT, actor=user, obj=user, object_repr=f"{user.username} 的个人信息",
                 changes={"format": fmt, **{s.key: len(s.rows) for s in data.sections}},
                 detail=f"业主下载本人个人信息（{fmt.upper()}，个人信息保护法第四十五条）")
    return data


def own_data_sheet_rows(data: OwnData) -> list[tuple]:
    """One row per record for the one-sheet workbook: kind, then its fields as "名称：值" text."""
    rows: list[tuple] = [(_g("账号信息"), "；".join(f"{k}：{v}" for k, v in data.account.items()))]
    for s in data.sections:
        for row in s.rows:
            rows.append((s.label, "；".join(f"{k}：{v}" for k, v in row.items())))
    return rows


# ---- correction requests (个人信息保护法第四十六条：更正、补充) -------------------------------------


def _detail_url(req: CorrectionRequest) -> str:
    return reverse("privacy:correction_detail", args=[req.pk])


@transaction.atomic
def correction_submit(*, user, field: str, current_value: str, wanted_value: str) -> CorrectionRequest:
    if not sel.is_resident(user):
        raise ServiceError(_g("只有业主账号可以提交个人信息更正申请"))
    current_value, wanted_value = (current_value or "").strip(), (wanted_value or "").strip()
    if field not in CorrectionRequest.Field.values:
        raise ServiceError(_g("请选择需要更正的信息"))
    if not current_value or not wanted_value:
        raise ServiceError(_g("请填写现有内容和应更正的内容"))
    if current_value == wanted_value:
        raise ServiceError(_g("应更正的内容与现有内容相同"))
    now = timezone.now()
    req = CorrectionRequest.objects.create(requester=user, field=field, current_value=current_value[:500],
                                           wanted_value=wanted_value[:500], created_at=now, updated_at=now)
    req.events.create(action="submit", to_status=req.status, actor=user, note=req.get_field_display(), created_at=now)
    audit_record(action=AuditAction.CREATE, actor=user, obj=req,
                 changes={"field": field, "status": req.status}, detail="提交个人信息更正申请（个人信息保护法第四十六条）")
    notify_many([Message(users=list(city_officials()), subject=_g("新的个人信息更正申请"),
                         body=_g("业主提交了个人信息更正申请（%(field)s），请及时处理。") % {"field": req.get_field_display()},
                         url=_detail_url(req), channels=("inapp",), category="system")])
    return req


@transaction.atomic
def correction_handle(*, user, request: CorrectionRequest, action: str, note: str = "") -> CorrectionRequest:
    """The city bureau closes the request: ``correct`` (what was corrected, optional) or ``refuse``
    (a reason, required). The resident is told in the app and by SMS and sees the outcome."""
    if action not in CORRECTION.transitions:
        raise ServiceError(_g("未知的操作"))
    note = (note or "").strip()
    t = CORRECTION.check(action, request, sel.correction_actor_kinds(user, request), note=note)
    now = timezone.now()
    outcome = str(t.label)
    body = (_g("您的个人信息更正申请（%(field)s）已处理：%(outcome)s。") % {"field": request.get_field_display(), "outcome": outcome}
            + (_g("说明：%(note)s") % {"note": note} if note else ""))
    CORRECTION.apply(request, action, actor=user, note=note, handled_at=now, handled_by=user, reply=note,
                     messages=[Message(users=[request.requester], subject=_g("个人信息更正申请已处理"), body=body,
                                       url=_detail_url(request), channels=("inapp", "sms"), category="system")])
    return request

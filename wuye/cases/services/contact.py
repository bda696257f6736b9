"""Reaching the resident (issue 14 §5–§6): the first contact's structured record, and the masked
call-back — the unit never sees the resident's number; the platform relays its request."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from wuye.cases.models import CallbackRequest, Complaint, ContactMethod
from wuye.cases.workflow import MACHINE
from wuye.core.calendar import local_text
from wuye.core.errors import ServiceError
from wuye.core.workflow import conditional_update
from wuye.notifications.sms_codes import normalise_phone

from . import common, dispatching, recipients


def contact_record(c: Complaint, now, *, method: str = "", made_at=None, person: str = "", result: str = "") -> dict:
    """The first contact's structured record (issue 14 §5), checked: how (电话, 上门, 短信, 其他), when
    (a moment that has passed, not before the dispatch), with whom and the result. Returns the
    Task fields; ``{}`` when nothing was given (a caller without a form, e.g. an import)."""
    person, result = (person or "").strip(), (result or "").strip()
    if not (method or made_at or person or result):
        return {}
    if method not in ContactMethod.values:
        raise ServiceError(_("请选择联系方式：电话、上门、短信或其他"))
    if made_at is None or made_at == "":
        raise ServiceError(_("请填写联系时间"))
    if isinstance(made_at, str):
        made_at = parse_datetime(made_at.strip())
        if made_at is None:
            raise ServiceError(_("联系时间格式不正确，应为“年-月-日 时:分”"))
    if timezone.is_naive(made_at):
        made_at = timezone.make_aware(made_at)  # a time typed on a page is local (Asia/Shanghai)
    if made_at > now:
        raise ServiceError(_("联系时间不能晚于现在"))
    if c.dispatched_at and made_at < c.dispatched_at.replace(second=0, microsecond=0):
        raise ServiceError(_("联系时间不能早于派单时间（%(at)s）") % {"at": local_text(c.dispatched_at)})
    if not person:
        raise ServiceError(_("请填写联系对象（如：诉求人本人、其家属）"))
    if len(person) > 50:
        raise ServiceError(_("联系对象不能超过 50 个字"))
    if not result:
        raise ServiceError(_("请填写联系结果"))
    if len(result) > 500:
        raise ServiceError(_("联系结果不能超过 500 个字"))
    return dict(contact_method=method, contact_made_at=made_at, contact_person=person, contact_result=result)


# At most this many call-back requests per complaint in 24 hours: the resident is not to be pestered.
CALLBACK_REQUESTS_PER_DAY = 3


def request_callback(c, *, user, note, now, ctx, kinds, callback_number: str = "", **_kw):
    """请求回拨 (issue 14 §6): the unit never sees the resident's number. The platform texts the
    resident the unit's number to call back (or, without a mobile on file, asks the desk to connect
    them); the request, the event (officials only) and the notices are written together."""
    try:
        number = common.clean_contact_phone(callback_number)
    except ServiceError:
        raise ServiceError(_("回拨号码格式不正确（手机号码，或带区号的固定电话）")) from None
    if not number:
        raise ServiceError(_("请填写回拨号码（诉求人回电时拨打的本单位电话）"))
    if len(note) > 200:
        raise ServiceError(_("事由不能超过 200 个字"))
    recent = CallbackRequest.objects.filter(complaint=c, requested_at__gt=now - timedelta(hours=24)).count()
    if recent >= CALLBACK_REQUESTS_PER_DAY:
        raise ServiceError(_("24 小时内已请求回拨 %(n)s 次，请通过区县或市局受理人员联系诉求人") % {"n": recent})
    task = dispatching.lead_task(c) if "lead" in kinds else ctx.joint_task
    unit_name = task.unit_name if task else c.unit_name
    try:
        mobile = normalise_phone(c.reporter_user.phone if c.reporter_user_id else c.reporter_phone)
    except ServiceError:
        mobile = ""
    relay = CallbackRequest.Relay.SMS if mobile else CallbackRequest.Relay.DESK
    req = CallbackRequest.objects.create(complaint=c, task=task, unit_name=unit_name, callback_number=number,
                                         reason=note, relay=relay, requested_by=user, requested_at=now)
    conditional_update(Complaint, c, conflict=MACHINE.conflict_text())
    common.add_event(c, "request_callback", actor=user, from_status=c.status, note=note, task=task, at=now,
                     data={"unit": unit_name, "number": number, "relay": relay})
    if relay == CallbackRequest.Relay.SMS:
        recipients.notify_reporter(c, _("承办单位请您回电"), _(
            "您的诉求（查询码 %(code)s）的承办单位 %(unit)s 需要与您联系%(why)s，请回电 %(number)s。"
            "如不便联系，可拨打 12345。") % {"code": c.tracking_code, "unit": unit_name, "number": number,
                                          "why": f"（{note}）" if note else ""}, key=f"callback-request:{req.pk}")
        desk = _("已短信转告诉求人回电 %(number)s。") % {"number": number}
    else:
        desk = _("诉求人未登记手机号码，请协助联系诉求人并告知回电 %(number)s。") % {"number": number}
    recipients.notify_dispatchers(c, _("承办单位请求回拨"), _("%(unit)s 请求与诉求 %(code)s 的诉求人联系。%(desk)s") % {
        "unit": unit_name, "code": c.tracking_code, "desk": desk}, key=f"callback-request:{req.pk}")

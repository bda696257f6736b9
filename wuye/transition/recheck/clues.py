"""Writes of confidential 扫黑除恶 clue reports (issue 17 §11).

A clue against a company or a person is filed by an official or a resident; the reporter gets a
receipt (its number and time) and nothing more. The police take it up and record their outcome
(``workflow.CLUE``). A confirmed outcome against a company records the veto credit item (一票否决,
rules.md §9) through ``credit.auto``; once confirmed after its notice, the credit recompute black-lists
the company and opens its exit case (``credit.services.credit_refresh`` → ``credit.exits``). The
credit item names no clue: only the police and the city see the link (``ClueReport.credit_event``).
Every look at a clue by the police or the city leaves an audit row (``clue_viewed``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.selectors import city_officials
from wuye.core.audit import audit_record
from wuye.core.calendar import local_text
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.credit.auto import credit_event_auto
from wuye.notifications.services import notify

from . import selectors as sel
from .models import ClueReport
from .workflow import CLUE

K = ClueReport.Status
VETO_RULE = "FJ03"  # 涉黑涉恶经公安机关查实 (veto; added by this app's migration 0002)
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _now() -> datetime:
    return timezone.now()


def _number(now: datetime) -> str:
    """``XS`` + yymmdd + 6 random characters: not guessable, says nothing of the content."""
    return "XS" + local_text(now, "%y%m%d") + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def credit_source_key(clue: ClueReport) -> str:
    """An opaque key for the veto item: it cannot be read back to the clue without the secret key."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:clue:{clue.pk}".encode()).hexdigest()[:24]
    return f"sh:{digest}"


def clue_file(*, actor, target: str, company=None, person_name: str = "", district=None, location: str = "",
              content: str = "", now: datetime | None = None) -> ClueReport:
    now = now or _now()
    if not sel.can_file_clue(actor):
        raise ServiceError(_("您的账号不能提交涉黑涉恶线索，请通过公安机关举报渠道反映"))
    content = (content or "").strip()
    person_name = (person_name or "").strip()
    if target not in ClueReport.Target.values:
        raise ServiceError(_("请选择举报对象类型：物业服务企业或个人"))
    if target == ClueReport.Target.COMPANY and company is None:
        raise ServiceError(_("请选择被举报的物业服务企业"))
    if target == ClueReport.Target.PERSON and not person_name:
        raise ServiceError(_("请填写被举报人的姓名或称呼"))
    if len(person_name) > 50:
        raise ServiceError(_("被举报人不能超过50个字"))
    if district is None:
        raise ServiceError(_("请选择线索发生地所在的区县"))
    if not content:
        raise ServiceError(_("请填写线索内容"))
    if len(content) > 4000:
        raise ServiceError(_("线索内容不能超过4000字"))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                clue = ClueReport.objects.create(
                    number=_number(now), reporter=actor, target=target,
                    company=company if target == ClueReport.Target.COMPANY else None,
                    person_name=person_name if target == ClueReport.Target.PERSON else "", district=district,
                    location=(location or "").strip()[:100], content=content)
                clue.events.create(action="file", to_status=K.RECEIVED, actor=actor, note="")
                audit_record(action=AuditAction.CREATE, actor=actor, obj=clue, detail=_("提交涉黑涉恶线索（保密）"))
                notify(users=list(sel.police_users(district.pk)) + list(city_officials()), subject=_("新的涉黑涉恶线索"),
                       body=_("收到一条涉黑涉恶线索（回执 %(no)s），请登录平台查看并依法核查。") % {"no": clue.number},
                       url=f"/recheck/clues/{clue.pk}/", channels=("inapp",), dedup_key=f"clue:{clue.pk}:filed",
                       category="credit")
            return clue
        except IntegrityError:
            continue
    raise ServiceError(_("系统繁忙，请稍后重试"))  # pragma: no cover - five clashes of a random number


def clue_viewed(*, actor, clue: ClueReport) -> None:
    """Each look at a clue by the police or the city bureau is audited."""
    audit_record(action=AuditAction.REVEAL, actor=actor, obj=clue, detail=_("查看涉黑涉恶线索"))


@transaction.atomic
def clue_accept(*, actor, clue: ClueReport) -> ClueReport:
    CLUE.apply(clue, "accept", actor=actor, kinds=sel.clue_actor_kinds(actor, clue))
    return clue


@transaction.atomic
def clue_conclude(*, actor, clue: ClueReport, confirmed: bool, outcome: str, now: datetime | None = None) -> ClueReport:
    """The police's outcome. Confirmed against a company: the veto credit item (一票否决)."""
    now = now or _now()
    outcome = (outcome or "").strip()
    if len(outcome) > 2000:
        raise ServiceError(_("核查结论不能超过2000字"))
    target = K.CONFIRMED if confirmed else K.UNFOUNDED
    CLUE.apply(clue, "conclude", actor=actor, kinds=sel.clue_actor_kinds(actor, clue), note=outcome, target=target,
               outcome=outcome, outcome_at=now, outcome_by=actor, audit_detail=_("录入核查结论"))
    if confirmed and clue.company_id:
        event = credit_event_auto(
            company=clue.company, rule_code=VETO_RULE, source_key=credit_source_key(clue),
            occurred_on=timezone.localdate(now),
            description=_("经公安机关依法核查，该企业存在涉黑涉恶违法犯罪行为（一票否决）。"),
            evidence=_("公安机关核查结论"))
        if event is not None:
            ClueReport.objects.filter(pk=clue.pk).update(credit_event=event)
            clue.credit_event = event
    return clue

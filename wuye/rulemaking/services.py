"""Every write of rule-making (issue 19 items 7–8): drafts and their consultation, comments, their
moderation and answers, the published summary, and the library of normative documents.

Rules encoded here (rules.md §13; 规章制定程序条例 第十五条): a consultation lasts at least
``WUYE_CONSULTATION_MIN_DAYS`` (30) days counted as ``WUYE_CONSULTATION_PERIOD_UNIT`` says
(calendar or working days, ``selectors.earliest_close``); shorter only with a recorded reason.
Comments are taken from the opening day to the closing day inclusive, in local time
(``selectors.window_state``). Comments are never deleted: moderation hides one with a reason and
leaves an audit row. The office answers every visible comment before it publishes the summary
(意见采纳情况) with the final text.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.audit import audit_record, model_changes, snapshot
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.notifications.services import Message
from wuye.notifications.sms_codes import normalise_phone, sms_code_verify

from . import selectors as sel
from .models import Comment, DocumentVersion, Draft, NormativeDocument
from .workflow import DRAFT

SMS_PURPOSE = "consultation"
MAX_TEXT = 5000


def _require_office(actor) -> None:
    if not sel.is_office(actor):
        raise ServiceError(_("只有起草单位（市住房保障房产局）可以办理草案"))


def _clean(value, label: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(_("请填写%(label)s") % {"label": label})
    if len(value) > max_length:
        raise ServiceError(_("%(label)s不能超过 %(n)s 个字") % {"label": label, "n": max_length})
    return value


# ---- drafts -----------------------------------------------------------------------------------


def check_period(*, opens: date, closes: date, reason: str = "", unit: str | None = None) -> None:
    """Refuse a window that ends before it starts, or is shorter than the minimum without a reason."""
    if not isinstance(opens, date) or not isinstance(closes, date):
        raise ServiceError(_("请填写征求意见的开始日和截止日（YYYY-MM-DD）"))
    if closes < opens:
        raise ServiceError(_("征求意见截止日不能早于开始日"))
    earliest = sel.earliest_close(opens, unit=unit)
    if closes < earliest and not (reason or "").strip():
        raise ServiceError(_(
            "征求意见期不得少于%(period)s（自 %(opens)s 起，截止日最早为 %(earliest)s）；"
            "确需缩短的，请填写缩短理由（short_period_reason）") % {
            "period": sel.minimum_text(unit), "opens": opens.isoformat(), "earliest": earliest.isoformat()})


@transaction.atomic
def draft_create(*, actor, title: str, body: str, consultation_opens: date, consultation_closes: date,
                 explanation: str = "", short_period_reason: str = "", office: str = "",
                 document: NormativeDocument | None = None, publish: bool = False) -> Draft:
    """Write a draft; ``publish`` puts it out for consultation at once (the API does)."""
    _require_office(actor)
    title = _clean(title, _("草案名称"), max_length=200)
    body = _clean(body, _("草案正文"), max_length=200_000)
    reason = _clean(short_period_reason, _("缩短理由"), max_length=500, required=False)
    unit = sel.period_unit_setting()
    check_period(opens=consultation_opens, closes=consultation_closes, reason=reason, unit=unit)
    if consultation_closes >= sel.earliest_close(consultation_opens, unit=unit):
        reason = ""  # a full period needs no reason; keep the record clean
    draft = Draft.objects.create(
        title=title, body=body, explanation=(explanation or "").strip(), office=(office or "").strip() or "市住房保障房产局",
        document=document, consultation_opens=consultation_opens, consultation_closes=consultation_closes,
        period_unit=unit, short_period_reason=reason, created_by=actor)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=draft,
                 changes={"consultation_opens": consultation_opens, "consultation_closes": consultation_closes,
                          "period_unit": unit, "short_period_reason": reason})
    if publish:
        draft_open(actor=actor, draft=draft)
        draft.refresh_from_db()
    return draft


@transaction.atomic
def draft_edit(*, actor, draft: Draft, **fields) -> Draft:
    """Change a draft that is not yet out for consultation (title, body, explanation, window)."""
    _require_office(actor)
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.status != Draft.Status.DRAFT:
        raise ServiceError(_("草案已公开征求意见，不能再修改正文和期限"))
    names = ["title", "body", "explanation", "consultation_opens", "consultation_closes", "short_period_reason"]
    before = snapshot(draft, names)
    for name in names:
        if name in fields:
            setattr(draft, name, fields[name].strip() if isinstance(fields[name], str) else fields[name])
    _clean(draft.title, _("草案名称"), max_length=200)
    _clean(draft.body, _("草案正文"), max_length=200_000)
    check_period(opens=draft.consultation_opens, closes=draft.consultation_closes, reason=draft.short_period_reason,
                 unit=draft.period_unit)
    draft.save()
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=draft, changes=model_changes(before, snapshot(draft, names)))
    return draft


def draft_open(*, actor, draft: Draft) -> None:
    """Put the draft out for public consultation (its window was checked when it was written)."""
    _require_office(actor)
    DRAFT.apply(draft, "open", actor=actor, kinds={"office"},
                note=_("征求意见期 %(o)s 至 %(c)s") % {"o": draft.consultation_opens, "c": draft.consultation_closes})


def draft_close(*, actor, draft: Draft, now: datetime | None = None) -> None:
    """End the consultation once its closing day has passed (never before: the period is the public's)."""
    _require_office(actor)
    if sel.window_state(draft, now) != "after":
        raise ServiceError(_("征求意见期至 %(day)s 截止，截止前不能结束征求意见") % {"day": draft.consultation_closes})
    DRAFT.apply(draft, "close", actor=actor, kinds={"office"})


def drafts_close_due(*, now: datetime | None = None) -> int:
    """The periodic job: close every consultation whose closing day has passed. Each draft is
    claimed by the machine's conditional UPDATE, so two workers never close one twice."""
    closed = 0
    for draft in sel.drafts_due_to_close(now):
        try:
            with transaction.atomic():
                DRAFT.apply(draft, "close", actor=None, audit_username="system", note=_("征求意见期届满"))
            closed += 1
        except ServiceError:
            continue  # another worker closed it first
    return closed


@transaction.atomic
def draft_publish(*, actor, draft: Draft, final_text: str, summary: str = "",
                  effective_on: date | None = None) -> Draft:
    """Publish the summary of comments and answers (意见采纳情况) with the final text. Every visible
    comment must have been answered. With ``effective_on`` and a library document, the final text
    becomes the document's next version."""
    _require_office(actor)
    final_text = _clean(final_text, _("公布文本"), max_length=200_000)
    summary = (summary or "").strip()
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    left = sel.unanswered_count(draft)
    if left and draft.status == Draft.Status.CLOSED:
        raise ServiceError(_("还有 %(n)s 条意见未答复；请逐条答复后再公布意见采纳情况") % {"n": left})
    users = list({c.user for c in draft.comments.filter(user__isnull=False).select_related("user")})
    msg = Message(subject=_("《%(t)s》意见采纳情况已公布") % {"t": draft.title},
                  body=_("您对草案提出的意见已有答复，请查看意见采纳情况。"), users=users,
                  url=reverse("rulemaking:public_draft", args=[draft.pk]), channels=("inapp",), category="consultation")
    DRAFT.apply(draft, "publish", actor=actor, kinds={"office"}, final_text=final_text, summary=summary,
                published_at=timezone.now(), messages=[msg] if users else [],
                audit_changes={"final_text": ["", f"{len(final_text)} 字"]})
    draft.refresh_from_db()
    if effective_on and draft.document_id:
        version_add(actor=actor, document=draft.document, text=final_text, effective_on=effective_on,
                    note=_("经公开征求意见后公布"), draft=draft)
    return draft


# ---- comments ---------------------------------------------------------------------------------


def _comment_fields(draft: Draft, article: str, text: str, now: datetime | None) -> tuple[str, str]:
    refusal = sel.comment_refusal(draft, now)
    if refusal:
        raise ServiceError(refusal)
    article = _clean(article, _("条款"), max_length=40, required=False) or sel.GENERAL
    text = _clean(text, _("意见内容"), max_length=MAX_TEXT)
    return article, text


@transaction.atomic
def comment_add(*, actor, draft: Draft, article: str, text: str, now: datetime | None = None) -> Comment:
    """A logged-in account comments while the consultation is open: an official, a company or a
    committee member speaks for their unit, anyone else in their own name."""
    if not sel.can_comment_with_account(actor):
        raise ServiceError(_("您的账号不能提交意见"))
    draft = Draft.objects.get(pk=draft.pk)
    article, text = _comment_fields(draft, article, text, now)
    unit = sel.commenter_unit(actor)
    comment = Comment.objects.create(
        draft=draft, article=article, text=text, user=actor, created_at=now or timezone.now(),
        source=Comment.Source.UNIT if unit else Comment.Source.ACCOUNT,
        author_name=unit[2] if unit else (actor.full_name or actor.username),
        unit_kind=unit[0] if unit else "", unit_id=unit[1] if unit else None,
        phone=getattr(actor, "phone", "") or "")
    audit_record(action=AuditAction.CREATE, actor=actor, obj=comment, detail=_("提交征求意见"))
    return comment


def comment_add_public(*, draft: Draft, article: str, text: str, name: str, phone: str, code: str,
                       now: datetime | None = None) -> Comment:
    """A member of the public comments with name and a phone proven by an SMS code
    (``notifications.sms_codes``). The window is checked before the code is used up."""
    draft = Draft.objects.get(pk=draft.pk)
    _comment_fields(draft, article, text, now)
    name = _clean(name, _("姓名"), max_length=100)
    phone = normalise_phone(phone)
    sms_code_verify(phone=phone, purpose=SMS_PURPOSE, code=code)  # outside the transaction: a miss must count
    with transaction.atomic():
        draft = Draft.objects.get(pk=draft.pk)
        article, text = _comment_fields(draft, article, text, now)
        comment = Comment.objects.create(draft=draft, article=article, text=text, source=Comment.Source.PUBLIC,
                                         author_name=name, phone=phone, created_at=now or timezone.now())
        audit_record(action=AuditAction.CREATE, actor=None, obj=comment, username="public",
                     detail=_("社会公众提交征求意见（短信验证）"))
    return comment


@transaction.atomic
def comment_hide(*, actor, comment: Comment, reason: str) -> Comment:
    """Moderation against abuse: hide a comment from the public with a reason. Nothing is deleted."""
    _require_office(actor)
    reason = _clean(reason, _("屏蔽理由"), max_length=300)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.hidden:
        raise ServiceError(_("该意见已被屏蔽"))
    if comment.draft.status == Draft.Status.PUBLISHED:
        raise ServiceError(_("意见采纳情况已公布，不能再屏蔽意见"))
    comment.hidden, comment.hidden_reason, comment.hidden_by, comment.hidden_at = True, reason, actor, timezone.now()
    comment.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=comment, changes={"hidden": [False, True]},
                 detail=_("屏蔽意见：%(r)s") % {"r": reason})
    return comment


@transaction.atomic
def comment_unhide(*, actor, comment: Comment, reason: str) -> Comment:
    """Undo a moderation decision (a substantive comment hidden by mistake)."""
    _require_office(actor)
    reason = _clean(reason, _("恢复理由"), max_length=300)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.hidden:
        raise ServiceError(_("该意见未被屏蔽"))
    if comment.draft.status == Draft.Status.PUBLISHED:
        raise ServiceError(_("意见采纳情况已公布，不能再恢复意见"))
    comment.hidden = False
    comment.save(update_fields=["hidden"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=comment, changes={"hidden": [True, False]},
                 detail=_("恢复显示意见：%(r)s") % {"r": reason})
    return comment


@transaction.atomic
def comment_answer(*, actor, comment: Comment, answer: str, reason: str = "") -> Comment:
    """The drafting office answers a comment: adopted, partly adopted or not adopted; a partial or
    negative answer needs its reason."""
    _require_office(actor)
    if answer not in Comment.Answer.values:
        raise ServiceError(_("请选择采纳情况：采纳、部分采纳或未采纳"))
    reason = (reason or "").strip()
    if answer != Comment.Answer.ADOPTED and not reason:
        raise ServiceError(_("部分采纳或未采纳的意见须说明理由"))
    comment = Comment.objects.select_for_update().select_related("draft").get(pk=comment.pk)
    if comment.draft.status not in (Draft.Status.CONSULTING, Draft.Status.CLOSED):
        raise ServiceError(_("意见采纳情况已公布，答复不能再修改"))
    before = snapshot(comment, ["answer", "answer_reason"])
    comment.answer, comment.answer_reason = answer, reason
    comment.answered_by, comment.answered_at = actor, timezone.now()
    comment.save(update_fields=["answer", "answer_reason", "answered_by", "answered_at"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=comment,
                 changes=model_changes(before, snapshot(comment, ["answer", "answer_reason"])))
    return comment


# ---- the library ------------------------------------------------------------------------------


@transaction.atomic
def document_create(*, actor, code: str, title: str, kind: str, issuer: str, summary: str = "") -> NormativeDocument:
    _require_office(actor)
    code = _clean(code, _("文件代码"), max_length=40).upper()
    if kind not in NormativeDocument.Kind.values:
        raise ServiceError(_("请选择文件类别"))
    if NormativeDocument.objects.filter(code=code).exists():
        raise ServiceError(_("文件代码 %(c)s 已存在") % {"c": code})
    doc = NormativeDocument.objects.create(code=code, title=_clean(title, _("文件名称"), max_length=200), kind=kind,
                                           issuer=_clean(issuer, _("制定机关"), max_length=100),
                                           summary=(summary or "").strip())
    audit_record(action=AuditAction.CREATE, actor=actor, obj=doc)
    return doc


@transaction.atomic
def version_add(*, actor, document: NormativeDocument, text: str, effective_on: date, doc_number: str = "",
                repealed_on: date | None = None, note: str = "", standard=None, draft: Draft | None = None,
                repeal_previous: bool = True) -> DocumentVersion:
    """Add the next version. By default the version in force before it is repealed on the day the
    new one takes effect (a later repeal date is brought forward, an earlier one kept)."""
    _require_office(actor)
    text = _clean(text, _("正文"), max_length=200_000)
    if not isinstance(effective_on, date):
        raise ServiceError(_("请填写施行日期"))
    if repealed_on and repealed_on <= effective_on:
        raise ServiceError(_("废止日期须晚于施行日期"))
    if standard is not None and DocumentVersion.objects.filter(standard=standard).exists():
        raise ServiceError(_("该检查标准已关联到其他文件版本"))
    NormativeDocument.objects.select_for_update().filter(pk=document.pk).first()
    last = document.versions.aggregate(n=Max("version"))["n"] or 0
    if repeal_previous:
        for prev in document.versions.filter(effective_on__lt=effective_on):
            if prev.repealed_on is None or prev.repealed_on > effective_on:
                old = prev.repealed_on
                prev.repealed_on = effective_on
                prev.save(update_fields=["repealed_on", "updated_at"])
                audit_record(action=AuditAction.UPDATE, actor=actor, obj=prev, changes={"repealed_on": [old, effective_on]},
                             detail=_("新版本施行，本版本同日废止"))
    version = DocumentVersion.objects.create(
        document=document, version=last + 1, text=text, effective_on=effective_on, repealed_on=repealed_on,
        doc_number=(doc_number or "").strip()[:60], note=(note or "").strip()[:300], standard=standard, draft=draft)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=version,
                 changes={"effective_on": effective_on, "repealed_on": repealed_on, "standard": getattr(standard, "pk", None)})
    return version


@transaction.atomic
def version_update(*, actor, version: DocumentVersion, repealed_on: date | None, standard=None) -> DocumentVersion:
    """Set a version's repeal date and the inspection standard that implements it."""
    _require_office(actor)
    version = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if repealed_on and repealed_on <= version.effective_on:
        raise ServiceError(_("废止日期须晚于施行日期"))
    if standard is not None and DocumentVersion.objects.filter(standard=standard).exclude(pk=version.pk).exists():
        raise ServiceError(_("该检查标准已关联到其他文件版本"))
    before = snapshot(version, ["repealed_on", "standard"])
    version.repealed_on, version.standard = repealed_on, standard
    version.save(update_fields=["repealed_on", "standard", "updated_at"])
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=version,
                 changes=model_changes(before, snapshot(version, ["repealed_on", "standard"])))
    return version

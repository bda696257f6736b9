"""Who sees which draft and comment, the consultation window, and the library's reads — decided
here only (issue 19 items 7–9).

- the drafting office (an active city-bureau account) sees every draft, every comment (hidden ones
  too, with the commenter's phone masked) and manages the library;
- everyone else, logged in or not, sees drafts once they are put out for consultation, the comments
  that are not hidden (names masked, never phones), and the library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _g

from wuye.accounts.models import Role
from wuye.cases.units import unit_key_of, unit_name
from wuye.core.access import get_visible_or_404
from wuye.core.calendar import END_OF_DAY, PeriodUnit, describe_period, period_last_day
from wuye.core.masking import mask_name, mask_phone
from wuye.supervision.models import Standard

from .models import Comment, DocumentVersion, Draft, DraftEvent, NormativeDocument
from .workflow import DRAFT

GENERAL = "总体意见"


# ---- policies ---------------------------------------------------------------------------------


def is_office(user) -> bool:
    """The drafting office: the city bureau (市住房保障房产局)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.CITY)


def can_comment_with_account(user) -> bool:
    """Any active account with a role may comment in its own name (or its unit's)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role != Role.NONE)


def commenter_unit(user) -> tuple[str, int, str] | None:
    """The unit an official's, a company's or a committee member's comment speaks for:
    ``(kind, id, name)`` (``cases.units``); ``None`` for residents (they comment as persons)."""
    if getattr(user, "role", None) == Role.COMMITTEE and user.estate_id:
        return ("committee", user.estate_id, _g("%(estate)s业主委员会") % {"estate": user.estate.name})
    key = unit_key_of(user)
    if key is None:
        return None
    return (key[0], key[1], unit_name(*key))


# ---- drafts -----------------------------------------------------------------------------------


def drafts_visible_to(user) -> QuerySet[Draft]:
    qs = Draft.objects.all()
    return qs if is_office(user) else qs.exclude(status=Draft.Status.DRAFT)


def drafts_public() -> QuerySet[Draft]:
    return Draft.objects.exclude(status=Draft.Status.DRAFT)


def draft_public(pk) -> Draft | None:
    return drafts_public().filter(pk=pk).first()


def drafts_of_document(document: NormativeDocument) -> QuerySet[Draft]:
    return drafts_public().filter(document=document)


def draft_get_for_user(*, user, pk) -> Draft:
    return get_visible_or_404(drafts_visible_to(user), user=user, pk=pk)


def drafts_list(user, *, q: str = "", status: str = "") -> QuerySet[Draft]:
    qs = drafts_visible_to(user).order_by("-consultation_opens", "-id").annotate(
        n_comments=Count("comments", filter=Q(comments__hidden=False), distinct=True),
        n_unanswered=Count("comments", filter=Q(comments__hidden=False, comments__answer=""), distinct=True))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if status in Draft.Status.values:
        qs = qs.filter(status=status)
    return qs


def draft_events(draft: Draft) -> list[DraftEvent]:
    events = list(draft.events.select_related("actor"))
    for e in events:
        e.label = DRAFT.label(e.action) if e.action in DRAFT.transitions else e.action
    return events


# ---- the consultation window ------------------------------------------------------------------


def period_unit_setting() -> str:
    unit = getattr(settings, "WUYE_CONSULTATION_PERIOD_UNIT", PeriodUnit.CALENDAR_DAYS)
    return unit if unit in (PeriodUnit.CALENDAR_DAYS, PeriodUnit.WORKING_DAYS) else PeriodUnit.CALENDAR_DAYS


def min_days_setting() -> int:
    return int(getattr(settings, "WUYE_CONSULTATION_MIN_DAYS", 30))


def earliest_close(opens: date, *, unit: str | None = None, days: int | None = None) -> date:
    """The earliest closing day that gives the minimum period (rules.md §13). Counting starts the
    day after the opening day (民法典 第二百零一条, rules.md §7): in calendar days the period is long
    enough once ``days`` days have passed; in working days the closing day must be the ``days``-th
    working day after the opening day (``core.calendar.period_last_day``)."""
    unit = unit or period_unit_setting()
    days = min_days_setting() if days is None else days
    if unit == PeriodUnit.WORKING_DAYS:
        return period_last_day(opens, days, PeriodUnit.WORKING_DAYS)
    return opens + timedelta(days=days)


def minimum_text(unit: str | None = None) -> str:
    return describe_period(min_days_setting(), unit or period_unit_setting())


@dataclass(frozen=True)
class Window:
    opens_at: datetime  # 00:00 of the opening day, Asia/Shanghai
    closes_at: datetime  # 23:59:59.999999 of the closing day (the whole closing day counts)


def window(draft: Draft) -> Window:
    tz = timezone.get_default_timezone()
    return Window(datetime.combine(draft.consultation_opens, time.min, tzinfo=tz),
                  datetime.combine(draft.consultation_closes, END_OF_DAY, tzinfo=tz))


def window_state(draft: Draft, now: datetime | None = None) -> str:
    """``"before"``, ``"open"`` or ``"after"`` the window, by the local (Asia/Shanghai) time."""
    now = now or timezone.now()
    w = window(draft)
    if now < w.opens_at:
        return "before"
    if now > w.closes_at:
        return "after"
    return "open"


def accepts_comments(draft: Draft, now: datetime | None = None) -> bool:
    return draft.status == Draft.Status.CONSULTING and window_state(draft, now) == "open"


def comment_refusal(draft: Draft, now: datetime | None = None) -> str:
    """Why a comment is refused now (a Chinese sentence), or "" when it is accepted."""
    state = window_state(draft, now)
    if draft.status == Draft.Status.DRAFT:
        return _g("该草案尚未公开征求意见")
    if state == "before":
        return _g("征求意见尚未开始：将于 %(day)s 开始，请届时再提交") % {"day": draft.consultation_opens.isoformat()}
    if state == "after" or draft.status != Draft.Status.CONSULTING:
        return _g("征求意见已于 %(day)s 截止，不再接受意见") % {"day": draft.consultation_closes.isoformat()}
    return ""


def drafts_due_to_close(now: datetime | None = None) -> QuerySet[Draft]:
    today = timezone.localdate(now or timezone.now())
    return Draft.objects.filter(status=Draft.Status.CONSULTING, consultation_closes__lt=today)


# ---- comments ---------------------------------------------------------------------------------

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN:
            current = _CN[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def article_sort_key(article: str) -> tuple[int, int, str]:
    """Overall comments first, then 第一条, 第二条… by number, then anything else by name."""
    article = (article or "").strip()
    if article == GENERAL:
        return (0, 0, article)
    m = re.fullmatch(r"第(.+?)条", article)
    n = _cn_number(m.group(1)) if m else None
    return (1, n, article) if n is not None else (2, 0, article)


def comments_for_office(draft: Draft) -> QuerySet[Comment]:
    return draft.comments.select_related("answered_by", "hidden_by").order_by("created_at", "id")


def comments_public(draft: Draft) -> QuerySet[Comment]:
    return draft.comments.filter(hidden=False).order_by("created_at", "id")


def comment_get_for_office(*, user, draft: Draft, pk) -> Comment:
    return get_visible_or_404(draft.comments.all(), user=user, pk=pk)


def grouped_by_article(comments) -> list[tuple[str, list[Comment]]]:
    groups: dict[str, list[Comment]] = {}
    for c in comments:
        c.shown_author = shown_author(c)
        c.shown_phone = shown_phone(c)
        groups.setdefault(c.article, []).append(c)
    return [(a, groups[a]) for a in sorted(groups, key=article_sort_key)]


def shown_author(comment: Comment) -> str:
    """How a comment's author reads on public pages: a unit by its name, a person masked."""
    return comment.author_name if comment.source == Comment.Source.UNIT else mask_name(comment.author_name)


def shown_phone(comment: Comment) -> str:
    return mask_phone(comment.phone) if comment.phone else ""


def answer_counts(draft: Draft) -> dict[str, int]:
    """Visible comments by answer, for the summary (意见采纳情况); "" = not answered yet."""
    rows = draft.comments.filter(hidden=False).values("answer").annotate(n=Count("id"))
    counts = {a: 0 for a in Comment.Answer.values}
    counts[""] = 0
    for row in rows:
        counts[row["answer"]] = row["n"]
    counts["total"] = sum(counts[a] for a in Comment.Answer.values) + counts[""]
    return counts


def unanswered_count(draft: Draft) -> int:
    return draft.comments.filter(hidden=False, answer="").count()


# ---- the library ------------------------------------------------------------------------------


def version_state(version: DocumentVersion, today: date | None = None) -> str:
    """``"pending"`` (not yet in force), ``"in_force"`` or ``"repealed"`` on ``today`` (local)."""
    today = today or timezone.localdate()
    if version.repealed_on and version.repealed_on <= today:
        return "repealed"
    if version.effective_on > today:
        return "pending"
    return "in_force"


STATE_LABELS = {"pending": "尚未施行", "in_force": "现行有效", "repealed": "已废止"}


def documents_list(*, q: str = "", kind: str = "") -> QuerySet[NormativeDocument]:
    qs = NormativeDocument.objects.prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.select_related("standard").order_by("-version")))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__icontains=q) | Q(issuer__icontains=q))
    if kind in NormativeDocument.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def document_public(pk) -> NormativeDocument | None:
    return documents_list().filter(pk=pk).first()


def document_get(*, user, pk) -> NormativeDocument:
    return get_visible_or_404(documents_list(), user=user, pk=pk)


def version_get(*, user, pk) -> DocumentVersion:
    return get_visible_or_404(DocumentVersion.objects.select_related("document", "standard"), user=user, pk=pk)


def current_version(document: NormativeDocument, today: date | None = None) -> DocumentVersion | None:
    """The version in force today (the newest one if several overlap), else None."""
    for v in document.versions.all():  # prefetched, newest first
        if version_state(v, today) == "in_force":
            return v
    return None


def standards_to_link() -> QuerySet[Standard]:
    """The inspection standards a version may name as implementing it (published or retired
    versions; a draft standard implements nothing yet)."""
    return Standard.objects.exclude(status=Standard.Status.DRAFT).order_by("code", "-version")


def standard_in_use(version: DocumentVersion) -> bool:
    """Is the inspection standard linked to this version the one inspections use now?"""
    return bool(version.standard_id and version.standard.status == Standard.Status.PUBLISHED)

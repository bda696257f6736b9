"""Writes of 回头看 campaigns (issue 17 §10; rules.md §10: a re-inspection closes or reopens).

- ``campaign_create``: a campaign over one year by the city or a district; a year with nothing to
  sample is refused with a clear message and nothing is saved;
- ``campaign_draw``: the reproducible sample (``draw.py``, the inspection draw's sampling) from a
  seed that is published with the candidate lists; one re-check per sampled record, assigned to an
  official of its street (or district);
- ``recheck_record``: "still fixed" or "relapsed" with a note and photos (``core.uploads``). A
  relapse files a new rectification order through the supervision services (a closed order is
  final in the order machine: it has no reopen from 已销号) or a new complaint through the cases
  services, and records the company's credit event (``credit.auto``);
- ``campaign_finish`` / ``campaign_cancel``: the campaign's machine (``workflow.CAMPAIGN``);
- ``campaign_report``: the report drafted as a bulletin (通报) through ``campaign.bulletins``.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.campaign.bulletins import services as bulletin_services
from wuye.campaign.bulletins.models import Bulletin, Section
from wuye.cases.models import Complaint, Source
from wuye.cases.services import complaint_file
from wuye.core.audit import audit_record
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import check_photos
from wuye.core.workflow import conditional_update
from wuye.credit.auto import credit_event_auto
from wuye.notifications.services import notify
from wuye.supervision.orders.models import RectificationOrder
from wuye.supervision.orders.services import order_issue

from . import draw as draw_algo
from . import selectors as sel
from .models import Recheck, RecheckCampaign, RecheckPhoto
from .workflow import CAMPAIGN

C = RecheckCampaign.Status
R = Recheck.Result
MAX_SAMPLE = 500
RELAPSE_RULE = "HK01"  # 回头看发现问题反弹 (credit rule added by this app's migration 0002)


def _now() -> datetime:
    return timezone.now()


def _url(campaign: RecheckCampaign) -> str:
    return reverse("recheck:campaign_detail", args=[campaign.pk])


def _candidates(*, year: int, district_id: int | None, category_ids: list[int], order_count: int,
                complaint_count: int) -> tuple[list[int], list[int]]:
    orders = draw_algo.order_candidates(year=year, district_id=district_id) if order_count else []
    complaints = (draw_algo.complaint_candidates(year=year, district_id=district_id, category_ids=category_ids)
                  if complaint_count else [])
    return orders, complaints


def _empty_year(year: int) -> ServiceError:
    return ServiceError(_("%(y)d年在所选范围内没有已销号的整改通知，也没有所选类别的已办结诉求，无可复查的对象，回头看未创建。")
                        % {"y": year})


@transaction.atomic
def campaign_create(*, actor, name: str, year: int, district=None, categories=(), order_count: int = 10,
                    complaint_count: int = 10, now: datetime | None = None) -> RecheckCampaign:
    now = now or _now()
    if not sel.can_create_campaign(actor):
        raise ServiceError(_("只有市住房保障房产局或区县主管部门可以组织回头看"))
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("请填写回头看的名称"))
    if len(name) > 100:
        raise ServiceError(_("名称不能超过100个字"))
    this_year = timezone.localdate(now).year
    if not isinstance(year, int) or year < 2000 or year > this_year:
        raise ServiceError(_("复查年度须在2000年至%(y)d年之间") % {"y": this_year})
    if district is None and not sel.is_city(actor):
        raise ServiceError(_("区县主管部门只能组织本区县的回头看"))
    if district is not None and not sel.district_choices(actor).filter(pk=district.pk).exists():
        raise ServiceError(_("区县主管部门只能组织本区县的回头看"))
    for n in (order_count, complaint_count):
        if not isinstance(n, int) or n < 0 or n > MAX_SAMPLE:
            raise ServiceError(_("抽取数量须在0至%(n)d之间") % {"n": MAX_SAMPLE})
    if not order_count and not complaint_count:
        raise ServiceError(_("请至少抽取一件整改通知或一件诉求"))
    categories = list(categories or [])
    if complaint_count and not categories:
        raise ServiceError(_("抽取诉求时请选择诉求类别"))
    allowed = set(sel.category_choices().values_list("pk", flat=True))
    if any(c.pk not in allowed for c in categories):
        raise ServiceError(_("所选诉求类别不可抽取"))
    district_id = getattr(district, "pk", None)
    orders, complaints = _candidates(year=year, district_id=district_id, category_ids=[c.pk for c in categories],
                                     order_count=order_count, complaint_count=complaint_count)
    if not orders and not complaints:
        raise _empty_year(year)
    campaign = RecheckCampaign.objects.create(name=name, year=year, district=district, order_count=order_count,
                                              complaint_count=complaint_count, created_by=actor)
    campaign.categories.set(categories)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=campaign,
                 changes={"year": year, "district": district_id, "orders": order_count, "complaints": complaint_count},
                 detail=_("组织回头看：%(n)s") % {"n": name})
    return campaign


@transaction.atomic
def campaign_draw(*, actor, campaign: RecheckCampaign, seed: str = "", now: datetime | None = None) -> RecheckCampaign:
    """Draw the sample from a seed (typed by the official, or 128 random bits) and assign the re-checks."""
    now = now or _now()
    kinds = sel.campaign_actor_kinds(actor, campaign)
    CAMPAIGN.check("draw", campaign, kinds)
    seed = (seed or "").strip() or draw_algo.new_seed()
    if len(seed) > 64:
        raise ServiceError(_("随机种子不能超过 64 个字符"))
    category_ids = sorted(campaign.categories.values_list("pk", flat=True))
    orders, complaints = _candidates(year=campaign.year, district_id=campaign.district_id, category_ids=category_ids,
                                     order_count=campaign.order_count, complaint_count=campaign.complaint_count)
    if not orders and not complaints:
        raise _empty_year(campaign.year)
    result = draw_algo.run(seed=seed, order_candidates=orders, complaint_candidates=complaints,
                           order_count=campaign.order_count, complaint_count=campaign.complaint_count)
    params = {"order_count": campaign.order_count, "complaint_count": campaign.complaint_count,
              "year": campaign.year, "district": campaign.district_id, "categories": category_ids}
    CAMPAIGN.apply(campaign, "draw", actor=actor, kinds=kinds, seed=seed, algorithm=draw_algo.ALGORITHM,
                   order_candidates=orders, complaint_candidates=complaints, result={**result, "params": params},
                   drawn_at=now, drawn_by=actor, audit_detail=_("随机抽取，种子 %(seed)s") % {"seed": seed},
                   conflict=_("该回头看已被他人抽取，请刷新页面后重试"))
    rows: list[Recheck] = []
    assignees: dict[tuple[int, int], object] = {}

    def assignee(street_id: int, district_id: int):
        key = (street_id, district_id)
        if key not in assignees:
            assignees[key] = sel.assignee_for(street_id=street_id, district_id=district_id)
        return assignees[key]

    by_order = RectificationOrder.objects.select_related("estate").in_bulk(result["orders"])
    for oid in result["orders"]:
        o = by_order[oid]
        rows.append(Recheck(campaign=campaign, kind=Recheck.Kind.ORDER, order=o, estate_id=o.estate_id,
                            company_id=o.company_id, district_id=o.district_id, street_id=o.street_id,
                            summary=f"{o.number} {o.defect}"[:300], assignee=assignee(o.street_id, o.district_id)))
    by_complaint = Complaint.objects.select_related("category").in_bulk(result["complaints"])
    for cid in result["complaints"]:
        c = by_complaint[cid]
        rows.append(Recheck(campaign=campaign, kind=Recheck.Kind.COMPLAINT, complaint=c, estate_id=c.estate_id,
                            company_id=c.company_id, district_id=c.district_id, street_id=c.street_id,
                            summary=f"{c.tracking_code} {c.category.name}：{c.title or c.description}"[:300],
                            assignee=assignee(c.street_id, c.district_id)))
    for n, r in enumerate(rows, start=1):
        r.position = n
    Recheck.objects.bulk_create(rows)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=campaign,
                 detail=_("抽取 %(o)d 件整改通知、%(c)d 件诉求；种子 %(seed)s") % {
                     "o": len(result["orders"]), "c": len(result["complaints"]), "seed": seed})
    counts: dict[int, int] = {}
    for r in rows:
        if r.assignee is not None:
            counts[r.assignee.pk] = counts.get(r.assignee.pk, 0) + 1
    users = {r.assignee.pk: r.assignee for r in rows if r.assignee is not None}
    for uid, n in counts.items():
        notify(users=[users[uid]], subject=_("回头看复查任务"),
               body=_("“%(name)s”抽取了 %(n)d 件需要您复查的事项，请到现场核实并记录结果。") % {"name": campaign.name, "n": n},
               url=_url(campaign), channels=("inapp",), dedup_key=f"recheck:{campaign.pk}:assigned:{uid}",
               category="inspection")
    return campaign


def _relapse_order(actor, r: Recheck, note: str, now: datetime) -> RectificationOrder:
    o = r.order
    defect = _("回头看复查发现问题反弹（原整改通知 %(no)s）：%(d)s") % {"no": o.number, "d": o.defect}
    requirement = _("复查情况：%(note)s。请重新整改到位并上传整改前后照片。") % {"note": note}
    return order_issue(actor=actor, inspection=o.inspection, item=o.item, defect=defect[:500],
                       requirement=requirement[:500], now=now)


def _relapse_complaint(actor, r: Recheck, note: str, now: datetime) -> Complaint:
    c = r.complaint
    description = _("回头看复查发现原诉求（查询码 %(code)s）反映的问题再次出现：%(note)s") % {"code": c.tracking_code, "note": note}
    return complaint_file(estate=c.estate, category=c.category, title=_("回头看问题反弹")[:100],
                          description=description[:2000], location=c.location, source=Source.STAFF,
                          reporter_name=getattr(actor, "full_name", "") or actor.username, created_by=actor, at=now)


@transaction.atomic
def recheck_record(*, actor, recheck: Recheck, result: str, note: str = "", photos=(),
                   now: datetime | None = None) -> Recheck:
    """Record one re-check. A relapse needs a note and at least one photo."""
    now = now or _now()
    note = (note or "").strip()
    r = Recheck.objects.select_related("campaign", "order", "order__inspection", "order__item", "complaint",
                                       "complaint__estate", "complaint__category", "estate", "company").get(pk=recheck.pk)
    if r.result:
        raise ServiceError(_("该事项已复查，不能重复记录"))
    if r.campaign.status != C.CHECKING:
        raise ServiceError(_("该回头看当前为“%(s)s”，不能记录复查结果") % {"s": r.campaign.get_status_display()})
    if not sel.can_record(actor, r):
        raise ServiceError(_("您无权记录该事项的复查结果"))
    if result not in (R.FIXED, R.RELAPSED):
        raise ServiceError(_("请选择复查结果：整改保持或问题反弹"))
    if len(note) > 2000:
        raise ServiceError(_("复查说明不能超过2000字"))
    checked = check_photos(photos)
    if result == R.RELAPSED:
        if not note:
            raise ServiceError(_("问题反弹须填写复查说明"))
        if not checked:
            raise ServiceError(_("问题反弹须上传至少一张现场照片"))
    conditional_update(Recheck, recheck, expect={"result": ""}, result=result, note=note, checked_at=now,
                       checked_by=actor, conflict=_("该事项已被他人复查，请刷新页面后重试"))
    for p in checked:
        photo = RecheckPhoto(recheck_id=r.pk, content_type=p.content_type, uploaded_by=actor)
        photo.file.save(p.name, p.file, save=False)
        photo.save()
    changes: dict = {"result": result}
    if result == R.RELAPSED:
        fields: dict = {}
        if r.kind == Recheck.Kind.ORDER:
            fields["new_order"] = _relapse_order(actor, r, note, now)
            what = _("整改通知 %(no)s") % {"no": r.order.number}
        else:
            fields["new_complaint"] = _relapse_complaint(actor, r, note, now)
            what = _("诉求 %(code)s") % {"code": r.complaint.tracking_code}
        if r.company is not None:
            fields["credit_event"] = credit_event_auto(
                company=r.company, rule_code=RELAPSE_RULE, source_key=f"recheck:{r.pk}",
                occurred_on=timezone.localdate(now), estate=r.estate,
                description=_("“%(name)s”复查发现%(what)s反映的问题反弹：%(note)s") % {
                    "name": r.campaign.name, "what": what, "note": note},
                source_url=reverse("recheck:recheck_detail", args=[r.pk]), evidence=_("回头看复查记录及现场照片"))
        conditional_update(Recheck, recheck, version_field="version", **fields)
        changes.update({k: v.pk for k, v in fields.items() if v is not None})
    audit_record(action=AuditAction.UPDATE, actor=actor, obj=recheck, changes=changes,
                 detail=_("回头看复查：%(r)s %(note)s") % {"r": R(result).label, "note": note[:100]})
    return recheck


@transaction.atomic
def campaign_finish(*, actor, campaign: RecheckCampaign, now: datetime | None = None) -> RecheckCampaign:
    now = now or _now()
    kinds = sel.campaign_actor_kinds(actor, campaign)
    CAMPAIGN.check("finish", campaign, kinds)
    pending = Recheck.objects.filter(campaign=campaign, result="").count()
    if pending:
        raise ServiceError(_("还有 %(n)d 件事项未复查，全部复查后才能完成") % {"n": pending})
    CAMPAIGN.apply(campaign, "finish", actor=actor, kinds=kinds, finished_at=now)
    return campaign


@transaction.atomic
def campaign_cancel(*, actor, campaign: RecheckCampaign, note: str) -> RecheckCampaign:
    CAMPAIGN.apply(campaign, "cancel", actor=actor, kinds=sel.campaign_actor_kinds(actor, campaign), note=note)
    return campaign


def report_figures(campaign: RecheckCampaign) -> dict:
    qs = Recheck.objects.filter(campaign=campaign)
    p = sel.progress(qs)
    p["relapsed_orders"] = qs.filter(kind=Recheck.Kind.ORDER, result=R.RELAPSED).count()
    p["relapsed_complaints"] = qs.filter(kind=Recheck.Kind.COMPLAINT, result=R.RELAPSED).count()
    p["companies"] = list(qs.filter(result=R.RELAPSED, company__isnull=False).order_by("company__name")
                          .values_list("company__name", flat=True).distinct())
    return p


@transaction.atomic
def campaign_report(*, actor, campaign: RecheckCampaign, now: datetime | None = None) -> Bulletin:
    """The campaign's report as a draft bulletin (专项通报) of the campaign office, its first section
    the 回头看 figures; the office edits and issues it like any bulletin."""
    now = now or _now()
    campaign = RecheckCampaign.objects.select_related("district").get(pk=campaign.pk)
    if campaign.bulletin_id:
        raise ServiceError(_("该回头看的通报已起草"))
    if campaign.status != C.FINISHED:
        raise ServiceError(_("回头看完成后才能起草通报"))
    f = report_figures(campaign)
    where = campaign.district.name if campaign.district_id else _("全市")
    title = _("关于%(where)s%(y)d年度物业服务整治“回头看”情况的通报") % {"where": where, "y": campaign.year}
    start = timezone.localdate(campaign.drawn_at or campaign.created_at)
    end = timezone.localdate(now)
    bulletin = bulletin_services.bulletin_draft(actor=actor, kind=Bulletin.Kind.SPECIAL, period_start=start,
                                                period_end=end, title=title)
    rate = f"{f['relapsed'] * 100 / f['total']:.1f}%" if f["total"] else "0%"
    names = "、".join(f["companies"][:10]) + (_("等%(n)d家") % {"n": len(f["companies"])} if len(f["companies"]) > 10 else "")
    text = _("%(where)s组织开展%(y)d年度整治成果“回头看”，以公开的随机种子抽取已销号整改通知 %(o)d 件、已办结诉求 %(c)d 件，"
             "逐件现场复查。整改保持 %(fixed)d 件，问题反弹 %(rel)d 件（反弹率 %(rate)s），其中整改通知反弹 %(ro)d 件、"
             "诉求反弹 %(rc)d 件。反弹问题已重新下达整改通知或重新立案办理，并记入相关企业信用档案。") % {
        "where": where, "y": campaign.year, "o": f["orders"], "c": f["complaints"], "fixed": f["fixed"],
        "rel": f["relapsed"], "rate": rate, "ro": f["relapsed_orders"], "rc": f["relapsed_complaints"]}
    if names:
        text += _("问题反弹涉及的企业：%(names)s。") % {"names": names}
    url = _url(campaign)
    figures = [{"label": str(label), "value": str(value), "url": url} for label, value in (
        (_("抽取整改通知"), f["orders"]), (_("抽取诉求"), f["complaints"]), (_("整改保持"), f["fixed"]),
        (_("问题反弹"), f["relapsed"]), (_("反弹率"), rate), (_("随机种子"), campaign.seed))]
    # The 回头看 figures come first; the bulletin keeps its usual sections after them.
    section = Section.objects.create(bulletin=bulletin, key="recheck", position=0, heading=_("“回头看”复查情况"),
                                     text=text, figures=figures, source_url=url)
    audit_record(action=AuditAction.CREATE, actor=actor, obj=section, detail=_("回头看通报段落：%(n)s") % {"n": campaign.name})
    conditional_update(RecheckCampaign, campaign, expect={"bulletin__isnull": True}, bulletin=bulletin,
                       conflict=_("该回头看的通报已被他人起草，请刷新页面后重试"))
    return bulletin

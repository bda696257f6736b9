"""Every write of 准物业 (issue 17 §8–9): organisations, contracts (draft, sign, terminate), monthly
checks with photos, and rectifications. Keyword-only, one transaction, an audit row each.

Complaint routing (issue 17 §9): when a contract with a **property company** is signed, each
covered compound gets a registry service contract with that company (``estate_set_contract``, fee
0.00 — the government pays) and the management mode 政府购买准物业服务 (``estate_update``). The
estate's company is what ``wuye.cases.units.route`` dispatches to and what the unit metrics count,
so complaints about the compound go to the provider and count in its metrics with no change to
the cases app. A **community service organisation** is not a unit of the complaint routing: the
compound has no company, so its complaints go to its community (the existing fallback), which
passes them on to the provider named on the contract page; the contract page counts them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.accounts.models import Role
from wuye.core.audit import audit_record
from wuye.core.calendar import PeriodUnit, month_start, period_last_day
from wuye.core.errors import ServiceError
from wuye.core.models import AuditAction
from wuye.core.uploads import check_photos
from wuye.registry import services as registry
from wuye.registry.models import Estate, PropertyCompany
from wuye.registry.services import normalize_credit_code, normalize_phone

from . import selectors as sel
from .models import (
    CheckPhoto,
    ContractDuty,
    ContractEstate,
    Duty,
    MonthlyCheck,
    QuasiContract,
    Rectification,
    ServiceOrganisation,
)
from .workflow import CONTRACT, RECTIFICATION

MAX_AMOUNT = Decimal("999999999999.99")


def _today() -> date:
    return timezone.localdate()


# ---- organisations ------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(*, actor, name: str, credit_code: str, district=None, contact_name: str = "",
                        contact_phone: str = "") -> ServiceOrganisation:
    if not sel.can_create_organisation(actor):
        raise ServiceError(_("只有区县、街道和社区可以登记社区服务组织"))
    name = (name or "").strip()
    if not name:
        raise ServiceError({"name": _("请填写组织名称")})
    code = normalize_credit_code(credit_code)
    if ServiceOrganisation.objects.filter(credit_code=code).exists():
        raise ServiceError({"credit_code": _("该统一社会信用代码已登记。")})
    if actor.role == Role.DISTRICT:
        district_id = actor.district_id
    elif actor.role == Role.STREET:
        district_id = actor.street.district_id
    else:
        district_id = actor.community.street.district_id
    org = ServiceOrganisation.objects.create(
        name=name[:100], credit_code=code, district_id=district_id, contact_name=(contact_name or "").strip()[:50],
        contact_phone=normalize_phone(contact_phone, "contact_phone"))
    audit_record(action=AuditAction.CREATE, actor=actor, obj=org, detail=name)
    return org


# ---- contracts ----------------------------------------------------------------------------------


def _decimal(value, field: str, label: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ServiceError({field: _("%(l)s须为数字") % {"l": label}}) from None
    if not d.is_finite():
        raise ServiceError({field: _("%(l)s须为数字") % {"l": label}})
    return d


def _next_number(year: int) -> str:
    prefix = f"ZWY{year}"
    last = (QuasiContract.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:04d}"


def _check_coverage(*, estates: list[Estate], company: PropertyCompany | None, start_date, end_date,
                    exclude_pk=None) -> None:
    for e in estates:
        if (e.management_mode == Estate.ManagementMode.PROFESSIONAL and e.company_id
                and (company is None or e.company_id != company.pk)):
            raise ServiceError({"estates": _("“%(e)s”已由物业服务企业提供专业化物业服务，不能纳入准物业") % {"e": e.name}})
    clash = (ContractEstate.objects.filter(estate__in=estates, contract__status__in=[
        QuasiContract.Status.DRAFT, QuasiContract.Status.SIGNED], contract__start_date__lte=end_date,
        contract__end_date__gte=start_date).exclude(contract_id=exclude_pk).select_related("estate", "contract").first())
    if clash:
        raise ServiceError({"estates": _("“%(e)s”在该期间已被合同 %(n)s 覆盖") % {
            "e": clash.estate.name, "n": clash.contract.number}})


def _buyer(actor, community, estates: list[Estate]):
    """The buyer: the actor's street (or one of its communities), or the actor's community; every
    covered compound must lie in the buyer's area."""
    if actor.role == Role.STREET:
        street_id = actor.street_id
        if community is not None and community.street_id != street_id:
            raise ServiceError({"community": _("购买社区须属于本街道")})
    else:
        community = actor.community
        street_id = community.street_id
    allowed = set(sel.coverable_estates(actor).filter(pk__in=[e.pk for e in estates]).values_list("pk", flat=True))
    outside = [e.name for e in estates if e.pk not in allowed]
    if outside:
        raise ServiceError({"estates": _("只能覆盖本辖区的小区：%(e)s 不在辖区内") % {"e": "、".join(outside)}})
    if community is not None:
        other = [e.name for e in estates if e.community_id != community.pk]
        if other:
            raise ServiceError({"estates": _("社区购买的服务只能覆盖本社区的小区：%(e)s") % {"e": "、".join(other)}})
    return street_id, community


def _check_provider(company, organisation) -> None:
    if (company is None) == (organisation is None):
        raise ServiceError({"company": _("请选择一家物业服务企业或一个社区服务组织作为服务方（二者选一）")})
    if company is not None and company.filing_status == PropertyCompany.FilingStatus.REVOKED:
        raise ServiceError({"company": _("该企业已注销，不能作为服务方")})


def _check_terms(start_date, end_date, amount, full_pay_rate, floor_rate, funding, rectify_days):
    if start_date is None or end_date is None:
        raise ServiceError({"start_date": _("请填写服务期限")})
    if end_date < start_date:
        raise ServiceError({"end_date": _("服务终止日不得早于起始日")})
    amount = _decimal(amount, "amount", _("合同金额"))
    if amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ServiceError({"amount": _("合同金额须大于 0，最多两位小数")})
    full = _decimal(full_pay_rate, "full_pay_rate", _("全额支付合格率"))
    floor = _decimal(floor_rate, "floor_rate", _("最低支付比例"))
    if not (Decimal("0") <= floor <= full <= Decimal("100")):
        raise ServiceError({"floor_rate": _("须满足 0 ≤ 最低支付比例 ≤ 全额支付合格率 ≤ 100")})
    if funding not in QuasiContract.Funding.values:
        raise ServiceError({"funding": _("请选择资金来源")})
    try:
        rectify_days = int(rectify_days)
    except (TypeError, ValueError):
        rectify_days = 0
    if not (1 <= rectify_days <= 30):
        raise ServiceError({"rectify_days": _("整改期限须在 1 至 30 个工作日之间")})
    return amount, full, floor


def _check_duties(duties: dict) -> dict[str, str]:
    """The three baseline duties (rules.md §13), each with at least one service item."""
    cleaned: dict[str, str] = {}
    for duty in Duty:
        items = "\n".join(line.strip() for line in str(duties.get(duty.value, "") or "").splitlines() if line.strip())
        if not items:
            raise ServiceError({f"items_{duty.value}": _("请填写“%(d)s”的服务事项") % {"d": duty.label}})
        cleaned[duty.value] = items[:2000]
    return cleaned


@transaction.atomic
def contract_create(*, actor, title: str, estates, start_date, end_date, amount, funding: str,
                    company: PropertyCompany | None = None, organisation: ServiceOrganisation | None = None,
                    community=None, funding_note: str = "", duties: dict | None = None,
                    full_pay_rate=Decimal("90"), floor_rate=Decimal("60"), rectify_days: int = 5,
                    sign: bool = False) -> QuasiContract:
    """A purchase contract drafted by a street office (for itself or one of its communities) or by
    a community; ``sign`` signs it at once (``contract_sign``). At least one compound is required."""
    if not sel.can_create_contract(actor):
        raise ServiceError(_("只有街道办事处和社区可以登记准物业购买服务合同"))
    title = (title or "").strip()
    if not title:
        raise ServiceError({"title": _("请填写项目名称")})
    estates = list(estates or [])
    if not estates:
        raise ServiceError({"estates": _("购买服务合同须至少覆盖一个小区，请选择覆盖的小区")})
    street_id, community = _buyer(actor, community, estates)
    _check_provider(company, organisation)
    amount, full, floor = _check_terms(start_date, end_date, amount, full_pay_rate, floor_rate, funding, rectify_days)
    cleaned = _check_duties(duties or {})
    _check_coverage(estates=estates, company=company, start_date=start_date, end_date=end_date)
    contract = QuasiContract.objects.create(
        number=_next_number(start_date.year), title=title[:100], district_id=actor_district_id(actor),
        street_id=street_id, community=community, company=company, organisation=organisation,
        start_date=start_date, end_date=end_date, amount=amount, funding=funding,
        funding_note=(funding_note or "").strip()[:200], full_pay_rate=full, floor_rate=floor,
        rectify_days=int(rectify_days), created_by=actor)
    ContractEstate.objects.bulk_create([ContractEstate(contract=contract, estate=e, community_id=e.community_id)
                                        for e in estates])
    ContractDuty.objects.bulk_create([ContractDuty(contract=contract, duty=d, items=i) for d, i in cleaned.items()])
    audit_record(action=AuditAction.CREATE, actor=actor, obj=contract, changes={
        "estates": [e.pk for e in estates], "amount": amount, "provider": str(company or organisation)},
        detail=f"{contract.number} {title}"[:500])
    if sign:
        contract_sign(actor=actor, contract=contract)
    return contract


def actor_district_id(actor) -> int:
    if actor.role == Role.STREET:
        return actor.street.district_id
    return actor.community.street.district_id


@transaction.atomic
def contract_sign(*, actor, contract: QuasiContract, signed_on: date | None = None) -> QuasiContract:
    """Sign: each covered compound becomes 政府购买准物业服务 through the registry's services; with a
    company provider, the compound's service contract names it (complaints then route to it)."""
    CONTRACT.check("sign", contract, sel.contract_kinds(actor, contract))
    estates = sel.covered_estates(contract)
    _check_coverage(estates=estates, company=contract.company, start_date=contract.start_date,
                    end_date=contract.end_date, exclude_pk=contract.pk)
    CONTRACT.apply(contract, "sign", actor=actor, kinds=sel.contract_kinds(actor, contract),
                   signed_on=signed_on or _today())
    for estate in estates:
        if contract.company_id:
            registry.estate_set_contract(
                actor=actor, estate=estate, company=contract.company, start_date=contract.start_date,
                end_date=contract.end_date, contracted_grade="1", fee_rate=Decimal("0.00"),
                filing_number=contract.number)
        elif estate.company_id:
            registry.estate_update(actor=actor, estate=estate, management_mode=Estate.ManagementMode.NONE)
        registry.estate_update(actor=actor, estate=estate, management_mode=Estate.ManagementMode.QUASI)
    return contract


@transaction.atomic
def contract_terminate(*, actor, contract: QuasiContract, note: str) -> QuasiContract:
    """Terminate early (reason required): compounds no other signed contract covers lose 准物业
    (and the provider company's service contract)."""
    CONTRACT.apply(contract, "terminate", actor=actor, kinds=sel.contract_kinds(actor, contract), note=note,
                   terminated_on=_today())
    for estate in sel.covered_estates(contract):
        still = ContractEstate.objects.filter(estate=estate, contract__status=QuasiContract.Status.SIGNED).exists()
        if not still and estate.management_mode == Estate.ManagementMode.QUASI:
            registry.estate_update(actor=actor, estate=estate, management_mode=Estate.ManagementMode.NONE)
    return contract


# ---- monthly checks -----------------------------------------------------------------------------


def _check_month(*, actor, contract: QuasiContract, estate: Estate, month, checked_on) -> date:
    if estate.pk not in {e.pk for e in sel.checkable_estates(actor, contract)}:
        if contract.status != QuasiContract.Status.SIGNED:
            raise ServiceError(_("合同不在履行中，不能录入月度检查"))
        raise ServiceError(_("只有小区所在社区可以录入该小区的月度检查"))
    today = _today()
    if month is None:
        raise ServiceError({"month": _("请选择检查月份")})
    month = month_start(month)
    if month > month_start(today):
        raise ServiceError({"month": _("不能录入未来月份的检查")})
    if checked_on and checked_on > today:
        raise ServiceError({"checked_on": _("检查日期不能晚于今天")})
    if month < month_start(contract.start_date) or month > contract.end_date:
        raise ServiceError({"month": _("检查月份须在合同服务期限内")})
    return month


def _check_results(*, contract: QuasiContract, estate: Estate, month: date, results: list[dict]) -> None:
    if not results:
        raise ServiceError(_("请至少填写一项职责的检查结果"))
    seen: set[str] = set()
    for r in results:
        if r["duty"] not in Duty.values or r["duty"] in seen:
            raise ServiceError(_("检查项不正确"))
        seen.add(r["duty"])
    done = set(MonthlyCheck.objects.filter(contract=contract, estate=estate, month=month, duty__in=seen)
               .values_list("duty", flat=True))
    if done:
        raise ServiceError(_("%(e)s %(m)s 的“%(d)s”已检查，不能重复录入") % {
            "e": estate.name, "m": f"{month:%Y-%m}", "d": "、".join(str(Duty(d).label) for d in sorted(done))})


@transaction.atomic
def checks_record(*, actor, contract: QuasiContract, estate: Estate, month: date, results: list[dict],
                  checked_on: date | None = None) -> list[MonthlyCheck]:
    """The community's monthly check of a covered compound: for each duty checked, passed or not,
    a note and photos (through ``wuye.core.uploads``). A failed duty needs a note and at least one
    photo, and creates a rectification request to the provider due ``rectify_days`` working days
    after the check (counted from the next day, rules.md §7)."""
    month = _check_month(actor=actor, contract=contract, estate=estate, month=month, checked_on=checked_on)
    checked_on = checked_on or _today()
    _check_results(contract=contract, estate=estate, month=month, results=results)
    checked = {}
    for r in results:
        photos = check_photos(r.get("photos") or [])
        note = (r.get("note") or "").strip()
        if not r["passed"]:
            if not note:
                raise ServiceError({f"note_{r['duty']}": _("“%(d)s”不合格，请写明问题") % {"d": Duty(r["duty"]).label}})
            if not photos:
                raise ServiceError({f"photos_{r['duty']}": _("“%(d)s”不合格，请上传现场照片") % {"d": Duty(r["duty"]).label}})
        checked[r["duty"]] = (r, photos, note)
    out = []
    deadline = period_last_day(checked_on, contract.rectify_days, PeriodUnit.WORKING_DAYS)
    for duty, (r, photos, note) in checked.items():
        try:
            with transaction.atomic():
                c = MonthlyCheck.objects.create(contract=contract, estate=estate, month=month, duty=duty,
                                                passed=bool(r["passed"]), note=note[:500], checked_on=checked_on,
                                                checked_by=actor)
        except IntegrityError:
            raise ServiceError(_("该小区本月此项职责已检查。")) from None
        for p in photos:
            photo = CheckPhoto(monthly_check=c, content_type=p.content_type, size=p.size)
            photo.file.save(p.name, p.file, save=False)
            photo.save()
        audit_record(action=AuditAction.CREATE, actor=actor, obj=c,
                     detail=f"{estate.name} {month:%Y-%m} {c.get_duty_display()} {'合格' if c.passed else '不合格'}")
        if not c.passed:
            rect = Rectification.objects.create(monthly_check=c, contract=contract, estate=estate, duty=duty,
                                                problem=note[:500], deadline=deadline)
            audit_record(action=AuditAction.CREATE, actor=actor, obj=rect,
                         detail=f"整改要求 {estate.name} {c.get_duty_display()} 期限 {deadline}")
            _notify_provider(contract, rect)
        out.append(c)
    return out


def _notify_provider(contract: QuasiContract, rect: Rectification) -> None:
    if not contract.company_id:
        return
    from wuye.accounts.models import COMPANY_ROLES, User
    from wuye.notifications.services import notify

    users = list(User.objects.filter(company_id=contract.company_id, role__in=COMPANY_ROLES, is_active=True))
    if users:
        notify(users=users, subject=_("准物业整改要求：%(e)s") % {"e": rect.estate.name},
               body=_("%(e)s“%(d)s”月度检查不合格：%(p)s。请于 %(t)s 前完成整改。") % {
                   "e": rect.estate.name, "d": rect.get_duty_display(), "p": rect.problem, "t": rect.deadline},
               url=f"/quasi/rectifications/{rect.pk}/", channels=("inapp",), category="quasi")


# ---- rectifications -----------------------------------------------------------------------------


@transaction.atomic
def rectification_submit(*, actor, rect: Rectification, reply: str) -> Rectification:
    RECTIFICATION.apply(rect, "submit", actor=actor, kinds=sel.rectification_kinds(actor, rect), note=reply,
                        reply=(reply or "").strip()[:500], submitted_on=_today())
    return rect


@transaction.atomic
def rectification_close(*, actor, rect: Rectification, note: str = "") -> Rectification:
    RECTIFICATION.apply(rect, "close", actor=actor, kinds=sel.rectification_kinds(actor, rect), note=note,
                        closed_on=_today())
    return rect


@transaction.atomic
def rectification_reopen(*, actor, rect: Rectification, note: str) -> Rectification:
    RECTIFICATION.apply(rect, "reopen", actor=actor, kinds=sel.rectification_kinds(actor, rect), note=note)
    return rect

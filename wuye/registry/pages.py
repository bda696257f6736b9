"""What each registry page shows: one ``RecordType`` per model (like a ModelAdmin) — its list
queryset and filters, the related data of a page of rows, Excel columns, the service that writes
it and the related records of its detail page. ``views.py`` holds the views they share.

Every queryset comes from ``registry.selectors``; every write goes through ``registry.services``.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.db.models import Count, Prefetch, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from wuye.core.excel import Column
from wuye.core.listing import COUNT_CAP
from wuye.core.masking import mask_id_number, mask_phone

from . import filters as flt
from . import forms as fm
from . import selectors as sel
from . import services as svc
from .models import (
    Building,
    CommitteeMember,
    Estate,
    Owner,
    OwnersCommittee,
    Ownership,
    ParkingSpace,
    PropertyCompany,
    ServiceContract,
    Staff,
    Unit,
)


def _yes(value) -> str:
    return _g("是") if value else _g("否")


# ---- what each registry type shows ----------------------------------------------------------


class RecordType:
    """The pages of one registry model (like a ModelAdmin): list columns come from its
    templates, the rest from here."""

    model: type
    slug: str  # URL names: <slug>_list, <slug>_detail, <slug>_create, <slug>_edit, <slug>_delete…
    prefix: str  # URL path: /registry/<prefix>/
    icon: str
    intro = ""
    filterset: type
    form_class: type | None = None
    select_related: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    sorts: dict[str, tuple[str, ...]] = {"name": ("name", "id")}
    default_sort = "name"
    count_cap = COUNT_CAP
    # Filter fields shown as searchable selects: {field name: picker kind}.
    pickers: dict[str, str] = {}
    filter_order: tuple[str, ...] = ("q", "district", "street", "community", "company", "estate", "building")
    create_label = _("新增")

    @property
    def label(self):
        return self.model._meta.verbose_name

    @property
    def label_plural(self):
        return self.model._meta.verbose_name_plural

    @property
    def list_url(self) -> str:
        return self.url("list")

    def visible(self, user):
        return sel.VISIBLE[self.model](user)

    def list_queryset(self, user):
        qs = self.visible(user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.only:
            qs = qs.only(*self.only)
        return qs

    def prepare_filters(self, data, user) -> None:
        """Drop filter values that contradict each other (a street outside the chosen district)."""

    def filter_choices(self, form, data, user) -> None:
        """Scoped choices for the filter bar (selects limited to what the user may see)."""

    def attach(self, rows: list, user) -> None:
        """Add related data to the rows of one page, in a constant number of queries."""

    def export_columns(self) -> list[Column]:
        raise NotImplementedError

    def export_rows(self, qs, user):
        raise NotImplementedError

    def export_columns_for(self, user) -> list[Column]:
        return self.export_columns()

    def create_initial(self, request) -> dict:
        return {}

    def create(self, *, actor, data):
        raise NotImplementedError

    def update(self, *, actor, obj, data):
        raise NotImplementedError

    def detail_context(self, request, obj) -> dict:
        return {}

    def url(self, name: str, *args) -> str:
        return reverse(f"registry:{self.slug}_{name}", args=args)


def estate_filter_narrow(data) -> dict:
    return {"estate": data.get("estate")}


class CompanyType(RecordType):
    model = PropertyCompany
    slug, prefix, icon = "company", "companies", "bi-building"
    intro = _("辖区内提供物业服务的企业及其备案信息")
    filterset = flt.CompanyFilter
    form_class = fm.CompanyForm
    sorts = {"name": ("name", "id"), "filing_status": ("filing_status", "name", "id")}
    count_cap = 100_000
    create_label = _("登记企业")

    def attach(self, rows, user):
        counts = dict(
            sel.estates_visible_to(user).filter(company_id__in=[r.pk for r in rows])
            .values("company_id").annotate(n=Count("id")).values_list("company_id", "n")
        )
        for r in rows:
            r.estate_count = counts.get(r.pk, 0)

    def export_columns(self):
        return [Column(_g("企业名称"), 34), Column(_g("统一社会信用代码"), 22), Column(_g("法定代表人"), 12), Column(_g("注册地址"), 40),
                Column(_g("服务电话"), 16), Column(_g("备案状态"), 12)]

    def export_rows(self, qs, user):
        for c in qs.iterator(chunk_size=2000):
            yield [c.name, c.credit_code, c.legal_representative, c.address, c.service_phone, c.get_filing_status_display()]

    def create(self, *, actor, data):
        return svc.company_create(actor=actor, **data)

    def update(self, *, actor, obj, data):
        return svc.company_update(actor=actor, company=obj, **data)

    def detail_context(self, request, obj):
        user = request.user
        estates = sel.estates_visible_to(user).filter(company=obj).select_related("district", "street", "community")
        staff = sel.staff_visible_to(user).filter(company=obj).select_related("estate")
        return {
            "estates": estates.order_by("name", "id")[:50],
            "estate_count": estates.count(),
            "staff": staff.order_by("name", "id")[:50],
            "staff_count": staff.count(),
            "area": estates.aggregate(total=Sum("floor_area"))["total"],
        }


class EstateType(RecordType):
    model = Estate
    slug, prefix, icon = "estate", "estates", "bi-houses"
    intro = _("住宅小区（物业项目）及其物业服务合同、楼栋、房屋、车位与业主委员会")
    filterset = flt.EstateFilter
    form_class = fm.EstateForm
    select_related = ("district", "street", "community", "company")
    only = ("id", "name", "address", "kind", "management_mode", "year_built", "floor_area",
            "district__name", "street__name", "community__name", "company__name")
    sorts = {
        "name": ("name", "id"),
        "year_built": ("year_built", "name", "id"),
        "floor_area": ("floor_area", "name", "id"),
    }
    count_cap = 100_000
    pickers = {"company": "company"}
    create_label = _("新增小区")

    def prepare_filters(self, data, user):
        district, street, community = (data.get(k, "") for k in ("district", "street", "community"))
        if street and district and not sel.street_in_district(street, district):
            data.pop("street", None)
            data.pop("community", None)
        elif community and street and not sel.community_in_street(community, street):
            data.pop("community", None)

    def filter_choices(self, form, data, user):
        visible = sel.estates_visible_to(user)
        districts = sel.districts_with_estates(visible)
        district = data.get("district") or (str(districts[0].pk) if len(districts) == 1 else "")
        streets = sel.streets_with_estates(visible, district) if district else []
        street = data.get("street") or (str(streets[0].pk) if len(streets) == 1 else "")
        communities = sel.communities_with_estates(visible, street) if street else []
        for name, options, empty in (
            ("district", districts, _("全部区县")),
            ("street", streets, _("全部街道") if district else _("先选择区县")),
            ("community", communities, _("全部社区") if street else _("先选择街道")),
        ):
            if len(options) <= 1:
                del form.fields[name]
                continue
            form.fields[name].widget = forms.Select(choices=[("", empty)] + [(o.pk, o.name) for o in options])
        narrow = {k: data.get(k) for k in ("district", "street", "community")}
        fm.use_picker(form.fields["company"], "company", user, empty_label=_("全部物业企业"))
        form.fields["company"].widget.narrow = {k: v for k, v in narrow.items() if v}
        for name in ("year_built_min", "year_built_max"):
            form.fields[name].widget.attrs.update({"placeholder": form.fields[name].label, "min": 1900, "max": 2100})

    def export_columns(self):
        return [Column(_g("小区名称"), 24), Column(_g("地址"), 36), Column(_g("区县"), 12), Column(_g("街道"), 16), Column(_g("社区"), 16),
                Column(_g("小区类型"), 12), Column(_g("管理模式"), 18), Column(_g("物业服务企业"), 30), Column(_g("建成年份"), 10),
                Column(_g("总建筑面积（m²）"), 16, "#,##0.00")]

    def export_rows(self, qs, user):
        for e in qs.iterator(chunk_size=2000):
            yield [e.name, e.address, e.district.name, e.street.name, e.community.name, e.get_kind_display(),
                   e.get_management_mode_display(), e.company.name if e.company_id else "", e.year_built, e.floor_area]

    def create(self, *, actor, data):
        return svc.estate_create(actor=actor, **data)

    def update(self, *, actor, obj, data):
        return svc.estate_update(actor=actor, estate=obj, **data)

    def detail_context(self, request, obj):
        user = request.user
        contracts = list(sel.contracts_visible_to(user).filter(estate=obj).select_related("company").order_by("-start_date")[:10])
        current = next((c for c in contracts if c.is_current), None)
        buildings = list(
            sel.buildings_visible_to(user).filter(estate=obj).annotate(unit_count=Count("units")).order_by("name")[:200]
        )
        units = sel.units_visible_to(user).filter(estate=obj)
        unit_stats = units.aggregate(
            total=Count("id"), area=Sum("exclusive_area"),
            unsold=Count("id", filter=Q(sale_status=Unit.SaleStatus.UNSOLD)),
            undelivered=Count("id", filter=Q(sale_status=Unit.SaleStatus.SOLD_UNDELIVERED)),
        )
        parking_stats = sel.parking_visible_to(user).filter(estate=obj).aggregate(
            total=Count("id"),
            idle=Count("id", filter=Q(disposal=ParkingSpace.Disposal.IDLE)),
            rented=Count("id", filter=Q(disposal=ParkingSpace.Disposal.RENTED)),
            sold=Count("id", filter=Q(disposal=ParkingSpace.Disposal.SOLD)),
            violations=Count("id", filter=Q(ownership=ParkingSpace.Ownership.DEVELOPER, disposal=ParkingSpace.Disposal.IDLE,
                                             offered_for_rent=False)),
        )
        committee = (
            sel.committees_visible_to(user).filter(estate=obj, is_current=True)
            .annotate(member_count=Count("members"), party_count=Count("members", filter=Q(members__is_party_member=True)))
            .first()
        )
        staff = list(sel.staff_visible_to(user).filter(estate=obj).select_related("company").order_by("role", "name")[:50])
        return {
            "contract": current,
            "past_contracts": [c for c in contracts if not c.is_current],
            "can_set_contract": sel.can_change(user, obj) and sel.can_create(user, ServiceContract),
            "can_add_building": sel.can_create(user, Building),
            "can_add_committee": sel.can_create(user, OwnersCommittee),
            "buildings": buildings,
            "unit_stats": unit_stats,
            "parking_stats": parking_stats,
            "committee": committee,
            "staff": staff,
        }


class BuildingType(RecordType):
    model = Building
    slug, prefix, icon = "building", "buildings", "bi-building-fill"
    intro = _("小区内的楼栋")
    filterset = flt.BuildingFilter
    form_class = fm.BuildingForm
    select_related = ("estate",)
    only = ("id", "name", "floors", "has_lift", "estate__name")
    sorts = {"estate": ("estate_id", "name", "id"), "name": ("name", "id")}
    default_sort = "estate"
    pickers = {"estate": "estate"}
    create_label = _("新增楼栋")

    def attach(self, rows, user):
        counts = dict(
            sel.units_visible_to(user).filter(building_id__in=[r.pk for r in rows])
            .values("building_id").annotate(n=Count("id")).values_list("building_id", "n")
        )
        for r in rows:
            r.unit_count = counts.get(r.pk, 0)

    def create_initial(self, request):
        return {"estate": request.GET.get("estate")}

    def export_columns(self):
        return [Column(_g("小区"), 24), Column(_g("楼栋"), 14), Column(_g("层数"), 8), Column(_g("有电梯"), 8)]

    def export_rows(self, qs, user):
        for b in qs.iterator(chunk_size=2000):
            yield [b.estate.name, b.name, b.floors, _yes(b.has_lift)]

    def create(self, *, actor, data):
        return svc.building_create(actor=actor, **data)

    def update(self, *, actor, obj, data):
        return svc.building_update(actor=actor, building=obj, **data)

    def detail_context(self, request, obj):
        units = sel.units_visible_to(request.user).filter(building=obj)
        return {
            "units": units.order_by("number")[:100],
            "unit_stats": units.aggregate(total=Count("id"), area=Sum("exclusive_area")),
        }


class UnitType(RecordType):
    model = Unit
    slug, prefix, icon = "unit", "units", "bi-door-closed"
    intro = _("房屋（专有部分）：面积及其来源、销售状态与产权人")
    filterset = flt.UnitFilter
    form_class = fm.UnitForm
    select_related = ("estate", "building")
    only = ("id", "number", "floor", "exclusive_area", "area_source", "built_area", "sale_status",
            "estate__name", "building__name")
    sorts = {"building": ("building_id", "number")}
    default_sort = "building"
    pickers = {"estate": "estate", "building": "building"}
    create_label = _("新增房屋")

    def filter_choices(self, form, data, user):
        form.fields["q"].widget.attrs["placeholder"] = _g("房号（前缀匹配）")

    def attach(self, rows, user):
        owners = defaultdict(list)
        for o in (sel.ownerships_visible_to(user).filter(unit_id__in=[r.pk for r in rows])
                  .select_related("owner").only("unit_id", "owner__name").order_by("id")):
            owners[o.unit_id].append(o.owner.name)
        for r in rows:
            r.owner_names = owners.get(r.pk, [])

    def create_initial(self, request):
        estate = request.GET.get("estate")
        building = request.GET.get("building")
        return {"estate": estate, "building": building}

    def export_columns(self):
        return [Column(_g("小区"), 24), Column(_g("楼栋"), 12), Column(_g("房号"), 14), Column(_g("楼层"), 8),
                Column(_g("专有部分面积（m²）"), 18, "#,##0.00"), Column(_g("面积来源"), 16), Column(_g("建筑面积（m²）"), 16, "#,##0.00"),
                Column(_g("销售状态"), 12)]

    def export_rows(self, qs, user):
        for u in qs.iterator(chunk_size=2000):
            yield [u.estate.name, u.building.name, u.number, u.floor, u.exclusive_area, u.get_area_source_display(),
                   u.built_area, u.get_sale_status_display()]

    def create(self, *, actor, data):
        return svc.unit_create(actor=actor, **data)

    def update(self, *, actor, obj, data):
        return svc.unit_update(actor=actor, unit=obj, **data)

    def detail_context(self, request, obj):
        user = request.user
        ownerships = sel.ownerships_visible_to(user).filter(unit=obj).select_related("owner").order_by("id")
        return {
            "ownerships": list(ownerships),
            "can_add_owner": sel.can_create(user, Ownership),
            "can_remove_owner": sel.can_create(user, Ownership),
        }


class OwnerType(RecordType):
    model = Owner
    slug, prefix, icon = "owner", "owners", "bi-person-vcard"
    intro = _("业主（自然人或单位）；手机号码和证件号码默认脱敏显示")
    filterset = flt.OwnerFilter
    form_class = fm.OwnerForm
    only = ("id", "name", "kind", "phone", "id_number")
    # Millions of owners city-wide: a short name prefix such as a surname matches hundreds of
    # thousands, so the total stops at 2,000 (100 pages) and the page asks for a longer name.
    count_cap = 2_000
    pickers = {"estate": "estate"}
    create_label = _("登记业主")

    def filter_choices(self, form, data, user):
        form.fields["q"].widget.attrs["placeholder"] = _g("姓名开头或拼音首字母")

    def attach(self, rows, user):
        units = defaultdict(list)
        for o in (sel.ownerships_visible_to(user).filter(owner_id__in=[r.pk for r in rows])
                  .select_related("unit", "unit__building", "estate")
                  .only("owner_id", "unit_id", "unit__number", "unit__building__name", "estate__name").order_by("id")):
            units[o.owner_id].append(o)
        for r in rows:
            r.ownership_list = units.get(r.pk, [])

    def export_columns(self):
        return [Column(_g("姓名/名称"), 20), Column(_g("类型"), 10), Column(_g("手机号码（脱敏）"), 16), Column(_g("证件号码（脱敏）"), 22),
                Column(_g("房屋"), 50)]

    def export_columns_for(self, user):
        if sel.owner_export_limited(user):  # the committee: no ID numbers
            return [c for i, c in enumerate(self.export_columns()) if i != 3]
        return self.export_columns()

    def export_rows(self, qs, user):
        limited = sel.owner_export_limited(user)
        ownerships = Prefetch(
            "ownerships", to_attr="visible_ownerships",
            queryset=sel.ownerships_visible_to(user).select_related("unit", "unit__building", "estate").order_by("id"),
        )
        for o in qs.prefetch_related(ownerships).iterator(chunk_size=2000):
            homes = "；".join(f"{x.estate.name} {x.unit.building.name} {x.unit.number}" for x in o.visible_ownerships)
            if limited:
                yield [o.name, o.get_kind_display(), mask_phone(o.phone), homes]
            else:
                yield [o.name, o.get_kind_display(), mask_phone(o.phone), mask_id_number(o.id_number), homes]

    def update(self, *, actor, obj, data):
        return svc.owner_update(actor=actor, owner=obj, **data)

    def detail_context(self, request, obj):
        user = request.user
        return {
            "ownerships": list(sel.ownerships_visible_to(user).filter(owner=obj)
                               .select_related("unit", "unit__building", "estate").order_by("id")),
            "seats": list(sel.committee_members_visible_to(user).filter(owner=obj).select_related("committee__estate")),
        }


class ParkingType(RecordType):
    model = ParkingSpace
    slug, prefix, icon = "parking", "parking", "bi-p-square"
    intro = _("车位的权属、处置与出租情况；开发商空置且不对业主出租的车位标为“只售不租”风险")
    filterset = flt.ParkingFilter
    form_class = fm.ParkingForm
    select_related = ("estate",)
    only = ("id", "number", "kind", "ownership", "disposal", "monthly_rent", "offered_for_rent", "estate__name")
    sorts = {"estate": ("estate_id", "number")}
    default_sort = "estate"
    pickers = {"estate": "estate"}
    create_label = _("新增车位")

    def filter_choices(self, form, data, user):
        form.fields["q"].widget.attrs["placeholder"] = _g("车位编号（前缀匹配）")

    def create_initial(self, request):
        return {"estate": request.GET.get("estate")}

    def export_columns(self):
        return [Column(_g("小区"), 24), Column(_g("车位编号"), 12), Column(_g("车位类型"), 16), Column(_g("权属"), 14), Column(_g("处置状态"), 10),
                Column(_g("月租金（元）"), 12, "#,##0.00"), Column(_g("对业主出租"), 10), Column(_g("只售不租风险"), 12)]

    def export_rows(self, qs, user):
        for p in qs.iterator(chunk_size=2000):
            yield [p.estate.name, p.number, p.get_kind_display(), p.get_ownership_display(), p.get_disposal_display(),
                   p.monthly_rent, _yes(p.offered_for_rent), _yes(p.sale_only_violation)]

    def create(self, *, actor, data):
        return svc.parking_create(actor=actor, **data)

    def update(self, *, actor, obj, data):
        return svc.parking_update(actor=actor, space=obj, **data)


class StaffType(RecordType):
    model = Staff
    slug, prefix, icon = "staff", "staff", "bi-person-workspace"
    intro = _("物业服务企业的从业人员及其派驻小区")
    filterset = flt.StaffFilter
    form_class = fm.StaffForm
    select_related = ("company", "estate")
    only = ("id", "name", "role", "certificates", "phone", "post_started", "company__name", "estate__name")
    sorts = {"name": ("name", "id"), "post_started": ("post_started", "name", "id")}
    pickers = {"company": "company", "estate": "estate"}
    create_label = _("登记人员")

    def filter_choices(self, form, data, user):
        if data.get("company"):
            form.fields["estate"].widget.narrow = {"company": data.get("company")}

    def create_initial(self, request):
        user = request.user
        company = request.GET.get("company") or sel.own_company_id(user)
        return {"company": company, "estate": request.GET.get("estate")}

    def export_columns(self):
        return [Column(_g("姓名"), 12), Column(_g("所属企业"), 30), Column(_g("岗位"), 12), Column(_g("持有证书"), 30),
                Column(_g("手机号码（脱敏）"), 16), Column(_g("现服务小区"), 24), Column(_g("到岗日期"), 12)]

    def export_rows(self, qs, user):
        for s in qs.iterator(chunk_size=2000):
            yield [s.name, s.company.name, s.get_role_display(), s.certificates, mask_phone(s.phone),
                   s.estate.name if s.estate_id else "", s.post_started]

    def create(self, *, actor, data):
        return svc.staff_create(actor=actor, **data)

    def update(self, *, actor, obj, data):
        return svc.staff_update(actor=actor, staff=obj, **data)


class CommitteeType(RecordType):
    model = OwnersCommittee
    slug, prefix, icon = "committee", "committees", "bi-people-fill"
    intro = _("业主委员会的任期、备案与成员（5–11 人，单数；任期不超过 5 年）")
    filterset = flt.CommitteeFilter
    form_class = fm.CommitteeForm
    select_related = ("estate",)
    only = ("id", "term_start", "term_end", "filed_on", "is_current", "estate__name")
    sorts = {"term_start": ("term_start", "id"), "estate": ("estate__name", "-term_start", "id")}
    default_sort = "-term_start"
    pickers = {"estate": "estate"}
    create_label = _("登记业委会")

    def filter_choices(self, form, data, user):
        form.fields["q"].widget.attrs["placeholder"] = _g("小区名称或拼音首字母")

    def attach(self, rows, user):
        stats = {
            row["committee_id"]: row
            for row in sel.committee_members_visible_to(user).filter(committee_id__in=[r.pk for r in rows])
            .values("committee_id")
            .annotate(n=Count("id"), party=Count("id", filter=Q(is_party_member=True)))
        }
        for r in rows:
            r.member_count = stats.get(r.pk, {}).get("n", 0)
            r.party_count = stats.get(r.pk, {}).get("party", 0)

    def create_initial(self, request):
        return {"estate": request.GET.get("estate")}

    def export_columns(self):
        return [Column(_g("小区"), 24), Column(_g("任期开始"), 12), Column(_g("任期结束"), 12), Column(_g("备案日期"), 12), Column(_g("本届"), 8),
                Column(_g("成员人数"), 10), Column(_g("党员人数"), 10)]

    def export_rows(self, qs, user):
        qs = qs.annotate(member_total=Count("members"), party_total=Count("members", filter=Q(members__is_party_member=True)))
        for c in qs.iterator(chunk_size=2000):
            yield [c.estate.name, c.term_start, c.term_end, c.filed_on, _yes(c.is_current), c.member_total, c.party_total]

    def create(self, *, actor, data):
        return svc.committee_create(actor=actor, **data)

    def update(self, *, actor, obj, data):
        return svc.committee_update(actor=actor, committee=obj, **data)

    def detail_context(self, request, obj):
        rank = {CommitteeMember.Position.DIRECTOR: 0, CommitteeMember.Position.DEPUTY: 1}
        members = sorted(sel.committee_members_visible_to(request.user).filter(committee=obj).order_by("id"),
                         key=lambda m: rank.get(m.position, 2))
        party = sum(1 for m in members if m.is_party_member)
        n = len(members)
        return {
            "members": members,
            "member_count": n,
            "party_count": party,
            "size_ok": 5 <= n <= 11 and n % 2 == 1,
            "party_ok": n > 0 and party * 2 >= n,
            "can_manage_members": sel.can_create(request.user, CommitteeMember),
        }


TYPES: dict[str, RecordType] = {
    rt.slug: rt
    for rt in (CompanyType(), EstateType(), BuildingType(), UnitType(), OwnerType(), ParkingType(), StaffType(),
               CommitteeType())
}
BY_MODEL = {rt.model: rt for rt in TYPES.values()}

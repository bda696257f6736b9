"""Filters shared by the registry pages and the API (django-filter). ``q`` is the search box:
Chinese by substring, pinyin initials by prefix (core.search)."""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from wuye.core.filters import ScopedFilterSet, ScopedIdFilter
from wuye.core.search import prefix_q, search_q

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


class SearchFilterSet(ScopedFilterSet):
    q = df.CharFilter(label=_("搜索"), method="filter_q")
    search_fields: list[str] = ["name"]
    search_prefix_only = False

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value, text_fields=self.search_fields, prefix_only=self.search_prefix_only))


class CompanyFilter(SearchFilterSet):
    search_fields = ["name", "credit_code"]

    class Meta:
        model = PropertyCompany
        fields = ["filing_status"]


class EstateFilter(SearchFilterSet):
    search_fields = ["name", "address"]
    district = df.NumberFilter(field_name="district_id", label=_("区县"))
    street = df.NumberFilter(field_name="street_id", label=_("街道"))
    community = df.NumberFilter(field_name="community_id", label=_("社区"))
    company = df.NumberFilter(field_name="company_id", label=_("物业企业"))
    year_built_min = df.NumberFilter(field_name="year_built", lookup_expr="gte", label=_("建成年份起"))
    year_built_max = df.NumberFilter(field_name="year_built", lookup_expr="lte", label=_("建成年份止"))

    class Meta:
        model = Estate
        fields = ["kind", "management_mode"]


class BuildingFilter(SearchFilterSet):
    estate = df.NumberFilter(field_name="estate_id", label=_("小区"))

    class Meta:
        model = Building
        fields = ["has_lift"]


class UnitFilter(SearchFilterSet):
    search_fields = ["number"]
    search_prefix_only = True
    estate = df.NumberFilter(field_name="estate_id", label=_("小区"))
    building = df.NumberFilter(field_name="building_id", label=_("楼栋"))

    def filter_q(self, queryset, name, value):
        return queryset.filter(prefix_q("number", value.strip())) if value.strip() else queryset

    class Meta:
        model = Unit
        fields = ["sale_status", "area_source"]


class OwnerFilter(SearchFilterSet):
    # Owner tables are large (millions of rows at megacity scale): name and initials by prefix,
    # served by their B-tree indexes.
    search_prefix_only = True
    # Only an estate the user sees: another's would tell which of their owners also own there.
    estate = ScopedIdFilter(method="filter_estate", model="registry.estate", label=_("小区"))

    def filter_estate(self, queryset, name, value):
        return queryset.filter(ownerships__estate_id=value).distinct()

    class Meta:
        model = Owner
        fields = ["kind"]


class ParkingFilter(SearchFilterSet):
    search_fields = ["number"]
    search_prefix_only = True
    estate = df.NumberFilter(field_name="estate_id", label=_("小区"))

    def filter_q(self, queryset, name, value):
        return queryset.filter(prefix_q("number", value.strip())) if value.strip() else queryset

    class Meta:
        model = ParkingSpace
        fields = ["kind", "ownership", "disposal", "offered_for_rent"]


class StaffFilter(SearchFilterSet):
    company = df.NumberFilter(field_name="company_id", label=_("企业"))
    estate = df.NumberFilter(field_name="estate_id", label=_("小区"))

    class Meta:
        model = Staff
        fields = ["role"]


class CommitteeFilter(ScopedFilterSet):
    q = df.CharFilter(label=_("搜索"), method="filter_q")
    estate = df.NumberFilter(field_name="estate_id", label=_("小区"))

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value, text_fields=["estate__name"], key_field="estate__search_key"))

    class Meta:
        model = OwnersCommittee
        fields = ["is_current"]


class CommitteeMemberFilter(ScopedFilterSet):
    committee = df.NumberFilter(field_name="committee_id", label=_("业主委员会"))

    class Meta:
        model = CommitteeMember
        fields = ["position", "is_party_member"]


class ContractFilter(ScopedFilterSet):
    estate = df.NumberFilter(field_name="estate_id", label=_("小区"))
    company = df.NumberFilter(field_name="company_id", label=_("物业企业"))
    end_date_before = df.DateFilter(field_name="end_date", lookup_expr="lte", label=_("终止日不晚于"))

    class Meta:
        model = ServiceContract
        fields = ["is_current", "contracted_grade"]


class OwnershipFilter(ScopedFilterSet):
    estate = df.NumberFilter(field_name="estate_id", label=_("小区"))
    unit = df.NumberFilter(field_name="unit_id", label=_("房屋"))
    owner = df.NumberFilter(field_name="owner_id", label=_("业主"))

    class Meta:
        model = Ownership
        fields: list[str] = []

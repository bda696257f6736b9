"""Filters of the territory lists (API and pages): ``q`` searches names and pinyin initials."""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from wuye.core.filters import ScopedFilterSet
from wuye.core.search import search_q

from .models import Community, District, Street


class _SearchFilterSet(ScopedFilterSet):
    q = df.CharFilter(label=_("搜索"), method="filter_q")

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value, text_fields=["name", "code"]))


class DistrictFilter(_SearchFilterSet):
    class Meta:
        model = District
        fields = ["kind"]


class StreetFilter(_SearchFilterSet):
    district = df.NumberFilter(field_name="district_id", label=_("区县/园区"))

    class Meta:
        model = Street
        fields = ["kind"]


class CommunityFilter(_SearchFilterSet):
    street = df.NumberFilter(field_name="street_id", label=_("街道/乡镇"))
    district = df.NumberFilter(field_name="street__district_id", label=_("区县/园区"))

    class Meta:
        model = Community
        fields: list[str] = []

"""/api/v1/ territory resources, read-only and scoped like the pages (``selectors.py``)."""

from wuye.core.viewsets import ListMixin, RetrieveMixin, ScopedViewSet

from . import filters, selectors
from . import serializers as s
from .models import Community, District, Street


class DistrictViewSet(ListMixin, RetrieveMixin, ScopedViewSet):
    """区县、县及开发区管委会（GB/T 2260 六位区划代码）。市局可见全部，区县及其职能部门只可见本区县。"""

    model = District
    selector = selectors.districts_visible_to
    serializer_class = s.DistrictSerializer
    filterset_class = filters.DistrictFilter
    select_related = ("city",)


class StreetViewSet(ListMixin, RetrieveMixin, ScopedViewSet):
    """街道办事处及乡镇（12 位统计用区划代码）。区县可见辖区内全部街道，街道只可见本街道。"""

    model = Street
    selector = selectors.streets_visible_to
    serializer_class = s.StreetSerializer
    filterset_class = filters.StreetFilter
    select_related = ("district",)


class CommunityViewSet(ListMixin, RetrieveMixin, ScopedViewSet):
    """社区居委会（12 位统计用区划代码）。区县、街道可见辖区内的社区，社区只可见本社区。"""

    model = Community
    selector = selectors.communities_visible_to
    serializer_class = s.CommunitySerializer
    filterset_class = filters.CommunityFilter
    select_related = ("street", "street__district")


def register(router) -> None:
    router.register("districts", DistrictViewSet, basename="api-district")
    router.register("streets", StreetViewSet, basename="api-street")
    router.register("communities", CommunityViewSet, basename="api-community")

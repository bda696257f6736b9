"""/api/v1/ resources of the registry.

Every queryset comes from ``selectors.py`` (a user sees exactly their share), every write goes
through ``services.py`` (validated, one transaction, audited). Out of scope is 404, visible but
not writable is 403, a refused rule of the domain is 400 with its Chinese message.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from wuye.core.access import refuse
from wuye.core.viewsets import CreateMixin, DestroyMixin, ListMixin, RetrieveMixin, ScopedViewSet, UpdateMixin

from . import filters, selectors, services
from . import serializers as s
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

NO_REVEAL = _("您的角色无权查看未脱敏的个人信息。")


class RegistryViewSet(ScopedViewSet):
    def fetch_object(self, *, pk, write: bool):
        if write:
            return selectors.get_for_user(self.model, user=self.request.user, pk=pk, write=True)
        return super().fetch_object(pk=pk, write=False)

    def may_create(self) -> bool:
        return selectors.can_create(self.request.user, self.model)

    def may_change(self, obj) -> bool:
        return selectors.can_change(self.request.user, obj)

    @property
    def actor(self):
        return self.request.user

    def destroy_record(self, obj) -> None:
        services.delete_record(actor=self.actor, obj=obj)


class RevealMixin:
    """``POST …/{id}/reveal/`` returns one masked field in plain text to the roles allowed to
    see it; each reveal leaves a REVEAL audit row, each refusal a DENIED row."""

    reveal_serializer_class = s.PhoneRevealInput

    @extend_schema(
        summary=_("查看未脱敏的个人信息"),
        description=_(
            "返回一个字段（手机号码或证件号码）的明文，并写入审计记录。仅有权查看个人信息的角色可用"
            "（默认为市局、区县、街道、社区及物业企业负责人），其他角色返回 403。"
        ),
        responses=s.RevealOutput,
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        obj = self.fetch_object(pk=pk, write=False)
        if not selectors.can_reveal_personal_data(request.user):
            refuse(user=request.user, model=self.model, pk=pk, reason=str(NO_REVEAL), status=403)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        value = services.personal_data_reveal(actor=request.user, obj=obj, field=field)
        return Response({"field": field, "value": value})

    def get_serializer_class(self):
        if self.action == "reveal":
            return self.reveal_serializer_class
        return super().get_serializer_class()


class CompanyViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """物业服务企业。市局可见全部；区县、街道、社区可见在本辖区服务的企业；物业企业只可见本企业。"""

    model = PropertyCompany
    selector = selectors.companies_visible_to
    serializer_class = s.CompanySerializer
    create_serializer_class = s.CompanyInput
    filterset_class = filters.CompanyFilter

    def create_record(self, data):
        return services.company_create(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.company_update(actor=self.actor, company=obj, **data)


class EstateViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """住宅小区（物业项目），含现行物业服务合同。按辖区、服务企业、业委会或业主身份限定可见范围。"""

    model = Estate
    selector = selectors.estates_visible_to
    serializer_class = s.EstateSerializer
    create_serializer_class = s.EstateInput
    filterset_class = filters.EstateFilter
    select_related = ("community", "street", "district", "company")
    prefetch_related = (selectors.current_contracts_prefetch(),)

    def create_record(self, data):
        return services.estate_create(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.estate_update(actor=self.actor, estate=obj, **data)


class ContractViewSet(ListMixin, RetrieveMixin, CreateMixin, RegistryViewSet):
    """物业服务合同。新增合同即成为小区的现行合同，原现行合同自动失效；合同不可修改或删除。"""

    model = ServiceContract
    selector = selectors.contracts_visible_to
    serializer_class = s.ContractSerializer
    create_serializer_class = s.ContractInput
    filterset_class = filters.ContractFilter
    select_related = ("estate", "company")

    def create_record(self, data):
        return services.estate_set_contract(actor=self.actor, **data)


class BuildingViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """楼栋。"""

    model = Building
    selector = selectors.buildings_visible_to
    serializer_class = s.BuildingSerializer
    create_serializer_class = s.BuildingInput
    update_serializer_class = s.BuildingUpdateInput
    filterset_class = filters.BuildingFilter
    select_related = ("estate",)

    def create_record(self, data):
        return services.building_create(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.building_update(actor=self.actor, building=obj, **data)


class UnitViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """房屋（专有部分）。业主只可见本人名下的房屋。"""

    model = Unit
    selector = selectors.units_visible_to
    serializer_class = s.UnitSerializer
    create_serializer_class = s.UnitInput
    filterset_class = filters.UnitFilter
    select_related = ("estate", "building")

    def create_record(self, data):
        return services.unit_create(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.unit_update(actor=self.actor, unit=obj, **data)


class OwnerViewSet(RevealMixin, ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """业主。手机号码和证件号码一律脱敏返回；有权角色可通过 reveal 查看明文（留痕）。
    新增业主时须同时指定其房屋，业主随即登记为该房屋的产权人；证件号码（单位为统一社会信用代码）
    已登记的，不重复登记，而是把已登记的业主关联为该房屋的产权人并返回该业主（状态码 200）。"""

    model = Owner
    selector = selectors.owners_visible_to
    serializer_class = s.OwnerSerializer
    create_serializer_class = s.OwnerInput
    update_serializer_class = s.OwnerUpdateInput
    reveal_serializer_class = s.OwnerRevealInput
    filterset_class = filters.OwnerFilter

    def create_record(self, data):
        # One buyer, one head: an ID number already on file answers with that owner (200, not 201).
        done = services.owner_register(actor=self.actor, **data)
        self.record_is_new = done.owner_created
        return done.owner

    def update_record(self, obj, data):
        return services.owner_update(actor=self.actor, owner=obj, **data)


class OwnershipViewSet(ListMixin, RetrieveMixin, CreateMixin, DestroyMixin, RegistryViewSet):
    """产权关系（房屋 ↔ 业主），一套房屋可有多位共有人。"""

    model = Ownership
    selector = selectors.ownerships_visible_to
    serializer_class = s.OwnershipSerializer
    create_serializer_class = s.OwnershipInput
    filterset_class = filters.OwnershipFilter
    select_related = ("unit", "owner")
    ordering = ("id",)

    def create_record(self, data):
        return services.ownership_create(actor=self.actor, **data)

    def destroy_record(self, obj) -> None:
        services.ownership_delete(actor=self.actor, ownership=obj)


class ParkingSpaceViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """车位。``sale_only_violation`` 标出开发商持有、空置且未对业主出租的车位（只售不租）。"""

    model = ParkingSpace
    selector = selectors.parking_visible_to
    serializer_class = s.ParkingSpaceSerializer
    create_serializer_class = s.ParkingSpaceInput
    update_serializer_class = s.ParkingSpaceUpdateInput
    filterset_class = filters.ParkingFilter
    select_related = ("estate",)

    def create_record(self, data):
        return services.parking_create(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.parking_update(actor=self.actor, space=obj, **data)


class StaffViewSet(RevealMixin, ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """物业从业人员。手机号码脱敏返回。"""

    model = Staff
    selector = selectors.staff_visible_to
    serializer_class = s.StaffSerializer
    create_serializer_class = s.StaffInput
    update_serializer_class = s.StaffUpdateInput
    filterset_class = filters.StaffFilter
    select_related = ("company", "estate")

    def create_record(self, data):
        return services.staff_create(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.staff_update(actor=self.actor, staff=obj, **data)


class CommitteeViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin, RegistryViewSet):
    """业主委员会，含成员。新增一届即成为本届，上一届自动卸任。"""

    model = OwnersCommittee
    selector = selectors.committees_visible_to
    serializer_class = s.CommitteeSerializer
    create_serializer_class = s.CommitteeInput
    update_serializer_class = s.CommitteeUpdateInput
    filterset_class = filters.CommitteeFilter
    select_related = ("estate",)
    prefetch_related = ("members",)

    def create_record(self, data):
        return services.committee_create(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.committee_update(actor=self.actor, committee=obj, **data)


class CommitteeMemberViewSet(RevealMixin, ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, DestroyMixin,
                             RegistryViewSet):
    """业委会成员（职务、是否中共党员）。手机号码脱敏返回。"""

    model = CommitteeMember
    selector = selectors.committee_members_visible_to
    serializer_class = s.CommitteeMemberSerializer
    create_serializer_class = s.CommitteeMemberInput
    update_serializer_class = s.CommitteeMemberUpdateInput
    filterset_class = filters.CommitteeMemberFilter
    ordering = ("committee_id", "position", "id")

    def create_record(self, data):
        return services.committee_member_add(actor=self.actor, **data)

    def update_record(self, obj, data):
        return services.committee_member_update(actor=self.actor, member=obj, **data)

    def destroy_record(self, obj) -> None:
        services.committee_member_remove(actor=self.actor, member=obj)


RESOURCES = [
    ("companies", CompanyViewSet, "api-company"),
    ("estates", EstateViewSet, "api-estate"),
    ("contracts", ContractViewSet, "api-contract"),
    ("buildings", BuildingViewSet, "api-building"),
    ("units", UnitViewSet, "api-unit"),
    ("owners", OwnerViewSet, "api-owner"),
    ("ownerships", OwnershipViewSet, "api-ownership"),
    ("parking-spaces", ParkingSpaceViewSet, "api-parking-space"),
    ("staff", StaffViewSet, "api-staff"),
    ("committees", CommitteeViewSet, "api-committee"),
    ("committee-members", CommitteeMemberViewSet, "api-committee-member"),
]


def register(router) -> None:
    for prefix, viewset, basename in RESOURCES:
        router.register(prefix, viewset, basename=basename)

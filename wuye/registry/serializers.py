"""Shapes of the registry API. Output serializers mask phones and ID numbers; input serializers
check types and required fields only — every rule of the domain is in ``services.py``, every
access decision in ``selectors.py`` (references to other records go through the selectors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wuye.core.api import MaskedIdNumberField, MaskedPhoneField, ScopedRelatedField
from wuye.territory.selectors import communities_visible_to

from . import selectors
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


def _name(source: str, label: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, label=label)


# ---- output ---------------------------------------------------------------------------------


class CompanySerializer(serializers.ModelSerializer):
    filing_status_display = _name("get_filing_status_display", _("备案状态（名称）"))

    class Meta:
        model = PropertyCompany
        fields = ["id", "name", "credit_code", "legal_representative", "address", "service_phone",
                  "filing_status", "filing_status_display", "created_at", "updated_at"]


class ContractSerializer(serializers.ModelSerializer):
    estate_name = _name("estate.name", _("小区名称"))
    company_name = _name("company.name", _("企业名称"))
    contracted_grade_display = _name("get_contracted_grade_display", _("约定服务等级（名称）"))

    class Meta:
        model = ServiceContract
        fields = ["id", "estate", "estate_name", "company", "company_name", "start_date", "end_date",
                  "contracted_grade", "contracted_grade_display", "fee_rate", "filing_number", "is_current"]


class CurrentContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceContract
        fields = ["id", "company", "start_date", "end_date", "contracted_grade", "fee_rate", "filing_number"]


class EstateSerializer(serializers.ModelSerializer):
    community_name = _name("community.name", _("社区名称"))
    street_name = _name("street.name", _("街道名称"))
    district_name = _name("district.name", _("区县名称"))
    company_name = serializers.CharField(source="company.name", read_only=True, default=None, allow_null=True,
                                         label=_("物业服务企业名称"))
    kind_display = _name("get_kind_display", _("小区类型（名称）"))
    management_mode_display = _name("get_management_mode_display", _("管理模式（名称）"))
    current_contract = serializers.SerializerMethodField(label=_("现行物业服务合同"))

    class Meta:
        model = Estate
        fields = ["id", "name", "address", "community", "community_name", "street", "street_name", "district",
                  "district_name", "kind", "kind_display", "year_built", "floor_area", "management_mode",
                  "management_mode_display", "company", "company_name", "current_contract",
                  "created_at", "updated_at"]

    @staticmethod
    def _current(obj: Estate):
        # The list prefetches current contracts into ``current_contracts``; a single estate read
        # after a write falls back to one query.
        contracts = getattr(obj, "current_contracts", None)
        if contracts is None:
            return obj.current_contract
        return contracts[0] if contracts else None

    @extend_schema_field(CurrentContractSerializer(allow_null=True))
    def get_current_contract(self, obj: Estate):
        contract = self._current(obj)
        return CurrentContractSerializer(contract).data if contract is not None else None


class BuildingSerializer(serializers.ModelSerializer):
    estate_name = _name("estate.name", _("小区名称"))

    class Meta:
        model = Building
        fields = ["id", "estate", "estate_name", "name", "floors", "has_lift", "created_at", "updated_at"]


class UnitSerializer(serializers.ModelSerializer):
    estate_name = _name("estate.name", _("小区名称"))
    building_name = _name("building.name", _("楼栋名称"))
    area_source_display = _name("get_area_source_display", _("面积来源（名称）"))
    sale_status_display = _name("get_sale_status_display", _("销售状态（名称）"))

    class Meta:
        model = Unit
        fields = ["id", "estate", "estate_name", "building", "building_name", "number", "floor", "exclusive_area",
                  "area_source", "area_source_display", "built_area", "sale_status", "sale_status_display",
                  "created_at", "updated_at"]


class OwnerSerializer(serializers.ModelSerializer):
    phone = MaskedPhoneField(label=_("手机号码（脱敏）"))
    id_number = MaskedIdNumberField(label=_("证件号码（脱敏）"))
    kind_display = _name("get_kind_display", _("类型（名称）"))

    class Meta:
        model = Owner
        fields = ["id", "kind", "kind_display", "name", "phone", "id_number", "created_at", "updated_at"]


class OwnershipSerializer(serializers.ModelSerializer):
    unit_number = _name("unit.number", _("房号"))
    owner_name = _name("owner.name", _("业主姓名/名称"))

    class Meta:
        model = Ownership
        fields = ["id", "estate", "unit", "unit_number", "owner", "owner_name", "share", "since", "created_at"]


class ParkingSpaceSerializer(serializers.ModelSerializer):
    estate_name = _name("estate.name", _("小区名称"))
    kind_display = _name("get_kind_display", _("车位类型（名称）"))
    ownership_display = _name("get_ownership_display", _("权属（名称）"))
    disposal_display = _name("get_disposal_display", _("处置状态（名称）"))
    sale_only_violation = serializers.BooleanField(read_only=True, label=_("只售不租"))

    class Meta:
        model = ParkingSpace
        fields = ["id", "estate", "estate_name", "number", "kind", "kind_display", "ownership", "ownership_display",
                  "disposal", "disposal_display", "monthly_rent", "offered_for_rent", "sale_only_violation",
                  "created_at", "updated_at"]


class StaffSerializer(serializers.ModelSerializer):
    company_name = _name("company.name", _("企业名称"))
    estate_name = serializers.CharField(source="estate.name", read_only=True, default=None, allow_null=True,
                                        label=_("现服务小区名称"))
    role_display = _name("get_role_display", _("岗位（名称）"))
    phone = MaskedPhoneField(label=_("手机号码（脱敏）"))

    class Meta:
        model = Staff
        fields = ["id", "company", "company_name", "name", "role", "role_display", "certificates", "phone",
                  "estate", "estate_name", "post_started", "created_at", "updated_at"]


class CommitteeMemberSerializer(serializers.ModelSerializer):
    position_display = _name("get_position_display", _("职务（名称）"))
    phone = MaskedPhoneField(label=_("手机号码（脱敏）"))

    class Meta:
        model = CommitteeMember
        fields = ["id", "committee", "owner", "name", "position", "position_display", "is_party_member", "phone"]


class CommitteeSerializer(serializers.ModelSerializer):
    estate_name = _name("estate.name", _("小区名称"))
    members = CommitteeMemberSerializer(many=True, read_only=True, label=_("成员"))

    class Meta:
        model = OwnersCommittee
        fields = ["id", "estate", "estate_name", "term_start", "term_end", "filed_on", "is_current", "members",
                  "created_at", "updated_at"]


# ---- input ----------------------------------------------------------------------------------


def _ref(selector, label, **kwargs) -> ScopedRelatedField:
    return ScopedRelatedField(selector=selector, label=label, **kwargs)


class CompanyInput(serializers.ModelSerializer):
    class Meta:
        model = PropertyCompany
        fields = ["name", "credit_code", "legal_representative", "address", "service_phone", "filing_status"]
        # The code is checked (and normalised) by the service, with a Chinese message.
        extra_kwargs = {"credit_code": {"validators": [], "max_length": 30}}


class EstateInput(serializers.ModelSerializer):
    community = ScopedRelatedField(selector=communities_visible_to, label=_("所属社区"))

    class Meta:
        model = Estate
        fields = ["name", "address", "community", "kind", "year_built", "floor_area", "management_mode"]


class ContractInput(serializers.ModelSerializer):
    estate = _ref(selectors.estates_visible_to, _("小区"))
    company = _ref(selectors.companies_selectable_by, _("物业服务企业"))

    class Meta:
        model = ServiceContract
        fields = ["estate", "company", "start_date", "end_date", "contracted_grade", "fee_rate", "filing_number"]


class BuildingInput(serializers.ModelSerializer):
    estate = _ref(selectors.estates_visible_to, _("小区"))

    class Meta:
        model = Building
        fields = ["estate", "name", "floors", "has_lift"]
        validators = []  # unique (estate, name) is checked by the service with a Chinese message


class BuildingUpdateInput(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["name", "floors", "has_lift"]


class UnitInput(serializers.ModelSerializer):
    building = _ref(selectors.buildings_visible_to, _("楼栋"))

    class Meta:
        model = Unit
        fields = ["building", "number", "floor", "exclusive_area", "area_source", "built_area", "sale_status"]
        validators = []


class OwnerInput(serializers.ModelSerializer):
    unit = _ref(selectors.units_visible_to, _("房屋"), help_text=_("业主登记为这套房屋的产权人"))
    share = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                     label=_("产权份额（%）"))
    since = serializers.DateField(required=False, allow_null=True, label=_("登记日期"))

    class Meta:
        model = Owner
        fields = ["kind", "name", "phone", "id_number", "unit", "share", "since"]
        # An ID number already on file is linked by the service (one buyer, one head), not refused here.
        extra_kwargs = {"id_number": {"validators": []}}


class OwnerUpdateInput(serializers.ModelSerializer):
    class Meta:
        model = Owner
        fields = ["kind", "name", "phone", "id_number"]
        # The service normalises the number first, then the model's constraint refuses a duplicate.
        extra_kwargs = {"id_number": {"validators": []}}


class OwnershipInput(serializers.ModelSerializer):
    unit = _ref(selectors.units_visible_to, _("房屋"))
    owner = _ref(selectors.owners_visible_to, _("业主"))

    class Meta:
        model = Ownership
        fields = ["unit", "owner", "share", "since"]
        validators = []


class ParkingSpaceInput(serializers.ModelSerializer):
    estate = _ref(selectors.estates_visible_to, _("小区"))

    class Meta:
        model = ParkingSpace
        fields = ["estate", "number", "kind", "ownership", "disposal", "monthly_rent", "offered_for_rent"]
        extra_kwargs = {"kind": {"required": True}, "ownership": {"required": True}, "disposal": {"required": True}}
        validators = []


class ParkingSpaceUpdateInput(serializers.ModelSerializer):
    class Meta:
        model = ParkingSpace
        fields = ["number", "kind", "ownership", "disposal", "monthly_rent", "offered_for_rent"]


class StaffInput(serializers.ModelSerializer):
    company = _ref(selectors.companies_visible_to, _("所属企业"))
    estate = _ref(selectors.estates_visible_to, _("现服务小区"), required=False, allow_null=True)

    class Meta:
        model = Staff
        fields = ["company", "name", "role", "certificates", "phone", "estate", "post_started"]


class StaffUpdateInput(serializers.ModelSerializer):
    estate = _ref(selectors.estates_visible_to, _("现服务小区"), required=False, allow_null=True)

    class Meta:
        model = Staff
        fields = ["name", "role", "certificates", "phone", "estate", "post_started"]


class CommitteeInput(serializers.ModelSerializer):
    estate = _ref(selectors.estates_visible_to, _("小区"))

    class Meta:
        model = OwnersCommittee
        fields = ["estate", "term_start", "term_end", "filed_on"]


class CommitteeUpdateInput(serializers.ModelSerializer):
    class Meta:
        model = OwnersCommittee
        fields = ["term_start", "term_end", "filed_on"]


class CommitteeMemberInput(serializers.ModelSerializer):
    committee = _ref(selectors.committees_visible_to, _("业主委员会"))
    owner = _ref(selectors.owners_visible_to, _("业主"), required=False, allow_null=True)

    class Meta:
        model = CommitteeMember
        fields = ["committee", "name", "position", "is_party_member", "phone", "owner"]
        extra_kwargs = {"position": {"required": True}}


class CommitteeMemberUpdateInput(serializers.ModelSerializer):
    owner = _ref(selectors.owners_visible_to, _("业主"), required=False, allow_null=True)

    class Meta:
        model = CommitteeMember
        fields = ["name", "position", "is_party_member", "phone", "owner"]


class PhoneRevealInput(serializers.Serializer):
    field = serializers.ChoiceField(choices=[("phone", _("手机号码"))], label=_("要查看的字段"))


class OwnerRevealInput(serializers.Serializer):
    field = serializers.ChoiceField(choices=[("phone", _("手机号码")), ("id_number", _("证件号码"))],
                                    label=_("要查看的字段"))


class RevealOutput(serializers.Serializer):
    field = serializers.CharField(label=_("字段"))
    value = serializers.CharField(label=_("明文"))

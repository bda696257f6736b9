"""Shapes of the territory API (read-only)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Community, District, Street


class DistrictSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label=_("类型（名称）"))
    city_name = serializers.CharField(source="city.name", read_only=True, label=_("城市"))

    class Meta:
        model = District
        fields = ["id", "name", "kind", "kind_display", "code", "city", "city_name"]


class StreetSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label=_("类型（名称）"))
    district_name = serializers.CharField(source="district.name", read_only=True, label=_("区县/园区名称"))

    class Meta:
        model = Street
        fields = ["id", "name", "kind", "kind_display", "code", "district", "district_name"]


class CommunitySerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True, label=_("街道/乡镇名称"))
    district = serializers.IntegerField(source="street.district_id", read_only=True, label=_("区县/园区"))
    district_name = serializers.CharField(source="street.district.name", read_only=True, label=_("区县/园区名称"))

    class Meta:
        model = Community
        fields = ["id", "name", "code", "street", "street_name", "district", "district_name"]

"""Input and output shapes of the 准物业 API (no rules here: the services decide)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wuye.core.api import ScopedRelatedField
from wuye.registry.selectors import companies_visible_to

from . import selectors as sel
from .models import Duty, QuasiContract

DATE_ERRORS = {"invalid": _("日期格式应为 YYYY-MM-DD"), "required": _("请填写此项"), "null": _("请填写此项")}
TEXT_ERRORS = {"required": _("请填写此项"), "blank": _("请填写此项"), "null": _("请填写此项"),
               "max_length": _("不能超过 {max_length} 个字")}
NUMBER_ERRORS = {"invalid": _("应填写数字"), "required": _("请填写此项"), "null": _("请填写此项"),
                 "max_digits": _("数字过大"), "max_decimal_places": _("最多两位小数"),
                 "max_whole_digits": _("数字过大"), "min_value": _("须大于 0"), "max_value": _("数值过大")}


def _all_companies(user):
    """Any company of the registry may be chosen as a provider (the public register)."""
    if user is None:
        return companies_visible_to(None)
    return sel.selectable_companies()


class DutiesIn(serializers.Serializer):
    security = serializers.CharField(required=False, allow_blank=True, help_text=_("安全有防范：服务事项，每行一项"))
    cleaning = serializers.CharField(required=False, allow_blank=True, help_text=_("环境有保洁：服务事项，每行一项"))
    facilities = serializers.CharField(required=False, allow_blank=True, help_text=_("设施有维护：服务事项，每行一项"))


class ContractIn(serializers.Serializer):
    title = serializers.CharField(max_length=100, error_messages=TEXT_ERRORS, help_text=_("项目名称"))
    estates = serializers.ListField(child=serializers.IntegerField(), allow_empty=True,
                                    error_messages={"required": _("请填写覆盖小区"), "not_a_list": _("覆盖小区应为小区编号列表")},
                                    help_text=_("覆盖小区的编号（至少一个）"))
    company = ScopedRelatedField(selector=_all_companies, required=False, allow_null=True, default=None,
                                 help_text=_("服务企业编号（与 organisation 二选一）"))
    organisation = ScopedRelatedField(selector=sel.organisations_visible_to, required=False, allow_null=True,
                                      default=None, help_text=_("社区服务组织编号（与 company 二选一）"))
    community = serializers.IntegerField(required=False, allow_null=True, default=None,
                                         help_text=_("购买社区编号（街道为其社区购买时填写）"))
    start_date = serializers.DateField(error_messages=DATE_ERRORS, help_text=_("服务起始日"))
    end_date = serializers.DateField(error_messages=DATE_ERRORS, help_text=_("服务终止日"))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                                      error_messages=NUMBER_ERRORS, help_text=_("合同金额（元，两位小数）"))
    funding = serializers.ChoiceField(choices=QuasiContract.Funding.choices,
                                      error_messages={"invalid_choice": _("资金来源不正确")}, help_text=_("资金来源"))
    funding_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    full_pay_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=Decimal("90"),
                                             error_messages=NUMBER_ERRORS)
    floor_rate = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=Decimal("60"),
                                          error_messages=NUMBER_ERRORS)
    rectify_days = serializers.IntegerField(required=False, default=5, min_value=1, max_value=30)
    duties = DutiesIn(required=False, help_text=_("三项基本职责的服务事项；省略的一项使用默认事项"))
    sign = serializers.BooleanField(required=False, default=False, help_text=_("保存后立即签订"))


class PaymentOut(serializers.Serializer):
    checked = serializers.IntegerField()
    passed = serializers.IntegerField()
    pass_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    share = serializers.DecimalField(max_digits=6, decimal_places=2)
    payable = serializers.DecimalField(max_digits=14, decimal_places=2)
    deduction = serializers.DecimalField(max_digits=14, decimal_places=2)
    rule = serializers.CharField()


class ContractOut(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    provider = serializers.SerializerMethodField()
    estates = serializers.SerializerMethodField()
    duties = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()

    class Meta:
        model = QuasiContract
        fields = ["id", "number", "title", "status", "status_display", "district", "street", "community", "company",
                  "organisation", "provider", "estates", "start_date", "end_date", "amount", "funding",
                  "funding_note", "full_pay_rate", "floor_rate", "rectify_days", "signed_on", "duties", "payment"]

    def get_provider(self, obj) -> str:
        return str(obj.provider)

    def get_estates(self, obj) -> list[int]:
        return sorted(ce.estate_id for ce in obj.coverage.all())

    @extend_schema_field(serializers.DictField(child=serializers.ListField(child=serializers.CharField())))
    def get_duties(self, obj) -> dict:
        return {d.duty: d.item_list for d in obj.duties.all()}

    @extend_schema_field(PaymentOut)
    def get_payment(self, obj) -> dict:
        return PaymentOut(sel.contract_payment(obj)).data


DUTY_KEYS = [d.value for d in Duty]

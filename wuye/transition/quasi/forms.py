"""Forms of the 准物业 pages (inputs only; the services decide)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.registry.models import Estate
from wuye.territory.models import Community

from . import selectors as sel
from .models import DEFAULT_ITEMS, Duty, QuasiContract, ServiceOrganisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ERR = {"required": _("请填写此项"), "invalid": _("格式不正确"), "invalid_choice": _("请从列表中选择"),
       "max_digits": _("数字过大"), "max_decimal_places": _("最多两位小数")}


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            pass
        elif isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")
        field.error_messages.update({k: v for k, v in ERR.items() if k in field.error_messages})


class EstateChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Estate) -> str:
        kind = obj.get_kind_display()
        return f"{obj.name}（{obj.community.name} · {kind}）"


class ContractForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=100,
                            widget=forms.TextInput(attrs={"placeholder": _("如：2027年度老旧小区准物业服务")}))
    community = forms.ModelChoiceField(label=_("购买社区"), queryset=sel.empty(Community), required=False,
                                       help_text=_("由社区购买时选择；由街道购买时留空。"))
    provider_kind = forms.ChoiceField(label=_("服务方类型"), choices=[
        ("company", _("物业服务企业")), ("organisation", _("社区服务组织"))], initial="company",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    company = forms.ModelChoiceField(label=_("物业服务企业"), queryset=sel.selectable_companies().none(), required=False)
    organisation = forms.ModelChoiceField(label=_("社区服务组织"), queryset=sel.empty(ServiceOrganisation),
                                          required=False)
    estates = EstateChoice(label=_("覆盖小区"), queryset=sel.empty(Estate), required=False,
                           widget=forms.CheckboxSelectMultiple,
                           help_text=_("至少选择一个小区，通常为散居的老旧楼院。"))
    start_date = forms.DateField(label=_("服务起始日"), widget=DATE)
    end_date = forms.DateField(label=_("服务终止日"), widget=DATE)
    amount = forms.DecimalField(label=_("合同金额（元）"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    funding = forms.ChoiceField(label=_("资金来源"), choices=QuasiContract.Funding.choices)
    funding_note = forms.CharField(label=_("资金说明"), max_length=200, required=False)
    full_pay_rate = forms.DecimalField(label=_("全额支付合格率（%）"), max_digits=5, decimal_places=2, initial=Decimal("90"),
                                       min_value=0, max_value=100)
    floor_rate = forms.DecimalField(label=_("最低支付比例（%）"), max_digits=5, decimal_places=2, initial=Decimal("60"),
                                    min_value=0, max_value=100)
    rectify_days = forms.IntegerField(label=_("整改期限（工作日）"), initial=5, min_value=1, max_value=30)
    items_security = forms.CharField(label=Duty.SECURITY.label, widget=forms.Textarea(attrs={"rows": 4}),
                                     initial=DEFAULT_ITEMS[Duty.SECURITY], help_text=_("服务事项，每行一项"))
    items_cleaning = forms.CharField(label=Duty.CLEANING.label, widget=forms.Textarea(attrs={"rows": 4}),
                                     initial=DEFAULT_ITEMS[Duty.CLEANING], help_text=_("服务事项，每行一项"))
    items_facilities = forms.CharField(label=Duty.FACILITIES.label, widget=forms.Textarea(attrs={"rows": 4}),
                                       initial=DEFAULT_ITEMS[Duty.FACILITIES], help_text=_("服务事项，每行一项"))
    sign = forms.BooleanField(label=_("保存后立即签订（覆盖小区转为准物业管理）"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estates"].queryset = (sel.coverable_estates(user).select_related("community")
                                           .order_by("community__name", "name"))
        self.fields["company"].queryset = sel.selectable_companies()
        self.fields["organisation"].queryset = sel.organisations_visible_to(user)
        if sel.can_choose_buyer_community(user):
            self.fields["community"].queryset = sel.buyer_communities(user)
        else:
            del self.fields["community"]
        for name in ("title", "estates"):
            self.fields[name].wide = True
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("provider_kind") == "company":
            data["organisation"] = None
        else:
            data["company"] = None
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"], "estates": list(d.get("estates") or []), "start_date": d["start_date"],
            "end_date": d["end_date"], "amount": d["amount"], "funding": d["funding"],
            "funding_note": d.get("funding_note", ""), "company": d.get("company"),
            "organisation": d.get("organisation"), "community": d.get("community"),
            "full_pay_rate": d["full_pay_rate"], "floor_rate": d["floor_rate"], "rectify_days": d["rectify_days"],
            "duties": {duty.value: d[f"items_{duty.value}"] for duty in Duty}, "sign": d.get("sign", False),
        }


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("组织名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class CheckForm(forms.Form):
    """One compound's monthly check: the three duties, each passed or failed, with a note; photos
    are read from ``photos_<duty>`` (several files each) by the view."""

    estate = forms.ModelChoiceField(label=_("小区"), queryset=sel.empty(Estate))
    month = forms.CharField(label=_("检查月份"), widget=forms.TextInput(attrs={"type": "month"}))
    checked_on = forms.DateField(label=_("检查日期"), widget=DATE)

    def __init__(self, *args, estates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = sel.estates_by_ids(e.pk for e in estates)
        today = timezone.localdate()
        self.fields["month"].initial = f"{today:%Y-%m}"
        self.fields["checked_on"].initial = today
        if len(estates) == 1:
            self.fields["estate"].initial = estates[0].pk
        for duty in Duty:
            self.fields[f"result_{duty.value}"] = forms.ChoiceField(
                label=duty.label, choices=[("passed", _("合格")), ("failed", _("不合格")), ("skip", _("本次不检查"))],
                initial="passed", widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}))
            self.fields[f"note_{duty.value}"] = forms.CharField(
                label=_("检查情况"), max_length=500, required=False,
                widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("不合格时写明问题和位置")}))
        _bootstrap(self)

    def clean_month(self) -> date:
        value = (self.cleaned_data.get("month") or "").strip()
        try:
            y, m = (int(x) for x in value.split("-")[:2])
            return date(y, m, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(_("请按“年-月”填写检查月份，如 2027-03")) from None

    def duty_rows(self):
        return [{"duty": duty, "result": self[f"result_{duty.value}"], "note": self[f"note_{duty.value}"],
                 "photos": f"photos_{duty.value}"} for duty in Duty]

    def results(self, files) -> list[dict]:
        out = []
        for duty in Duty:
            result = self.cleaned_data.get(f"result_{duty.value}")
            if result == "skip":
                continue
            out.append({"duty": duty.value, "passed": result == "passed",
                        "note": self.cleaned_data.get(f"note_{duty.value}", ""),
                        "photos": files.getlist(f"photos_{duty.value}")})
        return out


class ReplyForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

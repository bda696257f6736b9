"""Forms of the registry pages. They collect and check input; the services validate the domain
rules and write. Choices are scoped through the selectors, so a user can only pick what they may
see (a district officer only the communities of their district, a company manager only its
estates)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuye.core.masking import mask_id_number, mask_phone
from wuye.core.search import prefix_q, search_q
from wuye.territory.selectors import communities_visible_to

from . import selectors as sel
from . import services as svc
from .models import (
    Building,
    CommitteeMember,
    Estate,
    Owner,
    OwnersCommittee,
    ParkingSpace,
    PropertyCompany,
    ServiceContract,
    Staff,
    Unit,
)

# ---- pickers: scoped, searchable choices for large tables ----------------------------------


@dataclass(frozen=True)
class Picker:
    """Where the options of a search-select come from, how they are searched and labelled, and
    which parameters narrow them (``estate`` → only the buildings of that estate)."""

    queryset: Callable[[object], QuerySet]
    search: Callable[[str], Q]
    label: Callable[[object], str]
    narrow: dict[str, Callable[[str], Q]] = dc_field(default_factory=dict)


def by(lookup: str) -> Callable[[str], Q]:
    return lambda value: Q(**{lookup: value})


def _estate_label(e) -> str:
    return f"{e.name}（{e.district.name}）"


def _owner_label(o) -> str:
    phone = mask_phone(o.phone)
    return f"{o.name}（{phone}）" if phone else o.name


PICKERS: dict[str, Picker] = {
    "community": Picker(
        queryset=lambda user: communities_visible_to(user).select_related("street").order_by("street__code", "code"),
        search=lambda q: search_q(q, text_fields=["name"]),
        label=lambda c: f"{c.street.name} · {c.name}",
        narrow={"street": by("street_id")},
    ),
    "estate": Picker(
        queryset=lambda user: sel.estates_visible_to(user).select_related("district").only("id", "name", "district__name"),
        search=lambda q: search_q(q, text_fields=["name"]),
        label=_estate_label,
        narrow={name: by(f"{name}_id") for name in ("district", "street", "community", "company")},
    ),
    "company": Picker(
        queryset=lambda user: sel.companies_visible_to(user).only("id", "name"),
        search=lambda q: search_q(q, text_fields=["name"]),
        label=lambda c: c.name,
        narrow={
            name: (lambda field: lambda v: sel.company_serves_q(field, v))(f"{name}_id")
            for name in ("district", "street", "community")
        },
    ),
    # Companies the user may name as the other party of a service contract.
    "contractor": Picker(
        queryset=lambda user: sel.companies_selectable_by(user).only("id", "name"),
        search=lambda q: search_q(q, text_fields=["name"]),
        label=lambda c: c.name,
    ),
    "building": Picker(
        queryset=lambda user: sel.buildings_visible_to(user).select_related("estate").only("id", "name", "estate__name").order_by(
            "estate__name", "name"
        ),
        search=lambda q: search_q(q, text_fields=["estate__name"], key_field="estate__search_key") | Q(name__startswith=q),
        label=lambda b: f"{b.estate.name} · {b.name}",
        narrow={"estate": by("estate_id")},
    ),
    "unit": Picker(
        queryset=lambda user: sel.units_visible_to(user).select_related("estate", "building").only(
            "id", "number", "estate__name", "building__name"
        ).order_by("estate__name", "building__name", "number"),
        search=lambda q: prefix_q("number", q),
        label=lambda u: f"{u.estate.name} · {u.building.name} · {u.number}",
        narrow={"estate": by("estate_id"), "building": by("building_id")},
    ),
    "owner": Picker(
        queryset=lambda user: sel.owners_visible_to(user).only("id", "name", "phone"),
        search=lambda q: search_q(q, text_fields=["name"], prefix_only=True),
        label=_owner_label,
        narrow={"estate": sel.owner_in_estate_q},
    ),
}


def picker_options(kind: str, user, *, q: str = "", params=None, limit: int = 50) -> list[tuple[int, str]]:
    picker = PICKERS[kind]
    qs = picker.queryset(user)
    params = params or {}
    for name, condition in picker.narrow.items():
        value = params.get(name)
        if value and str(value).isdigit():
            qs = qs.filter(condition(value))
    q = (q or "").strip()
    if q:
        qs = qs.filter(picker.search(q))
    return [(obj.pk, picker.label(obj)) for obj in qs[:limit]]


class SearchSelect(forms.Select):
    """A select that renders only a page of options (plus the chosen one) and a search box that
    fetches matching options with htmx: usable over tables of thousands of rows."""

    template_name = "registry/widgets/search_select.html"
    option_limit = 50

    def __init__(self, kind: str, *, user=None, empty_label=None, include: str = "", attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.user = user
        self.empty_label = empty_label or _("请选择")
        self.include = include
        self.narrow: dict = {}

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value if v not in ("", None)}
        options = picker_options(self.kind, self.user, params=self.narrow, limit=self.option_limit)
        shown = {str(pk) for pk, _label in options}
        missing = [v for v in selected - shown if v.isdigit()]
        if missing:
            picker = PICKERS[self.kind]
            extra = picker.queryset(self.user).filter(pk__in=missing)
            options = [(o.pk, picker.label(o)) for o in extra] + options
        groups = [(None, [self.create_option(name, "", self.empty_label, not selected, 0)], 0)]
        for index, (pk, label) in enumerate(options, start=1):
            groups.append((None, [self.create_option(name, pk, label, str(pk) in selected, index)], index))
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "pick_url": reverse("registry:pick", args=[self.kind]),
                "hx_vals": json.dumps({"empty": str(self.empty_label), **self.narrow}, ensure_ascii=False),
                "include": self.include,
                "search_placeholder": _("查找：名称或首字母"),
            }
        )
        return context


def use_picker(field: forms.Field, kind: str, user, *, empty_label=None, include: str = "", narrow=None) -> None:
    """Give ``field`` a search-select over the user's scoped options of ``kind``."""
    widget = SearchSelect(kind, user=user, empty_label=empty_label or _("请选择"), include=include)
    widget.narrow = {k: v for k, v in (narrow or {}).items() if v}
    field.widget = widget


# ---- base forms -----------------------------------------------------------------------------


class StyledBoundField(BoundField):
    """Marks a field with errors ``is-invalid`` so Bootstrap shows the message beside it."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            base = attrs.get("class") or (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{base} is-invalid".strip()
        return attrs


def style_widget(field: forms.Field, *, small: bool = False) -> None:
    w = field.widget
    sm = " form-select-sm" if small else ""
    if isinstance(w, forms.CheckboxInput):
        w.attrs.setdefault("class", "form-check-input")
    elif isinstance(w, forms.Select):
        w.attrs.setdefault("class", "form-select" + sm)
    elif not isinstance(w, forms.HiddenInput):
        w.attrs.setdefault("class", "form-control" + (" form-control-sm" if small else ""))
    if isinstance(field, forms.DecimalField):
        w.attrs.setdefault("inputmode", "decimal")


class StyledFormMixin:
    """Bootstrap classes on every widget; the form keeps what was typed on errors."""

    bound_field_class = StyledBoundField
    wide_fields: tuple[str, ...] = ("address", "certificates")

    def style(self):
        for name, field in self.fields.items():
            style_widget(field)
            field.wide = name in self.wide_fields


class ServiceForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm used only for its fields, labels and widgets: it never builds or saves the
    model — the view hands ``cleaned_data`` to a service, which validates and writes (audited)."""

    def __init__(self, *args, user, instance=None, **kwargs):
        self.user = user
        self.record = instance
        if instance is not None:
            kwargs.setdefault("initial", forms.model_to_dict(instance, fields=self._meta.fields))
        super().__init__(*args, **kwargs)
        self.setup()
        self.style()

    def setup(self):
        pass

    def _post_clean(self):
        # Model validation happens inside the service, on the real record (see class docstring).
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class SensitiveFieldsMixin:
    """Phones and ID numbers are never put into an edit form in clear (that would be an unaudited
    reveal): the field starts empty, shows the masked value, and empty means "unchanged"."""

    sensitive = {"phone": mask_phone, "id_number": mask_id_number}

    def hide_sensitive(self):
        if self.record is None:
            return
        for name, masker in self.sensitive.items():
            if name not in self.fields:
                continue
            current = getattr(self.record, name, "")
            self.initial.pop(name, None)
            if current:
                self.fields[name].help_text = _("已登记：%(value)s。留空则保持不变。") % {"value": masker(current)}
                self.fields[name].widget.attrs["placeholder"] = masker(current)

    def drop_unchanged_sensitive(self, data: dict) -> dict:
        if self.record is not None:
            for name in self.sensitive:
                if name in data and not data[name]:
                    data.pop(name)
        return data


# ---- the forms ------------------------------------------------------------------------------


def checked_by_service(normalize, value, field: str):
    """Run a service's identifier check early, so its Chinese message shows with the other field
    errors (the service checks again when it writes)."""
    if not value:
        return value
    try:
        return normalize(value)
    except ValidationError as exc:
        messages = exc.message_dict.get(field) if hasattr(exc, "error_dict") else exc.messages
        raise forms.ValidationError(messages) from None



class CompanyForm(ServiceForm):
    class Meta:
        model = PropertyCompany
        fields = ["name", "credit_code", "legal_representative", "address", "service_phone", "filing_status"]
        help_texts = {"credit_code": _("18 位，含校验位（GB 32100-2015）")}

    def clean_credit_code(self):
        return checked_by_service(svc.normalize_credit_code, self.cleaned_data.get("credit_code"), "credit_code")

    def setup(self):
        if self.record is not None and sel.is_company_manager(self.user):
            # A company keeps its own contact details; its identity and filing are the authorities' record.
            for name in ("credit_code", "filing_status"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("由主管部门登记，企业不能自行修改")


class EstateForm(ServiceForm):
    class Meta:
        model = Estate
        fields = ["name", "address", "community", "kind", "year_built", "floor_area", "management_mode"]

    def setup(self):
        use_picker(self.fields["community"], "community", self.user, empty_label=_("请选择社区"))
        self.fields["community"].queryset = communities_visible_to(self.user).select_related("street")


class ContractForm(ServiceForm):
    class Meta:
        model = ServiceContract
        fields = ["company", "start_date", "end_date", "contracted_grade", "fee_rate", "filing_number"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def setup(self):
        self.fields["company"].queryset = PICKERS["contractor"].queryset(self.user)
        use_picker(self.fields["company"], "contractor", self.user, empty_label=_("请选择物业服务企业"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("合同终止日不得早于起始日。"))
        return data


class BuildingForm(ServiceForm):
    class Meta:
        model = Building
        fields = ["estate", "name", "floors", "has_lift"]

    def setup(self):
        if self.record is not None:
            del self.fields["estate"]
            return
        self.fields["estate"].queryset = sel.estates_visible_to(self.user)
        use_picker(self.fields["estate"], "estate", self.user, empty_label=_("请选择小区"))


class UnitForm(ServiceForm):
    class Meta:
        model = Unit
        fields = ["building", "number", "floor", "exclusive_area", "area_source", "built_area", "sale_status"]

    def setup(self):
        buildings = sel.buildings_visible_to(self.user)
        narrow = {"estate": self.initial.get("estate")}
        if self.record is not None:
            buildings = buildings.filter(estate_id=self.record.estate_id)
            narrow = {"estate": self.record.estate_id}
        self.fields["building"].queryset = buildings
        use_picker(self.fields["building"], "building", self.user, empty_label=_("请选择楼栋"), narrow=narrow)


class OwnerForm(SensitiveFieldsMixin, ServiceForm):
    class Meta:
        model = Owner
        fields = ["kind", "name", "phone", "id_number"]
        help_texts = {"id_number": _("自然人填写 18 位居民身份证号码（可不填）")}

    def setup(self):
        self.hide_sensitive()

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        if self.data.get(self.add_prefix("kind")) != Owner.Kind.PERSON:
            return value
        return checked_by_service(svc.normalize_id_number, value, "id_number")

    def service_data(self):
        return self.drop_unchanged_sensitive(dict(self.cleaned_data))


class OwnershipForm(StyledFormMixin, forms.Form):
    """Register an owner of a unit: an owner already on file, or a new one (co-owners allowed)."""

    wide_fields = ("unit", "owner")

    # Querysets set per user in __init__ (from the selectors).
    unit = forms.ModelChoiceField(label=_("房屋"), queryset=None)
    owner = forms.ModelChoiceField(label=_("已登记业主"), queryset=None, required=False,
                                   help_text=_("在本人可见范围内按姓名或拼音首字母查找；找不到时在下方登记新业主"))
    name = forms.CharField(label=_("新业主姓名/名称"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("新业主类型"), choices=Owner.Kind.choices, initial=Owner.Kind.PERSON, required=False)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    id_number = forms.CharField(label=_("证件号码"), max_length=18, required=False)
    share = forms.DecimalField(label=_("产权份额（%）"), max_digits=5, decimal_places=2, required=False,
                               min_value=0, max_value=100)
    since = forms.DateField(label=_("登记日期"), required=False, widget=DATE)

    def __init__(self, *args, user, unit=None, **kwargs):
        self.user = user
        self.record = None
        super().__init__(*args, **kwargs)
        units = sel.units_visible_to(user)
        self.fields["unit"].queryset = units
        use_picker(self.fields["unit"], "unit", user, empty_label=_("请选择房屋"))
        if unit is not None:
            self.fields["unit"].initial = unit.pk
            self.fields["unit"].widget = forms.HiddenInput()
            self.fixed_unit = unit
        else:
            self.fixed_unit = None
        self.fields["owner"].queryset = sel.owners_visible_to(user)
        use_picker(self.fields["owner"], "owner", user, empty_label=_("（登记新业主）"),
                   narrow={"estate": unit.estate_id if unit is not None else None})
        self.style()

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        if self.data.get(self.add_prefix("kind"), Owner.Kind.PERSON) != Owner.Kind.PERSON:
            return value
        return checked_by_service(svc.normalize_id_number, value, "id_number")

    def clean(self):
        data = super().clean()
        if not data.get("owner") and not (data.get("name") or "").strip():
            self.add_error("name", _("请选择已登记的业主，或填写新业主的姓名/名称。"))
        return data


class ParkingForm(ServiceForm):
    class Meta:
        model = ParkingSpace
        fields = ["estate", "number", "kind", "ownership", "disposal", "monthly_rent", "offered_for_rent"]

    def setup(self):
        if self.record is not None:
            del self.fields["estate"]
            return
        self.fields["estate"].queryset = sel.estates_visible_to(self.user)
        use_picker(self.fields["estate"], "estate", self.user, empty_label=_("请选择小区"))


class StaffForm(SensitiveFieldsMixin, ServiceForm):
    class Meta:
        model = Staff
        fields = ["company", "name", "role", "certificates", "phone", "estate", "post_started"]
        widgets = {"post_started": DATE}
        help_texts = {"certificates": _("如：物业管理师、电工证；多个用顿号分隔"),
                      "estate": _("只能派驻到本企业服务的小区")}

    def setup(self):
        if self.record is not None:
            del self.fields["company"]
            company_id = self.record.company_id
        else:
            self.fields["company"].queryset = sel.companies_visible_to(self.user)
            use_picker(self.fields["company"], "company", self.user, empty_label=_("请选择企业"))
            company_id = self.initial.get("company")
        estates = sel.estates_visible_to(self.user)
        self.fields["estate"].queryset = estates
        use_picker(self.fields["estate"], "estate", self.user, empty_label=_("（暂未派驻）"))
        if company_id:
            self.fields["estate"].widget.narrow = {"company": company_id}
        self.hide_sensitive()

    def service_data(self):
        return self.drop_unchanged_sensitive(dict(self.cleaned_data))


class CommitteeForm(ServiceForm):
    class Meta:
        model = OwnersCommittee
        fields = ["estate", "term_start", "term_end", "filed_on"]
        widgets = {"term_start": DATE, "term_end": DATE, "filed_on": DATE}
        help_texts = {"term_end": _("任期不超过 5 年"), "filed_on": _("选举后 30 日内向区县主管部门和街道办事处备案")}

    def setup(self):
        if self.record is not None:
            del self.fields["estate"]
            return
        self.fields["estate"].queryset = sel.estates_visible_to(self.user)
        use_picker(self.fields["estate"], "estate", self.user, empty_label=_("请选择小区"))


class CommitteeMemberForm(SensitiveFieldsMixin, ServiceForm):
    class Meta:
        model = CommitteeMember
        fields = ["name", "position", "is_party_member", "phone"]

    def setup(self):
        self.hide_sensitive()

    def service_data(self):
        return self.drop_unchanged_sensitive(dict(self.cleaned_data))


class DeleteForm(forms.Form):
    """Nothing to fill in: the confirmation page posts it."""

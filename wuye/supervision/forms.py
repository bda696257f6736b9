"""Form helpers shared by the supervision sub-domains: Bootstrap classes set on the widgets so the
templates can render fields with ``includes/field.html``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, (forms.CheckboxInput,)):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(w, (forms.Select, forms.SelectMultiple)):
                w.attrs.setdefault("class", "form-select form-select-sm")
            else:
                w.attrs.setdefault("class", "form-control form-control-sm")


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReasonForm(StyledForm):
    note = forms.CharField(label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

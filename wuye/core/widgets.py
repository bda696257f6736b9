"""Form widgets drawn in Python rather than through Django's per-option widget templates.

Django renders a ``<select>`` by including ``select_option.html`` and ``attrs.html`` once per
option; a list page's filter bar with seven selects spent about 15 ms of a request on that. The
HTML here is the same as Django's templates produce (escaped with ``format_html``; ``True``
attributes bare, ``False`` ones left out), so forms, tests and htmx behave the same.
"""

from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html``: in order, ``True`` bare, ``False`` left out."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {conditional_escape(name)}")
        elif value is not False:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return mark_safe("".join(out))


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                parts.append(format_html('<option value="{}"{}>{}</option>', option["value"],
                                         _attrs(option["attrs"]), option["label"]))
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


def fast_selects(form) -> None:
    """Draw the form's single-choice selects with :class:`FastSelect` (same HTML, no templates)."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            widget.__class__ = FastSelect

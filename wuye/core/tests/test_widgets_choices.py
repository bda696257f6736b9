"""The Python-drawn select gives the same HTML as Django's templates; choice labels follow the language."""

from __future__ import annotations

from django import forms
from django.utils import translation

from wuye.cases.models import Status
from wuye.core.choices import labels
from wuye.core.widgets import FastSelect, fast_selects


class _Form(forms.Form):
    kind = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 <乙>"), ("b", "丙&丁")], required=False,
                             widget=forms.Select(attrs={"class": "form-select", "aria-label": "类型", "disabled": False}))
    group = forms.ChoiceField(choices=[("东区", [("1", "一"), ("2", "二")]), ("3", "三")], required=False)
    many = forms.MultipleChoiceField(choices=[("x", "X")], required=False)


def _normal(html: str) -> str:
    return "".join(line.strip() for line in str(html).splitlines())


def test_fast_select_draws_what_django_draws():
    for data in ({}, {"kind": "b", "group": "2"}, {"kind": "zz"}):
        plain, fast = _Form(data), _Form(data)
        fast_selects(fast)
        assert type(fast.fields["kind"].widget) is FastSelect
        assert type(fast.fields["many"].widget) is forms.SelectMultiple  # left alone
        for name in ("kind", "group"):
            assert _normal(fast[name]) == _normal(plain[name]), name
    assert 'selected' in str(_Form({"kind": "b"})["kind"]) and "&lt;乙&gt;" in _normal(_Form({})["kind"])


def test_choice_labels_follow_the_active_language():
    with translation.override("zh-hans"):
        assert labels(Status)[Status.CLOSED] == "已办结"
    with translation.override("en"):
        english = labels(Status)[Status.CLOSED]
    assert english != "已办结" and english.isascii()

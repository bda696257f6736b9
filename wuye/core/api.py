"""Shared API pieces for every app's ``api.py`` (view sets are in ``core.viewsets``).

- ``Pagination``: lists are ``{"count", "next", "previous", "results"}``.
- ``exception_handler``: service errors become 400 with their Chinese messages; out of scope is
  404 and visible-but-not-writable is 403, with the messages of ``core.access``.
- Masked personal-data fields, and related fields limited to what the user may see.
- ``FormlessBrowsableAPIRenderer``: the browsable API without forms (they would unmask data).

This module is imported by DRF's settings (pagination, renderer): it must not import
``rest_framework.views``, ``rest_framework.generics``, ``rest_framework.viewsets`` or
``drf_spectacular.openapi`` at module level.
"""

from __future__ import annotations

import copy

from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, renderers, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.settings import api_settings

from .access import get_visible_or_404
from .choices import labels
from .masking import mask_id_number, mask_phone

NOT_FOUND = _("未找到该记录，或您无权查看。")
NO_CREATE = _("您无权新增此类记录。")
NO_CHANGE = _("您无权修改此记录。")


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200


def _django_error_data(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        data = {}
        for field, messages in exc.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            data[key] = list(messages)
        return data
    return {"detail": "；".join(str(m) for m in exc.messages)}


def exception_handler(exc, context):
    # Imported here: rest_framework.views reads the renderer setting, which points to this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_data(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
    elif isinstance(exc, BadRequest):  # core.inputs: refused (and audited) input, in Chinese
        exc = exceptions.ParseError(str(exc.args[0]) if exc.args else None)
    return drf_exception_handler(exc, context)


class FormlessBrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """The HTML view of API answers for a logged-in browser, without DRF's edit forms: those are
    pre-filled from the record through the input serializer and would show masked personal data
    (phones, ID numbers) in clear. The interactive docs at /api/docs/ are the place to try writes."""

    def get_rendered_html_form(self, data, view, method, request):
        return None

    def get_raw_data_form(self, data, view, method, request):
        return None


# ---- fields ---------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "example": "138****5678", "description": _("脱敏显示")})
class MaskedPhoneField(serializers.Field):
    """A phone number, always masked on output (``138****5678``)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_phone(value)


@extend_schema_field({"type": "string", "example": "1101**********1234", "description": _("脱敏显示")})
class MaskedIdNumberField(serializers.Field):
    """An ID number, always masked on output (``1101**********1234``)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_id_number(value)


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to a record the requesting user may see.

    ``selector(user)`` is the same selector the lists use; an id outside it is answered exactly
    like an id that does not exist (no leak of existence), and the attempt is audited.
    The field's ``queryset`` (for the schema) is the selector's answer for nobody: an empty
    queryset that names the model, never read; lookups always go through the selector.
    """

    default_error_messages = {
        "does_not_exist": _("编号为 {pk_value} 的记录不存在，或超出您的数据权限范围。"),
        "incorrect_type": _("应填写记录编号（整数），收到的是 {data_type}。"),
    }

    def __init__(self, *, selector, **kwargs):
        self.selector = selector
        kwargs.setdefault("queryset", selector(None))
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.selector(getattr(request, "user", None))

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        request = self.context.get("request")
        try:
            return get_visible_or_404(self.get_queryset(), user=getattr(request, "user", None), pk=data)
        except Http404:
            self.fail("does_not_exist", pk_value=data)


class FieldsOnce:
    """For a serializer whose fields do not depend on the request: build them once per class, then
    give each instance its own copies.

    ``ModelSerializer.get_fields`` introspects the model on every instantiation (about 1.5 ms for a
    complaint), and even a plain ``Serializer`` deep-copies its declared fields, which re-runs every
    field's ``__init__`` with deep copies of its arguments (lazy labels included). A field without
    children is copied shallowly instead: an instance is bound to its serializer by assigning
    attributes (``bind``), never by changing the containers it shares with the template (its
    validators, error messages, choices). A field with children (a list, a nested serializer,
    a many-relation) keeps the deep copy, since its children point back at it. This counts on the
    intake path that answers 150 filings a second.
    """

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_once")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._fields_once = built
        return {name: _own_copy(field) for name, field in built.items()}


def _own_copy(field):
    if isinstance(field, (serializers.BaseSerializer, serializers.ListField, serializers.DictField,
                          serializers.ManyRelatedField)) or hasattr(field, "child"):
        return copy.deepcopy(field)
    return copy.copy(field)


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field's value in the active language (read-only): ``get_FOO_display``
    without its per-call rebuilding of the choices (see ``wuye.core.choices``)."""

    def __init__(self, choices, **kwargs):
        self.choice_class = choices
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return labels(self.choice_class).get(value, "" if value is None else str(value))

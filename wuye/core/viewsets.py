"""Base of every app's API view sets (kept apart from ``core.api``, which DRF's settings import
while ``rest_framework.views`` and ``rest_framework.generics`` are still loading).

The queryset comes from a selector that takes the user; an object is fetched through the app's
fetch-and-check helper (404 out of scope, 403 visible but not writable, both audited); writes go
to services through ``create_record`` / ``update_record`` / ``destroy_record``. Input
serializers check the shape of the request only; the output serializer is always
``serializer_class``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import status, viewsets
from rest_framework.response import Response

from .access import get_visible_or_404, refuse
from .api import NO_CHANGE, NO_CREATE

# ---- schema ---------------------------------------------------------------------------------

_SUMMARIES = {
    "list": _("{name}列表"),
    "retrieve": _("{name}详情"),
    "create": _("新增{name}"),
    "update": _("修改{name}"),
    "partial_update": _("修改{name}（部分字段）"),
    "destroy": _("删除{name}"),
}


class ScopedSchema(AutoSchema):
    """Chinese summaries and tags from the model's names; input serializers for the request
    body of writes and the read serializer for every response."""

    def _model(self):
        qs = getattr(self.view, "queryset", None)
        model = getattr(self.view, "model", None) or (qs.model if qs is not None else None)
        return model

    def get_tags(self):
        tag = getattr(self.view, "schema_tag", None)
        if tag:
            return [str(tag)]
        model = self._model()
        return [str(model._meta.verbose_name_plural)] if model else super().get_tags()

    def get_summary(self):
        action = getattr(self.view, "action", None)
        model = self._model()
        if model is not None and action in _SUMMARIES:
            return str(_SUMMARIES[action]).format(name=model._meta.verbose_name)
        return super().get_summary()

    def get_request_serializer(self):
        view = self.view
        action = getattr(view, "action", None)
        if action == "create" and getattr(view, "create_serializer_class", None):
            return view.create_serializer_class()
        if action in ("update", "partial_update"):
            cls = getattr(view, "update_serializer_class", None) or getattr(view, "create_serializer_class", None)
            if cls:
                return cls()
        return super().get_request_serializer()

    def get_response_serializers(self):
        view = self.view
        action = getattr(view, "action", None)
        if action in ("create", "update", "partial_update") and getattr(view, "serializer_class", None):
            return view.serializer_class()
        return super().get_response_serializers()


# ---- view sets ------------------------------------------------------------------------------


class ScopedViewSet(viewsets.GenericViewSet):
    """Base of every resource: see the module docstring.

    Subclasses set ``model``, ``selector`` (user → queryset), ``serializer_class`` (output),
    optionally ``create_serializer_class`` / ``update_serializer_class`` (input), and
    ``select_related`` / ``prefetch_related`` so that a list costs the same number of queries
    whatever the number of rows.
    """

    model = None
    selector = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    ordering: tuple[str, ...] = ()
    create_serializer_class = None
    update_serializer_class = None
    lookup_value_regex = r"[0-9]+"
    # Actions that need the right to change the object, not only to see it.
    write_actions = frozenset({"update", "partial_update", "destroy"})
    schema = ScopedSchema()

    def get_queryset(self):
        qs = type(self).selector(self.request.user)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        if self.ordering:
            qs = qs.order_by(*self.ordering)
        return qs

    def get_object(self):
        return self.fetch_object(pk=self.kwargs[self.lookup_url_kwarg or self.lookup_field],
                                 write=self.action in self.write_actions)

    def fetch_object(self, *, pk, write: bool):
        """The object if the user may see it (404) and, with ``write``, change it (403)."""
        obj = get_visible_or_404(self.get_queryset(), user=self.request.user, pk=pk)
        if write and not self.may_change(obj):
            refuse(user=self.request.user, model=self.model, pk=pk, reason=str(NO_CHANGE), status=403)
        return obj

    def may_create(self) -> bool:
        return False

    def may_change(self, obj) -> bool:
        return False

    def get_serializer_class(self):
        if self.action == "create" and self.create_serializer_class:
            return self.create_serializer_class
        if self.action in ("update", "partial_update"):
            return self.update_serializer_class or self.create_serializer_class or self.serializer_class
        return self.serializer_class

    # Writes: each calls one service (keyword-only arguments, audited) and returns the record.
    def create_record(self, data: dict):
        raise NotImplementedError

    def update_record(self, obj, data: dict):
        raise NotImplementedError

    def destroy_record(self, obj) -> None:
        raise NotImplementedError

    def output(self, obj) -> dict:
        return self.serializer_class(obj, context=self.get_serializer_context()).data


class ListMixin:
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.serializer_class(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


class RetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        return Response(self.output(self.get_object()))


class CreateMixin:
    def create(self, request, *args, **kwargs):
        if not self.may_create():
            refuse(user=request.user, model=self.model, pk="", reason=str(NO_CREATE), status=403)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.record_is_new = True  # ``create_record`` clears it when it returns a record already on file
        obj = self.create_record(dict(serializer.validated_data))
        return Response(self.output(obj), status=status.HTTP_201_CREATED if self.record_is_new else status.HTTP_200_OK)


class UpdateMixin:
    def update(self, request, *args, partial: bool = False, **kwargs):
        obj = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self.update_record(obj, dict(serializer.validated_data))
        return Response(self.output(obj))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class DestroyMixin:
    def destroy(self, request, *args, **kwargs):
        self.destroy_record(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

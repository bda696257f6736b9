"""/supervision/standards/: the versioned service standards."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("standards/", v.standard_list, name="standard_list"),
    path("standards/<int:pk>/", v.standard_detail, name="standard_detail"),
    path("standards/<int:pk>/new-version/", v.standard_new_version, name="standard_new_version"),
    path("standards/<int:pk>/edit/", v.standard_edit, name="standard_edit"),
    path("standards/<int:pk>/publish/", v.standard_publish, name="standard_publish"),
    path("standards/<int:pk>/delete/", v.standard_delete, name="standard_delete"),
    path("standards/<int:pk>/sections/new/", v.section_edit, name="standard_section_create"),
    path("standards/<int:pk>/sections/<int:section_pk>/edit/", v.section_edit, name="standard_section_edit"),
    path("standards/<int:pk>/sections/<int:section_pk>/delete/", v.section_delete, name="standard_section_delete"),
    path("standards/<int:pk>/items/new/", v.item_edit, name="standard_item_create"),
    path("standards/<int:pk>/items/<int:item_pk>/edit/", v.item_edit, name="standard_item_edit"),
    path("standards/<int:pk>/items/<int:item_pk>/delete/", v.item_delete, name="standard_item_delete"),
]

"""/api/v1/ routes of bulletins (issue 16 §12)."""

from django.urls import path

from . import api

urlpatterns = [
    path("bulletins/", api.bulletin_list, name="api-bulletin-list"),
    path("bulletins/<int:pk>/", api.bulletin_detail, name="api-bulletin-detail"),
    path("bulletins/<int:pk>/issue/", api.bulletin_issue, name="api-bulletin-issue"),
    path("bulletins/<int:pk>/document.docx", api.bulletin_docx, name="api-bulletin-docx"),
    path("bulletins/<int:pk>/document.pdf", api.bulletin_pdf, name="api-bulletin-pdf"),
]

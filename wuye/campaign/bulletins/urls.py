from django.urls import path

from . import views as v

app_name = "bulletins"
urlpatterns = [
    path("", v.bulletin_list, name="list"),
    path("new/", v.bulletin_new, name="new"),
    path("<int:pk>/", v.bulletin_detail, name="detail"),
    path("<int:pk>/edit/", v.bulletin_edit, name="edit"),
    path("<int:pk>/sections/<int:sid>/", v.section_edit, name="section"),
    path("<int:pk>/recipients/", v.recipients_edit, name="recipients"),
    path("<int:pk>/issue/", v.bulletin_issue, name="issue"),
    path("<int:pk>/withdraw/", v.bulletin_withdraw, name="withdraw"),
    path("<int:pk>/document.docx", v.bulletin_document, {"ext": "docx"}, name="docx"),
    path("<int:pk>/document.pdf", v.bulletin_document, {"ext": "pdf"}, name="pdf"),
]

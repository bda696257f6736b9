from django.urls import path

from . import views, views_public

app_name = "rulemaking"

urlpatterns = [
    # public (no login)
    path("public/drafts/", views_public.drafts, name="public_drafts"),
    path("public/drafts/<int:pk>/", views_public.draft_detail, name="public_draft"),
    path("public/library/", views_public.library, name="public_library"),
    path("public/library/<int:pk>/", views_public.document, name="public_document"),
    # the drafting office
    path("drafts/", views.draft_list, name="draft_list"),
    path("drafts/new/", views.draft_new, name="draft_new"),
    path("drafts/<int:pk>/", views.draft_detail, name="draft_detail"),
    path("drafts/<int:pk>/act/<str:action>/", views.draft_act, name="draft_act"),
    path("drafts/<int:pk>/publish/", views.draft_publish, name="draft_publish"),
    path("drafts/<int:pk>/comments/<int:comment_pk>/answer/", views.comment_answer, name="comment_answer"),
    path("drafts/<int:pk>/comments/<int:comment_pk>/<str:op>/", views.comment_moderate, name="comment_moderate"),
    path("library/", views.library_manage, name="library_manage"),
    path("library/<int:pk>/", views.document_manage, name="document_manage"),
    path("versions/<int:pk>/", views.version_update, name="version_update"),
]

"""/supervision/stars/: star ratings (issue 4 §6). The first four pages are public."""

from django.urls import path

from . import views as v

urlpatterns = [
    # public
    path("stars/", v.star_public_list, name="star_public_list"),
    path("stars/estates/<int:estate_pk>/", v.star_public_estate, name="star_public_estate"),
    path("stars/notices/", v.star_notice_list, name="star_notice_list"),
    path("stars/notices/<int:pk>/", v.star_notice_detail, name="star_notice_detail"),
    # signed in
    path("stars/applications/", v.star_application_list, name="star_application_list"),
    path("stars/applications/new/", v.star_apply, name="star_apply"),
    path("stars/applications/<int:pk>/", v.star_application_detail, name="star_application_detail"),
    path("stars/applications/<int:pk>/<slug:action>/", v.star_application_act, name="star_application_act"),
    path("stars/objections/<int:pk>/decide/", v.star_objection_decide, name="star_objection_decide"),
    path("stars/objections/<int:pk>/photos/<int:index>/", v.star_objection_photo, name="star_objection_photo"),
    path("stars/ratings/", v.star_rating_list, name="star_rating_list"),
    path("stars/ratings/export/", v.star_rating_export, name="star_rating_export"),
    path("stars/ratings/<int:pk>/review/", v.star_review_open, name="star_review_open"),
    path("stars/reviews/", v.star_review_list, name="star_review_list"),
    path("stars/reviews/<int:pk>/", v.star_review_detail, name="star_review_detail"),
    path("stars/settings/", v.star_settings, name="star_settings"),
]

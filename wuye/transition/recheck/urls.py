"""Pages of recheck."""

from django.urls import path

from . import views as v
from . import views_clues as vc

app_name = "recheck"

urlpatterns = [
    path("", v.campaign_list, name="campaign_list"),
    path("new/", v.campaign_create, name="campaign_create"),
    path("mine/", v.my_rechecks, name="my_rechecks"),
    path("<int:pk>/", v.campaign_detail, name="campaign_detail"),
    path("<int:pk>/draw/", v.campaign_draw, name="campaign_draw"),
    path("<int:pk>/draw.json", v.campaign_data, name="campaign_data"),
    path("<int:pk>/report/", v.campaign_report, name="campaign_report"),
    path("<int:pk>/<str:action>/", v.campaign_act, name="campaign_act"),
    path("checks/<int:pk>/", v.recheck_detail, name="recheck_detail"),
    path("photos/<int:pk>/", v.recheck_photo, name="recheck_photo"),
    path("clues/", vc.clue_list, name="clue_list"),
    path("clues/new/", vc.clue_new, name="clue_new"),
    path("clues/receipts/", vc.clue_receipts, name="clue_receipts"),
    path("clues/receipts/<int:pk>/", vc.clue_receipt, name="clue_receipt"),
    path("clues/<int:pk>/", vc.clue_detail, name="clue_detail"),
    path("clues/<int:pk>/<str:action>/", vc.clue_act, name="clue_act"),
]

"""urls_public: the resident's side of complaints — the public form, tracking, photos, the
owner's list and the desk's hotline entry (views_public.py, tracking in views_track.py). Names start
with ``public_``."""

from django.urls import path

from . import views_public as v
from . import views_track as t

urlpatterns = [
    path("new/", v.public_new, name="public_new"),
    path("new/done/", v.public_done, name="public_done"),
    path("estates/", v.public_estates, name="public_estates"),
    path("sms-code/", v.public_sms_code, name="public_sms_code"),
    path("track/", t.public_track, name="public_track"),
    path("track/<str:tracking_code>/", t.public_track_detail, name="public_track_detail"),
    path("track/<str:tracking_code>/sms-code/", t.public_track_sms, name="public_track_sms"),
    path("track/<str:tracking_code>/callback/", t.public_callback, name="public_callback"),
    path("track/<str:tracking_code>/withdraw/", t.public_withdraw, name="public_withdraw"),
    path("photo/<int:pk>/", v.public_photo, name="public_photo"),
    path("mine/", v.public_mine, name="public_mine"),
    path("mine/new/", v.public_mine_new, name="public_mine_new"),
    path("hotline/new/", v.public_hotline_new, name="public_hotline_new"),
    path("hotline/done/", v.public_hotline_done, name="public_hotline_done"),
]

"""The public portal: no login needed (city home, estate and company pages, policies and news)."""

from django.urls import path

from wuye.campaign.bulletins import views_public as bulletins_public

from . import views_public as v

app_name = "public"
urlpatterns = [
    path("", v.home, name="home"),
    path("search/", v.search, name="search"),
    path("estates/<int:pk>/", v.estate, name="estate"),
    path("companies/<int:pk>/", v.company, name="company"),
    path("news/", v.articles, name="articles"),
    path("news/<int:pk>/", v.article, name="article"),
    path("bulletins/", bulletins_public.public_list, name="bulletins"),
    path("bulletins/<int:pk>/", bulletins_public.public_detail, name="bulletin"),
]

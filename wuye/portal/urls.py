from django.urls import path

from . import views, views_articles

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    # policies and news, managed by the city bureau and district authorities (issue 5 item 9)
    path("articles/", views_articles.article_list, name="article_list"),
    path("articles/new/", views_articles.article_new, name="article_new"),
    path("articles/<int:pk>/edit/", views_articles.article_edit, name="article_edit"),
    path("articles/<int:pk>/publish/", views_articles.article_publish, name="article_publish"),
    path("articles/<int:pk>/withdraw/", views_articles.article_withdraw, name="article_withdraw"),
]

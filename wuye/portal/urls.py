from django.urls import path

from . import views
from .articles import views as articles

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("todo/<slug:slug>/", views.todo_list, name="todo_list"),
    # policies and news, managed by the city bureau and district authorities (issue 5 item 9)
    path("articles/", articles.article_list, name="article_list"),
    path("articles/new/", articles.article_new, name="article_new"),
    path("articles/images/", articles.article_image, name="article_image"),
    path("articles/<int:pk>/edit/", articles.article_edit, name="article_edit"),
    path("articles/<int:pk>/publish/", articles.article_publish, name="article_publish"),
    path("articles/<int:pk>/withdraw/", articles.article_withdraw, name="article_withdraw"),
]

from django.urls import path

from wuye.core.views import not_ready

app_name = "accounts"
urlpatterns = [
    path("login/", not_ready, name="login"),
    path("logout/", not_ready, name="logout"),
    path("password/", not_ready, name="password_change"),
    path("users/", not_ready, name="user_list"),
]

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("users/<int:pk>/role/", views.user_assign_role, name="user_assign_role"),
    path("users/bindings/", views.binding_lookup, name="binding_lookup"),
    path("users/unlock/", views.user_unlock, name="user_unlock"),
    path("login-failures/", views.login_failures, name="login_failures"),
]

from django.urls import path

from . import views, views_security

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
    path("users/<int:pk>/otp-reset/", views_security.user_otp_reset, name="user_otp_reset"),
    path("otp/verify/", views_security.otp_verify, name="otp_verify"),
    path("otp/setup/", views_security.otp_setup, name="otp_setup"),
    path("tokens/", views_security.token_list, name="token_list"),
    path("tokens/revoke/", views_security.token_revoke, name="token_revoke"),
    path("proposals/", views_security.proposal_list, name="proposal_list"),
    path("proposals/new/", views_security.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views_security.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/decide/", views_security.proposal_decide, name="proposal_decide"),
]

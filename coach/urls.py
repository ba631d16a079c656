from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from coach import account_views, token_views, views, webhook_views
from coach.forms import LoginForm
from training.calendar import calendar_feed

# Swagger UI's start-up script is served as a file of its own (`?script`), so the page needs no
# inline script under the Content-Security-Policy. Its page does carry an inline <style> block,
# so styles (never scripts) may be inline on this page alone.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup-sent"),
    path("signup/confirm/<str:token>/", views.signup_confirm, name="signup-confirm"),
    path("", account_views.account, name="account"),
    path("email/", account_views.login_email_change, name="login-email-change"),
    path("email/<str:token>/", account_views.login_email_confirm, name="login-email-confirm"),
    path("tokens/", token_views.token_list, name="token-list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(account_patterns)),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client-edit"),
    path("clients/<int:pk>/archive/", views.client_archive, name="client-archive"),
    path("clients/<int:pk>/restore/", views.client_restore, name="client-restore"),
    path("clients/<int:pk>/invite/", views.client_invite, name="client-invite"),
    path("invite/<str:token>/", views.invite_accept, name="invite-accept"),
    path("clients/<int:pk>/calendar/", account_views.client_calendar, name="client-calendar"),
    path("me/calendar/", account_views.my_calendar, name="my-calendar"),
    path("calendar/<str:key>/<str:secret>.ics", calendar_feed, name="calendar-feed"),
    path("webhooks/", webhook_views.webhook_list, name="webhook-list"),
    path("webhooks/new/", webhook_views.webhook_create, name="webhook-create"),
    path("webhooks/<int:pk>/", webhook_views.webhook_detail, name="webhook-detail"),
    path("webhooks/<int:pk>/edit/", webhook_views.webhook_edit, name="webhook-edit"),
    path("webhooks/<int:pk>/delete/", webhook_views.webhook_delete, name="webhook-delete"),
    path("webhooks/<int:pk>/test/", webhook_views.webhook_test, name="webhook-test"),
    path("webhooks/<int:pk>/secret/", webhook_views.webhook_rotate, name="webhook-rotate"),
    path("", include("training.urls")),
    path("", include("training.more_urls")),
    path("", include("reminders.urls")),
    path("exercises/", include("exercises.urls")),
    path("programs/", include("programs.urls")),
    path("api/v1/", include("coach.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on their own, from pages without a <link rel="icon">
    # too. The icon's URL carries a content hash once static files are collected, so it
    # is read when the request comes, not at start-up.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("icons/favicon.ico")),
        name="favicon",
    ),
]

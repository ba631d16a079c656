from django.urls import path

from bench.httpbench.floor import views

urlpatterns = [
    path("bare/", views.bare),
    path("ceiling/json/", views.logged_in_json),
    path("ceiling/drf/", views.LoggedInAPIView.as_view()),
    path("ceiling/page/", views.logged_in_page),
]

from django.urls import path

from training import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("clients/<int:pk>/", views.client_detail, name="client-detail"),
    path("me/", views.today, name="client-home"),
]

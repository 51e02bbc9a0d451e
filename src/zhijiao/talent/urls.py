"""The module's pages, mounted among the shell's pages (reversed as "admin:<name>")."""

from django.urls import path

from . import views

urlpatterns = [
    path("talent/catalogues/", views.catalogue, name="talent-catalogue"),
    path("talent/mappings/new/", views.mapping_new, name="talent-mapping-new"),
    path("talent/mappings/<int:pk>/delete/", views.mapping_delete, name="talent-mapping-delete"),
    path("talent/survey/", views.survey, name="talent-survey"),
    path("talent/profile/", views.profile, name="talent-profile"),
    path("talent/surveys/", views.surveys, name="talent-surveys"),
    path("talent/surveys/<int:pk>/", views.survey_detail, name="talent-survey-detail"),
    path("talent/surveys/<int:pk>/decide/", views.survey_decide, name="talent-survey-decide"),
    path("talent/rounds/", views.rounds, name="talent-rounds"),
    path("talent/demand/", views.demand, name="talent-demand"),
]

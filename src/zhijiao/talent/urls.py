"""The module's pages, mounted among the shell's pages (reversed as "admin:<name>")."""

from django.urls import path

from . import views, views_analysis

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
    path("talent/postings/", views_analysis.postings_page, name="talent-postings"),
    path(
        "talent/postings/<int:pk>/correct/",
        views_analysis.posting_correct,
        name="talent-posting-correct",
    ),
    path("talent/supply/", views_analysis.supply_page, name="talent-supply"),
    path("talent/analysis/", views_analysis.analysis_page, name="talent-analysis"),
    path("talent/reports/", views_analysis.reports_page, name="talent-reports"),
    path("talent/reports/<int:year>/", views_analysis.report_view, name="talent-report"),
]

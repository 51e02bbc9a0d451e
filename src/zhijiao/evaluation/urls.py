"""The module's pages, mounted among the shell's pages (reversed as "admin:<name>")."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("evaluation/schemes/", v.scheme_list, name="evaluation-schemes"),
    path("evaluation/schemes/<int:pk>/", v.scheme_detail, name="evaluation-scheme"),
    path("evaluation/schemes/<int:pk>/edit/", v.scheme_edit, name="evaluation-scheme-edit"),
    path("evaluation/schemes/<int:pk>/copy/", v.scheme_copy, name="evaluation-scheme-copy"),
    path("evaluation/rounds/", v.round_list, name="evaluation-rounds"),
    path("evaluation/rounds/new/", v.round_new, name="evaluation-round-new"),
    path("evaluation/rounds/<int:pk>/", v.round_detail, name="evaluation-round"),
    path("evaluation/rounds/<int:pk>/advance/", v.round_advance, name="evaluation-round-advance"),
    path("evaluation/rounds/<int:pk>/assign/", v.round_assign, name="evaluation-round-assign"),
    path("evaluation/rounds/<int:pk>/reconcile/", v.reconcile, name="evaluation-reconcile"),
    path("evaluation/rounds/<int:pk>/results/", v.results, name="evaluation-results"),
    path("evaluation/rounds/<int:pk>/notice/", v.notice, name="evaluation-notice"),
    path("evaluation/entries/<int:pk>/", v.entry_detail, name="evaluation-entry"),
    path("evaluation/entries/<int:pk>/self/", v.self_assessment, name="evaluation-self"),
    path("evaluation/entries/<int:pk>/appeal/", v.appeal_new, name="evaluation-appeal-new"),
    path("evaluation/evidence/<int:pk>/", v.evidence_download, name="evaluation-evidence"),
    path("evaluation/experts/", v.expert_links, name="evaluation-experts"),
    path("evaluation/scoring/", v.scoring_workspace, name="evaluation-scoring"),
    path("evaluation/scoring/<int:pk>/", v.score_sheet, name="evaluation-score"),
    path("evaluation/appeals/", v.appeal_list, name="evaluation-appeals"),
    path("evaluation/appeals/<int:pk>/decide/", v.appeal_decide, name="evaluation-appeal-decide"),
    path("evaluation/compare/", v.compare, name="evaluation-compare"),
    path("evaluation/pay/", v.pay_basis, name="evaluation-pay"),
    path("evaluation/reports/", v.quality_reports, name="evaluation-reports"),
]

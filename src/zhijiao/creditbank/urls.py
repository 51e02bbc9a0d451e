"""The credit bank's pages, mounted among the shell's pages (reversed as "admin:<name>"), and
its public page (``public_urlpatterns``, outside the shell: no sign-in)."""

from django.urls import URLPattern, path

from . import public_views, rule_views, staff_views, views

urlpatterns: list[URLPattern] = [
    # learner portal
    path("credit/me/", views.portal, name="creditbank-portal"),
    path("credit/me/outcomes/new/", views.my_outcome_new, name="creditbank-my-outcome-new"),
    path("credit/me/apply/", views.apply, name="creditbank-apply"),
    path("credit/me/transcript/", views.transcript, name="creditbank-transcript"),
    path("credit/me/shares/new/", views.share_new, name="creditbank-share-new"),
    path("credit/me/credentials.json", views.credentials_export, name="creditbank-credentials"),
    path("credit/shares/<int:pk>/revoke/", views.share_revoke, name="creditbank-share-revoke"),
    path("credit/shares/<int:pk>/pdf/", views.share_pdf, name="creditbank-share-pdf"),
    # applications
    path("credit/applications/", staff_views.queue, name="creditbank-queue"),
    path("credit/applications/bulk/", staff_views.queue_bulk, name="creditbank-queue-bulk"),
    path(
        "credit/applications/submit-many/",
        staff_views.bulk_submit,
        name="creditbank-bulk-submit",
    ),
    path(
        "credit/applications/<int:pk>/",
        views.application_detail,
        name="creditbank-application",
    ),
    path(
        "credit/applications/<int:pk>/<slug:action>/",
        views.application_action,
        name="creditbank-application-action",
    ),
    # learners
    path("credit/learners/", staff_views.learners, name="creditbank-learners"),
    path("credit/learners/new/", staff_views.learner_new, name="creditbank-learner-new"),
    path(
        "credit/learners/import/",
        staff_views.learners_import,
        name="creditbank-learners-import",
    ),
    path("credit/learners/<int:pk>/", staff_views.learner_detail, name="creditbank-learner"),
    path(
        "credit/learners/<int:pk>/unmask/",
        staff_views.learner_unmask,
        name="creditbank-learner-unmask",
    ),
    path(
        "credit/learners/<int:pk>/rename/",
        staff_views.learner_rename,
        name="creditbank-learner-rename",
    ),
    path(
        "credit/learners/<int:pk>/outcomes/new/",
        staff_views.learner_outcome_new,
        name="creditbank-learner-outcome-new",
    ),
    path(
        "credit/learners/<int:pk>/share/",
        staff_views.learner_share,
        name="creditbank-learner-share",
    ),
    # rules, recognition, statistics
    path("credit/rules/", rule_views.rule_list, name="creditbank-rules"),
    path("credit/rules/new/", rule_views.rule_new, name="creditbank-rule-new"),
    path("credit/rules/<int:pk>/", rule_views.rule_detail, name="creditbank-rule"),
    path(
        "credit/rules/<int:pk>/<slug:action>/",
        rule_views.rule_action,
        name="creditbank-rule-action",
    ),
    path("credit/recognitions/", staff_views.recognitions, name="creditbank-recognitions"),
    path("credit/stats/", staff_views.stats, name="creditbank-stats"),
]

# To be mounted at the site's root, outside the shell (no sign-in), e.g. in zhijiao/urls.py:
#     path("verify/", include(creditbank_public_urlpatterns)),
public_urlpatterns: list[URLPattern] = [
    path("", public_views.verify_page, name="creditbank-verify"),
    path("<str:code>/", public_views.verify_page, name="creditbank-verify-code"),
]

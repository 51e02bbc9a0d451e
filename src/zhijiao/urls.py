from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from zhijiao.api.api import api
from zhijiao.cooperation.urls import urlpatterns as cooperation_urlpatterns
from zhijiao.core import unitsearch
from zhijiao.core import views as core_views
from zhijiao.creditbank.urls import public_urlpatterns as creditbank_public_urlpatterns
from zhijiao.creditbank.urls import urlpatterns as creditbank_urlpatterns
from zhijiao.evaluation.urls import urlpatterns as evaluation_urlpatterns
from zhijiao.indicators import views as indicator_views
from zhijiao.orgs import views as orgs_views
from zhijiao.people.urls import urlpatterns as people_urlpatterns
from zhijiao.plan import views as plan_views
from zhijiao.talent.urls import urlpatterns as talent_urlpatterns

# Pages of the application shell, mounted inside the admin site (they share its login and layout),
# so their names are reversed as "admin:<name>".
shell_urlpatterns = [
    path("plan/", plan_views.dashboard, name="plan-dashboard"),
    path("plan/workspace/", plan_views.workspace, name="plan-workspace"),
    path("plan/tasks/", plan_views.task_list, name="plan-tasks"),
    path("plan/tasks/<int:number>/", plan_views.task_detail, name="plan-task"),
    path("plan/tasks/<int:number>/report/", plan_views.report_edit, name="plan-report-edit"),
    path("plan/tasks/<int:number>/extension/", plan_views.extension_new, name="plan-extension-new"),
    path("plan/reports/<int:pk>/", plan_views.report_detail, name="plan-report"),
    path("plan/reports/<int:pk>/submit/", plan_views.report_submit, name="plan-report-submit"),
    path("plan/reports/<int:pk>/review/", plan_views.report_review, name="plan-report-review"),
    path("plan/evidence/<int:pk>/", plan_views.evidence_download, name="plan-evidence"),
    path("plan/review/", plan_views.review_queue, name="plan-review"),
    path(
        "plan/extensions/<int:pk>/decide/",
        plan_views.extension_decide,
        name="plan-extension-decide",
    ),
    path("plan/school-plan/", plan_views.school_plan, name="plan-school-plan"),
    path(
        "plan/school-plan/<int:pk>/document/",
        plan_views.school_plan_document,
        name="plan-school-plan-document",
    ),
    path("plan/rules/", plan_views.rules, name="plan-rules"),
    path("plan/bulletins/", plan_views.bulletins, name="plan-bulletins"),
    path("plan/export/", plan_views.tasks_export, name="plan-export"),
    path("plan/import/", plan_views.tasks_import, name="plan-import"),
    path("targets/", indicator_views.overview, name="indicators-overview"),
    path("targets/timeliness/", indicator_views.timeliness, name="indicators-timeliness"),
    path("targets/<slug:key>/", indicator_views.target_detail, name="indicators-target"),
    path("data/", indicator_views.entry, name="indicators-entry"),
    path("data/approvals/", indicator_views.approvals, name="indicators-approvals"),
    path("data/extensions/", indicator_views.extensions, name="indicators-extensions"),
    path(
        "data/submissions/<int:pk>/",
        indicator_views.submission_detail,
        name="indicators-submission",
    ),
    path(
        "data/submissions/<int:pk>/<str:action>/",
        indicator_views.submission_action,
        name="indicators-submission-action",
    ),
    path("data/<str:code>/template/", indicator_views.template, name="indicators-template"),
    path("data/<str:code>/import/", indicator_views.import_values, name="indicators-import"),
    path("data/<str:code>/<str:period_code>/", indicator_views.entry_form, name="indicators-form"),
    path("account/two-factor/", orgs_views.two_factor, name="two-factor"),
    path("jobs/", core_views.job_list, name="jobs"),
    path("jobs/<int:pk>/download/", core_views.job_download, name="job-download"),
    path("notifications/", core_views.notification_list, name="notifications"),
    path("units/search/", unitsearch.search, name="unit-search"),
    path("notifications/<int:pk>/read/", core_views.notification_read, name="notification-read"),
    path("notifications/read-all/", core_views.notification_read_all, name="notification-read-all"),
    *people_urlpatterns,
    *cooperation_urlpatterns,
    *talent_urlpatterns,
    *creditbank_urlpatterns,
    *evaluation_urlpatterns,
]


def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return JsonResponse(
        {"code": "not_found", "message": "接口不存在"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("healthz", core_views.health, name="health"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("verify/", include(creditbank_public_urlpatterns)),
    path("api/v1/", api.urls),
    # Anything else under /api/ is a JSON 404, never the shell's login page.
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("", admin.site.urls),
]

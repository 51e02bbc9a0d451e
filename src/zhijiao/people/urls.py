"""The people pages, to be mounted among the shell's pages (reversed as "admin:<name>")."""

from django.urls import path

from . import eaglet_views, record_views, student_views, views

teachers = [
    path("people/teachers/", views.teacher_list, name="people-teachers"),
    path("people/teachers/new/", views.teacher_new, name="people-teacher-new"),
    path("people/teachers/import/", views.teachers_import, name="people-teachers-import"),
    path("people/teachers/export/", views.teachers_export, name="people-teachers-export"),
    path("people/teachers/<int:pk>/", views.teacher_detail, name="people-teacher"),
    path("people/teachers/<int:pk>/edit/", views.teacher_edit, name="people-teacher-edit"),
    path("people/teachers/<int:pk>/unmask/", views.teacher_unmask, name="people-teacher-unmask"),
    path("people/teachers/<int:pk>/leave/", views.teacher_leave, name="people-teacher-leave"),
    path("people/teachers/<int:pk>/dual/", views.teacher_dual_grant, name="people-teacher-dual"),
    path(
        "people/teachers/<int:pk>/dual/revoke/",
        views.teacher_dual_revoke,
        name="people-teacher-dual-revoke",
    ),
    path(
        "people/teachers/<int:pk>/practice/",
        views.teacher_practice,
        name="people-teacher-practice",
    ),
    path("people/evidence/<int:pk>/", views.teacher_evidence, name="people-teacher-evidence"),
]

students = [
    path("people/students/", student_views.student_list, name="people-students"),
    path("people/students/new/", student_views.student_new, name="people-student-new"),
    path("people/students/import/", student_views.students_import, name="people-students-import"),
    path("people/students/export/", student_views.students_export, name="people-students-export"),
    path("people/students/<int:pk>/", student_views.student_detail, name="people-student"),
    path("people/students/<int:pk>/edit/", student_views.student_edit, name="people-student-edit"),
    path(
        "people/students/<int:pk>/unmask/",
        student_views.student_unmask,
        name="people-student-unmask",
    ),
]

e = eaglet_views
eaglets = [
    path("people/eaglets/", e.eaglet_rounds, name="people-eaglets"),
    path("people/eaglets/new/", e.eaglet_round_new, name="people-eaglet-round-new"),
    path("people/eaglets/<int:pk>/", e.eaglet_round, name="people-eaglet-round"),
    path("people/eaglets/<int:pk>/edit/", e.eaglet_round_edit, name="people-eaglet-round-edit"),
    path("people/eaglets/<int:pk>/quota/", e.eaglet_quota, name="people-eaglet-quota"),
    path("people/eaglets/<int:pk>/advance/", e.eaglet_advance, name="people-eaglet-advance"),
    path(
        "people/eaglets/<int:pk>/nominations/",
        e.eaglet_nominations,
        name="people-eaglet-nominations",
    ),
    path("people/eaglets/<int:pk>/nominate/", e.eaglet_nominate, name="people-eaglet-nominate"),
    path("people/eaglets/<int:pk>/review/", e.eaglet_review_many, name="people-eaglet-review-many"),
    path("people/eaglets/<int:pk>/export/", e.eaglet_export, name="people-eaglet-export"),
    path("people/eaglets/<int:pk>/notice/", e.eaglet_notice, name="people-eaglet-notice"),
    path("people/nominations/<int:pk>/", e.nomination_detail, name="people-nomination"),
    path(
        "people/nominations/<int:pk>/review/",
        e.nomination_review,
        name="people-nomination-review",
    ),
    path(
        "people/nominations/<int:pk>/withdraw/",
        e.nomination_withdraw,
        name="people-nomination-withdraw",
    ),
    path(
        "people/nominations/<int:pk>/propose/",
        e.nomination_propose,
        name="people-nomination-propose",
    ),
    path(
        "people/nominations/<int:pk>/unpropose/",
        e.nomination_unpropose,
        name="people-nomination-unpropose",
    ),
    path(
        "people/nominations/<int:pk>/objection/",
        e.nomination_objection,
        name="people-nomination-objection",
    ),
    path(
        "people/objections/<int:pk>/resolve/",
        e.objection_resolve,
        name="people-objection-resolve",
    ),
]


r = record_views
records = [
    path("people/competitions/", r.competition_list, name="people-competitions"),
    path("people/competitions/new/", r.competition_new, name="people-competition-new"),
    path("people/competitions/import/", r.competitions_import, name="people-competitions-import"),
    path("people/competitions/export/", r.competitions_export, name="people-competitions-export"),
    path("people/competitions/<int:pk>/", r.competition_detail, name="people-competition"),
    path("people/competitions/<int:pk>/edit/", r.competition_edit, name="people-competition-edit"),
    path("people/awards/", r.award_list, name="people-awards"),
    path("people/awards/new/", r.award_new, name="people-award-new"),
    path("people/awards/import/", r.awards_import, name="people-awards-import"),
    path("people/awards/export/", r.awards_export, name="people-awards-export"),
    path("people/awards/<int:pk>/", r.award_detail, name="people-award"),
    path("people/awards/<int:pk>/edit/", r.award_edit, name="people-award-edit"),
    path("people/training/", r.training_list, name="people-training"),
    path("people/training/new/", r.training_new, name="people-training-new"),
    path("people/training/import/", r.training_import, name="people-training-import"),
    path("people/training/export/", r.training_export, name="people-training-export"),
    path("people/training/<int:pk>/", r.training_detail, name="people-training-record"),
    path("people/training/<int:pk>/edit/", r.training_edit, name="people-training-edit"),
    path("people/majors/", r.major_list, name="people-majors"),
    path("people/majors/new/", r.major_new, name="people-major-new"),
    path("people/majors/import/", r.majors_import, name="people-majors-import"),
    path("people/majors/export/", r.majors_export, name="people-majors-export"),
    path("people/majors/<int:pk>/", r.major_detail, name="people-major"),
    path("people/majors/<int:pk>/edit/", r.major_edit, name="people-major-edit"),
    path(
        "people/majors/<int:pk>/recognition/",
        r.major_recognition,
        name="people-major-recognition",
    ),
    path(
        "people/recognitions/<int:pk>/revoke/",
        r.recognition_revoke,
        name="people-recognition-revoke",
    ),
    path("people/through/", r.through_list, name="people-through"),
    path("people/through/new/", r.through_new, name="people-through-new"),
    path("people/through/import/", r.through_import, name="people-through-import"),
    path("people/through/export/", r.through_export, name="people-through-export"),
    path("people/through/<int:pk>/", r.through_detail, name="people-through-programme"),
    path("people/through/<int:pk>/edit/", r.through_edit, name="people-through-edit"),
    path("people/through/<int:pk>/year/", r.through_year, name="people-through-year"),
    path("people/teams/", r.team_list, name="people-teams"),
    path("people/teams/new/", r.team_new, name="people-team-new"),
    path("people/teams/import/", r.teams_import, name="people-teams-import"),
    path("people/teams/export/", r.teams_export, name="people-teams-export"),
    path("people/teams/<int:pk>/", r.team_detail, name="people-team"),
    path("people/teams/<int:pk>/edit/", r.team_edit, name="people-team-edit"),
    path("people/bases/", r.base_list, name="people-bases"),
    path("people/bases/new/", r.base_new, name="people-base-new"),
    path("people/bases/import/", r.bases_import, name="people-bases-import"),
    path("people/bases/export/", r.bases_export, name="people-bases-export"),
    path("people/bases/<int:pk>/", r.base_detail, name="people-base"),
    path("people/bases/<int:pk>/edit/", r.base_edit, name="people-base-edit"),
]

urlpatterns = [*teachers, *students, *eaglets, *records]

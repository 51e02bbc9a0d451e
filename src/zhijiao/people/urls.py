"""The teachers pages, to be mounted among the shell's pages (reversed as "admin:<name>")."""

from django.urls import path

from . import views

urlpatterns = [
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

from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "zhijiao.plan"
    label = "plan"
    verbose_name = "督查督办"

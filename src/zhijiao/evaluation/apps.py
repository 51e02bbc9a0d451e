from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "zhijiao.evaluation"
    label = "evaluation"
    verbose_name = "学校评价"

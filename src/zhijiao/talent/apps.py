from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "zhijiao.talent"
    label = "talent"
    verbose_name = "产业人才数据平台"

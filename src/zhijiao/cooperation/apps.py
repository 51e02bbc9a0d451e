from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "zhijiao.cooperation"
    label = "cooperation"
    verbose_name = "校企合作"

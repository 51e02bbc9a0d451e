from django.apps import AppConfig


class CreditbankConfig(AppConfig):
    name = "zhijiao.creditbank"
    label = "creditbank"
    verbose_name = "学分银行"

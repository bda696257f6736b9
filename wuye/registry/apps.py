from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "wuye.registry"
    label = "registry"
    verbose_name = "物业登记"

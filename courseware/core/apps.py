from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "courseware.core"
    label = "core"
    verbose_name = "Site"

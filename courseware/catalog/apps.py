from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "courseware.catalog"
    label = "catalog"
    verbose_name = "Lessons"

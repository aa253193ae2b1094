from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "courseware.search"
    label = "search"
    verbose_name = "Site search"

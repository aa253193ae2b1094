from django.apps import AppConfig


class LabrunnerConfig(AppConfig):
    name = "courseware.labrunner"
    label = "labrunner"
    verbose_name = "Labs"

from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "courseware.lti"
    label = "lti"
    verbose_name = "LTI 1.3"

    def ready(self):
        # Connects the grade passback to instructor.grades.grade_recorded.
        from . import receivers  # noqa: F401

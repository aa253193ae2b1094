from django.apps import AppConfig


class InstructorConfig(AppConfig):
    name = "courseware.instructor"
    label = "instructor"
    verbose_name = "Instructor tools"

    def ready(self):
        from . import grades  # noqa: F401 (connects the receivers that send grade_recorded)

from django.apps import AppConfig


class InstructorConfig(AppConfig):
    name = "courseware.instructor"
    label = "instructor"
    verbose_name = "Instructor tools"

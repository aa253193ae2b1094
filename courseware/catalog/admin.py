from django.contrib import admin

from .models import Lesson, LessonCompletion, Module


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "slug", "module", "estimated_minutes", "synced_at"]
    list_filter = ["module"]
    search_fields = ["title", "slug", "summary"]
    readonly_fields = ["body_html", "toc", "content_hash", "source_path", "synced_at"]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["user", "lesson", "completed_at"]
    list_filter = ["lesson__module"]
    search_fields = ["user__username", "lesson__slug"]
    raw_id_fields = ["user"]

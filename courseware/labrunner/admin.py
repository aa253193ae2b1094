from django.contrib import admin

from .models import Lab, LabNode, LabRun, LabVersion, LabWorkspace


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "deploy", "points", "synced_at"]
    readonly_fields = [f.name for f in Lab._meta.fields]  # content comes from labs/, via sync


@admin.register(LabWorkspace)
class LabWorkspaceAdmin(admin.ModelAdmin):
    list_display = ["user", "lab", "account_id", "node", "best_score", "draft_saved_at"]
    list_filter = ["lab"]
    search_fields = ["user__username", "account_id"]
    raw_id_fields = ["user", "deployed_version", "node"]


@admin.register(LabVersion)
class LabVersionAdmin(admin.ModelAdmin):
    list_display = ["workspace", "number", "created_at"]
    raw_id_fields = ["workspace"]


@admin.register(LabRun)
class LabRunAdmin(admin.ModelAdmin):
    list_display = ["workspace", "kind", "state", "score", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["workspace", "version"]


@admin.register(LabNode)
class LabNodeAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "capacity", "heartbeat_at", "endpoint"]
    list_filter = ["state"]
    readonly_fields = ["boot_id", "heartbeat_at"]  # written by the node itself

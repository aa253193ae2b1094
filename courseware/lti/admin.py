"""Registrations, deployments and tool keys in the admin. django-lti's own registration admin
shows a static private key field; this one never renders a private key (keys are made by
`manage.py lti rotate-key` or the action below, and only their public half is shown)."""

from django.contrib import admin, messages
from django.db import models
from lti_tool.admin import LtiDeploymentInline
from lti_tool.models import Key, LtiRegistration

from . import keys
from .models import GradeTarget, ScorePush

admin.site.unregister(LtiRegistration)
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}  # platforms' URLs are https


class DeploymentInline(LtiDeploymentInline):
    formfield_overrides = HTTPS_URLS


@admin.register(LtiRegistration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "is_active"]
    fields = ["name", "uuid", "issuer", "client_id", "audience", "auth_url", "token_url", "keyset_url", "is_active"]
    inlines = [DeploymentInline]
    formfield_overrides = HTTPS_URLS


@admin.register(Key)
class KeyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_active", "datetime_created"]
    fields = ["public_key", "is_active", "datetime_created"]
    readonly_fields = ["public_key", "datetime_created"]
    actions = ["rotate"]

    def has_add_permission(self, request):
        return False  # a key is generated (the rotate action), never pasted

    @admin.action(description="Rotate: make a new signing key, keep recent ones in the JWKS")
    def rotate(self, request, queryset):
        new, retired = keys.key_rotate()
        messages.success(request, f"New signing key {new}; {retired} old key(s) left the JWKS.")


@admin.register(ScorePush)
class ScorePushAdmin(admin.ModelAdmin):
    list_display = ["target", "score_given", "score_maximum", "state", "attempts", "last_status", "timestamp"]
    list_filter = ["state"]
    readonly_fields = [field.name for field in ScorePush._meta.fields]


@admin.register(GradeTarget)
class GradeTargetAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "slug", "lineitem_url", "registration"]
    list_filter = ["kind", "registration"]

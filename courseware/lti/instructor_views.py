"""The instructors' LTI page: what to paste into a platform, the registrations (never a key's
private half), each platform course with its roster import, and the scores a platform refused."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from lti_tool.models import LtiContext, LtiRegistration
from pylti1p3.exception import LtiException
from requests import RequestException

from courseware.accounts.roles import instructor_required

from . import roster as roster_service
from . import selectors


@require_GET
@instructor_required
def overview(request):
    tool_urls = {
        name: request.build_absolute_uri(reverse(f"lti:{view}"))
        for name, view in [("Login (OIDC initiation) URL", "login"), ("Launch / redirect URL", "launch")]
        + [("Public keyset (JWKS) URL", "jwks"), ("Deep linking URL", "launch")]
    }
    context = {
        "tool_urls": tool_urls,
        "registrations": LtiRegistration.objects.prefetch_related("deployments").order_by("name"),
        "contexts": LtiContext.objects.select_related("deployment__registration").order_by("title"),
        "pushes": selectors.pushes_failing(),
    }
    return render(request, "lti/overview.html", context)


@require_POST
@instructor_required
def roster(request, context_id: int):
    context = get_object_or_404(LtiContext, pk=context_id)
    try:
        counts = roster_service.roster_sync(context=context)
    except (ValueError, LtiException, RequestException) as error:
        messages.error(request, f"Roster not imported: {error}")
    else:
        messages.success(request, f"Roster imported: {counts['members']} members, {counts['instructors']} teaching.")
    return redirect("lti:overview")

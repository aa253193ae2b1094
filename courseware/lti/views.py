"""The tool's endpoints. The platform's login initiation and launch are cross-site (GET or POST
from the LMS), so they alone are CSRF-exempt: the OIDC state (cookie and cache) and a nonce used
once stand in for the CSRF token. Everything after the launch is an ordinary signed-in page."""

import logging
from urllib.parse import urlsplit

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from lti_tool.models import LtiLaunch
from lti_tool.utils import sync_data_from_launch
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoOIDCLogin
from pylti1p3.exception import OIDCException

from courseware.accounts.backends import MODEL_BACKEND
from courseware.accounts.roles import is_instructor

from . import deeplink, selectors, services
from .launch import LaunchRefused, launch_validate, message_launch
from .platform import StrictToolConfig

log = logging.getLogger("courseware.lti")
SESSION_LAUNCH = "lti_launch_id"
ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
CONTEXT = "https://purl.imsglobal.org/spec/lti/claim/context"
TARGET = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"


def _refused(request, refused: LaunchRefused):
    status = 400 if refused.reason in ("invalid launch", "id_token missing", "state missing") else 403
    return render(request, "lti/refused.html", {"refused": refused}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request):
    """OIDC third-party login: the platform names itself (iss, client_id); we send the browser
    back to its auth URL with a state (cookie) and nonce (cache) to be checked at launch."""
    params = request.POST if request.method == "POST" else request.GET
    if not params.get("iss") or not params.get("login_hint"):
        return _refused(request, LaunchRefused("invalid launch", "A login needs iss and login_hint."))
    config = StrictToolConfig()
    oidc = DjangoOIDCLogin(request, config, launch_data_storage=DjangoCacheDataStorage())
    try:
        return oidc.redirect(request.build_absolute_uri(reverse("lti:launch")))
    except OIDCException as error:
        log.warning("LTI login refused: unknown issuer (%s)", error)
        return _refused(request, LaunchRefused("unknown issuer", "This platform is not registered with the course."))


def _resource(data: dict) -> tuple[str, str] | None:
    """The activity a launch names: our custom `resource` (set by deep linking) or a
    target_link_uri pointing at one of the site's activity pages."""
    named = (data.get(CUSTOM) or {}).get("resource", "")
    if ":" in named:
        kind, slug = named.split(":", 1)
        return (kind, slug) if selectors.activity_find(kind, slug) else None
    try:
        match = resolve(urlsplit(data.get(TARGET, "")).path)
    except Resolver404:
        return None
    names = {"catalog:lesson": "lesson", "quizzes:quiz": "quiz", "labrunner:lab": "lab"}
    kind = names.get(match.view_name)
    return (kind, match.kwargs["slug"]) if kind else None


@csrf_exempt
@require_POST
def launch(request):
    try:
        validated = launch_validate(request)
    except LaunchRefused as refused:
        return _refused(request, refused)
    data, roles = validated.get_launch_data(), validated.get_launch_data().get(ROLES, [])
    resource = None if validated.is_deep_link_launch() else _resource(data)
    with transaction.atomic():  # all of the launch's rows, or none
        lti_launch = LtiLaunch(validated)
        registration = lti_launch.registration
        sync_data_from_launch(lti_launch)  # django-lti's rows: platform user, context, membership, resource link
        user = services.user_from_launch(registration=registration, claims=data, roles=roles)
        services.context_group_join(user=user, title=(data.get(CONTEXT) or {}).get("title", ""))
        if resource and resource[0] in selectors.GRADED and not services.is_teaching(roles):
            kind, slug = resource
            ags = data.get(AGS) or {}
            services.grade_target_record(
                user=user, registration=registration, kind=kind, slug=slug, sub=data["sub"], ags=ags
            )
    login(request, user, backend=MODEL_BACKEND)
    request.session[SESSION_LAUNCH] = validated.get_launch_id()
    if validated.is_deep_link_launch():
        return redirect("lti:deep_link")
    return redirect(selectors.activity_url(*resource) if resource else "catalog:dashboard")


@require_http_methods(["GET", "POST"])
def deep_link(request):
    """The instructor's picker; on POST the signed response, posted back by the browser."""
    launch_id = request.session.get(SESSION_LAUNCH)
    if not launch_id or not is_instructor(request.user):
        return HttpResponseForbidden("Deep linking is for instructors, from their course's platform.")
    launched = message_launch(request, launch_id)
    if not launched.is_deep_link_launch():
        return HttpResponseForbidden("This launch was not a deep linking request.")
    items = selectors.activities()
    if request.method == "GET":
        return render(request, "lti/deep_link.html", {"items": items})
    wanted = set(request.POST.getlist("item"))
    chosen = [item for item in items if f"{item['kind']}:{item['slug']}" in wanted]
    if not chosen:
        return render(request, "lti/deep_link.html", {"items": items, "error": "Choose at least one."}, status=400)
    token, return_url = deeplink.response_jwt(
        launched, chosen=chosen, launch_url=request.build_absolute_uri(reverse("lti:launch"))
    )
    response = render(request, "lti/deep_link_return.html", {"jwt": token, "return_url": return_url})
    parts = urlsplit(return_url)
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}  # the one cross-site form
    return response

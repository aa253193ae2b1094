"""Names and Role Provisioning Services: a platform course's roster (its membership container,
paged by the Link header) made into this site's users, in the course's cohort."""

from django.db import transaction
from lti_tool.models import LtiContext
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from . import services
from .platform import TimeoutSession, tool_registration

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def members_fetch(context: LtiContext) -> list[dict]:
    registration = context.deployment.registration
    connector = ServiceConnector(tool_registration(registration), requests_session=TimeoutSession())
    service = NamesRolesProvisioningService(connector, {"context_memberships_url": context.memberships_url})
    # get_members follows rel="next" until the last page; status is optional (NRPS 2.0: Active).
    return [{**member, "status": member.get("status", "Active")} for member in service.get_members()]


@transaction.atomic
def roster_sync(*, context: LtiContext) -> dict:
    """Every active member as a user (created or linked), learners and instructors alike;
    returns counts. Fetches first, so a failing platform writes nothing."""
    if not context.memberships_url:
        raise ValueError(f"The platform gave no memberships URL for {context}: enable Names and Role Provisioning.")
    members = members_fetch(context)
    registration = context.deployment.registration
    counts = {"members": 0, "instructors": 0}
    for member in members:
        if member["status"] != "Active":
            continue
        claims = {
            "sub": member["user_id"],
            **{k: member.get(k) for k in ("email", "name", "given_name", "family_name")},
        }
        roles = member.get("roles", [])
        user = services.user_from_launch(registration=registration, claims=claims, roles=roles)
        services.context_group_join(user=user, title=context.title)
        counts["members"] += 1
        counts["instructors"] += services.is_teaching(roles)
    context.update_memberships(members)
    return counts

"""`manage.py lti register|rotate-key|roster`: LTI 1.3 registrations and keys from the shell."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration

from courseware.lti import keys, roster


class Command(BaseCommand):
    help = "LTI 1.3: register a platform, rotate the tool's key, import a course's roster."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reg = sub.add_parser("register", help="Register (or update) a platform by issuer and client id.")
        reg.add_argument("--name", required=True)
        reg.add_argument("--issuer", required=True)
        reg.add_argument("--client-id", required=True)
        reg.add_argument("--deployment", action="append", default=[], help="A deployment id; repeat for more.")
        reg.add_argument("--jwks-url", required=True, help="The platform's public keyset URL.")
        reg.add_argument("--auth-url", required=True, help="The platform's OIDC authentication URL.")
        reg.add_argument("--token-url", required=True, help="The platform's OAuth2 access token URL.")
        reg.add_argument("--audience", default="", help="The token URL's audience, if not the token URL.")
        rotate = sub.add_parser("rotate-key", help="A new signing key; older ones stay in the JWKS for a while.")
        rotate.add_argument("--grace-days", type=int, default=keys.GRACE.days)
        ros = sub.add_parser("roster", help="Import a platform course's roster (Names and Role Provisioning).")
        ros.add_argument("context_id", type=int, help="The LtiContext's id (see the instructors' LTI page).")

    def handle(self, *args, action, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    @transaction.atomic
    def _register(self, *, name, issuer, client_id, deployment, jwks_url, auth_url, token_url, audience, **_):
        registration, created = LtiRegistration.objects.update_or_create(
            issuer=issuer,
            client_id=client_id,
            defaults={"name": name, "keyset_url": jwks_url, "auth_url": auth_url, "token_url": token_url}
            | {"audience": audience, "is_active": True},
        )
        for deployment_id in deployment:
            LtiDeployment.objects.update_or_create(
                registration=registration, deployment_id=deployment_id, defaults={"is_active": True}
            )
        key = keys.key_ensure()
        self.stdout.write(f"{'Registered' if created else 'Updated'} {name}: {issuer} {client_id}; signing key {key}.")

    def _rotate_key(self, *, grace_days, **_):
        new, retired = keys.key_rotate(grace=timedelta(days=grace_days))
        self.stdout.write(f"New signing key {new}; {retired} key(s) older than {grace_days} days left the JWKS.")

    def _roster(self, *, context_id, **_):
        context = LtiContext.objects.filter(pk=context_id).first()
        if context is None:
            raise CommandError(f"No platform course with id {context_id}.")
        try:
            counts = roster.roster_sync(context=context)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Roster of {context}: {counts['members']} members, {counts['instructors']} teaching.")

"""pylti1p3's view of our registrations (django-lti's models), made strict, and the HTTP session
every call to a platform uses (a timeout: requests has none by default)."""

import requests
from lti_tool.models import LtiDeployment, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration

from . import conf


class StrictToolConfig(DjangoToolConfig):
    """django-lti creates an inactive deployment for any deployment id it meets; here a deployment
    must have been registered (admin or `manage.py lti register`), or the launch is refused."""

    def _deployment(self, lookups: dict) -> Deployment | None:
        self.deployment = LtiDeployment.objects.filter(is_active=True, registration__is_active=True, **lookups).first()
        return Deployment().set_deployment_id(self.deployment.deployment_id) if self.deployment else None

    def find_deployment(self, iss, deployment_id):
        return self._deployment({"registration__issuer": iss, "deployment_id": deployment_id})

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        lookups = {"registration__issuer": iss, "registration__client_id": client_id, "deployment_id": deployment_id}
        return self._deployment(lookups)


class TimeoutSession(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", conf.setting("LTI_HTTP_TIMEOUT"))
        return super().request(*args, **kwargs)


def tool_registration(registration: LtiRegistration) -> Registration:
    """pylti1p3's registration, signing with the newest active tool key (rotation keeps older ones
    in the JWKS until they are deactivated)."""
    return registration.to_registration()

"""Assignment and Grade Services: one score posted to the platform's line item (its `/scores`),
with a service token obtained by a signed client-assertion JWT (pylti1p3's ServiceConnector)."""

import logging
from dataclasses import dataclass

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from . import conf
from .models import ScorePush
from .platform import TimeoutSession, tool_registration

log = logging.getLogger("courseware.lti")


@dataclass
class Outcome:
    state: str
    retry_in: int = 0  # seconds until the next attempt; 0: none


def _grade(push: ScorePush) -> Grade:
    """The Score message (AGS 2.0 §3.4): a removed grade is sent as no score, not started."""
    grade = Grade().set_user_id(push.target.sub).set_timestamp(push.timestamp.isoformat())
    if push.score_given is None:
        return grade.set_activity_progress("Initialized").set_grading_progress("NotReady")
    return (
        grade.set_score_given(float(push.score_given))
        .set_score_maximum(push.score_maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
    )


def _post(push: ScorePush) -> None:
    target = push.target
    connector = ServiceConnector(tool_registration(target.registration), requests_session=TimeoutSession())
    ags = AssignmentsGradesService(connector, {"scope": target.scopes, "lineitem": target.lineitem_url})
    ags.put_grade(_grade(push))


def _answer(error: Exception) -> tuple[int | None, str]:
    response = getattr(error, "response", None)
    if response is not None:
        return response.status_code, response.text[:2000]
    return None, str(error)[:2000]


def score_push_send(*, push_id: int) -> Outcome:
    push = ScorePush.objects.select_related("target__registration").get(pk=push_id)
    if push.state != ScorePush.State.PENDING:
        return Outcome(push.state)
    if ScorePush.objects.filter(target=push.target_id, timestamp__gt=push.timestamp).exists():
        # A retry must not overwrite a newer grade that got through meanwhile.
        push.state = ScorePush.State.SUPERSEDED
        push.save(update_fields=["state", "updated_at"])
        return Outcome(push.state)
    push.attempts += 1
    try:
        _post(push)
    except (LtiServiceException, LtiException, requests.RequestException) as error:
        push.last_status, push.last_response = _answer(error)
        retry = push.attempts < conf.setting("LTI_PUSH_ATTEMPTS")
        push.state = ScorePush.State.PENDING if retry else ScorePush.State.FAILED
        push.save(update_fields=["attempts", "last_status", "last_response", "state", "updated_at"])
        log.warning("LTI score push %s failed (attempt %s): %s %s", push.pk, push.attempts, *_answer(error))
        return Outcome(push.state, conf.setting("LTI_PUSH_BACKOFF_SECONDS") * 2 ** (push.attempts - 1) if retry else 0)
    push.state, push.last_status, push.last_response = ScorePush.State.SENT, 200, ""
    push.save(update_fields=["attempts", "last_status", "last_response", "state", "updated_at"])
    return Outcome(push.state)

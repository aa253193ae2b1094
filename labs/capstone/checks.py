"""Checks for the capstone, the feedback inbox. Each gets `lab` (a LabContext bound to a fresh account).

Every check is end to end: it signs users in to the template's UserPool, sends HTTP requests
through the emulated API Gateway to the template's one HTTP API, and polls that API for what the
rest of the design (queue, consumer, table, rule) should have done. Nothing here reads the
learner's resources directly, so any design that meets the brief passes.
"""

import json
import uuid

from courseware.labrunner.grading import Fail, check

PASSWORD = "Feedback-Lab-2026!"  # meets Cognito's default password policy
STORE_TIMEOUT = 10  # seconds for feedback to travel through the queue into the table (about 1 s here)
BURST = 20


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def sign_in(lab, who: str = "ada") -> str:
    """A new user of UserPool, signed in through UserPoolClient: their ID token."""
    try:
        tokens = lab.user_pool_tokens(username=f"{unique(who)}@example.com", password=PASSWORD)
    except Exception as error:
        if isinstance(error, Fail):
            raise
        raise Fail(
            f"Could not sign a user in to UserPool through UserPoolClient ({error}). Keep the two "
            "as the starter has them: email as the username, ALLOW_USER_PASSWORD_AUTH, no secret."
        ) from None
    return tokens["id"]


def call(lab, method: str, path: str, *, token: str | None = None, body=None):
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    return lab.request(method, path, headers=headers, body=body)


def body_of(response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def feedback(rating: int = 4, comment: str | None = None) -> dict:
    return {"rating": rating, "comment": comment or f"The export button does nothing ({unique('note')})."}


def submit(lab, token: str, item: dict) -> str:
    """POST an item as the token's user; its id, or a failure saying what came back."""
    response = call(lab, "POST", "/feedback", token=token, body=item)
    if response.status != 202:
        raise Fail(f"A signed-in POST /feedback of {json.dumps(item)} answered {response.status}; expected 202.")
    feedback_id = body_of(response).get("id")
    if not isinstance(feedback_id, str) or not feedback_id:
        raise Fail(f'The 202 should carry the new feedback\'s id, {{"id": "..."}}; got {response.text[:160]!r}.')
    return feedback_id


def read_when_stored(lab, token: str, feedback_id: str, timeout: float = STORE_TIMEOUT):
    """GET /feedback/{id} until it answers 200 (then the response) or the timeout passes (None)."""

    def readable():
        response = call(lab, "GET", f"/feedback/{feedback_id}", token=token)
        return response if response.status == 200 else None

    return lab.wait_until(readable, timeout=timeout, interval=0.5)


def stored(lab, token: str, feedback_id: str) -> dict:
    response = read_when_stored(lab, token, feedback_id)
    if response is None:
        raise Fail(f"Feedback {feedback_id} was accepted but GET /feedback/{feedback_id} never answered 200.")
    return body_of(response)


@check(
    points=1,
    hints=[
        "Send `POST /feedback` from the request panel with no credentials. Did a JWT authorizer "
        "answer, or did your function run?",
        "Give the HTTP API a JWT authorizer for the user pool and make it the default for every "
        "route. Read [JWT authorizers (HTTP APIs)](lessons/api-gateway-security#jwt-authorizers-http-apis).",
    ],
)
def unauthenticated_post_is_refused(lab):
    """An unauthenticated POST /feedback is refused with 401, before any code of yours runs"""
    response = call(lab, "POST", "/feedback", body=feedback())
    info = response.authorizer or {}
    if info.get("type") != "JWT":
        if response.event is not None or response.status in (200, 201, 202):
            raise Fail(f"POST /feedback without a token answered {response.status}: the route is open to anyone.")
        raise Fail(
            f"POST /feedback without a token answered {response.status} and no JWT authorizer ran: "
            "is the route in the template, and protected by a JWT authorizer?"
        )
    if response.status != 401:
        raise Fail(f"POST /feedback without a token answered {response.status}; expected 401.")
    if response.event is not None:
        raise Fail("Your function ran for a request without a token: it should stop at API Gateway.")
    return "401: API Gateway refused it, and no function ran."


@check(
    points=2,
    hints=[
        "Sign in as the request panel's Cognito user and POST a valid feedback. What status and "
        "body come back, and how long does your function take to answer?",
        "Answer 202 with the id as soon as the feedback is on the queue; the storing happens "
        "later. Read [why put a queue between two services](lessons/sqs#why-put-a-queue-between-two-services).",
    ],
)
def signed_in_post_is_accepted(lab):
    """A signed-in user's valid POST /feedback is accepted with 202 and an id"""
    token = sign_in(lab)
    feedback_id = submit(lab, token, feedback())
    return f"202 with the id {feedback_id}."


@check(
    points=2,
    hidden=True,
    hints=[
        "POST a feedback, then GET it by its id a few times. Does it ever arrive?",
        "A consumer function on the queue (an SQS event source) writes each message to the table; "
        "GET reads it from there. Read [Lambda and SQS: the event source "
        "mapping](lessons/sqs#lambda-and-sqs-the-event-source-mapping).",
    ],
)
def accepted_feedback_becomes_readable(lab):
    token = sign_in(lab)
    item = feedback(5, "Search finally finds partial words. Thank you!")
    found = stored(lab, token, submit(lab, token, item))
    if found.get("rating") != item["rating"] or found.get("comment") != item["comment"]:
        raise Fail(f"GET returned {json.dumps(found)[:200]}; expected rating and comment as submitted.")
    if found.get("status") != "received":
        raise Fail(f'A rating of 5 should read back with "status": "received"; got {found.get("status")!r}.')


BAD_BODIES = [
    "rating=4&comment=nice",  # not JSON
    '[4, "nice"]',  # JSON, not an object
    {"comment": "No rating at all"},
    {"rating": 0, "comment": "Too low"},
    {"rating": 6, "comment": "Too high"},
    {"rating": "4", "comment": "A string rating"},
    {"rating": 4.5, "comment": "Not a whole number"},
    {"rating": True, "comment": "A boolean rating"},
    {"rating": 4},
    {"rating": 4, "comment": "   "},
    {"rating": 4, "comment": "x" * 1001},
]


@check(
    points=2,
    hidden=True,
    hints=[
        'Which bodies should never reach the queue? Try a rating of 0, a rating of "4" and an empty comment.',
        "Parse and validate the body in the function behind the API and answer 400 before "
        "enqueuing. Read [the Lambda proxy event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def bad_input_is_refused(lab):
    token = sign_in(lab)
    for body in BAD_BODIES:
        response = call(lab, "POST", "/feedback", token=token, body=body)
        if response.status != 400:
            shown = body if isinstance(body, str) else json.dumps(body)
            raise Fail(f"POST /feedback with {shown[:80]} answered {response.status}; expected 400.")


@check(
    points=1,
    hidden=True,
    hints=[
        "GET a feedback id that was never submitted. What does your function do when the table has no item?",
        "`get_item` returns no `Item` for a missing key: answer 404. Read [working with DynamoDB "
        "from Python](lessons/dynamodb#working-with-dynamodb-from-python).",
    ],
)
def unknown_id_is_not_found(lab):
    token = sign_in(lab)
    response = call(lab, "GET", f"/feedback/{uuid.uuid4().hex}", token=token)
    if response.status != 404:
        raise Fail(f"GET /feedback/<an id nobody made> answered {response.status}; expected 404.")


@check(
    points=1,
    hidden=True,
    hints=[
        "Is reading feedback as protected as sending it?",
        "Protect every route with the JWT authorizer. Read [JWT authorizers (HTTP "
        "APIs)](lessons/api-gateway-security#jwt-authorizers-http-apis).",
    ],
)
def reading_needs_a_token(lab):
    token = sign_in(lab)
    feedback_id = submit(lab, token, feedback())
    response = call(lab, "GET", f"/feedback/{feedback_id}")
    if response.status != 401 or response.event is not None:
        raise Fail(f"GET /feedback/{{id}} without a token answered {response.status}; expected 401 from API Gateway.")


@check(
    points=2,
    hidden=True,
    hints=[
        "Sign in as two different users. Can one read what the other wrote?",
        "Store who wrote each feedback (the token's `sub` claim) and compare it when reading. "
        "Read [two questions: who, and may they?](lessons/api-gateway-security#two-questions-who-and-may-they).",
    ],
)
def others_feedback_is_not_found(lab):
    author, other = sign_in(lab, "ada"), sign_in(lab, "grace")
    feedback_id = submit(lab, author, feedback(3))
    stored(lab, author, feedback_id)
    response = call(lab, "GET", f"/feedback/{feedback_id}", token=other)
    if response.status != 404:
        raise Fail(f"Another user's GET of someone else's feedback answered {response.status}; expected 404.")


@check(
    points=2,
    hidden=True,
    hints=[
        "Submit a rating of 2 and one of 3, then read both back a few seconds later. Which one is escalated?",
        "Publish an event when a feedback is stored and let an EventBridge rule with a numeric "
        "pattern route low ratings to a function that marks them. Read [event "
        "patterns](lessons/eventbridge#event-patterns).",
    ],
)
def low_ratings_are_escalated(lab):
    token = sign_in(lab)
    low, high = submit(lab, token, feedback(2)), submit(lab, token, feedback(3))

    def escalated():
        response = call(lab, "GET", f"/feedback/{low}", token=token)
        return response.status == 200 and body_of(response).get("status") == "escalated"

    if not lab.wait_until(escalated, timeout=STORE_TIMEOUT, interval=0.5):
        raise Fail('A rating of 2 never read back with "status": "escalated".')
    found = stored(lab, token, high)
    if found.get("status") != "received":
        raise Fail(f'A rating of 3 should stay "received"; it read back as {found.get("status")!r}.')


@check(
    points=2,
    hidden=True,
    hints=[
        "Send twenty feedbacks as fast as you can and count how many you can read back. Look at "
        "the consumer's logs: how many messages does one invocation get?",
        "A batch from SQS holds several records: handle every one, and report only the failed "
        "ones. Read [partial batch failures](lessons/sqs#partial-batch-failures).",
    ],
)
def nothing_is_lost_in_a_burst(lab):
    token = sign_in(lab)
    ids = [submit(lab, token, feedback(1 + n % 5, f"Burst message {n}")) for n in range(BURST)]
    if len(set(ids)) != BURST:
        raise Fail(f"{BURST} submissions got {len(set(ids))} different ids: every feedback needs its own.")
    waiting = set(ids)

    def all_stored():
        for feedback_id in sorted(waiting):
            if call(lab, "GET", f"/feedback/{feedback_id}", token=token).status == 200:
                waiting.discard(feedback_id)
        return not waiting

    if not lab.wait_until(all_stored, timeout=1.5 * STORE_TIMEOUT, interval=0.5):
        raise Fail(f"Of {BURST} feedbacks sent in a burst, {len(waiting)} never became readable.")

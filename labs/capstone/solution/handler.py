"""The feedback API: POST /feedback validates and enqueues; GET /feedback/{id} reads back.

Both routes sit behind the HTTP API's JWT authorizer, so the function only ever sees requests
with a valid token from the user pool, and the caller's identity in the token's claims.
"""

import base64
import json
import os
import uuid
from datetime import UTC, datetime

import boto3

sqs = boto3.client("sqs")
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])

MAX_COMMENT = 1000


def respond(status: int, payload) -> dict:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(payload)}


def caller(event: dict) -> str:
    """The signed-in user's id: the `sub` claim the JWT authorizer verified."""
    return event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"]


def parse(event: dict) -> dict:
    """The body as a valid feedback, or ValueError saying what is wrong with it."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    try:
        data = json.loads(body)
    except ValueError:
        raise ValueError("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    rating, comment = data.get("rating"), data.get("comment")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValueError("rating must be a whole number from 1 to 5")
    if not isinstance(comment, str) or not comment.strip() or len(comment) > MAX_COMMENT:
        raise ValueError(f"comment must be text of 1 to {MAX_COMMENT} characters")
    return {"rating": rating, "comment": comment.strip()}


def submit(event: dict) -> dict:
    try:
        feedback = parse(event)
    except ValueError as error:
        return respond(400, {"message": str(error)})
    feedback |= {
        "id": uuid.uuid4().hex,  # made here, so the caller can read it back before it is stored
        "author": caller(event),
        "createdAt": datetime.now(UTC).isoformat(),
    }
    sqs.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=json.dumps(feedback))
    return respond(202, {"id": feedback["id"]})


def read(event: dict) -> dict:
    feedback_id = (event.get("pathParameters") or {}).get("id", "")
    item = table.get_item(Key={"id": feedback_id}).get("Item")
    if item is None or item.get("author") != caller(event):  # someone else's is "not found" too
        return respond(404, {"message": "no such feedback"})
    return respond(
        200,
        {
            "id": item["id"],
            "rating": int(item["rating"]),
            "comment": item["comment"],
            "status": item.get("status", "received"),
            "createdAt": item["createdAt"],
        },
    )


ROUTES = {"POST /feedback": submit, "GET /feedback/{id}": read}


def handler(event, context):
    route = ROUTES.get(event["routeKey"])
    if route is None:
        return respond(404, {"message": f"no route {event['routeKey']}"})
    return route(event)

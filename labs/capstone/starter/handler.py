"""The feedback API: POST /feedback and GET /feedback/{id} (see the brief)."""

import json


def respond(status: int, payload) -> dict:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(payload)}


def handler(event, context):
    return respond(501, {"message": "not built yet"})

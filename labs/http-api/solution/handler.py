"""The items API: one function behind three HTTP API routes, payload format 2.0."""

import base64
import json
import math
import uuid

MAX_LIMIT = 100

# Module level: built once per execution environment and kept between its invocations. Each
# environment has its own copy, so an item created in one is unknown to the others, and all of
# them are lost when Lambda retires the environment. A DynamoDB table would be shared and durable.
ITEMS = {
    "green-tea": {"id": "green-tea", "name": "Green tea, 100 g", "price": 6.5},
    "blue-mug": {"id": "blue-mug", "name": "Blue mug", "price": 12.0},
    "tea-strainer": {"id": "tea-strainer", "name": "Tea strainer", "price": 4.25},
}


def respond(status: int, payload, headers: dict | None = None) -> dict:
    """A proxy response: the body must be a string."""
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", **(headers or {})},
        "body": json.dumps(payload),
    }


def list_items(event: dict) -> dict:
    # queryStringParameters is absent (not empty) when the URL has no query string.
    query = event.get("queryStringParameters") or {}
    items = list(ITEMS.values())
    if "limit" in query:
        raw = query["limit"]  # always a string; a repeated parameter arrives as "2,5"
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT):
            return respond(400, {"message": f"limit must be a whole number from 1 to {MAX_LIMIT}"})
        items = items[: int(raw)]
    return respond(200, {"items": items, "count": len(items)})


def get_item(event: dict) -> dict:
    item_id = (event.get("pathParameters") or {}).get("id", "")
    item = ITEMS.get(item_id)
    if item is None:
        return respond(404, {"message": f"no item with id {item_id!r}"})
    return respond(200, item)


def read_json_body(event: dict):
    """The request body parsed as JSON; raises ValueError when it is missing or not JSON."""
    body = event.get("body")
    if body is None:
        raise ValueError("the request has no body")
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    return json.loads(body)  # JSONDecodeError is a ValueError too


def create_item(event: dict) -> dict:
    try:
        data = read_json_body(event)
    except ValueError:
        return respond(400, {"message": "the body must be a JSON object"})
    if not isinstance(data, dict):
        return respond(400, {"message": "the body must be a JSON object"})
    name, price = data.get("name"), data.get("price")
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append("name (a non-empty string)")
    if isinstance(price, bool) or not isinstance(price, int | float) or not 0 <= price < math.inf:
        problems.append("price (a number, 0 or more)")
    if problems:
        return respond(400, {"message": "missing or invalid: " + ", ".join(problems)})
    # A random id: a counter would restart at 1 in every execution environment.
    item = {"id": uuid.uuid4().hex[:12], "name": name.strip(), "price": price}
    ITEMS[item["id"]] = item
    return respond(201, item, {"location": f"/items/{item['id']}"})


ROUTES = {
    "GET /items": list_items,
    "GET /items/{id}": get_item,
    "POST /items": create_item,
}


def handler(event, context):
    http = event["requestContext"]["http"]
    print(f"{http['method']} {http['path']} matched route {event['routeKey']}")
    route = ROUTES.get(event["routeKey"])
    if route is None:  # only happens if the template sends a route this code does not know
        return respond(404, {"message": f"no handler for {event['routeKey']}"})
    return route(event)

"""The items API: one function behind three HTTP API routes, payload format 2.0."""

import json

# Module level: built once per execution environment and kept between its invocations.
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
    # TODO (step 2): honour ?limit=N (a whole number from 1 to 100); anything else is a 400.
    items = list(ITEMS.values())
    return respond(200, {"items": items, "count": len(items)})


# TODO (step 3): get_item for GET /items/{id} (200 or 404) and create_item for POST /items
# (201 with a location header, 400 for a body that is not JSON or lacks name or price).


def handler(event, context):
    http = event["requestContext"]["http"]
    print(f"{http['method']} {http['path']} matched route {event['routeKey']}")
    # TODO (step 3): choose the function for event["routeKey"] instead of always listing.
    return list_items(event)

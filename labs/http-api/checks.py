"""Checks for the HTTP API lab. Each gets `lab` (a LabContext bound to a fresh account).

Requests go through the emulated API Gateway front door (`lab.request`), so they test the
template (routes, CORS) and the handler together, as a browser or curl would.
"""

import json
import re
import uuid

from courseware.labrunner.grading import Fail, check

SHOP = "https://shop.example.com"
OTHER_ORIGIN = "https://evil.example.net"
SEEDED = {"green-tea", "blue-mug", "tea-strainer"}
JSON = {"content-type": "application/json"}


def body_of(response) -> dict:
    """The response body as a JSON object, or a failure that says what came back instead."""
    data = response.json()
    if not isinstance(data, dict):
        raise Fail(
            f"Expected a JSON object in the body; got {response.text[:120]!r}. Return "
            '{"statusCode": ..., "body": json.dumps(...)}.'
        )
    return data


def reached_function(response, route: str) -> None:
    """Fail when API Gateway answered by itself: the route does not exist in the template."""
    if response.event is None:
        raise Fail(
            f"API Gateway answered {response.status} without calling ItemsFunction: the route "
            f"{route} does not exist yet. Add it as an HttpApi event of ItemsFunction."
        )


def listed_ids(response) -> list:
    items = body_of(response).get("items")
    if not isinstance(items, list):
        raise Fail('The listing should be {"items": [...], "count": n}.')
    return [item.get("id") for item in items if isinstance(item, dict)]


@check(
    points=1,
    hints=[
        "Call `GET /items` in the request panel and look at the event your function received: "
        "which route key does it carry?",
        "Route on the event's `routeKey` and answer 200 with a JSON body. Read [the Lambda proxy "
        "event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def lists_the_items(lab):
    """GET /items lists the seeded items"""
    response = lab.request("GET", "/items")
    reached_function(response, "GET /items")
    if response.status != 200:
        raise Fail(f"GET /items answered {response.status}; expected 200. {response.text[:200]}")
    ids = set(listed_ids(response))
    if not SEEDED <= ids:
        raise Fail(
            f"The listing should include the seeded items {sorted(SEEDED)}; got {sorted(ids)}."
        )
    if body_of(response).get("count") != len(listed_ids(response)):
        raise Fail("'count' should be the number of items in the response.")
    if response.event.get("routeKey") != "GET /items":
        raise Fail(f"Expected the route key 'GET /items'; got {response.event.get('routeKey')!r}.")
    return f"200 with {len(ids)} items."


@check(
    points=1,
    hints=[
        "Where in a payload format 2.0 event are the query parameters, and what if there are "
        "none?",
        "Read `queryStringParameters` (it may be missing), convert `limit`, and answer 400 when "
        "it is not a number. Read [the Lambda proxy "
        "event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def limit_query_parameter(lab):
    """?limit=N returns at most N items, and a limit that is not a number is a 400"""
    two = lab.request("GET", "/items", query={"limit": "2"})
    if two.status != 200:
        raise Fail(f"GET /items?limit=2 answered {two.status}; expected 200.")
    if len(listed_ids(two)) != 2:
        raise Fail(
            f"GET /items?limit=2 returned {len(listed_ids(two))} items; expected 2. Read "
            'event["queryStringParameters"] (absent when there is no query string).'
        )
    event_query = (two.event or {}).get("queryStringParameters") or {}
    if event_query.get("limit") != "2":
        raise Fail("The event should carry queryStringParameters {'limit': '2'}.")
    bad = lab.request("GET", "/items", query={"limit": "ten"})
    if bad.status != 400:
        raise Fail(
            f"GET /items?limit=ten answered {bad.status}; a limit that is not a whole number "
            "is the client's mistake: answer 400 with a message."
        )
    return "limit=2 gives 2 items; limit=ten gives 400."


@check(
    points=1,
    hints=[
        "Call `GET /items/item-1`. Does the request reach your function, and where is the id in "
        "the event?",
        "Declare the route with a `{id}` path parameter and read it from `pathParameters`. Read "
        "[a SAM template](lessons/api-gateway#a-sam-template).",
    ],
)
def gets_one_item(lab):
    """GET /items/{id} returns that item"""
    response = lab.request("GET", "/items/blue-mug")
    reached_function(response, "GET /items/{id}")
    if response.status != 200:
        raise Fail(f"GET /items/blue-mug answered {response.status}; expected 200.")
    item = body_of(response)
    if item.get("id") != "blue-mug" or item.get("name") != "Blue mug":
        raise Fail(f"Expected the item blue-mug itself; got {item}.")
    parameters = response.event.get("pathParameters") or {}
    if parameters.get("id") != "blue-mug":
        raise Fail(
            f"The event's pathParameters should be {{'id': 'blue-mug'}}; got {parameters}. "
            "Name the path parameter {id} in the route."
        )
    return "200 with the item, from pathParameters.id."


@check(
    points=1,
    hints=[
        "Who answers when the id does not exist: API Gateway or your function?",
        "The route matches, so your function must return `statusCode: 404` itself. Read [the "
        "Lambda proxy event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def unknown_item_is_404(lab):
    """GET /items/{id} for an id that does not exist is a 404 from the function"""
    response = lab.request("GET", f"/items/no-such-{uuid.uuid4().hex[:6]}")
    reached_function(response, "GET /items/{id}")
    if response.status != 404:
        raise Fail(f"An unknown id answered {response.status}; expected 404.")
    if not body_of(response).get("message"):
        raise Fail('Say what went wrong in the body, for example {"message": "no item ..."}.')
    return "404 with a message."


@check(
    points=2,
    hints=[
        "Send a `POST /items` with a JSON body and read the response's status and headers.",
        "Parse the body, store the item, and answer 201 with a `location` header pointing at the "
        "new item. Read [the Lambda proxy event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def creates_an_item(lab):
    """POST /items creates an item: 201, a location header, and the item can be read back"""
    name = f"Teapot {uuid.uuid4().hex[:6]}"
    response = lab.request("POST", "/items", headers=JSON, body={"name": name, "price": 24.0})
    reached_function(response, "POST /items")
    if response.status != 201:
        raise Fail(f"POST /items answered {response.status}; a successful create is a 201.")
    item = body_of(response)
    if item.get("name") != name or item.get("price") != 24.0 or not item.get("id"):
        raise Fail(f"The response should be the new item with its id, name and price; got {item}.")
    location = response.headers.get("location", "")
    if location != f"/items/{item['id']}":
        raise Fail(
            f"Expected the header location: /items/{item['id']}; got {location!r}. Add it to "
            "the response's headers."
        )
    again = lab.request("GET", location)
    if again.status != 200 or body_of(again).get("name") != name:
        raise Fail(
            f"GET {location} right after the create answered {again.status}. Keep new items in "
            "the module-level ITEMS dict, not in a variable local to the handler."
        )
    return f"201, location {location}, and GET {location} finds it."


@check(
    points=1,
    hints=[
        "Send a body that is not JSON, then one without a name. What does your function do?",
        "Catch the parse error and check the fields; both are the client's mistake, so 400. Read "
        "[the Lambda proxy event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def rejects_bad_bodies(lab):
    """POST /items answers 400 for a body that is not JSON or lacks name or price"""
    cases = [
        ("a body that is not JSON", '{"name": "Teapot", "price": }'),
        ("a body without price", {"name": "Teapot"}),
        ("a body without name", {"price": 3.5}),
    ]
    for label, body in cases:
        response = lab.request("POST", "/items", headers=JSON, body=body)
        reached_function(response, "POST /items")
        if response.status != 400:
            detail = f" ({response.text[:120]})" if response.status >= 500 else ""
            raise Fail(
                f"POST /items with {label} answered {response.status}{detail}; expected 400. "
                "An exception in the handler reaches the caller as an Internal Server Error: catch "
                "the error and answer 400."
            )
    return "400 for each bad body."


@check(
    points=1,
    hints=[
        "A browser on another origin asks first with an `OPTIONS` request. Who should answer it?",
        "Configure `CorsConfiguration` on the HTTP API with the shop's origin, methods and "
        "headers. Read [what the front door does](lessons/api-gateway#what-the-front-door-does).",
    ],
)
def cors_preflight(lab):
    """A preflight from the shop's origin is answered with its CORS headers"""
    response = lab.request(
        "OPTIONS",
        "/items",
        headers={
            "origin": SHOP,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    allowed = response.headers.get("access-control-allow-origin")
    if allowed == "*":
        raise Fail(
            f"AllowOrigins is *: every site may call the API from a browser. Allow {SHOP} only."
        )
    if allowed != SHOP:
        raise Fail(
            f"The preflight (OPTIONS /items from {SHOP}) came back {response.status} with "
            f"access-control-allow-origin {allowed!r}. Add a CorsConfiguration to HttpApi."
        )
    if response.status != 204:
        raise Fail(f"A preflight is answered with 204 No Content; got {response.status}.")
    methods = response.headers.get("access-control-allow-methods", "").upper()
    if "POST" not in re.split(r"[\s,]+", methods):
        raise Fail(f"access-control-allow-methods should include POST; got {methods!r}.")
    headers = response.headers.get("access-control-allow-headers", "").lower()
    if "content-type" not in re.split(r"[\s,]+", headers):
        raise Fail(f"access-control-allow-headers should include content-type; got {headers!r}.")
    return "204 with the allowed origin, methods and headers."


@check(
    points=1,
    hints=[
        "Send a request with an `Origin` header of the shop, and one of another site. What "
        "headers come back?",
        "With CORS configured on the API, API Gateway adds the headers for allowed origins only; "
        "list the shop's origin, not `*`. Read [what the front door "
        "does](lessons/api-gateway#what-the-front-door-does).",
    ],
)
def cors_on_responses(lab):
    """Responses carry CORS headers for the shop's origin only"""
    response = lab.request("GET", "/items", headers={"origin": SHOP})
    if response.headers.get("access-control-allow-origin") == "*":
        raise Fail(f"AllowOrigins is *: every site may read the answers. Allow {SHOP} only.")
    if response.headers.get("access-control-allow-origin") != SHOP:
        raise Fail(
            f"GET /items with origin {SHOP} should come back with "
            f"access-control-allow-origin: {SHOP}."
        )
    created = lab.request(
        "POST", "/items", headers=JSON | {"origin": SHOP}, body={"name": "Saucer", "price": 3}
    )
    exposed = created.headers.get("access-control-expose-headers", "").lower()
    if "location" not in re.split(r"[\s,]+", exposed):
        raise Fail(
            "The shop's JavaScript cannot read the location header of a cross-origin response "
            "unless it is exposed: add location to ExposeHeaders."
        )
    other = lab.request("GET", "/items", headers={"origin": OTHER_ORIGIN})
    if "access-control-allow-origin" in other.headers:
        raise Fail(
            f"A request from {OTHER_ORIGIN} got access-control-allow-origin "
            f"{other.headers['access-control-allow-origin']!r}: allow the shop's origin only, "
            "not *."
        )
    return "Allowed for the shop, location exposed, nothing for another origin."


@check(
    points=1, hidden=True,
    hints=[
        "Look at `isBase64Encoded` in the events you receive.",
        "Decode the body when the flag says so. Read [the Lambda proxy "
        "event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def decodes_base64_bodies(lab):
    event = lab.event("create-item-base64")
    result = lab.invoke(event)
    if result.status != "ok":
        raise Fail("The handler raised on a base64-encoded body.")
    response = result.response if isinstance(result.response, dict) else {}
    if response.get("statusCode") != 201:
        raise Fail(f"A base64-encoded create answered {response.get('statusCode')}; expected 201.")
    try:
        item = json.loads(response.get("body") or "")
    except ValueError:
        raise Fail("The response body is not JSON.") from None
    if not isinstance(item, dict) or item.get("name") != "Glass teapot":
        raise Fail("The item should be created from the decoded body.")


@check(
    points=1, hidden=True,
    hints=[
        "Try the edges of the allowed range for `limit`.",
        "Refuse values below 1 and above 100 with a 400. Read [the Lambda proxy "
        "event](lessons/api-gateway#the-lambda-proxy-event).",
    ],
)
def limit_bounds(lab):
    for value, expected in (("0", 400), ("-1", 400), ("101", 400), ("1", 200), ("100", 200)):
        response = lab.request("GET", "/items", query={"limit": value})
        if response.status != expected:
            raise Fail(f"limit={value} answered {response.status}; expected {expected}.")
    everything = lab.request("GET", "/items", query={"limit": "100"})
    if not SEEDED <= set(listed_ids(everything)):
        raise Fail("limit=100 should return every item.")

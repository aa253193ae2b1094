"""The reports API behind a REST API (payload format 1.0). API Gateway has already decided who
the caller is before this code runs; each route reads that decision from requestContext."""

import json

REPORTS = {
    "q1-sales": {"id": "q1-sales", "title": "Sales, first quarter", "confidential": False},
    "q2-sales": {"id": "q2-sales", "title": "Sales, second quarter", "confidential": False},
    "salaries": {"id": "salaries", "title": "Salaries", "confidential": True},
}


def respond(status: int, payload) -> dict:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(payload),
    }


def caller(event: dict) -> dict:
    """What the Lambda authorizer returned: principalId plus the keys of its context."""
    return event["requestContext"].get("authorizer") or {}


def visible(report: dict, role: str) -> bool:
    # TODO (step 3): only admins may see confidential reports.
    return True


def list_reports(event: dict) -> dict:
    who = caller(event)
    role = who.get("role", "")
    reports = [report for report in REPORTS.values() if visible(report, role)]
    return respond(
        200,
        {"user": who.get("principalId"), "name": who.get("name"), "role": role, "reports": reports},
    )


def get_report(event: dict) -> dict:
    report_id = (event.get("pathParameters") or {}).get("reportId", "")
    report = REPORTS.get(report_id)
    if report is None or not visible(report, caller(event).get("role", "")):
        return respond(404, {"message": f"no report {report_id!r}"})  # do not reveal it exists
    return respond(200, report)


# TODO (step 5): profile(event) for GET /profile, with the caller's email from the claims of
# the Cognito token.
# TODO (step 6): admin_stats(event) for GET /admin/stats, with the ARN of the IAM user that
# signed the request.


ROUTES = {
    ("GET", "/reports"): list_reports,
    ("GET", "/reports/{reportId}"): get_report,
}


def handler(event, context):
    # Format 1.0: "resource" is the path as declared in the template, "path" the one called.
    print(f"{event['httpMethod']} {event['path']} (resource {event['resource']})")
    route = ROUTES.get((event["httpMethod"], event["resource"]))
    if route is None:
        return respond(
            404, {"message": f"no handler for {event['httpMethod']} {event['resource']}"}
        )
    return route(event)

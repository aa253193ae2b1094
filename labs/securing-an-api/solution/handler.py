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
    # Fine-grained authorization belongs here, next to the data: the gateway let the caller in,
    # the backend decides which records they see.
    return role == "admin" or not report["confidential"]


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


def profile(event: dict) -> dict:
    # A Cognito user pool authorizer puts the verified token's claims here (all strings).
    claims = caller(event).get("claims") or {}
    return respond(
        200,
        {
            "email": claims.get("email"),
            "sub": claims.get("sub"),
            "token_use": claims.get("token_use"),
        },
    )


def admin_stats(event: dict) -> dict:
    # With AWS_IAM authorization, API Gateway verified the SigV4 signature and the caller's
    # IAM policy; identity names the IAM user or role that signed the request.
    identity = event["requestContext"].get("identity") or {}
    return respond(
        200,
        {
            "caller": identity.get("userArn"),
            "account": identity.get("accountId"),
            "reports": len(REPORTS),
            "confidential": sum(report["confidential"] for report in REPORTS.values()),
        },
    )


ROUTES = {
    ("GET", "/reports"): list_reports,
    ("GET", "/reports/{reportId}"): get_report,
    ("GET", "/profile"): profile,
    ("GET", "/admin/stats"): admin_stats,
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

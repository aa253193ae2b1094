"""Lambda's resource-based policy, enforced: whether a service may invoke a function.

On AWS a service (S3, SNS, EventBridge, API Gateway) invokes a function only where a statement of
the function's resource policy allows it: AddPermission (or `AWS::Lambda::Permission`) writes
such a statement, and forgetting it is among the most common serverless mistakes. moto stores the
statements and never reads them; every service here that invokes a function asks `may_invoke`.

The one public check, stable for every caller:

    may_invoke(function, *, principal, source_arn=None, source_account=None, qualifier=None) -> bool

- `function`: moto's `LambdaFunction` being invoked (any version of it: they share one policy);
- `principal`: the invoking service, e.g. "s3.amazonaws.com", "sns.amazonaws.com",
  "events.amazonaws.com", "apigateway.amazonaws.com";
- `source_arn`, `source_account`: what the service sends as `aws:SourceArn` and
  `aws:SourceAccount` (the bucket, topic, rule or API method; the account that owns it);
- `qualifier`: the version or alias the service invokes (None or "$LATEST": the function itself).

It is evaluated as IAM evaluates a resource policy: an explicit Deny wins, otherwise some Allow
statement must match the principal, the action `lambda:InvokeFunction`, the resource (the function
ARN, qualified exactly as invoked: a grant on an alias does not cover the function, and the reverse)
and every condition. Conditions understood: the String*, Arn* and Null operators (with IfExists)
on `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner` and `aws:PrincipalOrgID`; a condition on
any other key does not match, so such a statement grants nothing (never more than AWS would).
"""

import fnmatch

ACTION = "lambda:InvokeFunction"
_KEYS = ("aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid")


def may_invoke(
    function,
    *,
    principal: str,
    source_arn: str | None = None,
    source_account: str | None = None,
    qualifier: str | None = None,
) -> bool:
    """True when `principal` may invoke `function` (see the module's docstring)."""
    resource = invoked_arn(function, qualifier)
    context = {"aws:sourcearn": source_arn, "aws:sourceaccount": source_account}
    if source_account is not None:
        context["aws:sourceowner"] = source_account  # SNS and S3 also send the owner
    allowed = False
    for statement in statements(function):
        if not _applies(statement, principal, resource, context):
            continue
        if str(statement.get("Effect", "Allow")) == "Deny":
            return False
        allowed = True
    return allowed


def why_not(function, *, principal: str, qualifier: str | None = None) -> str:
    """AWS's wording of a refused invoke, for logs and traces."""
    return (
        f"User: {principal} is not authorized to perform: {ACTION} on resource: "
        f"{invoked_arn(function, qualifier)} because no resource-based policy allows the {ACTION} action"
    )


def invoked_arn(function, qualifier: str | None = None) -> str:
    base = function.function_arn.split(":function:", 1)
    name = base[1].split(":", 1)[0]
    arn = f"{base[0]}:function:{name}"
    return arn if qualifier in (None, "", "$LATEST") else f"{arn}:{qualifier}"


def statements(function) -> list[dict]:
    policy = getattr(function, "policy", None)
    return list(getattr(policy, "statements", None) or [])


def _applies(statement: dict, principal: str, resource: str, context: dict) -> bool:
    return (
        _principal_matches(statement.get("Principal"), principal)
        and _any_like(statement.get("Action"), ACTION, case=False)
        and _resource_matches(statement.get("Resource"), resource)
        and all(_condition(op, block, context) for op, block in (statement.get("Condition") or {}).items())
    )


def _principal_matches(value, principal: str) -> bool:
    if value == "*":
        return True
    if isinstance(value, dict):
        services = value.get("Service", [])
        if principal in ([services] if isinstance(services, str) else services):
            return True
        everyone = value.get("AWS", [])
        return "*" in ([everyone] if isinstance(everyone, str) else everyone)
    return False


def _any_like(values, wanted: str, *, case: bool = True) -> bool:
    values = [values] if isinstance(values, str) else list(values or [])
    if case:
        return any(fnmatch.fnmatchcase(wanted, value) for value in values)
    return any(fnmatch.fnmatchcase(wanted.lower(), str(value).lower()) for value in values)


def _resource_matches(value, resource: str) -> bool:
    # moto writes a statement for the function itself without `:$LATEST`, as AWS does
    values = [value] if isinstance(value, str) else list(value or [])
    values = [v[: -len(":$LATEST")] if v.endswith(":$LATEST") else v for v in values]
    return _any_like(values, resource)


def _condition(operator: str, block: dict, context: dict) -> bool:
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    for key, expected in (block or {}).items():
        key = key.lower()
        if key not in _KEYS:
            return False  # a key we cannot evaluate never grants
        expected = [expected] if isinstance(expected, str | bool) else list(expected)
        actual = context.get(key)
        if operator == "Null":
            if str(expected[0]).lower() != str(actual is None).lower():
                return False
            continue
        if actual is None:
            if if_exists or operator.startswith(("StringNot", "ArnNot")):
                continue
            return False
        if not _compare(operator, [str(e) for e in expected], actual):
            return False
    return True


def _compare(operator: str, expected: list[str], actual: str) -> bool:
    negated = operator.startswith(("StringNot", "ArnNot"))
    base = operator.replace("Not", "", 1) if negated else operator
    if base == "StringEquals":
        found = actual in expected
    elif base == "StringEqualsIgnoreCase":
        found = actual.lower() in [e.lower() for e in expected]
    elif base == "StringLike":
        found = _any_like(expected, actual)
    elif base in ("ArnEquals", "ArnLike"):
        found = any(_arn_like(pattern, actual) for pattern in expected)
    else:
        return False  # an operator we do not evaluate never grants
    return not found if negated else found


def _arn_like(pattern: str, arn: str) -> bool:
    """IAM's Arn* match: each of the six colon-separated parts matched on its own, with wildcards."""
    wanted, given = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted) != 6 or len(given) != 6:
        return False
    return all(fnmatch.fnmatchcase(g, w) for w, g in zip(wanted, given, strict=True))

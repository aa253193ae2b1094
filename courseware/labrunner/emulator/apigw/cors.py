"""CORS on HTTP APIs: with a CorsConfiguration, API Gateway answers preflight requests itself
and adds the CORS headers to every response for an allowed origin (overriding the function's)."""


def preflight(request) -> bool:
    return (
        request.method == "OPTIONS"
        and bool(request.header("origin"))
        and bool(request.header("access-control-request-method"))
    )


def _allowed_origin(config: dict, origin: str | None) -> str | None:
    origins = [o.rstrip("/") for o in config.get("allowOrigins") or []]
    if not origin:
        return None
    if "*" in origins:
        return "*" if not config.get("allowCredentials") else origin
    return origin if origin.rstrip("/") in origins else None


def cors_headers(config: dict, request, *, preflight: bool) -> list[tuple[str, str]]:
    origin = _allowed_origin(config, request.header("origin"))
    if origin is None:
        return []
    headers = [("access-control-allow-origin", origin)]
    if config.get("allowCredentials"):
        headers.append(("access-control-allow-credentials", "true"))
    if preflight:
        if config.get("allowMethods"):
            headers.append(("access-control-allow-methods", ",".join(config["allowMethods"])))
        if config.get("allowHeaders"):
            headers.append(("access-control-allow-headers", ",".join(config["allowHeaders"])))
        if config.get("maxAge") is not None:
            headers.append(("access-control-max-age", str(config["maxAge"])))
    elif config.get("exposeHeaders"):
        headers.append(("access-control-expose-headers", ",".join(config["exposeHeaders"])))
    return headers


def strip_cors(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """API Gateway's CORS headers replace any the function set."""
    return [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]

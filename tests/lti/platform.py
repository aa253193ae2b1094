"""A fake LMS built from the IMS LTI 1.3 / LTI Advantage messages: real RS256 keys, its JWKS,
an OAuth2 token endpoint that checks the tool's signed client assertion against the tool's own
JWKS, line items that take Score messages, and a paged membership container. It runs on a local
port in a thread, so the tool reaches it over real HTTP (requests, as in production)."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid: str) -> dict:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


class Platform:
    client_id = "tool-client-1"
    deployment_id = "deployment-1"

    def __init__(self):
        self.key, self.kid = rsa_key(), "platform-key-1"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.url  # an issuer is an https URL in production; any string matches here
        self.tool_jwks: dict = {}  # the tool's public keys, as the platform fetched them
        self.scores: list[dict] = []  # (line item path, Score message) received
        self.failures: list[int] = []  # statuses to answer score posts with first
        self.tokens: list[dict] = []  # client assertions accepted
        self.members: list[dict] = []
        self.deep_link_responses: list[str] = []

    def start(self) -> "Platform":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def jwks(self) -> dict:
        return {"keys": [public_jwk(self.key, self.kid)]}

    def lineitem(self, name: str) -> str:
        return f"{self.url}/lineitems/{name}"

    def id_token(self, *, nonce, sub="learner-1", roles=(LIS + "Learner",), key=None, **overrides) -> str:
        """An LtiResourceLinkRequest (LTI 1.3 §5.3), or whatever `overrides` make of it."""
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "azp": self.client_id,
            "sub": sub,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": f"{sub}@uni.example",
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_id,
            LTI + "target_link_uri": "http://testserver/lti/launch/",
            LTI + "resource_link": {"id": "link-1", "title": "Activity"},
            LTI + "roles": list(roles),
            LTI + "context": {
                "id": "course-1",
                "title": "Serverless 101",
                "type": [LIS.replace("membership#", "course#") + "CourseOffering"],
            },
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": f"{self.url}/memberships",
                "service_versions": ["2.0"],
            },
        }
        claims.update(overrides)
        headers = {"kid": self.kid if key is None else "attacker-key"}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers=headers)

    def access_token(self, scope: str) -> str:
        now = int(time.time())
        return jwt.encode({"iss": self.issuer, "scope": scope, "exp": now + 3600}, self.key, algorithm="RS256")

    def check_assertion(self, assertion: str) -> dict:
        """RFC 7523 client assertion, as LTI Advantage's security framework asks: signed by the
        tool with a key from the tool's JWKS, iss = sub = client id, aud = our token URL."""
        kid = jwt.get_unverified_header(assertion)["kid"]
        jwk = next(k for k in self.tool_jwks["keys"] if k["kid"] == kid)
        key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=f"{self.url}/token")
        assert claims["iss"] == claims["sub"] == self.client_id
        return claims

    def bearer_scope(self, header: str) -> str:
        token = header.removeprefix("Bearer ")
        return jwt.decode(token, self.key.public_key(), algorithms=["RS256"])["scope"]


def _handler(platform: Platform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: dict | None = None, content_type="application/json", headers=()):
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length", 0)))

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path == "/jwks":
                return self._send(200, platform.jwks())
            if url.path == "/memberships":
                if platform.bearer_scope(self.headers.get("Authorization", "")).find(NRPS_SCOPE) < 0:
                    return self._send(403, {"error": "insufficient_scope"})
                return self._memberships(int(parse_qs(url.query).get("page", ["1"])[0]))
            return self._send(404, {"error": "not found"})

        def _memberships(self, page: int):
            """Two members a page; the Link header names the next page (NRPS 2.0 §2.4.2)."""
            chunk = platform.members[(page - 1) * 2 : page * 2]
            headers = []
            if page * 2 < len(platform.members):
                headers.append(("Link", f'<{platform.url}/memberships?page={page + 1}>; rel="next"'))
            body = {"id": f"{platform.url}/memberships", "context": {"id": "course-1"}, "members": chunk}
            return self._send(200, body, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json", headers)

        def do_POST(self):
            url = urlsplit(self.path)
            if url.path == "/token":
                form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
                assert form["grant_type"] == "client_credentials"
                assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                try:
                    platform.tokens.append(platform.check_assertion(form["client_assertion"]))
                except Exception as error:  # the answer an OAuth2 server gives (RFC 6749 §5.2)
                    return self._send(401, {"error": "invalid_client", "error_description": str(error)})
                token = platform.access_token(form["scope"])
                return self._send(
                    200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": form["scope"]}
                )
            if url.path.startswith("/lineitems/") and url.path.endswith("/scores"):
                return self._score(url.path)
            return self._send(404, {"error": "not found"})

        def _score(self, path: str):
            body = self._body()
            if SCORE_SCOPE not in platform.bearer_scope(self.headers.get("Authorization", "")):
                return self._send(403, {"error": "insufficient_scope"})
            assert self.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
            if platform.failures:
                return self._send(platform.failures.pop(0), {"error": "gradebook unavailable"})
            platform.scores.append({"lineitem": path.removesuffix("/scores"), **json.loads(body)})
            return self._send(204)

    return Handler


def new_id() -> str:
    return uuid.uuid4().hex

"""API Gateway in the lab backend: the front door that routes requests to learners' APIs.

moto stores REST (v1) and HTTP (v2) API definitions but does not route requests to Lambda proxy
integrations nor enforce authorisation. This package does both, inside the lab backend process,
reading the definitions moto stores and running the integration functions in the sandbox.
"""

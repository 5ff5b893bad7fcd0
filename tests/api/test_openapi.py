"""The OpenAPI document is generated from the code and describes every API route."""

from __future__ import annotations

import re


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api-docs.openapi_json":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routed |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed, "no API routes found"
    assert routed <= documented, f"undocumented: {sorted(routed - documented)}"
    for path, method in [("/api/v1/auth/token", "POST"), ("/api/v1/auth/token", "DELETE"), ("/api/v1/me", "GET"),
                         ("/api/v1/parties", "GET"), ("/api/v1/authorities", "GET")]:
        assert (path, method) in documented


def test_openapi_declares_bearer_auth_and_the_error_format(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    error = spec["components"]["schemas"]["Error"]
    assert "error" in error["properties"]
    token_post = spec["paths"]["/api/v1/auth/token"]["post"]
    assert token_post["security"] == []
    assert {"201", "401", "422", "429"} <= set(token_post["responses"])

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


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_openapi_paths_are_served_where_the_document_says(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    # The paths carry /api/v1 themselves; a server URL of /api/v1 would send clients to /api/v1/api/v1.
    assert [server["url"] for server in spec["servers"]] == ["/"]
    assert all(path.startswith("/api/v1/") for path in spec["paths"])


def test_multipart_bodies_declare_their_required_parts(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]

    def body(path):
        ref = spec["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"]
        return schemas[ref.rsplit("/", 1)[1]]

    assert set(body("/api/v1/instructions/{iid}/documents")["required"]) == {"file", "title"}
    assert body("/api/v1/instructions/{iid}/results")["required"] == ["text"]
    assert body("/api/v1/evidence/{eid}/files")["required"] == ["file"]
    assert body("/api/v1/instructions/{iid}/documents")["properties"]["file"]["format"] == "binary"
    # OpenAPI 2's formData parameters mean nothing in an OpenAPI 3 document.
    assert not [p for _, _, op in _operations(spec) for p in op.get("parameters", []) if p["in"] == "formData"]


def test_ids_in_paths_are_32_bit_and_text_must_say_something(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    group = spec["paths"]["/api/v1/groups/{gid}"]["parameters"][0]["schema"]
    assert (group["minimum"], group["maximum"]) == (1, 2**31 - 1)
    title = spec["components"]["schemas"]["GroupCreate"]["properties"]["title"]
    assert (title["minLength"], title["pattern"], title["maxLength"]) == (1, r"\S", 300)
    to = spec["components"]["schemas"]["InstructionTransition"]["properties"]["to"]
    assert "refused" in to["enum"]


def test_links_lead_from_what_is_created_or_listed_to_operations_on_it(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    followed = set()
    for path, method, operation in _operations(spec):
        for status, response in operation["responses"].items():
            for link in response.get("links", {}).values():
                target_path, target_method = link["operationRef"].removeprefix("#/paths/").rsplit("/", 1)
                target_path = target_path.replace("~1", "/").replace("~0", "~")
                target = spec["paths"][target_path][target_method]
                declared = {p["name"] for p in spec["paths"][target_path].get("parameters", [])
                            + target.get("parameters", []) if p["in"] == "path"}
                assert set(link["parameters"]) <= declared, link
                assert status.startswith("2")
                followed.add((method.upper(), path, target_method.upper(), target_path))
    for created, read in [("/api/v1/groups", "/api/v1/groups/{gid}"), ("/api/v1/groups/{gid}/instructions",
                                                                     "/api/v1/instructions/{iid}"),
                          ("/api/v1/groups/{gid}/tasks", "/api/v1/tasks/{tid}"),
                          ("/api/v1/groups/{gid}/evidence", "/api/v1/evidence/{eid}"),
                          ("/api/v1/legal-requests", "/api/v1/legal-requests/{rid}"),
                          ("/api/v1/users", "/api/v1/users/{user_id}")]:
        assert ("POST", created, "GET", read) in followed
        assert ("GET", created, "GET", read) in followed

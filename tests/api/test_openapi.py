"""The OpenAPI document describes every /api/v1 route with its success and error response schemas."""

from __future__ import annotations

from tests.api.test_permissions import api_routes

DOCUMENT_ROUTES = {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}


async def test_every_route_is_documented_with_its_response_schema(app, client):
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    schemas = doc["components"]["schemas"]
    routes = api_routes(app) - DOCUMENT_ROUTES
    assert len(routes) >= 28
    for method, path in sorted(routes):
        operation = doc["paths"].get(path, {}).get(method.lower())
        assert operation is not None, f"{method} {path} is missing from the OpenAPI document"
        assert operation["summary"], f"{method} {path} has no summary"
        success = [code for code in operation["responses"] if code.startswith("2")]
        assert len(success) == 1, f"{method} {path}: {sorted(operation['responses'])}"
        content = operation["responses"][success[0]]["content"]
        schema = next(iter(content.values()))["schema"]
        assert schema, f"{method} {path} has an empty response schema"
        ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
        if ref:
            assert ref.rsplit("/", 1)[1] in schemas
        else:
            assert schema == {"type": "string", "format": "binary"}, f"{method} {path}: {schema}"
        errors = {"401", "403", "429"} | ({"404"} if "{" in path else set())
        errors |= {"413", "415", "422"} if "requestBody" in operation else set()
        assert errors <= set(operation["responses"]), f"{method} {path}: {sorted(operation['responses'])}"
        for status in errors:
            assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"}
        if "{" not in path:
            assert "404" not in operation["responses"], f"{method} {path} cannot answer 404"
        if "requestBody" not in operation:
            assert "415" not in operation["responses"], f"{method} {path} takes no body"
    assert "409" in doc["paths"]["/api/v1/users"]["post"]["responses"]


async def test_schemas_describe_the_payloads(client):
    doc = (await client.get("/api/v1/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    assert {"items", "next_cursor"} <= set(schemas["Page_ConversationOut_"]["properties"])
    assert "secret" not in schemas["ChannelOut"]["properties"]
    assert "secret" in schemas["IdentitySecretOut"]["properties"]
    assert "token" in schemas["TokenCreated"]["properties"] and "token" not in schemas["TokenOut"]["properties"]
    assert "password" not in schemas["UserOut"]["properties"]
    post = doc["paths"]["/api/v1/conversations/{conversation_id}/attachments"]["post"]
    assert list(post["requestBody"]["content"]) == ["multipart/form-data"]
    reply = doc["paths"]["/api/v1/conversations/{conversation_id}/messages"]["post"]
    assert reply["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ReplyIn"}
    filters = {p["name"] for p in doc["paths"]["/api/v1/conversations"]["get"]["parameters"]}
    assert filters == {"status", "brand_id", "channel_type", "language", "assignee_id", "unassigned", "team_id",
                       "tag", "player_id", "cursor", "limit"}

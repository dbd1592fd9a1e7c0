"""``/api/v1/docs``: the API's OpenAPI document as a plain page in the portal's look.

Not Swagger UI or ReDoc: those need scripts from a CDN and inline scripts, which the
Content-Security-Policy forbids (and partners' networks often block). This page is built on
the server from the same OpenAPI document (``/api/v1/openapi.json``), works without
JavaScript and passes the accessibility check. Both are public: they describe the API and
hold no data.
"""
from fastapi import APIRouter, Request

from web.templating import render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "put", "post", "delete", "patch")


def type_of(schema: dict) -> str:
    """A schema's type in a few words: "string (date)", "lijst van RegistrationOut", ..."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [type_of(s) for s in schema["anyOf"] if s.get("type") != "null"]
        nullable = any(s.get("type") == "null" for s in schema["anyOf"])
        return " of ".join(kinds) + (" (of null)" if nullable else "")
    if schema.get("type") == "array":
        return "lijst van " + type_of(schema.get("items", {}))
    if "enum" in schema:
        return "een van: " + ", ".join(str(v) for v in schema["enum"])
    kind = schema.get("type", "")
    return f"{kind} ({schema['format']})" if schema.get("format") else kind or "waarde"


def _operations(spec: dict) -> list[dict]:
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            out.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""), "anchor": f"{method}-{path}".replace("/", "-").replace(
                    "{", "").replace("}", ""),
                "parameters": [{"name": p["name"], "where": p["in"], "required": p.get("required", False),
                                "type": type_of(p.get("schema", {})), "description": p.get("description", "")}
                               for p in op.get("parameters", [])],
                "body": type_of(body) if body else None,
                "responses": [(code, r.get("description", "")) for code, r in sorted(op.get("responses", {}).items())],
            })
    return out


def _schemas(spec: dict) -> list[dict]:
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        out.append({"name": name, "description": schema.get("description", ""), "fields": [
            {"name": field, "type": type_of(prop), "required": field in required,
             "description": prop.get("description") or prop.get("title", "")}
            for field, prop in schema.get("properties", {}).items()]})
    return out


@router.get("/docs")
def api_docs(request: Request):
    spec = request.app.openapi()
    return render(request, "api_docs.html.j2", spec=spec, operations=_operations(spec), schemas=_schemas(spec),
                  base=request.scope.get("root_path", "").rstrip("/"))

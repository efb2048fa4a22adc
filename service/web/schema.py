"""The OpenAPI document as JSON only, with error responses described as Kompass sends them.

Litestar documents a 400 with its own ``{status_code, detail, extra}`` body, but every error
here goes through ``service.web.errors`` and is an :class:`~service.web.errors.ApiError`
(``{status, error, message}``). The document is corrected in one place, so clients and the
schemathesis test see the body they will really get. No HTML viewer is served: those load
their scripts from public CDNs.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

from service.web.errors import ApiError

_SCHEMA_REF = "#/components/schemas/ApiError"


def _api_error_schema() -> dict[str, Any]:
    _, components = msgspec.json.schema_components([ApiError])
    found: dict[str, Any] = components["ApiError"]
    return found


class KompassJsonRenderPlugin(JsonRenderPlugin):
    """Serves ``/schema`` and ``/schema/openapi.json`` with the real error body."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        """The document with each 4xx response's content described as ``ApiError``."""
        document = dict(openapi_schema)
        components = dict(document.get("components") or {})
        schemas = dict(components.get("schemas") or {})
        schemas["ApiError"] = _api_error_schema()
        components["schemas"] = schemas
        document["components"] = components
        for item in (document.get("paths") or {}).values():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                for status, response in (operation.get("responses") or {}).items():
                    if str(status).startswith("4") and isinstance(response, dict):
                        response["content"] = {
                            "application/json": {"schema": {"$ref": _SCHEMA_REF}}
                        }
        return super().render(request, document)

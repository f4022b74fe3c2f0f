"""Checks API answers against the served OpenAPI document, so the document cannot drift."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jsonschema


@functools.cache
def openapi_document() -> dict[str, Any]:
    from kamkit.api.main import api

    document: dict[str, Any] = json.loads(json.dumps(api.get_openapi_schema(), default=str))
    return document


def _find_operation(method: str, path: str) -> dict[str, Any]:
    document = openapi_document()
    full = "/api/v1" + path.split("?")[0]
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$"
        if re.match(pattern, full) and method in operations:
            return operations[method]  # type: ignore[no-any-return]
    raise AssertionError(f"{method.upper()} {full} is not in the OpenAPI document")


def check_response(method: str, path: str, response: Any) -> None:
    """Fail when the status is undocumented or the body does not match the documented schema."""
    operation = _find_operation(method, path)
    status = str(response.status_code)
    documented = operation["responses"]
    assert status in documented, f"{method.upper()} {path} answered {status}, documented: {list(documented)}"
    media_type = str(response.get("Content-Type", "")).split(";")[0].strip()
    contents = documented[status].get("content", {})
    if contents and response.content:
        assert media_type in contents, (
            f"{method.upper()} {path} answered {media_type}, documented: {list(contents)}"
        )
    content = contents.get(media_type)
    if content is None or media_type != "application/json":
        return
    schema = {**content["schema"], "components": openapi_document()["components"]}
    jsonschema.validate(response.json(), schema)

"""Fixtures shared by every app: an API client with a token, the OpenAPI document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kamkit.users import services
from kamkit.users.models import User


class ApiClient:
    """Calls /api/v1 as a user through a real token, and checks each answer against OpenAPI."""

    def __init__(self, client: Client, key: str | None) -> None:
        self.client = client
        self.key = key

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = f"/api/v1{path}"
        handler = getattr(self.client, method)
        if body is not None:
            response = handler(
                url, data=json.dumps(body), content_type="application/json", headers=self._headers()
            )
        else:
            response = handler(url, data=params or None, headers=self._headers())
        from kamkit.core.tests.openapi import check_response

        check_response(method, path, response)
        return response

    def get(self, path: str, **params: Any) -> Any:
        return self.call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("post", path, body if body is not None else {})

    def patch(self, path: str, body: Any) -> Any:
        return self.call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("put", path, body)

    def delete(self, path: str) -> Any:
        return self.call("delete", path)

    def upload(self, path: str, files: dict[str, Any], **fields: Any) -> Any:
        """A multipart POST (file uploads), checked against OpenAPI like the rest."""
        response = self.client.post(f"/api/v1{path}", data={**files, **fields}, headers=self._headers())
        from kamkit.core.tests.openapi import check_response

        check_response("post", path, response)
        return response


@pytest.fixture
def api_as(client: Client) -> Callable[[User | None], ApiClient]:
    def make(user: User | None) -> ApiClient:
        key = services.create_token(user=user, name="test").key if user else None
        return ApiClient(Client(), key)

    return make

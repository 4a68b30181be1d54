"""A small shared test helper: the API app on a test runner, over HTTP, with a token per role.

    with open_api(runner) as api:
        body = api.gql("{ organisations { edges { node { id } } } }", role="analyst")
        tok = api.mint("township", township_id="T1")   # after the township exists
        api.gql(q, token=tok)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.testclient import TestClient

from redengine.api.app import create_app
from redengine.services import tokens


@dataclass
class Api:
    client: TestClient
    runner: Any
    #: role → a token minted at start ("admin", "analyst"); township tokens come from mint()
    tokens: dict[str, str] = field(default_factory=dict)

    def mint(self, role: str, township_id: str | None = None, name: str | None = None) -> str:
        return tokens.create(self.runner, role, township_id, name).token

    def post(self, query: str, variables: dict | None = None, *, token: str | None = None, role: str | None = "admin"):
        """The raw HTTP response; `token` wins over `role`; role=None and no token sends no header."""
        tok = token or (self.tokens[role] if role else None)
        headers = {"Authorization": f"Bearer {tok}"} if tok else {}
        return self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    def gql(self, query: str, variables: dict | None = None, *, token: str | None = None, role: str | None = "admin") -> dict:
        """The JSON body of a successful (HTTP 200) GraphQL response."""
        resp = self.post(query, variables, token=token, role=role)
        assert resp.status_code == 200, (resp.status_code, resp.text)
        return resp.json()


@contextlib.contextmanager
def open_api(runner, **app_options) -> Iterator[Api]:
    """The app (lifespan run) on `runner`, with an admin and an analyst token already minted."""
    app = create_app(runner=runner, **app_options)
    with TestClient(app) as client:
        api = Api(client, runner)
        api.tokens = {role: api.mint(role, name=f"test-{role}") for role in ("admin", "analyst")}
        yield api


"""API tokens: a 32-byte random secret shown once, stored only as its sha256 (looked up by an index).

A token is `re_<43 url-safe chars>`; its stored (:ApiToken) node holds the hash, the role, the
township it is bound to (township role), a name, and `revoked_at` once revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from redengine.errors import NotFound, ValidationError
from redengine.graph.statements import read, write
from redengine.schema.model import UnitKind
from redengine.services.access import Principal, RoleName
from redengine.types import Runner

PREFIX = "re_"

CREATE = write(
    "tokens.create",
    """
    CREATE (t:ApiToken {id: $id, hash: $hash, name: $name, role: $role, township_id: $township_id,
                        created_at: localdatetime()})
    RETURN t.id AS id
    """,
)
BY_HASH = read(
    "tokens.by_hash",
    """
    MATCH (t:ApiToken {hash: $hash})
    WHERE t.revoked_at IS NULL
    RETURN t.id AS id, t.hash AS hash, t.name AS name, t.role AS role, t.township_id AS township_id
    """,
)
LIST = read(
    "tokens.list",
    """
    MATCH (t:ApiToken)
    RETURN t.id AS id, t.name AS name, t.role AS role, t.township_id AS township_id,
           t.created_at AS created_at, t.revoked_at AS revoked_at
    ORDER BY t.created_at, t.id
    """,
)
REVOKE = write(
    "tokens.revoke",
    """
    MATCH (t:ApiToken {id: $id})
    SET t.revoked_at = coalesce(t.revoked_at, localdatetime())
    RETURN t.id AS id, t.revoked_at AS revoked_at
    """,
)
UNIT = read("tokens.unit", "MATCH (u:Unit {id: $id}) RETURN u.kind AS kind, u.name AS name, u.to AS to")


@dataclass(frozen=True)
class NewToken:
    id: str
    token: str  # the secret: shown once, never stored
    principal: Principal


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(runner: Runner, role: str | RoleName, township_id: str | None = None, name: str | None = None) -> NewToken:
    """Mint a token; a township token must name an existing, current township."""
    try:
        role = RoleName(role)
    except ValueError:
        raise ValidationError([f"--role: {role!r} is not one of {', '.join(r.value for r in RoleName)}"]) from None
    if role is RoleName.TOWNSHIP:
        if not township_id:
            raise ValidationError(["--township: a township token must name its township (a unit id)"])
        rows = runner.read(UNIT, {"id": township_id})
        if not rows:
            raise ValidationError([f"--township: no unit with id {township_id!r}"])
        if rows[0]["kind"] != UnitKind.TOWNSHIP.value:
            raise ValidationError([f"--township: {township_id} ({rows[0]['name']}) is a {rows[0]['kind']}, not a township"])
        if rows[0]["to"] is not None:
            raise ValidationError([f"--township: {township_id} ({rows[0]['name']}) ended on {rows[0]['to']}"])
    elif township_id:
        raise ValidationError([f"--township: only a township token is bound to a township, not a {role.value} token"])
    token_id = f"tok_{secrets.token_hex(6)}"
    name = name or f"{role.value}-{token_id[4:]}"
    token = PREFIX + secrets.token_urlsafe(32)
    runner.write(CREATE, {"id": token_id, "hash": hash_token(token), "name": name, "role": role.value,
                          "township_id": township_id})
    return NewToken(token_id, token, Principal(token_id, name, role, township_id))


def authenticate(runner: Runner, token: str | None) -> Principal | None:
    """The principal of a valid, unrevoked token; None for anything else."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    digest = hash_token(token)
    rows = runner.read(BY_HASH, {"hash": digest})
    if not rows or not hmac.compare_digest(rows[0]["hash"], digest):
        return None
    r = rows[0]
    return Principal(r["id"], r["name"], RoleName(r["role"]), r["township_id"])


def list_tokens(runner: Runner) -> list[dict]:
    return runner.read(LIST)


def revoke(runner: Runner, token_id: str) -> dict:
    rows = runner.write(REVOKE, {"id": token_id})
    if not rows:
        raise NotFound(f"no token with id {token_id!r} (see `redengine token list`)")
    return rows[0]

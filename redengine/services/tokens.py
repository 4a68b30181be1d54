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
from redengine.graph.statements import Statement, read, write
from redengine.schema.model import UnitKind
from redengine.services import audit
from redengine.services.access import Principal, RoleName
from redengine.services.audit import CREATE_CLAUSE as AUDIT
from redengine.types import Runner

PREFIX = "re_"

_NEW = """CREATE (t:ApiToken {id: $id, hash: $hash, name: $name, role: $role, township_id: $township_id,
                        created_at: localdatetime()})"""


def _create(audited: bool) -> Statement:
    return write(f"tokens.create{'.audited' if audited else ''}",
                 f"{_NEW}\n{AUDIT if audited else ''}\nRETURN t.id AS id")


def _create_for_township(audited: bool) -> Statement:
    # The township is locked and checked again in the statement that creates the token: a load ending
    # it meanwhile either comes first (no token) or after (the token was made while it was current).
    return write(f"tokens.create_for_township{'.audited' if audited else ''}", f"""
        MATCH (u:Unit {{id: $township_id}})
        SET u._lock = true SET u._lock = null
        WITH u
        WHERE u.kind = '{UnitKind.TOWNSHIP.value}' AND u.to IS NULL
        {_NEW}
        {AUDIT if audited else ''}
        RETURN t.id AS id""")


#: (for a township?, audited?) → {id, hash, name, role, township_id} (+ the audit fields): the token,
#: and its audit entry with it; no row if the township is not (or no longer) a current township
CREATE = {(False, False): _create(False), (False, True): _create(True),
          (True, False): _create_for_township(False), (True, True): _create_for_township(True)}

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


def _revoke(audited: bool) -> Statement:
    return write(f"tokens.revoke{'.audited' if audited else ''}", f"""
        MATCH (t:ApiToken {{id: $id}})
        SET t._lock = true SET t._lock = null
        WITH t
        WHERE t.revoked_at IS NULL
        SET t.revoked_at = localdatetime()
        {AUDIT if audited else ''}
        RETURN t.id AS id, t.revoked_at AS revoked_at""")


#: {id} (+ the audit fields): revoke a token not revoked yet (with its audit entry); no row when there is
#: no such token or it was revoked already, so two racing revokes write one entry between them
REVOKE = {False: _revoke(False), True: _revoke(True)}
REVOKED = read("tokens.revoked", "MATCH (t:ApiToken {id: $id}) RETURN t.id AS id, t.revoked_at AS revoked_at")
UNIT = read("tokens.unit", "MATCH (u:Unit {id: $id}) RETURN u.kind AS kind, u.name AS name, u.to AS to")


@dataclass(frozen=True)
class NewToken:
    id: str
    token: str  # the secret: shown once, never stored
    principal: Principal


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(runner: Runner, role: str | RoleName, township_id: str | None = None, name: str | None = None, *,
           by: Principal | None = None) -> NewToken:
    """Mint a token; a township token must name an existing, current township (checked again in the
    writing statement). With `by` (every command passes it) the token and its `token.create` audit
    entry are written by one statement; without it (test fixtures, benchmarks) no entry is written."""
    try:
        role = RoleName(role)
    except ValueError:
        raise ValidationError([f"--role: {role!r} is not one of {', '.join(r.value for r in RoleName)}"]) from None
    if role is RoleName.TOWNSHIP:
        if not township_id:
            raise ValidationError(["--township: a township token must name its township (a unit id)"])
        _check_township(runner, township_id)
    elif township_id:
        raise ValidationError([f"--township: only a township token is bound to a township, not a {role.value} token"])
    token_id = f"tok_{secrets.token_hex(6)}"
    name = name or f"{role.value}-{token_id[4:]}"
    token = PREFIX + secrets.token_urlsafe(32)
    params = {"id": token_id, "hash": hash_token(token), "name": name, "role": role.value, "township_id": township_id}
    if by is not None:
        params |= audit.fields(by, "token.create", token_id, {"role": role.value, "township_id": township_id, "name": name})
    if not runner.write(CREATE[township_id is not None, by is not None], params):
        if township_id is not None:
            _check_township(runner, township_id)  # it changed since the check above: say how
        raise ValidationError([f"--township: {township_id} is no longer a current township"])
    return NewToken(token_id, token, Principal(token_id, name, role, township_id))


def _check_township(runner: Runner, township_id: str) -> None:
    rows = runner.read(UNIT, {"id": township_id})
    if not rows:
        raise ValidationError([f"--township: no unit with id {township_id!r}"])
    if rows[0]["kind"] != UnitKind.TOWNSHIP.value:
        raise ValidationError([f"--township: {township_id} ({rows[0]['name']}) is a {rows[0]['kind']}, not a township"])
    if rows[0]["to"] is not None:
        raise ValidationError([f"--township: {township_id} ({rows[0]['name']}) ended on {rows[0]['to']}"])


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


def revoke(runner: Runner, token_id: str, *, by: Principal | None = None) -> dict:
    """Revoke a token; with `by`, its `token.revoke` audit entry is written by the same statement.
    Returns {id, revoked_at, already}: `already` when it was revoked before (nothing written then)."""
    params = {"id": token_id} | (audit.fields(by, "token.revoke", token_id) if by is not None else {})
    rows = runner.write(REVOKE[by is not None], params)
    if rows:
        return {**rows[0], "already": False}
    rows = runner.read(REVOKED, {"id": token_id})
    if not rows:
        raise NotFound(f"no token with id {token_id!r} (see `redengine token list`)")
    return {**rows[0], "already": True}

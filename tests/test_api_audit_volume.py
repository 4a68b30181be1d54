"""Sensitive reads of many people are audited as one entry with the count and the query, and a token
may read only so many sensitive values a minute (RATE_LIMITED beyond that).

The world: 15 people Q01…Q15, each with an ID number and a phone; 3 more (N1…N3) with none.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from apiclient import open_api

from redengine.api.ratelimit import RateLimited, SensitiveReadLimit
from redengine.config import Settings
from redengine.errors import ConfigError
from redengine.graph import links
from redengine.services import audit

WITH_DATA = [f"Q{i:02d}" for i in range(1, 16)]
WITHOUT = ["N1", "N2", "N3"]
BOTH = "query Phones { people(first: 100) { nodes { id phone idNumber } } }"
PHONES = "query JustPhones { people(first: 100) { nodes { id phone } } }"


@pytest.fixture
def world(runner):
    runner.write(links.UPSERT_PEOPLE, {"rows": [{"id": i, "name": "某某", "from": "2017-01-01", "source": "test"}
                                                for i in WITH_DATA + WITHOUT]})
    runner.write(links.SET_PERSONAL_DATA, {"rows": [{"id": i, "id_number": f"4201161980010112{n:02d}",
                                                     "phone": f"138000000{n:02d}"} for n, i in enumerate(WITH_DATA)]})
    return runner


def _reads(runner) -> list[dict]:
    return [e for e in audit.recent(runner, 1000) if e["action"].startswith("read_sensitive")]


def test_many_people_read_in_one_request_make_one_audit_entry_with_the_count_and_the_query(world):
    with open_api(world) as api:
        body = api.gql(BOTH)
        assert not body.get("errors")
        assert sum(1 for p in body["data"]["people"]["nodes"] if p["phone"]) == 15
    [entry] = _reads(world)
    assert (entry["action"], entry["target"], entry["role"]) == ("read_sensitive.bulk", "15 people", "admin")
    assert json.loads(entry["detail"]) == {"count": 15, "values": 30, "fields": ["idNumber", "phone"],
                                           "operation": "Phones",
                                           "query_sha256": hashlib.sha256(BOTH.encode()).hexdigest()}


def test_a_few_people_are_still_audited_one_by_one(world):
    few = 'query { a: person(id: "Q01") { phone } b: person(id: "Q02") { phone } c: person(id: "N1") { phone } }'
    with open_api(world) as api:
        assert api.gql(few, role="analyst")["data"]["a"]["phone"] == "138****0000"
    got = sorted((e["action"], e["target"], e["detail"]) for e in _reads(world))
    assert got == [("read_sensitive", "Q01", "phone (masked)"), ("read_sensitive", "Q02", "phone (masked)")]


def test_sensitive_reads_beyond_the_tokens_limit_are_refused_with_rate_limited(world):
    with open_api(world, settings=Settings(sensitive_reads_per_minute=20)) as api:
        first = api.gql(PHONES)                              # 15 of the 20 a minute
        assert not first.get("errors") and _reads(world)[0]["target"] == "15 people"
        again = api.gql(PHONES)                              # 15 more: over the limit, refused whole
        codes = {e["extensions"]["code"] for e in again["errors"]}
        assert codes == {"RATE_LIMITED"} and "20 sensitive values" in again["errors"][0]["message"]
        assert [p["phone"] for p in again["data"]["people"]["nodes"] if p["phone"]] == []
        assert len(_reads(world)) == 1                       # nothing read, nothing more audited
        # another token has its own allowance; a request larger than a whole minute's is always refused
        assert not api.gql(PHONES, role="analyst").get("errors")
        fresh = api.mint("admin", name="fresh")
        big = api.gql(BOTH, token=fresh)                     # 30 values > 20
        assert {e["extensions"]["code"] for e in big["errors"]} == {"RATE_LIMITED"}
        assert big["errors"][0]["extensions"]["retryAfter"] == 60


def test_the_bucket_refills_with_time():
    now = [0.0]
    limit = SensitiveReadLimit(60, clock=lambda: now[0])  # one a second
    limit.take("t", 60)
    with pytest.raises(RateLimited) as refused:
        limit.take("t", 2)
    assert refused.value.extensions == {"code": "RATE_LIMITED", "retryAfter": 2}
    now[0] = 2.0
    limit.take("t", 2)
    with pytest.raises(RateLimited):
        limit.take("t", 1)
    limit.take("other", 60)


@pytest.mark.parametrize("raw", ["0", "-5", "many"])
def test_the_setting_must_be_a_positive_number(raw):
    with pytest.raises(ConfigError, match="REDENGINE_SENSITIVE_READS_PER_MINUTE"):
        Settings.from_env({"REDENGINE_SENSITIVE_READS_PER_MINUTE": raw})
    assert Settings.from_env({"REDENGINE_SENSITIVE_READS_PER_MINUTE": "50"}).sensitive_reads_per_minute == 50

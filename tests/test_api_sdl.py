"""The exported SDL (schema/schema.graphql) is the schema the code builds."""

from __future__ import annotations

from redengine.api.sdl import REGENERATE, SDL_PATH, current_sdl


def test_sdl_file_matches_the_code():
    assert SDL_PATH.is_file(), f"{SDL_PATH} is missing; run `{REGENERATE}`"
    assert SDL_PATH.read_text(encoding="utf-8") == current_sdl(), (
        f"{SDL_PATH} is out of date with the code; run `{REGENERATE}` and commit the file")


def _read_side_types(schema) -> dict:
    """Every named type reachable from Query (the read side), with its name."""
    from graphql import get_named_type

    seen, todo = {}, [schema.query_type]
    while todo:
        t = todo.pop()
        if t.name in seen or t.name.startswith("__"):
            continue
        seen[t.name] = t
        for field in getattr(t, "fields", {}).values():
            todo.append(get_named_type(field.type))
            todo += [get_named_type(a.type) for a in getattr(field, "args", {}).values()]
    return seen


def test_every_read_type_and_field_is_described():
    from graphql import GraphQLEnumType, GraphQLObjectType

    from redengine.api.schema import build_schema

    missing = []
    for name, t in _read_side_types(build_schema()._schema).items():
        if not isinstance(t, (GraphQLObjectType, GraphQLEnumType)):
            continue
        if not t.description:
            missing.append(name)
        if isinstance(t, GraphQLObjectType):
            missing += [f"{name}.{f}" for f, field in t.fields.items() if not field.description]
    assert not missing, missing


def test_root_fields_are_the_contract():
    from redengine.api.schema import build_schema

    query = build_schema()._schema.query_type
    assert {"organisation", "organisations", "person", "people", "coverage", "weakOrganisations",
            "appointmentCheck"} <= set(query.fields)
    assert set(query.fields["organisations"].args) == {"kind", "scope", "nameContains", "asOf", "first", "after"}
    assert set(query.fields["people"].args) == {"role", "scope", "asOf", "first", "after"}
    assert set(query.fields["weakOrganisations"].args) >= {"scope", "status", "asOf"}
    assert str(query.fields["appointmentCheck"].args["personId"].type) == "ID!"

"""Refuse a request whose string arguments hold characters the graph must not store.

One check for every argument, before anything runs: literals in the document (inside input objects
and lists too) and variables. The policy is `redengine.text`'s: an `ID` (or any scalar other than
`String`) is an id-like value, a `String` is free text. A refusal is a `BAD_USER_INPUT` error naming
the argument (`input.personId`, `$reasons[1]`), never "Unexpected error.".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, get_named_type
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from redengine.api.arguments import Found, literal_strings, variable_strings
from redengine.api.inputs import BadInput
from redengine.text import bad_char

#: a literal may hold a refused character only as itself or as a \u escape
_MAYBE_BAD = re.compile(r"\\u|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
                        r"\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _free_text(type_: Any) -> bool:
    named = get_named_type(type_) if type_ is not None else None
    return named is not None and named.name == "String"


def _first_refused(found: Iterator[Found] | list[Found]) -> BadInput | None:
    for path, value, type_ in found:
        bad = bad_char(value, _free_text(type_))
        if bad is not None:
            return BadInput(path, bad.describe())
    return None


def refused_argument(schema: GraphQLSchema, document: DocumentNode, query: str | None,
                     variables: dict[str, Any] | None) -> BadInput | None:
    """The first argument (literal or variable) holding a character the graph must not store."""
    if variables and (found := _first_refused(variable_strings(schema, document, variables))) is not None:
        return found
    if query is not None and not _MAYBE_BAD.search(query):
        return None  # the common case: no literal can hold one, no need to walk the document
    return _first_refused(literal_strings(schema, document))


class RefuseUnstorableText(SchemaExtension):
    """Answers a request with a refused string argument by its `BAD_USER_INPUT` error, running nothing."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.result is None:
            found = refused_argument(ctx.schema._schema, ctx.graphql_document, ctx.query, ctx.variables)
            if found is not None:
                error = GraphQLError(str(found), original_error=found, extensions=found.extensions)
                ctx.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

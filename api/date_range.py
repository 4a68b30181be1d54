"""Refuse a request naming a date outside the range the graph stores and compares, before anything runs.

Every argument of type `Date` (an `asOf`, a mutation's `from`, `to`, `date`, `flaggedOn`, `liftedOn`),
as a literal, inside an input object, in the variables or as a variable's default, must lie in
`redengine.domain.dates` FIRST_DATE .. LAST_DATE: FalkorDB compares dates further apart wrongly.
A refusal is a `BAD_USER_INPUT` error naming the argument (`input.from`, `$d`). A string that is not
a date at all is left to the `Date` scalar, which refuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, get_named_type
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from redengine.api.arguments import Found, literal_strings, variable_strings
from redengine.api.inputs import BadInput
from redengine.domain.dates import out_of_range


def _first_out_of_range(found: Iterable[Found]) -> BadInput | None:
    for path, value, type_ in found:
        named = get_named_type(type_) if type_ is not None else None
        if named is None or named.name != "Date":
            continue
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            continue  # not a date: the scalar refuses it
        if (why := out_of_range(day)) is not None:
            return BadInput(path, why)
    return None


def date_out_of_range(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None) -> BadInput | None:
    """The first `Date` argument outside the range, or None."""
    if variables and (found := _first_out_of_range(variable_strings(schema, document, variables))) is not None:
        return found
    return _first_out_of_range(literal_strings(schema, document))


class RefuseDatesOutOfRange(SchemaExtension):
    """Answers a request with a date outside the range by its `BAD_USER_INPUT` error, running nothing."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.result is None:
            found = date_out_of_range(ctx.schema._schema, ctx.graphql_document, ctx.variables)
            if found is not None:
                error = GraphQLError(str(found), original_error=found, extensions=found.extensions)
                ctx.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

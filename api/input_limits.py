"""Refuse oversized arguments before anything runs: the variables as a whole, and any one string.

`variables` may hold at most `max_variables_chars` characters of JSON, and no string argument
(a literal in the document or a string anywhere in the variables) more than `max_string_chars`
characters. A refusal is a `BAD_USER_INPUT` error naming the argument and the limit. (The request
body as a whole is bounded before it is read: api/body_limit.py.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from redengine.api.arguments import Found, literal_strings, variable_strings
from redengine.api.context import limits_of
from redengine.api.inputs import BadInput
from redengine.config import ApiLimits


def _too_long(found: Iterable[Found], limit: int) -> BadInput | None:
    for path, value, _ in found:
        if len(value) > limit:
            return BadInput(path, f"{len(value):,} characters, over the limit of {limit:,}")
    return None


def oversized_argument(schema: GraphQLSchema, document: DocumentNode, query: str | None,
                       variables: dict[str, Any] | None, limits: ApiLimits) -> BadInput | None:
    """The first argument over a size limit, or None."""
    if variables:
        size = len(json.dumps(variables, ensure_ascii=False, separators=(",", ":")))
        if size > limits.max_variables_chars:
            return BadInput("variables", f"{size:,} characters of JSON, over the limit of {limits.max_variables_chars:,}")
        if (found := _too_long(variable_strings(schema, document, variables), limits.max_string_chars)) is not None:
            return found
    if query is not None and len(query) <= limits.max_string_chars:
        return None  # no literal can be longer than the query that holds it
    return _too_long(literal_strings(schema, document), limits.max_string_chars)


class RefuseOversizedInput(SchemaExtension):
    """Answers a request with an oversized argument by its `BAD_USER_INPUT` error, running nothing."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.result is None:
            found = oversized_argument(ctx.schema._schema, ctx.graphql_document, ctx.query, ctx.variables,
                                       limits_of(ctx.context))
            if found is not None:
                error = GraphQLError(str(found), original_error=found, extensions=found.extensions)
                ctx.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

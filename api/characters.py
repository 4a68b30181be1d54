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

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    Visitor,
    get_named_type,
    type_from_ast,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from redengine.api.inputs import BadInput
from redengine.text import bad_char

#: a literal may hold a refused character only as itself or as a \u escape
_MAYBE_BAD = re.compile(r"\\u|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
                        r"\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]")


def _free_text(type_: Any) -> bool:
    named = get_named_type(type_) if type_ is not None else None
    return named is not None and named.name == "String"


def _check(value: Any, type_: Any, path: str) -> BadInput | None:
    """The first refused string in a variable's value, walking input objects and lists by their types."""
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(value, str):
        bad = bad_char(value, _free_text(type_))
        return None if bad is None else BadInput(path, bad.describe())
    if isinstance(value, list):
        item = type_.of_type if isinstance(type_, GraphQLList) else type_
        for i, v in enumerate(value):
            if (found := _check(v, item, f"{path}[{i}]")) is not None:
                return found
    elif isinstance(value, dict):
        fields = type_.fields if isinstance(type_, GraphQLInputObjectType) else {}
        for key, v in value.items():
            field = fields.get(key)
            if (found := _check(v, field.type if field else None, f"{path}.{key}")) is not None:
                return found
    return None


def _variables(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> BadInput | None:
    types = {d.variable.name.value: type_from_ast(schema, d.type)
             for op in document.definitions if isinstance(op, OperationDefinitionNode)
             for d in op.variable_definitions or ()}
    for name, value in variables.items():
        if (found := _check(value, types.get(name), f"${name}")) is not None:
            return found
    return None


class _Literals(Visitor):
    """Finds the first refused string literal, with its argument path and its input type."""

    def __init__(self, type_info: TypeInfo):
        super().__init__()
        self.type_info = type_info
        self.found: BadInput | None = None

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        if self.found is None:
            self.found = self._walk(node.value, node.name.value, self.type_info.get_input_type())
        return self.SKIP  # the walk below has seen the whole value

    def _walk(self, node: ValueNode, path: str, type_: Any) -> BadInput | None:
        return next(self._bad(node, path, type_), None)

    def _bad(self, node: ValueNode, path: str, type_: Any) -> Iterator[BadInput]:
        while isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(node, StringValueNode):
            bad = bad_char(node.value, _free_text(type_))
            if bad is not None:
                yield BadInput(path, bad.describe())
        elif isinstance(node, ListValueNode):
            item = type_.of_type if isinstance(type_, GraphQLList) else type_
            for i, v in enumerate(node.values):
                yield from self._bad(v, f"{path}[{i}]", item)
        elif isinstance(node, ObjectValueNode):
            fields = type_.fields if isinstance(type_, GraphQLInputObjectType) else {}
            for f in node.fields:
                field = fields.get(f.name.value)
                yield from self._bad(f.value, f"{path}.{f.name.value}", field.type if field else None)


def refused_argument(schema: GraphQLSchema, document: DocumentNode, query: str | None,
                     variables: dict[str, Any] | None) -> BadInput | None:
    """The first argument (literal or variable) holding a character the graph must not store."""
    if variables and (found := _variables(schema, document, variables)) is not None:
        return found
    if query is not None and not _MAYBE_BAD.search(query):
        return None  # the common case: no literal can hold one, no need to walk the document
    type_info = TypeInfo(schema)
    literals = _Literals(type_info)
    visit(document, TypeInfoVisitor(type_info, literals))
    return literals.found


class RefuseUnstorableText(SchemaExtension):
    """Answers a request with a refused string argument by its `BAD_USER_INPUT` error, running nothing."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None:
            found = refused_argument(ctx.schema._schema, ctx.graphql_document, ctx.query, ctx.variables)
            if found is not None:
                error = GraphQLError(str(found), original_error=found, extensions=found.extensions)
                ctx.result = GraphQLExecutionResult(data=None, errors=[error])
        yield

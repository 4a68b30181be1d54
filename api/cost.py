"""A query's cost, estimated before it runs: the most objects its answer may hold.

The estimate multiplies page sizes through the nesting, as GitHub's GraphQL API computes its node
limit. Every field returning an object counts one object per parent object; a list field directly
inside a field that takes `first` (a connection's `nodes` and `edges`) counts `first` objects per
parent (DEFAULT_PAGE when `first` is not given, at most MAX_PAGE: more is refused by the resolver
itself), and any other list of objects counts UNPAGED_LIST.
Scalars and `__typename` cost nothing; introspection (`__schema`, `__type`) is costed like any other
field (its lists are unpaged: 10 each), so GraphiQL's own schema query costs about 13,000 and a few
dozen aliases of it are refused. Aliases count once per alias, fragments and inline fragments where they are spread, and `@skip`/`@include` are honoured.

    cost(selections, page) = sum over object fields f: n(f) * (w(f) + cost(f's selections, first of f))
    n(f) = page if f is a list inside a paged field, UNPAGED_LIST for other lists, else 1
    w(f) = SCAN_WEIGHTS[f] for a field that scans the district (coverage, the Query's lists), else 1

A query over the limit is refused with `QUERY_TOO_COSTLY` before anything runs; every answer to a query
that was estimated carries `extensions.cost = {requested, limit}` (one refused earlier, by validation
or an input check, has none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    get_variable_values,
    is_composite_type,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from redengine.api.context import limits_of
from redengine.api.object_cap import TooManyObjects
from redengine.api.pagination import DEFAULT_PAGE, MAX_PAGE
from redengine.errors import RedEngineError

#: the items assumed in a list that is not paged (a check's villages, an event's units, a village's opinions)
UNPAGED_LIST = 10

#: fields that scan the whole district (or a township) before they answer, costed as this many objects
#: instead of 1: measured by benchmarks/bench_weights.py at scale 40 against a page of 500 units with
#: their parents (50 µs an object): a district coverage took 13,000-14,000 objects' worth, a list's
#: scan for its `totalCount` up to 3,000 (people by role). With the default limit of 100,000 at most 6
#: coverages fit in one request.
SCAN_WEIGHTS: dict[tuple[str, str], int] = {
    ("Query", "coverage"): 15_000,
    ("Query", "organisations"): 3_000,
    ("Query", "people"): 3_000,
    ("Query", "weakOrganisations"): 3_000,
}


class QueryTooCostly(RedEngineError):
    """The estimate of a query is over the limit; nothing ran."""

    def __init__(self, cost: int, limit: int):
        self.cost, self.limit = cost, limit
        super().__init__(f"this query may return up to {cost:,} objects, over the limit of {limit:,}: "
                         f"give its lists a smaller `first` (inner lists default to {DEFAULT_PAGE}) or split it")

    @property
    def extensions(self) -> dict:
        return {"code": "QUERY_TOO_COSTLY", "cost": self.cost, "limit": self.limit}


class _Estimate:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any],
                 operation: OperationDefinitionNode):
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = _coerced(schema, operation, variables)
        self.memo: dict[tuple[str, str, int | None], int] = {}  # a fragment spread many times is walked once

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, page: int | None) -> int:
        total = 0
        for sel in selection_set.selections if selection_set else ():
            if not self._included(sel):
                continue
            if isinstance(sel, FieldNode):
                total += self._field(sel, parent, page)
            elif isinstance(sel, InlineFragmentNode):
                total += self.selections(sel.selection_set, self._type(sel.type_condition, parent), page)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = self.fragments[sel.name.value]
                key = (sel.name.value, parent.name, page)
                if key not in self.memo:
                    self.memo[key] = self.selections(fragment.selection_set,
                                                     self._type(fragment.type_condition, parent), page)
                total += self.memo[key]
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int | None) -> int:
        name = node.name.value
        field = _META.get(name) if parent is self.schema.query_type else None
        field = field or getattr(parent, "fields", {}).get(name)
        if field is None:
            return 0  # __typename (a scalar); an unknown field never passes validation
        named = get_named_type(field.type)
        if not is_composite_type(named):
            return 0
        if isinstance(get_nullable_type(field.type), GraphQLList):
            n = page if page is not None else UNPAGED_LIST
        else:
            n = 1
        inner = self._first(node) if "first" in field.args else None
        own = SCAN_WEIGHTS.get((parent.name, name), 1)
        return n * (own + self.selections(node.selection_set, named, inner))

    def _first(self, node: FieldNode) -> int:
        arg = next((a for a in node.arguments or () if a.name.value == "first"), None)
        value = None if arg is None else self._value(arg.value)
        if value is None:
            return DEFAULT_PAGE  # not given, or null: the resolver applies the default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return MAX_PAGE  # a value the estimate cannot read counts as the largest page, never the default
        return min(value, MAX_PAGE)  # a larger `first` is refused by its resolver, naming it

    def _value(self, value: Any) -> Any:
        if isinstance(value, VariableNode):
            return self.variables.get(value.name.value)
        return _literal(value)

    def _included(self, sel: Any) -> bool:
        for d in sel.directives or ():
            if d.name.value in ("skip", "include"):
                arg = next((a for a in d.arguments if a.name.value == "if"), None)
                flag = self._value(arg.value) if arg else None
                if (d.name.value == "skip") == (flag is True):
                    return False
        return True

    def _type(self, condition: NamedTypeNode | None, parent: GraphQLNamedType) -> GraphQLNamedType:
        if condition is None:
            return parent
        return self.schema.get_type(condition.name.value) or parent


#: introspection's entry points, which graphql-core keeps outside the Query type's fields
_META = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


def _coerced(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: dict[str, Any]) -> dict[str, Any]:
    """The variables as the executor will see them: coerced by graphql-core (`500.0` is the Int 500),
    defaults filled in. Variables that do not coerce fail the request before it runs; for them the raw
    values stand (and `_first` counts anything it cannot read as the largest page)."""
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        defaults = {v.variable.name.value: _literal(v.default_value)
                    for v in operation.variable_definitions or () if v.default_value is not None}
        return {**defaults, **variables}
    return dict(coerced.coerced)


def _literal(node: Any) -> Any:
    if isinstance(node, IntValueNode):
        return int(node.value)
    return getattr(node, "value", None)  # booleans; other literals do not size anything


def estimate(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None = None,
             operation_name: str | None = None) -> int:
    """The most objects the operation's answer may hold (see the module's formula)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _Estimate(schema, document, variables or {}, operation).selections(operation.selection_set, root, None)


def _is_mutation(document: DocumentNode, operation_name: str | None) -> bool:
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation == OperationType.MUTATION


class CostLimit(SchemaExtension):
    """Refuses a query whose estimate is over `max_cost` before it runs, and a mutation whose estimate is
    over the object cap (`max_objects`: once a mutation's writes ran its answer is never cut); reports the
    cost in `extensions`."""

    cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        limit = limits_of(ctx.context).max_cost
        if ctx.graphql_document is not None and ctx.result is None:
            self.cost = estimate(ctx.schema._schema, ctx.graphql_document, ctx.variables, ctx.operation_name)
            cap = limits_of(ctx.context).max_objects
            refused: QueryTooCostly | TooManyObjects | None = None
            if self.cost > limit:
                refused = QueryTooCostly(self.cost, limit)
            elif self.cost > cap and _is_mutation(ctx.graphql_document, ctx.operation_name):
                refused = TooManyObjects(cap)  # checked before the writes: the cap never cuts a mutation's answer
            if refused is not None:
                ctx.result = GraphQLExecutionResult(data=None, errors=[
                    GraphQLError(str(refused), original_error=refused, extensions=refused.extensions)])
        yield

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": {"requested": self.cost, "limit": limits_of(self.execution_context.context).max_cost}}

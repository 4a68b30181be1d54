"""The second line behind the cost estimate: count the objects of an answer while it is built.

An answer that would hold more than `max_objects` objects stops growing at the first object over
the cap (no field under it runs) and is answered as a whole by one `TOO_MANY_OBJECTS` error that
names the cap. The estimate (api/cost.py) assumes sizes for unpaged lists; this counts what came.
Introspection's objects (`__Type`, `__Field`, …) are counted like any other. A mutation is held to the
cap before it runs, by its estimate (api/cost.py): once its writes ran, the cap never drops their answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, OperationType, get_named_type, is_composite_type, is_non_null_type
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from redengine.api.context import limits_of
from redengine.errors import RedEngineError


class TooManyObjects(RedEngineError):
    """The answer grew past the object cap while it ran; it is dropped."""

    def __init__(self, cap: int):
        self.cap = cap
        super().__init__(f"the answer grew past {cap:,} objects and was stopped: ask for fewer or smaller pages")

    @property
    def extensions(self) -> dict:
        return {"code": "TOO_MANY_OBJECTS", "limit": self.cap}


class CountingExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, counting every object (and every list of objects before its items)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objects = 0
        self.cap = limits_of(self.context_value).max_objects
        self.reported = False
        # a mutation is held to the cap before it runs (api/cost.py); once its writes ran, its answer is kept whole
        self.mutation = getattr(getattr(self, "operation", None), "operation", None) == OperationType.MUTATION

    def _count(self, n: int) -> None:
        self.objects += n
        if self.objects > self.cap and not self.mutation:
            raise TooManyObjects(self.cap)

    def complete_object_value(self, return_type, field_details_list, info, path, result, position_context):
        self._count(1)  # introspection's objects too: 30 deep `__schema` aliases stalled the server
        return super().complete_object_value(return_type, field_details_list, info, path, result, position_context)

    def complete_list_value(self, return_type, field_details_list, info, path, result, position_context):
        named = get_named_type(return_type)
        if is_composite_type(named) and hasattr(result, "__len__"):
            if self.objects + len(result) > self.cap:  # refuse a list that cannot fit before completing any item
                self._count(len(result))
        return super().complete_list_value(return_type, field_details_list, info, path, result, position_context)

    def handle_field_error(self, raw_error, return_type, field_details_list, path):
        over = raw_error if isinstance(raw_error, TooManyObjects) else getattr(raw_error, "original_error", None)
        if isinstance(over, TooManyObjects) and not is_non_null_type(return_type):
            if self.reported:
                return  # one error is enough: every object past the cap fails the same way
            self.reported = True
        super().handle_field_error(raw_error, return_type, field_details_list, path)


class OneErrorOverTheCap(SchemaExtension):
    """An answer stopped by the cap is replaced by its one error: no partial data."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or ()
        over = next((e.original_error for e in errors if isinstance(e.original_error, TooManyObjects)), None)
        if over is not None:  # strawberry returns this very object: change it in place
            result.data = None  # type: ignore[union-attr]
            result.errors = [GraphQLError(str(over), original_error=over, extensions=over.extensions)]  # type: ignore[union-attr]

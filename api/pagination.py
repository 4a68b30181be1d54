"""One Relay-style connection for every list: `edges { cursor node }`, `pageInfo`, `totalCount`.

Cursors are opaque (base64 of the offset in the list's stable order). `first` defaults to
DEFAULT_PAGE and may not exceed MAX_PAGE: a larger value is refused with a `BadInput` naming it.
A cursor past the end of its list gives an empty page (lists change between requests: yesterday's
cursor is not an error); one that no list could have given (an offset above MAX_OFFSET, negative,
or not ours) is refused with a `BadInput` naming `after`. MAX_OFFSET keeps `$skip + $limit` inside
32 bits: FalkorDB cuts a list slice's bounds to 32 bits, so `offset:4294967296` read as offset 0.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from redengine.api.inputs import BadInput

DEFAULT_PAGE = 50
MAX_PAGE = 500
MAX_OFFSET = 1_000_000_000  # far above any list of the graph, and + MAX_PAGE still below 2**31
_PREFIX = "offset:"

T = TypeVar("T")
R = TypeVar("R")

#: the paging arguments every list takes
First = Annotated[int | None, strawberry.argument(
    description=f"Page size: {DEFAULT_PAGE} when not given, at most {MAX_PAGE}.")]
After = Annotated[str | None, strawberry.argument(
    description="Cursor of the item to start after (`pageInfo.endCursor` of the previous page); a cursor past "
                "the list's end (the list shrank) gives an empty page.")]


@strawberry.type(description="Where a page sits in its list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item on this page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass it as `after` for the next page.")


@strawberry.type(description="One item of a list and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item; pass it as `after`.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items on this page, in the list's order.")
    page_info: PageInfo = strawberry.field(description="Where this page sits in the whole list.")
    total_count: int = strawberry.field(description="How many items the whole list has.")

    @strawberry.field(description="The items on this page without their cursors.")
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


@dataclass(frozen=True)
class Page:
    """Which slice of a list was asked for."""

    offset: int
    limit: int


def encode(offset: int) -> str:
    return base64.b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(cursor)
        digits = text[len(_PREFIX):]
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError(cursor)  # int() would also take "+5", " 5", "٥" and "5_0": not what encode() gives
        offset = int(digits)
        if not 0 <= offset <= MAX_OFFSET:
            raise ValueError(cursor)
        return offset
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise BadInput("after", f"{cursor!r} is not a cursor from this API") from e


def page(first: int | None, after: str | None) -> Page:
    """Check `first` and `after`; the items to show start right after the `after` cursor."""
    if first is None:
        first = DEFAULT_PAGE
    if first < 0:
        raise BadInput("first", f"must be 0 or more, got {first}")
    if first > MAX_PAGE:
        raise BadInput("first", f"at most {MAX_PAGE} items per page, got {first}; page with `after`")
    return Page(offset=0 if after is None else decode(after) + 1, limit=first)


def connection(items: Sequence[R], p: Page, total: int, to_node: Callable[[R], Any] = lambda x: x) -> Connection[Any]:
    """The connection for one page: `items` are the page's rows (already sliced), `total` the list's size."""
    edges = [Edge(cursor=encode(p.offset + i), node=to_node(x)) for i, x in enumerate(items)]
    info = PageInfo(
        has_next_page=p.offset + len(edges) < total,
        has_previous_page=p.offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, total_count=total)


def paginate(items: Sequence[R], first: int | None, after: str | None, to_node: Callable[[R], Any] = lambda x: x) -> Connection[Any]:
    """Page through a list held in memory (nested lists loaded by a DataLoader)."""
    p = page(first, after)
    return connection(items[p.offset:p.offset + p.limit], p, len(items), to_node)

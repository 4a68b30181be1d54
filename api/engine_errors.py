"""Engine trouble as a clear error for clients: a code they can act on instead of "Unexpected error."

The engine's own message stays in the server log (strawberry logs every error before masking);
the client gets what it can do about it: wait (ENGINE_UNAVAILABLE), tell the operator that the
engine refuses writes (ENGINE_READ_ONLY: disk full, a failed save, out of memory), or ask for less
(TIMEOUT: the request ran past REDENGINE_API_TIMEOUT_SECONDS; api/serving.py).
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from redengine.errors import EngineReadOnly, EngineTimeout, EngineUnavailable

PUBLIC = {
    EngineTimeout.code: ("the request ran out of its time (REDENGINE_API_TIMEOUT_SECONDS) and was stopped; "
                         "ask for less (a smaller scope, smaller pages) or try again later"),
    EngineUnavailable.code: "the graph engine is unavailable; try again later",
    EngineReadOnly.code: ("the graph engine refuses writes (disk full, a failed save or out of memory); "
                          "reads still work; ask the operator"),
}


def engine_error(error: BaseException | None) -> EngineUnavailable | EngineReadOnly | EngineTimeout | None:
    """The engine error behind `error` (itself, or its cause or context), if any."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (EngineUnavailable, EngineReadOnly, EngineTimeout)):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def code_and_message(error: BaseException) -> tuple[str, str] | None:
    found = engine_error(error)
    return None if found is None else (found.code, PUBLIC[found.code])


def timeout_error(error: EngineTimeout) -> GraphQLError:
    """The whole request's answer when it outlasted its deadline outside any engine read."""
    return GraphQLError(message=PUBLIC[EngineTimeout.code], extensions={"code": EngineTimeout.code})


class MaskErrorsNamingTheEngine(MaskErrors):
    """strawberry's MaskErrors, except that an engine error is replaced by its code and public message."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        known = code_and_message(error.original_error) if error.original_error else None
        if known is None:
            return super().anonymise_error(error)
        code, message = known
        return GraphQLError(message=message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, original_error=None, extensions={"code": code})

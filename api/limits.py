"""What a request may ask and what a client may see of a failure: depth, alias and token limits, masked errors.

Internal errors reach the client as "Unexpected error." (strawberry logs the original server-side
first); errors about the query itself (syntax, validation, limits) and `BadInput` are shown as they are.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from redengine.api.inputs import BadInput

MAX_DEPTH = 12      # deep enough for weakOrganisations → strongPeers → liaisonCadres → person; introspection is exempt
MAX_ALIASES = 30
MAX_TOKENS = 5000   # GraphiQL's introspection query is about 300 tokens

#: errors whose message is meant for the client
USER_ERRORS: tuple[type[Exception], ...] = (BadInput,)


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:
        return False  # about the query itself: syntax, validation, limits
    return not isinstance(original, USER_ERRORS)


def extensions() -> list:
    """Factories: strawberry makes a fresh extension per request."""
    return [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaskErrors(should_mask_error=should_mask),
    ]

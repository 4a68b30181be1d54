"""What a request may ask and what a client may see of a failure: cost, size, depth, alias and token
limits (docs/LIMITS.md), masked errors.

Internal errors reach the client as "Unexpected error." (strawberry logs the original server-side
first); errors about the query itself (syntax, validation, limits) and `BadInput` are shown as they are.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from redengine.api.characters import RefuseUnstorableText
from redengine.api.cost import CostLimit, QueryTooCostly
from redengine.api.date_range import RefuseDatesOutOfRange
from redengine.api.document_cache import CachedDocuments, DocumentCache
from redengine.api.engine_errors import MaskErrorsNamingTheEngine
from redengine.api.input_limits import RefuseOversizedInput
from redengine.api.inputs import BadInput
from redengine.api.object_cap import OneErrorOverTheCap, TooManyObjects
from redengine.api.ratelimit import RateLimited
from redengine.api.serving import MutationsFinish

MAX_DEPTH = 12      # deep enough for weakOrganisations → strongPeers → liaisonCadres → person; introspection is exempt
MAX_ALIASES = 30
MAX_TOKENS = 5000   # GraphiQL's introspection query is about 300 tokens

#: errors whose message is meant for the client
USER_ERRORS: tuple[type[Exception], ...] = (BadInput, RateLimited, QueryTooCostly, TooManyObjects)


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or error.path is None:
        return False  # about the request itself: syntax, validation, limits, variables that do not parse
    return not isinstance(original, USER_ERRORS)


#: the depth and alias rules, made once (the limiters would make new classes for every request)
_RULES = (QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules
          + MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules)


def extensions(cache: DocumentCache) -> list:
    """Factories: strawberry makes fresh extensions per request; `cache` is the schema's one document cache.
    Before execution, in order: sizes, characters, dates, cost (each answers the request alone if it refuses)."""
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: CachedDocuments(cache),
        lambda: AddValidationRules(_RULES),
        RefuseOversizedInput,
        RefuseUnstorableText,
        RefuseDatesOutOfRange,
        CostLimit,
        OneErrorOverTheCap,
        MutationsFinish,  # last before execution: a mutation claimed here is answered with its real outcome
        lambda: MaskErrorsNamingTheEngine(should_mask_error=should_mask),  # engine trouble: a clear code
    ]

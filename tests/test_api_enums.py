"""The API's enums carry descriptions but must keep exactly the model's values."""

from __future__ import annotations

import pytest

from redengine.api.types import common
from redengine.schema import model


@pytest.mark.parametrize("api_enum, model_enum", [
    (common.UnitKind, model.UnitKind),
    (common.Role, model.Role),
    (common.WeakStatus, model.WeakStatus),
    (common.Conclusion, model.Conclusion),
])
def test_api_enum_values_equal_the_model(api_enum, model_enum):
    assert {m.value for m in api_enum} == {m.value for m in model_enum}

"""Enums shared by the read types, mirroring the model (schema/model.py) in GraphQL names."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from redengine.schema.model import ROLE_BY_REL, ROLES
from redengine.schema.model import Role as ModelRole


@strawberry.enum(description="What kind of organisation a unit is (the roster's 类型).")
class UnitKind(Enum):
    DISTRICT = strawberry.enum_value("district", description="区: the district")
    TOWNSHIP = strawberry.enum_value("township", description="街道 / 乡 / 镇 and the like: a township or street")
    COMPOSITE = strawberry.enum_value("composite", description="区域综合党委: a regional composite Party committee")
    VILLAGE = strawberry.enum_value("village", description="村: a village")
    COMMUNITY = strawberry.enum_value("community", description="社区: an urban community")
    ENTERPRISE = strawberry.enum_value("enterprise", description="企业 / 非公企业: an enterprise")
    SOCIAL_ORG = strawberry.enum_value("social_org", description="社会组织: a social organisation")
    DEPARTMENT = strawberry.enum_value("department", description="机关: a government department")


@strawberry.enum(description="A person's role in a unit (the roster's 关系).")
class Role(Enum):
    LIAISON = strawberry.enum_value("liaison", description="联系村: a cadre who liaises with a village or community")
    LEADER = strawberry.enum_value("leader", description="联系街乡: a standing-committee leader who contacts a township")
    COMMISSIONER = strawberry.enum_value("commissioner", description="党建专员: the college-graduate Party-building commissioner")
    SECRETARY = strawberry.enum_value("secretary", description="书记: the unit's Party secretary")
    MEMBER = strawberry.enum_value("member", description="班子成员: a member of the district's or a township's committee")


@strawberry.enum(description="Where a weak-organisation case stands (as of the date asked).")
class WeakStatus(Enum):
    RECTIFYING = strawberry.enum_value("rectifying", description="整顿中: open, being rectified")
    LIFTED = strawberry.enum_value("lifted", description="已摘帽: rectified and lifted")


@strawberry.enum(description="A written opinion's conclusion.")
class Conclusion(Enum):
    FOR = strawberry.enum_value("for", description="同意")
    AGAINST = strawberry.enum_value("against", description="不同意")


Kinds = Annotated[list[UnitKind] | None, strawberry.argument(description="Only units of these kinds.")]
RoleFilter = Annotated[Role | None, strawberry.argument(description="Only links in this role.")]
StatusFilter = Annotated[WeakStatus | None, strawberry.argument(description="Only cases with this status on the date.")]


def role_of(rel: str) -> Role:
    return Role(ROLE_BY_REL[rel].value)


def rel_of(role: Role) -> str:
    return ROLES[ModelRole(role.value)].rel


def role_label(rel: str) -> str:
    return ROLES[ROLE_BY_REL[rel]].label_zh


def kinds(values: list[UnitKind] | None) -> list[str] | None:
    return None if not values else [str(k.value) for k in values]

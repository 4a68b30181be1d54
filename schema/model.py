"""The graph model, declared once: labels, link types, unit kinds, roles and what may link to what.

Nodes
  (:Unit {id, name, kind, kind_label, from, to})           one identity per organisation
  (:Person {id, name})                                      a cadre, leader, commissioner, ...
  (:PersonalData {id, id_number, phone})                    sensitive fields, kept apart
  (:WeakCase {id, flagged_on, reasons, status, lifted_on})  软弱涣散 case, one per flagging
  (:Opinion {id, date, conclusion, doc_no})                 任前书面征求意见, one village about one cadre
  (:Notice {id, from, to, doc_no})                          任前公示 posted in one village
  (:UnitEvent {id, kind, on, note})                         merge / split / rename / reparent
  (:Sync), (:AuditEntry), (:ApiToken), (:SchemaMeta)        bookkeeping

Dated links (every one has `from` and `to`; as of D means from <= D and (to IS NULL or D < to))
  (Unit)-[:PART_OF]->(Unit)                 formal affiliation 隶属
  (Unit)-[:COORDINATED_BY]->(Unit)          regional coordination 统筹, by a composite committee
  (Person)-[:WORKS_AT {title}]->(Unit)      where a person works
  (Person)-[:LIAISES_WITH]->(Unit)          联系村: cadre liaises with a village/community
  (Person)-[:CONTACTS_TOWNSHIP]->(Unit)     联系街乡: standing-committee leader contacts a township
  (Person)-[:COMMISSIONER_OF]->(Unit)       党建专员
  (Person)-[:SECRETARY_OF]->(Unit)          书记
  (Person)-[:COMMITTEE_MEMBER_OF]->(Unit)   班子成员 of the district or a township committee
Record links (undated)
  (WeakCase)-[:CONCERNS]->(Unit); (Opinion)-[:ABOUT]->(Person), (Opinion)-[:GIVEN_BY]->(Unit);
  (Notice)-[:ABOUT]->(Person), (Notice)-[:POSTED_IN]->(Unit);
  (UnitEvent)-[:EVENT_FROM]->(Unit), (UnitEvent)-[:EVENT_TO]->(Unit);
  (Person)-[:HAS_PERSONAL_DATA]->(PersonalData)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

SCHEMA_VERSION = 1


class UnitKind(str, Enum):
    DISTRICT = "district"
    TOWNSHIP = "township"
    COMPOSITE = "composite"
    VILLAGE = "village"
    COMMUNITY = "community"
    ENTERPRISE = "enterprise"
    SOCIAL_ORG = "social_org"
    DEPARTMENT = "department"


K = UnitKind

#: Chinese kind labels as they appear in rosters → kind. The label itself is kept on the unit.
UNIT_KIND_LABELS: dict[str, UnitKind] = {
    "区": K.DISTRICT,
    "街道": K.TOWNSHIP, "乡": K.TOWNSHIP, "镇": K.TOWNSHIP, "场": K.TOWNSHIP, "农场": K.TOWNSHIP,
    "开发区": K.TOWNSHIP, "风景区": K.TOWNSHIP,
    "区域综合党委": K.COMPOSITE,
    "村": K.VILLAGE,
    "社区": K.COMMUNITY,
    "企业": K.ENTERPRISE, "非公企业": K.ENTERPRISE,
    "社会组织": K.SOCIAL_ORG,
    "机关": K.DEPARTMENT,
}
UNIT_KIND_DEFAULT_LABEL: dict[UnitKind, str] = {
    K.DISTRICT: "区", K.TOWNSHIP: "街道", K.COMPOSITE: "区域综合党委", K.VILLAGE: "村",
    K.COMMUNITY: "社区", K.ENTERPRISE: "企业", K.SOCIAL_ORG: "社会组织", K.DEPARTMENT: "机关",
}

VILLAGE_KINDS = frozenset({K.VILLAGE, K.COMMUNITY})  # "village" in the programme means either

#: Which kinds a unit's formal parent (PART_OF) may have; the district has none.
PARENT_KINDS: dict[UnitKind, frozenset[UnitKind]] = {
    K.DISTRICT: frozenset(),
    K.TOWNSHIP: frozenset({K.DISTRICT}),
    K.COMPOSITE: frozenset({K.TOWNSHIP}),
    K.VILLAGE: frozenset({K.TOWNSHIP}),
    K.COMMUNITY: frozenset({K.TOWNSHIP}),
    K.DEPARTMENT: frozenset({K.DISTRICT}),
    K.ENTERPRISE: frozenset({K.TOWNSHIP, K.DISTRICT}),
    K.SOCIAL_ORG: frozenset({K.TOWNSHIP, K.DISTRICT}),
}
#: Kinds that a composite committee may coordinate (COORDINATED_BY).
COORDINATED_KINDS = frozenset({K.VILLAGE, K.COMMUNITY, K.ENTERPRISE, K.SOCIAL_ORG})


class Role(str, Enum):
    LIAISON = "liaison"
    LEADER = "leader"
    COMMISSIONER = "commissioner"
    SECRETARY = "secretary"
    MEMBER = "member"


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    label_zh: str
    rel: str
    unit_kinds: frozenset[UnitKind]


ALL_KINDS = frozenset(UnitKind)
ROLES: dict[Role, RoleSpec] = {
    Role.LIAISON: RoleSpec(Role.LIAISON, "联系村", "LIAISES_WITH", VILLAGE_KINDS),
    Role.LEADER: RoleSpec(Role.LEADER, "联系街乡", "CONTACTS_TOWNSHIP", frozenset({K.TOWNSHIP})),
    Role.COMMISSIONER: RoleSpec(Role.COMMISSIONER, "党建专员", "COMMISSIONER_OF", VILLAGE_KINDS),
    Role.SECRETARY: RoleSpec(Role.SECRETARY, "书记", "SECRETARY_OF", ALL_KINDS),
    Role.MEMBER: RoleSpec(Role.MEMBER, "班子成员", "COMMITTEE_MEMBER_OF", frozenset({K.DISTRICT, K.TOWNSHIP})),
}
ROLE_BY_LABEL: dict[str, Role] = {spec.label_zh: r for r, spec in ROLES.items()}
ROLE_BY_REL: dict[str, Role] = {spec.rel: r for r, spec in ROLES.items()}

#: Roles a person may hold in several units at once; the others are one unit per person at a time
#: only by convention, so the loader warns rather than refuses.
LEADER_MAX_TOWNSHIPS = 2


class WeakStatus(str, Enum):
    RECTIFYING = "rectifying"
    LIFTED = "lifted"


WEAK_STATUS_LABELS = {"整顿中": WeakStatus.RECTIFYING, "已摘帽": WeakStatus.LIFTED}


class Conclusion(str, Enum):
    FOR = "for"
    AGAINST = "against"


CONCLUSION_LABELS = {"同意": Conclusion.FOR, "不同意": Conclusion.AGAINST}


class RecordType(str, Enum):
    OPINION = "opinion"
    NOTICE = "notice"


RECORD_TYPE_LABELS = {"书面意见": RecordType.OPINION, "任前公示": RecordType.NOTICE}


class EventKind(str, Enum):
    MERGE = "merge"
    SPLIT = "split"
    RENAME = "rename"
    REPARENT = "reparent"


#: Every node label; each has a unique `id` enforced by the engine.
LABELS = (
    "Unit", "Person", "PersonalData", "WeakCase", "Opinion", "Notice", "UnitEvent",
    "Sync", "AuditEntry", "ApiToken", "SchemaMeta",
)
UNIQUE_IDS: tuple[tuple[str, str], ...] = tuple((label, "id") for label in LABELS)
INDEXES: tuple[tuple[str, str], ...] = (("Unit", "kind"), ("Unit", "name"), ("Person", "name"), ("ApiToken", "hash"))

UNIT_LINKS = ("PART_OF", "COORDINATED_BY")
PERSON_LINKS = ("WORKS_AT",) + tuple(spec.rel for spec in ROLES.values())
DATED_LINKS = UNIT_LINKS + PERSON_LINKS
#: The undated record links (see the docstring above); with DATED_LINKS, every relationship type.
RECORD_LINKS = ("CONCERNS", "ABOUT", "GIVEN_BY", "POSTED_IN", "EVENT_FROM", "EVENT_TO", "HAS_PERSONAL_DATA")
REL_TYPES = DATED_LINKS + RECORD_LINKS

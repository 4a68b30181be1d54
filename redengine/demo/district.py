"""Build the demo district in memory: roster rows (ROSTERS.md columns) for units, people, links,
weak cases and appointment records, deterministic for a seed.

Scale 1 is Huangpi: its 16 real townships, about 650 villages and communities, about 1,500 liaison
cadres. Scale N > 1 repeats that structure ceil(N) times with generated township names; a scale
below 1 (or a fraction above it) thins the villages and people of each copy. Deliberate gaps keep
the coverage questions interesting: a township no leader contacts, a leader with three townships,
villages with no composite committee, no liaison cadre or no commissioner, composite committees
with no secretary or one from outside the township committee, appointment checks missing an
opinion or a notice.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from redengine.demo import names
from redengine.domain.appointment import NOTICE_MIN_WORKING_DAYS
from redengine.domain.workdays import working_days

LAUNCH = dt.date(2017, 4, 28)  # the Red Engine Project started
DEFAULT_AS_OF = dt.date(2019, 4, 28)  # end of the two-year pilot: the date the demo rosters describe
MIN_SPAN_DAYS = 180

HEADERS: dict[str, tuple[str, ...]] = {
    "units": ("编码", "名称", "类型", "上级编码", "综合党委编码", "生效日期"),
    "people": ("人员编码", "姓名", "工作单位编码", "职务", "身份证号", "手机"),
    "links": ("人员编码", "关系", "单位编码", "开始日期", "结束日期"),
    "weak": ("单位编码", "认定日期", "原因", "整顿状态", "摘帽日期"),
    "appointment": ("人员编码", "单位编码", "类型", "日期", "结束日期", "结论", "文号"),
}
KINDS = tuple(HEADERS)

LIAISON, LEADER, COMMISSIONER, SECRETARY, MEMBER = "联系村", "联系街乡", "党建专员", "书记", "班子成员"
ZHANGHE_COMPOSITE = "蔡店街张河片区域综合党委"  # the first composite committee, piloted in May 2017


@dataclass
class Rosters:
    """Rows per roster kind, every cell a string ('' = not given), in HEADERS order."""

    rows: dict[str, list[tuple[str, ...]]] = field(default_factory=lambda: {k: [] for k in KINDS})


@dataclass
class _Unit:
    id: str
    name: str
    kind: str  # the Chinese 类型 label
    parent: str
    composite: str = ""


@dataclass
class _Township:
    unit: _Unit
    committee: list[str]  # person ids; [0] is the secretary
    composites: list[_Unit] = field(default_factory=list)
    leads: list[_Unit] = field(default_factory=list)  # each composite's lead village
    villages: list[_Unit] = field(default_factory=list)  # villages and communities


def _width(minimum: int, upper_bound: float) -> int:
    return max(minimum, len(str(int(upper_bound))))


def check_options(scale: float, as_of: dt.date) -> None:
    """Raise ValueError naming the argument if the district cannot be built with these."""
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if (as_of - LAUNCH).days < MIN_SPAN_DAYS:
        raise ValueError(
            f"as_of must be on or after {LAUNCH + dt.timedelta(days=MIN_SPAN_DAYS)} "
            f"({MIN_SPAN_DAYS} days after the programme launch {LAUNCH}), got {as_of}"
        )


class _Builder:
    def __init__(self, seed: int, scale: float, as_of: dt.date):
        check_options(scale, as_of)
        span = (as_of - LAUNCH).days
        self.rng = random.Random(seed)
        self.scale = scale
        self.replicas = max(1, math.ceil(scale))
        self.density = scale / self.replicas
        self.as_of, self.span = as_of, span
        n_base = sum(v + c for _, _, v, c in names.HUANGPI_TOWNSHIPS)
        r = self.replicas
        self._widths = {
            "T": _width(2, 16 * r), "C": _width(3, 6 * 16 * r), "V": _width(4, n_base * 1.2 * r),
            "E": _width(3, 3 * 16 * r), "S": _width(3, 2 * 16 * r), "B": 2,
            "P": _width(5, r * (11 + 16 * 11 + n_base * 1.2 * 4.5)),
        }
        self._next = {k: 0 for k in self._widths}
        self.out = Rosters()
        self.units: list[_Unit] = []
        self.townships: list[_Township] = []
        self.departments: list[tuple[_Unit, int]] = []
        self.secretary_of: dict[str, str] = {}  # village id → its secretary's person id
        self.liaisons: dict[str, list[str]] = {}  # cadre id → villages liaised now
        self.zhanghe: _Unit | None = None
        self.township_names = {n for n, *_ in names.HUANGPI_TOWNSHIPS}
        self.org_names: set[str] = set()

    # -- helpers -------------------------------------------------------------------------------
    def _id(self, prefix: str) -> str:
        self._next[prefix] += 1
        n = self._next[prefix]
        if len(str(n)) > self._widths[prefix]:
            raise AssertionError(f"id space {prefix} too small")  # a sizing bug, not user input
        return f"{prefix}{n:0{self._widths[prefix]}d}"

    def day(self, lo: float, hi: float) -> dt.date:
        """A date between lo and hi of the way from the launch to the as-of date."""
        return LAUNCH + dt.timedelta(days=self.rng.randint(int(lo * self.span), int(hi * self.span)))

    def unit(self, name: str, kind: str, parent: str, prefix: str) -> _Unit:
        u = _Unit(self._id(prefix), name, kind, parent)
        self.units.append(u)
        return u

    def person(self, name: str, unit_id: str, title: str, born: tuple[int, int]) -> str:
        pid = self._id("P")
        rng = self.rng
        idno = names.id_number(rng, rng.randint(*born)) if rng.random() < 0.2 else ""
        tel = names.phone(rng) if rng.random() < 0.3 else ""
        self.out.rows["people"].append((pid, name, unit_id, title, idno, tel))
        return pid

    def link(self, pid: str, role: str, uid: str, start: dt.date, end: dt.date | None = None) -> None:
        self.out.rows["links"].append((pid, role, uid, start.isoformat(), end.isoformat() if end else ""))

    # -- structure -----------------------------------------------------------------------------
    def build(self) -> Rosters:
        self.district = _Unit("D01", "黄陂区", "区", "")
        self.units.append(self.district)
        for name, size in names.DEPARTMENTS:
            self.departments.append((self.unit(name, "机关", self.district.id, "B"), size))
        for r in range(self.replicas):
            towns = [self.township(*spec) for spec in self._township_specs(r)]
            self.leaders(towns, first=(r == 0))
        self.coverage_gaps()
        self.weak_cases()
        self.appointments()
        self.out.rows["units"] = [
            (u.id, u.name, u.kind, u.parent, u.composite, LAUNCH.isoformat()) for u in self.units
        ]
        return self.out

    def _township_specs(self, r: int):
        if r == 0:
            return names.HUANGPI_TOWNSHIPS
        rng, specs = self.rng, []
        for _, _, v, c in names.HUANGPI_TOWNSHIPS:
            kind = rng.choices(("街道", "镇", "乡"), weights=(6, 3, 1))[0]
            name = names.unique(lambda: names.place_name(rng) + kind, self.township_names)
            specs.append((name, kind, max(1, round(v * rng.uniform(0.85, 1.15))), round(c * rng.uniform(0.85, 1.15))))
        return specs

    def township(self, name: str, kind: str, n_villages: int, n_communities: int) -> _Township:
        rng, d = self.rng, self.density
        unit = self.unit(name, kind, self.district.id, "T")
        titles = names.STREET_COMMITTEE_TITLES if kind == "街道" else [
            t.format(k=kind) for t in names.TOWN_COMMITTEE_TITLES]
        committee = [self.person(names.person_name(rng), unit.id, t, (1966, 1985))
                     for t in titles[: rng.randint(7, 9)]]
        start = self.day(0, 0.01)
        for pid in committee:
            self.link(pid, MEMBER, unit.id, start)
        self.link(committee[0], SECRETARY, unit.id, start)
        town = _Township(unit, committee)

        # Villages and communities, names unique within the township; the seed's villages kept.
        taken: set[str] = set()
        fixed = [v for v, t in names.SEED_VILLAGES.items() if t == name]
        if name == "蔡店街道":
            fixed = ["张河村", *fixed]
        taken.update(fixed)
        nv = max(1, len(fixed), round(n_villages * d))
        village_names = fixed + [names.unique(lambda: names.village_name(rng), taken) for _ in range(nv - len(fixed))]
        community_names = [names.unique(lambda: names.community_name(rng), taken) for _ in range(round(n_communities * d))]
        villages = [self.unit(n, "村", unit.id, "V") for n in village_names]
        communities = [self.unit(n, "社区", unit.id, "V") for n in community_names]
        town.villages = villages + communities

        # Composite committees: 3–6 per township, each named after its lead village (…张河片…).
        pool = town.villages[:]
        groups: list[list[_Unit]] = []
        if name == "蔡店街道":  # 张河片: 张河村 and 7 more villages (with 2 other branches: 10 in all)
            groups.append([villages[0]] + villages[len(fixed):len(fixed) + 7])
            pool = [u for u in pool if u not in groups[0]]
            pool.sort(key=lambda u: u.name != "姚家山村")  # 姚家山 leads the next one
        else:
            rng.shuffle(pool)
            pool.sort(key=lambda u: u.kind != "村")  # villages lead, as a rule
        n_comp = min(6, max(3 if d >= 0.5 else 1, round(len(town.villages) / 10)))
        rest = n_comp - len(groups)
        if pool and rest > 0:
            leads, others = pool[:rest], pool[rest:]
            rng.shuffle(others)
            size, extra = divmod(len(others), rest)
            at = 0
            for i, lead in enumerate(leads):
                k = size + (1 if i < extra else 0)
                groups.append([lead] + others[at:at + k])
                at += k
        short = names.township_short(name)
        for i, group in enumerate(groups):
            comp = self.unit(f"{short}{names.place_of(group[0].name)}片区域综合党委", "区域综合党委", unit.id, "C")
            for u in group:
                u.composite = comp.id
            town.composites.append(comp)
            town.leads.append(group[0])
            sec = committee[1 + i % (len(committee) - 1)]
            self.link(sec, SECRETARY, comp.id, LAUNCH + dt.timedelta(days=14) if comp.name == ZHANGHE_COMPOSITE
                      else self.day(0.02, 0.1))
            if comp.name == ZHANGHE_COMPOSITE:
                self.zhanghe = comp

        self.organisations(town, place=names.township_place(name))
        self.village_people(town)
        self.cadres(town)
        self.townships.append(town)
        return town

    def organisations(self, town: _Township, place: str) -> None:
        """Enterprises and social organisations, most coordinated by one of the township's composites."""
        rng, d = self.rng, self.density
        comps = town.composites
        is_zhanghe = bool(comps) and comps[0].name == ZHANGHE_COMPOSITE
        n_ent, n_soc = max(1 if is_zhanghe else 0, round(2 * d)), max(1 if is_zhanghe else 0, round(d))
        for kind, prefix, count in (("企业", "E", n_ent), ("社会组织", "S", n_soc)):
            for j in range(count):
                if kind == "企业":
                    name = names.unique(lambda: names.enterprise_name(rng, place), self.org_names)
                else:
                    name = names.unique(lambda: names.social_org_name(rng, names.township_short(town.unit.name)), self.org_names)
                org = self.unit(name, kind, town.unit.id, prefix)
                if is_zhanghe and j == 0:
                    org.composite = comps[0].id
                elif comps and rng.random() < 0.75:
                    org.composite = rng.choice(comps).id

    def village_people(self, town: _Township) -> None:
        """Village secretaries (most villages) and graduate commissioners (most villages, some replaced)."""
        rng = self.rng
        leads = {u.id for u in town.leads}
        for v in town.villages:
            if v.id in leads or rng.random() < 0.92:
                title = ("社区党委书记" if v.kind == "社区" else rng.choice(("村党支部书记", "村党总支书记")))
                if rng.random() < 0.4:
                    title += "、社区居委会主任" if v.kind == "社区" else "、村委会主任"
                pid = self.person(names.person_name(rng), v.id, title, (1960, 1988))
                self.secretary_of[v.id] = pid
                self.link(pid, SECRETARY, v.id, self.day(0, 0.03))
            if rng.random() < 0.88:
                start = self.day(0.08, 0.3)
                if rng.random() < 0.07:  # an earlier commissioner left; this one took over
                    earlier = self.person(names.person_name(rng), v.id, "大学生党建专员", (1992, 1996))
                    handover = self.day(0.35, 0.65)
                    self.link(earlier, COMMISSIONER, v.id, start, handover)
                    start = handover
                pid = self.person(names.person_name(rng), v.id, "大学生党建专员", (1993, 1997))
                self.link(pid, COMMISSIONER, v.id, start)

    def cadres(self, town: _Township) -> None:
        """District cadres liaising with this township's villages: every village gets one, except
        the gaps; most cadres have one village, some several, a few none; a few moved village."""
        rng = self.rng
        depts = [u.id for u, _ in self.departments]
        dept_cum = _cumulative(size for _, size in self.departments)
        titles, title_cum = [t for t, _ in names.CADRE_TITLES], _cumulative(w for _, w in names.CADRE_TITLES)
        seed_names = set(names.SEED_VILLAGES) | {"张河村"}
        covered = [v for v in town.villages if v.name in seed_names or rng.random() >= 0.02]
        n = round(2.3 * len(town.villages))
        cadre_ids, wants = [], []
        for _ in range(n):
            pid = self.person(names.person_name(rng), rng.choices(depts, cum_weights=dept_cum)[0],
                              rng.choices(titles, cum_weights=title_cum)[0], (1965, 1993))
            cadre_ids.append(pid)
            wants.append(rng.choices((0, 1, 2, 3), weights=(1.5, 90, 7, 1.5))[0])
        slots = [pid for pid, k in zip(cadre_ids, wants, strict=False) for _ in range(k)]
        rng.shuffle(slots)
        mine: dict[str, list[str]] = {pid: [] for pid in cadre_ids}
        if covered:
            for i, pid in enumerate(slots):
                v = covered[i] if i < len(covered) else rng.choice(covered)
                if v.id in mine[pid]:
                    continue  # the same cadre twice in one village: drop the extra slot
                mine[pid].append(v.id)
        for pid in cadre_ids:
            villages = mine[pid]
            self.liaisons[pid] = villages
            moved = len(villages) == 1 and len(town.villages) > 1 and rng.random() < 0.04
            for vid in villages:
                start = self.day(0, 0.08)
                if moved:  # liaised elsewhere first, then moved to this village
                    before = rng.choice([u for u in town.villages if u.id != vid])
                    handover = self.day(0.3, 0.7)
                    self.link(pid, LIAISON, before.id, start, handover)
                    start = handover
                self.link(pid, LIAISON, vid, start)

    def leaders(self, towns: list[_Township], first: bool) -> None:
        """11 standing-committee members: one contacts 3 townships, two contact 2, the rest 1; one
        township has none (its leader was moved to another township half-way)."""
        rng = self.rng
        pids = [self.person(names.person_name(rng), self.district.id, t, (1962, 1975)) for t in names.LEADER_TITLES]
        start = LAUNCH
        for pid in pids:
            self.link(pid, MEMBER, self.district.id, start)
        if first:
            self.link(pids[0], SECRETARY, self.district.id, start)
        order = [t.unit.id for t in towns]
        rng.shuffle(order)
        uncovered, order = order[-1], order[:-1]
        counts = [3, 2, 2] + [1] * (len(pids) - 3)
        who = pids[:]
        rng.shuffle(who)
        moved = who[-1]  # contacted the now uncovered township first, then was moved
        at = 0
        for pid, k in zip(who, counts, strict=False):
            mine, at = order[at:at + k], at + k
            for tid in mine:
                begin = self.day(0, 0.02)
                if pid == moved:
                    handover = self.day(0.3, 0.6)
                    self.link(pid, LEADER, uncovered, begin, handover)
                    begin = handover
                self.link(pid, LEADER, tid, begin)

    # -- gaps and records ----------------------------------------------------------------------
    def coverage_gaps(self) -> None:
        """Villages outside any composite; composites without a secretary, or whose secretary is a
        village secretary rather than a member of the township committee."""
        rng = self.rng
        protected = {u.id for t in self.townships for u in t.leads}
        protected |= {u.id for u in self.units if u.name in names.SEED_VILLAGES or u.name == "张河村"}
        protected |= {u.id for u in self.units if self.zhanghe and u.composite == self.zhanghe.id}
        candidates = [u for t in self.townships for u in t.villages if u.id not in protected and u.composite]
        for u in rng.sample(candidates, min(len(candidates), max(1, round(8 * self.scale)))):
            u.composite = ""
        comps = [(t, i) for t in self.townships for i, c in enumerate(t.composites) if c is not self.zhanghe]
        k = min(len(comps) // 2, max(1, round(2 * self.scale)))
        chosen = rng.sample(comps, 2 * k)
        gone = {t.composites[i].id for t, i in chosen[:k]}
        outsiders = {t.composites[i].id: self.secretary_of[t.leads[i].id] for t, i in chosen[k:]}
        rows = []
        for row in self.out.rows["links"]:
            pid, role, uid, start, end = row
            if role == SECRETARY and uid in gone:
                continue
            if role == SECRETARY and uid in outsiders:
                row = (outsiders[uid], role, uid, start, end)
            rows.append(row)
        self.out.rows["links"] = rows

    def weak_cases(self) -> None:
        """20–40 weak organisations at scale 1, some lifted, one flagged again after it was lifted."""
        rng = self.rng
        pool = [u for t in self.townships for u in t.villages]
        n = min(len(pool), max(1, round(30 * self.scale)))
        rows = self.out.rows["weak"]
        refagged = False
        for u in rng.sample(pool, n):
            flagged = self.day(0.03, 0.45)
            reasons = "、".join(rng.sample(names.WEAK_REASONS, rng.randint(1, 3)))
            lifted = flagged + dt.timedelta(days=rng.randint(int(0.2 * self.span), int(0.45 * self.span)))
            if rng.random() < 0.55 and lifted < self.as_of:
                rows.append((u.id, flagged.isoformat(), reasons, "已摘帽", lifted.isoformat()))
                again = lifted + dt.timedelta(days=rng.randint(20, 60))
                if not refagged and again < self.as_of:
                    rows.append((u.id, again.isoformat(), rng.choice(names.WEAK_REASONS), "整顿中", ""))
                    refagged = True
            else:
                rows.append((u.id, flagged.isoformat(), reasons, "整顿中", ""))

    def appointments(self) -> None:
        """Pre-appointment checks for cadres with several villages: written opinions and notices in
        each village, complete for some, missing one opinion or notice (or both, or with one
        opinion against) for others. Each check is one recent round: asked 30 to 150 days before the
        as-of date (inside the default 180-day window) and each notice posted for 5 working days
        (holidays skipped), ended before the as-of date."""
        rng = self.rng
        candidates = [pid for pid, vs in self.liaisons.items() if len(vs) >= 2]
        n = min(len(candidates), max(1, round(6 * self.scale)))
        rows = self.out.rows["appointment"]
        serial: dict[tuple[str, int], int] = {}

        def doc(kind: str, on: dt.date) -> str:
            serial[kind, on.year] = serial.get((kind, on.year), 0) + 1
            return f"陂组{kind}〔{on.year}〕{serial[kind, on.year]}号"

        for i, pid in enumerate(rng.sample(candidates, n)):
            variant = i % 6
            asked = self.as_of - dt.timedelta(days=rng.randint(30, 150))
            for j, vid in enumerate(self.liaisons[pid]):
                first = j == 0
                on = asked + dt.timedelta(days=rng.randint(0, 3))
                if not (first and variant in (1, 5)):
                    verdict = "不同意" if first and variant == 3 else "同意"
                    rows.append((pid, vid, "书面意见", on.isoformat(), "", verdict, doc("征", on)))
                if not (first and variant in (2, 5)):
                    posted = asked + dt.timedelta(days=5)
                    rows.append((pid, vid, "任前公示", posted.isoformat(), _notice_end(posted).isoformat(),
                                 "", doc("公", posted)))


def _notice_end(posted: dt.date) -> dt.date:
    """The first day on which a notice posted on `posted` has lasted its working days (at least 7 days on)."""
    end = posted + dt.timedelta(days=6)
    while working_days(posted, end) < NOTICE_MIN_WORKING_DAYS:
        end += dt.timedelta(days=1)
    return end


def _cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def build_district(seed: int = 2017, scale: float = 1.0, as_of: dt.date | None = None) -> Rosters:
    """The demo district's roster rows; the same seed, scale and as_of always give the same rows."""
    return _Builder(seed, scale, as_of or DEFAULT_AS_OF).build()

"""Names for the demo district: Huangpi's real townships, and makers of plausible Chinese names.

Everything random takes the caller's `random.Random`, so a seed gives the same names every time.
"""

from __future__ import annotations

import itertools
import random

#: Huangpi's streets and its township, as public listings give them: (name, 类型, villages, communities).
#: The village/community counts are sized so the district has about 650 (2012: 611 villages, 45 communities).
HUANGPI_TOWNSHIPS: tuple[tuple[str, str, int, int], ...] = (
    ("前川街道", "街道", 20, 18),
    ("祁家湾街道", "街道", 28, 3),
    ("横店街道", "街道", 30, 5),
    ("罗汉寺街道", "街道", 35, 2),
    ("滠口街道", "街道", 22, 6),
    ("六指街道", "街道", 45, 1),
    ("天河街道", "街道", 25, 3),
    ("武湖街道", "街道", 20, 2),
    ("王家河街道", "街道", 45, 1),
    ("长轩岭街道", "街道", 55, 1),
    ("李家集街道", "街道", 45, 1),
    ("姚家集街道", "街道", 45, 1),
    ("蔡家榨街道", "街道", 48, 1),
    ("三里桥街道", "街道", 45, 1),
    ("蔡店街道", "街道", 55, 1),
    ("木兰乡", "乡", 38, 0),
)

#: The seed article's named villages, in their streets (red-culture bases).
SEED_VILLAGES: dict[str, str] = {"姚家山村": "蔡店街道", "蔡官田村": "蔡家榨街道", "甘棠铺村": "六指街道"}

#: District departments (机关) where the liaison cadres work, with a relative size.
DEPARTMENTS: tuple[tuple[str, int], ...] = (
    ("黄陂区委办公室", 3), ("黄陂区人民政府办公室", 3), ("黄陂区委组织部", 3), ("黄陂区委宣传部", 2),
    ("黄陂区委统战部", 2), ("黄陂区委政法委员会", 2), ("黄陂区纪委监委", 4), ("黄陂区委编办", 1),
    ("黄陂区发展和改革局", 3), ("黄陂区教育局", 5), ("黄陂区科技和经济信息化局", 2), ("黄陂区公安分局", 6),
    ("黄陂区民政局", 3), ("黄陂区司法局", 2), ("黄陂区财政局", 4), ("黄陂区人力资源和社会保障局", 3),
    ("黄陂区自然资源和规划分局", 3), ("黄陂区生态环境分局", 2), ("黄陂区住房和城市更新局", 3),
    ("黄陂区交通运输局", 3), ("黄陂区水务和湖泊局", 3), ("黄陂区农业农村局", 5), ("黄陂区商务局", 2),
    ("黄陂区文化和旅游局", 3), ("黄陂区卫生健康局", 4), ("黄陂区退役军人事务局", 2), ("黄陂区应急管理局", 2),
    ("黄陂区审计局", 2), ("黄陂区市场监督管理局", 4), ("黄陂区统计局", 1), ("黄陂区医疗保障局", 1),
    ("黄陂区城市管理执法局", 4), ("黄陂区信访局", 1), ("黄陂区林业局", 2), ("黄陂区总工会", 1),
    ("共青团黄陂区委", 1), ("黄陂区妇联", 1), ("黄陂区科协", 1), ("黄陂区人民法院", 3), ("黄陂区人民检察院", 2),
)

CADRE_TITLES: tuple[tuple[str, int], ...] = (
    ("科员", 30), ("一级科员", 12), ("副科长", 14), ("科长", 12), ("四级主任科员", 10), ("三级主任科员", 6),
    ("二级主任科员", 4), ("一级主任科员", 3), ("副局长", 4), ("副主任", 3), ("办公室主任", 2),
)

#: The district standing committee, one block of titles per replica of the district structure.
LEADER_TITLES: tuple[str, ...] = (
    "区委书记", "区委副书记、区长", "区委副书记", "区委常委、常务副区长", "区委常委、区纪委书记、区监委主任",
    "区委常委、组织部部长", "区委常委、宣传部部长", "区委常委、政法委书记", "区委常委、统战部部长",
    "区委常委、区委办公室主任", "区委常委、区人武部政委",
)

STREET_COMMITTEE_TITLES: tuple[str, ...] = (
    "党工委书记", "党工委副书记、办事处主任", "党工委副书记", "党工委委员、纪工委书记", "党工委委员、组织委员",
    "党工委委员、宣传委员", "党工委委员、武装部部长", "党工委委员、办事处副主任", "党工委委员、统战委员",
)
TOWN_COMMITTEE_TITLES: tuple[str, ...] = (
    "党委书记", "党委副书记、{k}长", "党委副书记", "党委委员、纪委书记", "党委委员、组织委员",
    "党委委员、宣传委员", "党委委员、武装部部长", "党委委员、副{k}长", "党委委员、统战委员",
)

WEAK_REASONS: tuple[str, ...] = (
    "班子不团结", "书记长期缺位", "组织生活不规范", "党员发展停滞", "村集体经济薄弱", "矛盾纠纷突出",
    "村务公开不到位", "宗族势力干扰", "服务群众意识淡薄", "阵地建设滞后",
)

# Common surnames, most frequent first, with rough weights.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_CUM = tuple(itertools.accumulate(max(1, 60 - i) for i in range(len(_SURNAMES))))
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉鹏华飞玲桂英兰红梅琳建国文斌波宇浩凯健俊帆亮成志海峰新"
    "春燕雪晨欣怡子涵思雨佳琪嘉诗雅婷慧颖宏林佩珊德荣卫东永庆光荣秀莲金凤玉"
)

_LANDFORMS = "湾岗畈冲岭墩寨咀垸庙店铺河湖港桥集山塆坡嘴"
_BIG_PLACES = ("大湾", "小湾", "新湾", "老屋", "大塆", "山头", "河口", "桥头", "庙湾")
_VILLAGE_WORDS = (
    "桃花", "红星", "新华", "胜利", "群力", "前进", "和平", "长堰", "清水", "柏树", "石门", "杨林", "枣林",
    "双河", "三合", "四新", "五一", "联合", "向阳", "青山", "白石", "龙井", "凤凰", "黄花", "松林", "竹园",
    "梅店", "泉水", "团山", "金星", "红光", "先锋", "东风", "新建", "复兴", "永安", "太平", "长岭", "柳林",
    "荷花", "杏花", "茶园", "花山", "大路", "土庙", "新街", "罗家", "塔耳", "铁门", "火塔", "道观",
)
_COMMUNITY_WORDS = (
    "桃园", "百秀", "鲁台", "府河", "盘龙", "滨湖", "锦绣", "翠园", "阳光", "幸福", "和谐", "文化", "人民",
    "建设", "花园", "川龙", "二程", "木兰", "凤凰", "滠水", "黄花涝", "天河", "临空", "汉口北", "新城",
    "正街", "东门", "西门", "南湖", "北湖", "晨光", "春晖", "书香", "金桥", "明珠",
)
_COMMUNITY_SUFFIX = ("", "", "", "园", "苑", "街", "路", "里")
_PLACE_SYLLABLES = (
    "青", "白", "龙", "凤", "金", "石", "松", "柳", "桃", "梅", "新", "长", "平", "安", "宁", "丰", "东", "西", "南",
    "北", "高", "马", "塔", "泉", "云", "花", "杨", "李", "张", "陈", "河", "湖", "山", "岭", "口", "桥", "集", "店",
    "港", "湾", "林", "溪", "阳", "明", "和", "兴", "华", "春", "秋", "双",
)
_TRADE_WORDS = ("木兰", "盘龙", "汉黄", "楚天", "荆楚", "天河", "滠水", "川龙", "鑫源", "恒达", "宏盛", "丰禾",
                "绿源", "德隆", "华康", "锦程", "兴旺", "瑞丰", "金穗", "长江")
_INDUSTRIES = ("农业科技", "建材", "食品", "服装", "物流", "生态农业", "机械制造", "纺织", "茶业", "旅游开发",
               "电子", "家具", "包装", "养殖", "苗木花卉")
_SOCIAL_ORG_KINDS = ("商会", "老年人协会", "志愿者协会", "慈善会", "农民专业合作社联合会", "乡贤理事会")


def _surname(rng: random.Random) -> str:
    return rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]


def person_name(rng: random.Random) -> str:
    n = 1 if rng.random() < 0.3 else 2
    return _surname(rng) + "".join(rng.choice(_GIVEN) for _ in range(n))


def village_name(rng: random.Random) -> str:
    p = rng.random()
    if p < 0.35:
        return f"{_surname(rng)}家{rng.choice(_LANDFORMS)}村"
    if p < 0.45:
        return f"{_surname(rng)}家{rng.choice(_BIG_PLACES)}村"
    if p < 0.65:
        return f"{_surname(rng)}{rng.choice(_LANDFORMS)}村"
    return f"{rng.choice(_VILLAGE_WORDS)}村"


def community_name(rng: random.Random) -> str:
    word, suffix = rng.choice(_COMMUNITY_WORDS), rng.choice(_COMMUNITY_SUFFIX)
    return f"{word}{'' if word.endswith(suffix) else suffix}社区"


def place_name(rng: random.Random) -> str:
    """Two syllables for a generated township (青山, 柳港 …)."""
    a, b = rng.sample(_PLACE_SYLLABLES, 2)
    return a + b


def enterprise_name(rng: random.Random, place: str) -> str:
    return f"武汉{place}{rng.choice(_TRADE_WORDS)}{rng.choice(_INDUSTRIES)}有限公司"


def social_org_name(rng: random.Random, township_short: str) -> str:
    return f"{township_short}{rng.choice(_SOCIAL_ORG_KINDS)}"


def unique(make, taken: set[str], tries: int = 200) -> str:
    """Call `make()` until it gives a name not in `taken`; then number it (…二村) as a last resort."""
    for _ in range(tries):
        name = make()
        if name not in taken:
            taken.add(name)
            return name
    base = make()
    for i in range(2, 10_000):
        stem, suffix = (base[:-2], base[-2:]) if base.endswith("社区") else (base[:-1], base[-1:])
        name = f"{stem}{i}{suffix}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("no free name")  # unreachable in practice


def township_short(name: str) -> str:
    """前川街道 → 前川街, 木兰乡 → 木兰乡, 青山镇 → 青山镇 (the prefix of a composite committee's name)."""
    return name[:-1] if name.endswith("街道") else name


def township_place(name: str) -> str:
    """前川街道 → 前川, 木兰乡 → 木兰."""
    for suffix in ("街道", "乡", "镇"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def place_of(unit_name: str) -> str:
    """张河村 → 张河, 桃花社区 → 桃花: the lead village's name for its 片."""
    for suffix in ("社区", "村"):
        if unit_name.endswith(suffix):
            return unit_name[: -len(suffix)]
    return unit_name


def id_number(rng: random.Random, birth_year: int) -> str:
    """A synthetic 18-digit ID (area 420116, a plausible birth date, a valid check digit): not a real person's."""
    body = f"420116{birth_year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=False)) % 11]
    return body + check


def phone(rng: random.Random) -> str:
    """An 11-digit number in the unallocated 100 range, so it is clearly fake."""
    return f"100{rng.randint(0, 99_999_999):08d}"

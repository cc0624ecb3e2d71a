"""Synthetic Chinese personal information for tests, demos and benchmarks.

Every generator takes a ``random.Random`` so results are reproducible with a seed, and builds values from
the data the detectors validate against: GB/T 2260 region codes (``detect/regions.py``), the surname list
(``data/surnames.txt``, Faker zh_CN's weights), Faker zh_CN's given names, the 56 ethnic groups, the
card schemes and GB 32100 check characters. Values are valid by construction (the detectors' own
validators are used as the check in tests, not here, to stay fast: ~10 MB of labelled text in a few
seconds).

>>> import random
>>> rng = random.Random(7)
>>> from pipl_guard.detect import resident_id as rid
>>> rid.is_valid(resident_id(rng))
True
>>> text, spans = text_with_pi(random.Random(1), 300)
>>> all(0 <= s < e <= len(text) for _entity, s, e in spans)
True
>>> sorted(leak_records(random.Random(1), 1, schema="pinyin")[0])
['csrq', 'gmsfhm', 'hjdz', 'mz', 'sjhm', 'xb', 'xm', 'zp']
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

from stdnum import luhn

from pipl_guard.detect import regions
from pipl_guard.detect import textutil as tu
from pipl_guard.detect.resident_id import check_character
from pipl_guard.errors import InputError

Schema = Literal["pinyin", "pinyin_alt", "chinese", "english"]
LabeledSpan = tuple[str, int, int]

#: field names of leak-shaped records, by schema (the 2022 police-database leak used pinyin initials)
LEAK_FIELDS: dict[str, dict[str, str]] = {
    "pinyin": {
        "name": "xm",
        "id": "gmsfhm",
        "mobile": "sjhm",
        "address": "hjdz",
        "birth": "csrq",
        "ethnicity": "mz",
        "gender": "xb",
        "photo": "zp",
    },
    "pinyin_alt": {
        "name": "xm",
        "id": "sfzh",
        "mobile": "lxdh",
        "address": "hjdz",
        "birth": "csrq",
        "ethnicity": "mz",
        "gender": "xb",
        "photo": "zp",
    },
    "chinese": {
        "name": "姓名",
        "id": "身份证号",
        "mobile": "手机号码",
        "address": "户籍地址",
        "birth": "出生日期",
        "ethnicity": "民族",
        "gender": "性别",
        "photo": "照片",
    },
    "english": {
        "name": "name",
        "id": "id_number",
        "mobile": "phone",
        "address": "address",
        "birth": "dob",
        "ethnicity": "ethnicity",
        "gender": "gender",
        "photo": "photo_url",
    },
}
MINOR_AGE = 14
# mainland mobile prefixes allocated to carriers (all pass phonenumbers' CN mobile pattern)
_MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 166 "
    "173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 196 198 199"
).split()
# UnionPay debit/credit BINs of large Chinese banks (ICBC, ABC, BOC, CCB, CMB, BoCom)
_CARD_BINS = ("622202", "622848", "621661", "621700", "622588", "622260", "623058", "621226", "625965")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


# --- data ---------------------------------------------------------------------------------------------


@cache
def _vocab() -> dict[str, Any]:
    return tomllib.loads(tu.data_text("synth_text.toml"))


@cache
def _surname_table() -> tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...]]:
    from pipl_guard.detect.person_name import surnames

    singles = [(s, f) for s, (f, _r) in surnames().items() if len(s) == 1]
    cum: list[float] = []
    total = 0.0
    for _s, f in singles:
        total += f
        cum.append(total)
    compounds = tuple(s for s in surnames() if len(s) == 2)
    return tuple(s for s, _f in singles), tuple(cum), compounds


@cache
def _given_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Faker zh_CN given names (one and two characters) that the name detector can read to the end."""
    from faker.providers.person.zh_CN import Provider

    from pipl_guard.detect.person_name import _given_ok

    names = [g for g in Provider.first_names if _given_ok(g, 0, len(g))]
    return tuple(g for g in names if len(g) == 1), tuple(g for g in names if len(g) == 2)


@cache
def _counties() -> tuple[str, ...]:
    """Current county-level codes whose full name reads province, city, county."""
    out = []
    for code in regions.county_codes():
        reg = regions.lookup(code)
        if reg is None or reg.county in (None, "市辖区") or reg.prefecture is None or "區" in reg.county:
            continue
        if "直辖" in reg.prefecture or not any(h[2] is None for h in reg.history):
            continue
        out.append(code)
    return tuple(out)


@cache
def _ethnic() -> tuple[tuple[str, ...], tuple[float, ...]]:
    from pipl_guard.detect.ethnicity import groups

    names = tuple(g[1] for g in groups())
    # about 91% of the population is Han (2020 census); the other groups share the rest
    weights = tuple(91.0 if g[0] == "01" else 9.0 / 55 for g in groups())
    cum: list[float] = []
    t = 0.0
    for w in weights:
        t += w
        cum.append(t)
    return names, tuple(cum)


# --- identifiers --------------------------------------------------------------------------------------


def _region_codes(region: str | None) -> tuple[str, ...]:
    codes = _counties()
    if region is None:
        return codes
    if region.isdigit():
        prefix = region.rstrip("0") if len(region) == 6 else region
        if len(region) == 6 and regions.is_assigned(region) and not region.endswith("00"):
            return (region,)
        picked = tuple(c for c in codes if c.startswith(prefix[: max(2, len(prefix))]))
    else:
        hits = tu.division_names().get(region, ())
        prefixes = tuple(c[: 2 * lvl] for c, lvl in hits)
        picked = tuple(c for c in codes if c.startswith(prefixes)) if prefixes else ()
    if not picked:
        raise InputError("region: no GB/T 2260 county matches")
    return picked


def _birth_date(
    rng: random.Random,
    born_between: tuple[dt.date, dt.date] | None,
    minor: bool | None,
    today: dt.date,
) -> dt.date:
    if born_between is not None:
        lo, hi = born_between
    elif minor is True:
        lo = dt.date(today.year - MINOR_AGE, today.month, 1) + dt.timedelta(days=31)
        hi = today
    elif minor is False:
        lo, hi = dt.date(1940, 1, 1), dt.date(today.year - MINOR_AGE - 1, 1, 1)
    else:
        lo, hi = dt.date(1940, 1, 1), today
    if hi > today:
        hi = today
    if lo > hi:
        raise InputError("born_between: empty or future range")
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def resident_id(
    rng: random.Random,
    region: str | None = None,
    born_between: tuple[dt.date, dt.date] | None = None,
    minor: bool | None = None,
    *,
    gender: Literal["male", "female"] | None = None,
    today: dt.date | None = None,
) -> str:
    """A valid 18-digit resident ID (GB 11643): real county code, real birth date, MOD 11-2 check.

    ``region``: a code or code prefix (``"44"``, ``"4403"``, ``"440305"``) or a division name (``"广东省"``).
    ``minor=True`` gives someone under 14 today; ``minor=False`` someone 14 or older.
    """
    on = today or dt.date.today()
    code = rng.choice(_region_codes(region))
    birth = _birth_date(rng, born_between, minor, on)
    seq = rng.randrange(1000)
    if gender is not None:
        seq = seq - seq % 2 + (1 if gender == "male" else 0)
    body = f"{code}{birth:%Y%m%d}{seq:03d}"
    return body + check_character(body)


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number on an allocated prefix."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def format_mobile(rng: random.Random, number: str) -> str:
    """One of the ways people write a mobile: plain, +86, grouped with spaces or dashes, full-width."""
    style = rng.randrange(6)
    if style == 0:
        return number
    if style == 1:
        return f"+86 {number[:3]}-{number[3:7]}-{number[7:]}"
    if style == 2:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if style == 3:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if style == 4:
        return "+86" + number
    return number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def bank_card(rng: random.Random) -> str:
    """A Luhn-valid UnionPay card number (16-19 digits) on a large bank's BIN."""
    length = rng.choice((16, 16, 19, 19, 17, 18))
    body = rng.choice(_CARD_BINS) + "".join(str(rng.randrange(10)) for _ in range(length - 7))
    return body + luhn.calc_check_digit(body)


def _org_code(rng: random.Random) -> str:
    body = "".join(str(rng.randrange(10)) for _ in range(8))
    c = 11 - sum(int(d) * w for d, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return body + ("X" if c == 10 else "0" if c == 11 else str(c))


def uscc(rng: random.Random) -> str:
    """A valid unified social credit code (GB 32100): known authority/type, real division, check char."""
    from stdnum.cn.uscc import calc_check_digit

    from pipl_guard.detect.uscc import authorities

    auth_code = rng.choice(sorted(authorities()))
    type_code = rng.choice(sorted(authorities()[auth_code]["types"]))
    code = rng.choice(_counties())
    body = f"{auth_code}{type_code}{code}{_org_code(rng)}"
    return body + calc_check_digit(body)


def name(rng: random.Random, *, compound_share: float = 0.03) -> str:
    """A Chinese name: surname by Faker zh_CN frequency (compound surnames at ``compound_share``) + given name."""
    singles, cum, compounds = _surname_table()
    one, two = _given_names()
    if rng.random() < compound_share:
        surname = rng.choice(compounds)
    else:
        surname = rng.choices(singles, cum_weights=cum, k=1)[0]
    return surname + (rng.choice(two) if rng.random() < 0.65 else rng.choice(one))


def address(rng: random.Random, *, region: str | None = None) -> str:
    """A postal address: real province/city/county (GB/T 2260) + road + number, often building/unit/room."""
    voc = _vocab()
    reg = regions.lookup(rng.choice(_region_codes(region)))
    assert reg is not None
    parts = [reg.name]
    if rng.random() < 0.4:
        parts.append(rng.choice(voc["estate_words"]) + rng.choice(voc["estate_suffixes"]))
    parts.append(rng.choice(voc["street_words"]) + rng.choice(voc["road_suffixes"]))
    parts.append(f"{rng.randrange(1, 999)}号")
    r = rng.random()
    if r < 0.35:
        parts.append(
            f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室"
        )
    elif r < 0.55:
        parts.append(f"{rng.randrange(1, 20)}号楼{rng.randrange(1, 25)}{rng.randrange(1, 9):02d}室")
    return "".join(parts)


_EMAIL_DOMAINS = ("163.com", "126.com", "sina.com", "foxmail.com", "example.com", "example.cn", "outlook.com")
_AREA_CODES = (
    "010",
    "020",
    "021",
    "022",
    "023",
    "024",
    "025",
    "027",
    "028",
    "029",
    "0755",
    "0571",
    "0512",
    "0731",
    "0591",
    "0371",
    "0531",
    "0532",
    "0871",
    "0851",
)
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"


def email(rng: random.Random) -> str:
    """An e-mail address with a pinyin-like local part (no all-digit QQ-style parts)."""
    from pipl_guard.detect.person_name import surnames

    readings = [r[0] for _f, r in surnames().values()]
    local = rng.choice(readings) + rng.choice(("", ".", "_")) + rng.choice(readings) + str(rng.randrange(100))
    return f"{local}@{rng.choice(_EMAIL_DOMAINS)}"


def landline(rng: random.Random) -> str:
    """A fixed-line number with a real area code, written ``010-62345678`` (these cities dial 8 digits)."""
    return f"{rng.choice(_AREA_CODES)}-{rng.randrange(2, 9)}{rng.randrange(10**7):07d}"


def passport(rng: random.Random) -> str:
    """A PRC passport number: E + 8 digits, or E + letter + 7 digits."""
    if rng.random() < 0.5:
        return f"E{rng.randrange(10**8):08d}"
    return f"E{rng.choice(_PLATE_LETTERS)}{rng.randrange(10**7):07d}"


def license_plate(rng: random.Random) -> str:
    """A motor-vehicle plate: province + letter + 5 characters; new-energy plates with D/F + 5 digits."""
    head = rng.choice(_PLATE_PROVINCES) + rng.choice(_PLATE_LETTERS)
    if rng.random() < 0.25:
        return head + rng.choice("DF") + f"{rng.randrange(10**5):05d}"
    return head + f"{rng.randrange(10**5):05d}"


def ipv4(rng: random.Random) -> str:
    return f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def birth_date_text(rng: random.Random, birth: dt.date) -> str:
    """A birth date as people write it: 1990年1月2日, 1990-01-02, 1990/1/2, 1990.01.02, 19900102."""
    style = rng.randrange(5)
    if style == 0:
        return f"{birth.year}年{birth.month}月{birth.day}日"
    if style == 1:
        return birth.isoformat()
    if style == 2:
        return f"{birth.year}/{birth.month}/{birth.day}"
    if style == 3:
        return f"{birth:%Y.%m.%d}"
    return f"{birth:%Y%m%d}"


def ethnicity(rng: random.Random) -> str:
    names, cum = _ethnic()
    return rng.choices(names, cum_weights=cum, k=1)[0]


def photo_url(rng: random.Random, key: str = "") -> str:
    digest = hashlib.sha256(f"{key}{rng.random()}".encode()).hexdigest()[:24]
    return f"https://zp.example.gov.cn/photo/{digest[:2]}/{digest}.jpg"


# --- labelled text ------------------------------------------------------------------------------------


def _bad_id(rng: random.Random) -> str:
    """A resident ID with a wrong check digit that no other detector reads either (e.g. as a Luhn card)."""
    from pipl_guard.detect import bank_card

    while True:
        good = resident_id(rng)
        wrong = rng.choice([c for c in "0123456789X" if c != good[-1]])
        bad = good[:17] + wrong
        if not bank_card.is_valid(bad):
            return bad


def _decoy(rng: random.Random) -> str:
    tpl: str = rng.choice(_vocab()["decoys"])
    if "{n18}" in tpl:
        # order numbers start with a date: year 20xx is not a province code, and 20… is no card BIN
        tpl = tpl.replace("{n18}", f"20{rng.randrange(10**16):016d}")
    if "{n17}" in tpl:
        tpl = tpl.replace("{n17}", f"20{rng.randrange(10**15):015d}")
    if "{amount}" in tpl:
        tpl = tpl.replace("{amount}", f"{rng.randrange(1, 100000):,}.{rng.randrange(100):02d}")
    if "{badid}" in tpl:
        tpl = tpl.replace("{badid}", _bad_id(rng))
    if "{date}" in tpl:
        tpl = tpl.replace(
            "{date}", f"20{rng.randrange(10, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        )
    return tpl


def _value(rng: random.Random, entity: str) -> str:
    if entity == "CN_RESIDENT_ID":
        return resident_id(rng)
    if entity == "CN_MOBILE":
        return format_mobile(rng, mobile(rng))
    if entity == "BANK_CARD":
        card = bank_card(rng)
        if len(card) == 16 and rng.random() < 0.3:
            return " ".join(card[i : i + 4] for i in range(0, 16, 4))
        return card
    if entity == "CN_USCC":
        return uscc(rng)
    if entity == "PERSON_NAME":
        return name(rng)
    if entity == "ADDRESS":
        return address(rng)
    if entity == "DATE_OF_BIRTH":
        return birth_date_text(rng, _birth_date(rng, None, None, dt.date.today()))
    if entity == "ETHNICITY":
        return ethnicity(rng)
    if entity == "EMAIL":
        return email(rng)
    if entity == "CN_LANDLINE":
        return landline(rng)
    if entity == "CN_PASSPORT":
        return passport(rng)
    if entity == "CN_LICENSE_PLATE":
        return license_plate(rng)
    if entity == "IP_ADDRESS":
        return ipv4(rng)
    if entity == "GENDER":
        return rng.choice(("男", "女"))
    if entity == "RELIGION":
        return rng.choice(("佛教", "道教", "伊斯兰教", "天主教", "基督教"))
    if entity == "HEALTH":
        from pipl_guard.detect.health import diseases

        return rng.choice([d for d in diseases() if not d.isascii()])
    raise InputError(f"synth: no generator for entity {entity}")


#: relative frequency of each entity in generated prose (identifier shares follow research/engine.md's corpus)
TEXT_MIX: dict[str, int] = {
    "EMAIL": 3,
    "CN_LANDLINE": 1,
    "CN_PASSPORT": 1,
    "CN_LICENSE_PLATE": 1,
    "IP_ADDRESS": 1,
    "CN_RESIDENT_ID": 5,
    "CN_MOBILE": 7,
    "BANK_CARD": 3,
    "CN_USCC": 1,
    "PERSON_NAME": 6,
    "ADDRESS": 4,
    "DATE_OF_BIRTH": 2,
    "ETHNICITY": 1,
    "GENDER": 1,
    "RELIGION": 1,
    "HEALTH": 1,
}


def text_with_pi(
    rng: random.Random, n_chars: int, *, mix: Mapping[str, int] | None = None
) -> tuple[str, list[LabeledSpan]]:
    """Chinese prose of about ``n_chars`` characters with labelled PI, about one item per 100 characters.

    Returns the text and its true ``(entity, start, end)`` spans. Decoys that must *not* be found are
    mixed in: 18-digit order numbers, 17-digit timestamps, amounts, dates and resident IDs with a wrong
    check digit.
    """
    voc = _vocab()
    templates: dict[str, list[str]] = voc["templates"]
    filler: list[str] = voc["filler"]
    weights = mix or TEXT_MIX
    entities = [e for e in weights if weights[e] > 0]
    cum: list[int] = []
    t = 0
    for e in entities:
        t += weights[e]
        cum.append(t)
    parts: list[str] = []
    spans: list[LabeledSpan] = []
    pos = 0
    while pos < n_chars:
        for _ in range(rng.randrange(3, 8)):
            s = rng.choice(filler)
            parts.append(s)
            pos += len(s)
        if rng.random() < 0.3:
            s = _decoy(rng)
            parts.append(s)
            pos += len(s)
        entity = rng.choices(entities, cum_weights=cum, k=1)[0]
        tpl = rng.choice(templates[entity])
        value = _value(rng, entity)
        before, after = tpl.split("{v}", 1)
        start = pos + len(before)
        spans.append((entity, start, start + len(value)))
        s = before + value + after
        parts.append(s)
        pos += len(s)
    return "".join(parts), spans


# --- leak-shaped records ------------------------------------------------------------------------------


def leak_record(
    rng: random.Random, schema: Schema = "pinyin", *, today: dt.date | None = None
) -> dict[str, str]:
    """One record shaped like the 2022 police-database leak (consistent ID, birth date and gender)."""
    try:
        keys = LEAK_FIELDS[schema]
    except KeyError:
        raise InputError(f"schema must be one of {', '.join(LEAK_FIELDS)}") from None
    on = today or dt.date.today()
    male = rng.random() < 0.51
    rid = resident_id(rng, gender="male" if male else "female", today=on)
    birth = dt.date(int(rid[6:10]), int(rid[10:12]), int(rid[12:14]))
    reg = regions.lookup(rid[:6])
    addr = address(rng, region=rid[:6]) if reg is not None else address(rng)
    if schema == "english":
        gender_value = "male" if male else "female"
        birth_value = birth.isoformat()
    elif schema == "chinese":
        gender_value = "男" if male else "女"
        birth_value = birth.isoformat()
    else:
        gender_value = "男" if male else "女"
        birth_value = f"{birth:%Y%m%d}"
    return {
        keys["name"]: name(rng),
        keys["id"]: rid,
        keys["mobile"]: mobile(rng),
        keys["address"]: addr,
        keys["birth"]: birth_value,
        keys["ethnicity"]: ethnicity(rng),
        keys["gender"]: gender_value,
        keys["photo"]: photo_url(rng, rid[-4:]),
    }


def iter_leak_records(rng: random.Random, n: int, schema: Schema = "pinyin") -> Iterator[dict[str, str]]:
    for _ in range(n):
        yield leak_record(rng, schema)


def leak_records(rng: random.Random, n: int, schema: Schema = "pinyin") -> list[dict[str, str]]:
    """``n`` leak-shaped records under pinyin-initial, Chinese or English field names."""
    return list(iter_leak_records(rng, n, schema))


def write_jsonl(path: str | Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write records as JSON lines (UTF-8, Chinese kept readable); returns the count."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            n += 1
    return n


def write_csv(path: str | Path, records: Iterable[Mapping[str, Any]]) -> int:
    """Write records as CSV with a header from the first record; returns the count."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer: csv.DictWriter[str] | None = None
        for rec in records:
            if writer is None:
                writer = csv.DictWriter(fh, fieldnames=list(rec))
                writer.writeheader()
            writer.writerow(rec)
            n += 1
    return n

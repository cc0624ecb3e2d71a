import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import foreigner_pr_id as pr
from pipl_guard.detect import regions, resident_id

FW = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)
FILLER = "我的是请在这里用了和也都会把给对从就"
NEW = "911398199012310021"  # 2023 layout: 9, Beijing (11), Kazakhstan (398), 1990-12-31, seq 002, check 1
OLD = "KAZ110090123105"  # 2017 layout: KAZ, 1100, 901231, seq 0, ICAO check 5
PROVINCES = sorted({c[:2] for c in regions.all_codes() if c.endswith("0000")})
COUNTRIES = sorted(pr._countries()[0].values())


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "FOREIGNER_PR_ID"]


def make_new(province: str, country: pr.Country, birth: dt.date, seq: int) -> str:
    body = f"9{province}{country.numeric}{birth:%Y%m%d}{seq:03d}"
    return body + resident_id.check_character(body)


def make_old(country: pr.Country, city: str, birth: dt.date, seq: int) -> str:
    body = f"{country.alpha3}{city}{birth:%y%m%d}{seq}"
    return body + pr.icao_check_digit(body)


births = st.dates(dt.date(1930, 1, 1), dt.date.today() - dt.timedelta(days=1))
new_ids = st.builds(
    make_new, st.sampled_from(PROVINCES), st.sampled_from(COUNTRIES), births, st.integers(0, 999)
)
old_ids = st.builds(
    make_old,
    st.sampled_from(COUNTRIES),
    st.sampled_from(sorted({c[:4] for c in regions.all_codes() if c.endswith("00") and c[2:4] != "00"})),
    births,
    st.integers(0, 9),
)


def test_constructed_examples_parse():
    assert pr.is_valid(NEW) and pr.is_valid(OLD)
    new = pr.parse(NEW)
    assert new == {
        "card": "2023",
        "nationality": "KAZ",
        "nationality_name": "哈萨克斯坦",
        "province": "北京市",
        "birth_date": dt.date(1990, 12, 31),
        "gender": "female",
    }
    old = pr.parse(OLD)
    assert (old["card"], old["nationality"], old["birth_date"], old["gender"]) == (
        "2017",
        "KAZ",
        dt.date(1990, 12, 31),
        "female",
    )


def test_new_card_shares_the_resident_id_check():
    assert NEW[17] == resident_id.check_character(NEW[:17])


@pytest.mark.parametrize(
    "value",
    [
        "911398199012310022",  # check digit
        "911398199002310020",  # 31 Feb (check recomputed below)
        "811398199012310021",  # not a foreigner's number (first digit 8)
        "KAA110090123105",  # no such alpha-3 code
        "KAZ110090023105",  # month 00
        "KAZ11009012310",  # 14 characters
    ],
)
def test_invalid(value):
    if value.startswith("9113981990023"):
        value = value[:17] + resident_id.check_character(value[:17])
    assert not pr.is_valid(value)
    assert found(f"永久居留身份证{value}") == []


def test_future_birth_is_rejected():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    value = make_new("11", pr.country_by_alpha3("USA"), tomorrow, 1)
    assert not pr.is_valid(value)


def test_old_card_with_unconfirmed_check_still_passes_with_lower_score():
    other = OLD[:14] + "7"
    assert pr.is_valid(other)
    (f,) = [f for f in pg.scan_text(f"号码{other}") if f.entity == "FOREIGNER_PR_ID"]
    assert f.score < next(g for g in pg.scan_text(f"号码{OLD}") if g.entity == "FOREIGNER_PR_ID").score


@pytest.mark.parametrize("written", [NEW, OLD, NEW.translate(FW), OLD.translate(FW)])
def test_written_forms(written):
    text = f"外国人永久居留身份证：{written}。"
    assert found(text) == [(11, 11 + len(written))]


def test_inside_longer_run_or_token_not_found():
    assert found(f"编号1{NEW}") == []
    assert found(f"编号{NEW}5") == []
    assert found(f"编号X{OLD}") == []
    assert found(f"编号{OLD}1") == []


@pytest.mark.parametrize("decoy", ["订单号902311221530451234", "流水号920231122153045123X"])
def test_decoys(decoy):
    assert found(decoy) == []


@given(
    st.one_of(new_ids, old_ids),
    st.text(alphabet=FILLER, max_size=10),
    st.text(alphabet=FILLER, max_size=10),
    st.booleans(),
)
def test_generated_ids_found(number, before, after, fullwidth):
    written = number.translate(FW) if fullwidth else number
    text = before + written + after
    assert pr.is_valid(written)
    assert found(text) == [(len(before), len(before) + len(written))]


@given(new_ids, st.data())
def test_single_digit_corruption_of_new_card_is_rejected(number, data):
    i = data.draw(st.integers(1, 17), label="position")
    d = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[i] and (i == 17 or c != "X")]))
    bad = number[:i] + d + number[i + 1 :]
    assert not pr.is_valid(bad)
    assert found(f"永居证{bad}") == []


def test_adversarial_megabyte_returns():
    for text in ("9" * 1_000_000, "KAZ" * 333_333, "KAZ110090123105" * 66_000):
        assert isinstance(pr.find(text), list)


@given(new_ids, st.sampled_from("0123456789"), st.booleans())
def test_never_found_inside_a_longer_digit_run(number, extra, before):
    glued = extra + number if before else number + extra
    assert found(f"永居证{glued}") == []

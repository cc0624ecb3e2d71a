from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.detect import geo

FW = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
FILLER = "我的是请在这里用了和也都会把给对从就"


def found(text: str) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pg.scan_text(text) if f.entity == "GEO_COORDINATE"]


def found_text(text: str) -> list[str]:
    return [text[s:e] for s, e in found(text)]


@pytest.mark.parametrize(
    ("text", "expected", "lat", "lng"),
    [
        ("定位 lat=39.9042, lng=116.4074 完", "39.9042, lng=116.4074", 39.9042, 116.4074),
        ('{"latitude": 31.2304, "longitude": 121.4737}', '31.2304, "longitude": 121.4737', 31.2304, 121.4737),
        ("纬度：22.5431 经度：114.0579", "22.5431 经度：114.0579", 22.5431, 114.0579),
        ("lng=116.4074&lat=39.9042", "116.4074&lat=39.9042", 39.9042, 116.4074),
        ("他在北纬39.9042°，东经116.4074°附近", "北纬39.9042°，东经116.4074°", 39.9042, 116.4074),
        ("位于39°54′15″N 116°24′27″E。", "39°54′15″N 116°24′27″E", 39.9041667, 116.4075),
        ("N39.9042° E116.4074°", "N39.9042° E116.4074°", 39.9042, 116.4074),
        ("南纬33.8688度，东经151.2093度", "南纬33.8688度，东经151.2093度", -33.8688, 151.2093),
    ],
)
def test_unambiguous_forms_found_without_context(text, expected, lat, lng):
    (f,) = [f for f in pg.scan_text(text) if f.entity == "GEO_COORDINATE"]
    assert f.text == expected
    assert f.attributes == {"latitude": lat, "longitude": lng}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当前坐标：39.9042, 116.4074", "39.9042, 116.4074"),
        ("GPS 116.4074,39.9042", "116.4074,39.9042"),
        ("位置 -33.8688 151.2093", "-33.8688 151.2093"),
    ],
)
def test_bare_pairs_need_context(text, expected):
    assert found_text(text) == [expected]
    bare = "数值" + expected
    assert found(bare) == []


def test_longitude_first_is_oriented():
    assert geo.parse("116.4074,39.9042") == {"latitude": 39.9042, "longitude": 116.4074}
    assert geo.format("116.4074,39.9042") == "39.9042, 116.4074"


@pytest.mark.parametrize(
    "text",
    [
        "坐标 95.1234, 200.5678",  # both out of range
        "坐标 0.000, 0.000",  # null island
        "坐标39.9042116.4074",  # no separator
        "位置 1.2.3.4",
        "版本 v1.234 2.345",
        "坐标 北纬95.5°，东经116.4°",
        "价格 12.5, 13.7",  # one decimal place
    ],
)
def test_not_coordinates(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "decoy", ["金额12.500, 13.750元", "订单202311221530451234", "时间12:30:45", "北纬30度线"]
)
def test_decoys(decoy):
    assert found(decoy) == []


def test_single_precise_hemisphere_value_needs_context():
    assert found("北纬39.9042°") == []
    assert found_text("纬度在北纬39.9042°") == ["北纬39.9042°"]


def test_full_width_keeps_offsets():
    written = "39.9042, 116.4074".translate(FW)
    text = f"坐标{written}。"
    assert found(text) == [(2, 2 + len(written))]


def test_is_valid():
    assert geo.is_valid("39.9042, 116.4074")
    assert geo.is_valid("北纬39.9042°，东经116.4074°")
    assert geo.is_valid("lat=39.9042, lng=116.4074")
    assert not geo.is_valid("39.9042")
    assert not geo.is_valid("95.1234, 116.4074")


lats = st.decimals(-90, 90, places=4).filter(lambda d: d != 0)
lngs = st.builds(
    lambda d, west: -d if west else d, st.decimals(Decimal("90.0001"), 180, places=4), st.booleans()
)


@given(
    lats,
    lngs,
    st.sampled_from(["{a}, {o}", "lat={a}&lng={o}", "纬度：{a} 经度：{o}"]),
    st.text(alphabet=FILLER, max_size=10),
    st.text(alphabet=FILLER, max_size=10),
)
def test_generated_pairs_found(lat, lng, form, before, after):
    written = form.format(a=lat, o=lng)
    context = "坐标" if form.startswith("{a}") else ""
    text = before + context + written + after
    (f,) = [f for f in pg.scan_text(text) if f.entity == "GEO_COORDINATE"]
    assert f.attributes == {"latitude": float(lat), "longitude": float(lng)}
    assert text[f.start : f.end] == f.text
    assert f.end == len(before) + len(context) + len(written)


@given(st.decimals(0, 89, places=4), st.decimals(91, 179, places=4), st.text(alphabet=FILLER, max_size=8))
def test_generated_hemisphere_pairs_found(lat, lng, before):
    written = f"北纬{lat}°，东经{lng}°"
    text = before + written + "。"
    assert found(text) == [(len(before), len(before) + len(written))]


def test_adversarial_megabyte_returns():
    for text in (
        "1." * 500_000,
        "1.1 " * 250_000,
        "1." + "1" * 1_000_000,
        "lat=" * 250_000,
        "北纬1" * 330_000,
        "1°" * 500_000,
        "1° 1'" * 200_000,
        "39.9042, " * 110_000,
    ):
        assert isinstance(geo.find(text), list)

"""Spark local mode: executors give the same values as ``frames`` and keys never show in the plan."""

from __future__ import annotations

import contextlib
import io as _io
import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

import pipl_guard as pg
from pipl_guard import frames
from pipl_guard import spark as pgs
from pipl_guard.errors import InputError

KEY_BYTES = bytes(range(100, 132))
KEY = pg.Key(KEY_BYTES, id="spark-test")


pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


@pytest.fixture(scope="module")
def session() -> Iterator[Any]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("a Java runtime is required for the Spark tests (.ci/java.sh installs one)")
    from pyspark.sql import SparkSession

    # executors must run this interpreter (the one with pipl_guard and pyarrow), not the first python3 on PATH
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("pipl_guard-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


def _rows() -> list[dict[str, Any]]:
    rows = []
    for i in range(300):
        rows.append({
            "xm": ["张伟", "欧阳娜娜", "李娜", None][i % 4],
            "sfzh": ["11010519491231002X", "110105194912310021", "n/a", None, ""][i % 5],
            "sjhm": f"13{i % 10}{i:08d}" if i % 3 else f"13{i % 10} {i:04d} 5678",
            "bz": ["送货上门", f"电话139{i:08d}", "身份证号11010519491231002X", None][i % 4],
            "n": i,
        })
    return rows


DEID = pg.Deidentifier(
    {"CN_MOBILE": pg.ops.Mask(keep_first=3, keep_last=4), "CN_RESIDENT_ID": pg.ops.Hash(KEY, "hmac-sha256")},
    fields={"sjhm": pg.ops.Mask(keep_first=3, keep_last=4), "sfzh": pg.ops.Hash(KEY)},
)


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: r["n"])


def test_deidentify_equals_frames(session: Any) -> None:
    table = pa.Table.from_pylist(_rows())
    sdf = session.createDataFrame(table.to_pandas()).repartition(3)
    out = pgs.deidentify(sdf, DEID)
    got = _sorted([r.asDict() for r in out.collect()])
    expected = _sorted(frames.deidentify(table, DEID).to_pylist())
    assert got == expected
    assert expected == _sorted([DEID.record(r) for r in table.to_pylist()])


def test_default_masks_equal_frames(session: Any) -> None:
    table = pa.Table.from_pylist(_rows())
    deid = pg.Deidentifier({}, default=pg.ops.Mask())
    got = _sorted([r.asDict() for r in pgs.deidentify(session.createDataFrame(table.to_pandas()), deid).collect()])
    assert got == _sorted(frames.deidentify(table, deid).to_pylist())


def test_key_never_in_the_plan(session: Any) -> None:
    sdf = session.createDataFrame(pa.Table.from_pylist(_rows()).to_pandas())
    out = pgs.deidentify(sdf, DEID)
    buf = _io.StringIO()
    with contextlib.redirect_stdout(buf):
        out.explain(mode="extended")
    plan = buf.getvalue()
    assert "MapInArrow" in plan
    for form in (KEY_BYTES.hex(), KEY_BYTES.hex().upper(), repr(KEY_BYTES)):
        assert form not in plan
    assert repr(KEY) == "Key(id='spark-test')" and KEY_BYTES.hex() not in repr(DEID)


def test_profile_equals_frames(session: Any) -> None:
    table = pa.Table.from_pylist(_rows())
    sdf = session.createDataFrame(table.to_pandas()).repartition(4)
    got = pgs.profile(sdf).model_dump(exclude={"as_of"})
    expected = frames.profile(table).model_dump(exclude={"as_of"})
    # partitions finish in any order: compare field maps as maps, counts as counts
    assert got == expected
    sampled = pgs.profile(sdf, sample=50)
    assert sampled.records == 50 and sampled.sampled


def test_rejects_non_spark_frames() -> None:
    with pytest.raises(InputError):
        pgs.deidentify(pa.table({"a": [1]}), DEID)
    with pytest.raises(InputError):
        pgs.profile(pa.table({"a": [1]}))

"""PySpark: ``profile`` and ``deidentify`` inside the executors, on Arrow batches (``mapInArrow``).

The executors run exactly the code of :mod:`pipl_guard.frames` on each Arrow record batch, so a Spark
job gives the values ``frames.deidentify`` gives on the same rows (and so ``deid.record`` on each row).

Keys: the ``Deidentifier`` (with its keys) is pickled once and shipped as a Spark *broadcast*; the query
plan holds only the broadcast's id, and a ``Key``'s ``repr`` shows only its id, so neither
``explain()`` nor the logs show key material. On Spark Connect (no ``SparkContext``) the pickled
Deidentifier travels inside the serialized function instead, which the plan shows as an opaque
``<lambda>``.

Example (needs a SparkSession; tested in ``tests/data/test_spark.py``)::

    from pipl_guard import spark as pgs
    out = pgs.deidentify(sdf, deid)
    prof = pgs.profile(sdf, sample=1_000_000)
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pipl_guard.errors import InputError, type_name

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from pipl_guard.record import Profile
    from pipl_guard.transform.deidentifier import Deidentifier

__all__ = ["deidentify", "profile"]


def _check_sdf(sdf: Any) -> None:
    mod = type(sdf).__module__
    if not (mod.startswith("pyspark.sql") and type(sdf).__name__ == "DataFrame"):
        raise InputError(f"expected a pyspark.sql.DataFrame, got {type_name(sdf)}")


class _Shipped:
    """The pickled object, through a broadcast when a SparkContext exists (classic Spark)."""

    def __init__(self, sdf: Any, obj: object) -> None:
        from pipl_guard.transform.keys import shipping_keys

        # the one place keys are allowed into a pickle: the broadcast the executors need
        with shipping_keys():
            payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        self._bc: Any = None
        self._payload: bytes | None = None
        try:
            sc = sdf.sparkSession.sparkContext
        except Exception:  # Spark Connect has no SparkContext
            sc = None
        if sc is not None:
            self._bc = sc.broadcast(payload)
        else:
            self._payload = payload

    def value(self) -> Any:
        payload: bytes = self._bc.value if self._bc is not None else (self._payload or b"")
        return pickle.loads(payload)


def _spark_schema(arrow_schema: pa.Schema) -> Any:
    """Spark schema of an Arrow schema (via pyspark's own converter)."""
    try:
        from pyspark.sql.pandas.types import from_arrow_schema
    except ImportError:  # pragma: no cover - very old pyspark
        raise InputError("pyspark >= 3.5 is required") from None
    return from_arrow_schema(arrow_schema)


def _arrow_schema(sdf: Any) -> pa.Schema:
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(sdf.schema)


def deidentify(sdf: Any, deid: Deidentifier) -> Any:
    """A Spark DataFrame with ``deid`` applied to every row, computed in the executors.

    Same values as ``frames.deidentify`` on the same rows; string columns stay strings, columns that
    ``frames`` turns into strings (a PI-named numeric column) are declared as strings.
    """
    from pipl_guard import frames

    _check_sdf(sdf)
    if not hasattr(deid, "record"):
        raise InputError(f"deid must be a Deidentifier, got {type_name(deid)}")
    in_schema = _arrow_schema(sdf)
    out_arrow = frames.output_schema(in_schema, deid)
    # Spark maps its StringType to Arrow string; keep the declared type in that family
    out_spark = _spark_schema(out_arrow)
    shipped = _Shipped(sdf, deid)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        from pipl_guard.frames import deidentify_table

        d = shipped.value()
        for batch in batches:
            table = deidentify_table(pa.Table.from_batches([batch]), d)
            yield from table.to_batches()

    return sdf.mapInArrow(run, out_spark)


def profile(sdf: Any, *, sample: int | None = None) -> Profile:
    """Profile a Spark DataFrame: each partition profiles its rows, the driver merges the partial results.

    ``sample`` profiles only about ``sample`` rows: the first rows of the DataFrame (``limit``).
    """
    _check_sdf(sdf)
    if sample is not None and (not isinstance(sample, int) or isinstance(sample, bool) or sample < 1):
        raise InputError("sample must be a positive integer")
    from pyspark.sql.types import BinaryType, StructField, StructType

    source = sdf.limit(sample) if sample is not None else sdf

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        from pipl_guard.frames import profile_batches

        prof = profile_batches(batches)
        # a partial profile holds counts and digests of resident IDs, never values
        yield pa.RecordBatch.from_arrays([pa.array([pickle.dumps(prof)], pa.binary())], names=["profiler"])

    schema = StructType([StructField("profiler", BinaryType(), False)])
    partials = source.mapInArrow(run, schema).collect()
    from pipl_guard.record import Profiler

    total = Profiler()
    for row in partials:
        total.merge(pickle.loads(row["profiler"]))
    if sample is not None:
        total.sampled = total.records >= sample
    return total.result()

"""Reading a file larger than a memory cap: the reader must stream, not load."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

import pytest

from pipl_guard import io

#: Python heap the reader may use while streaming (the file is several times larger)
MEMORY_CAP = 4 * 1024 * 1024
FILE_SIZE = int(3.5 * MEMORY_CAP)


def _records():
    i = 0
    while True:
        yield {"姓名": "张三", "sfzh": "11010519491231002X", "手机": f"138{i % 10**8:08d}", "备注": "送货上门" * 8, "i": i}
        i += 1


def _generate(path: Path, fmt: str) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        if fmt == "json":
            fh.write("[\n")
        if fmt == "csv":
            fh.write("姓名,sfzh,手机,备注,i\n")
        for n, rec in enumerate(_records(), 1):
            if fmt == "csv":
                fh.write(",".join(str(v) for v in rec.values()) + "\n")
            else:
                fh.write(("," if fmt == "json" and n > 1 else "") + json.dumps(rec, ensure_ascii=False) + "\n")
            if n % 1000 == 0 and fh.tell() > FILE_SIZE:
                break
        if fmt == "json":
            fh.write("]\n")
    return n


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_reading_a_file_larger_than_the_memory_cap(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"big.{fmt}"
    expected = _generate(path, fmt)
    assert os.path.getsize(path) > 3 * MEMORY_CAP
    tracemalloc.start()
    try:
        count = 0
        last = None
        for rec in io.read(path):
            count += 1
            last = rec
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == expected
    assert last is not None and str(last["i"]) == str(expected - 1)
    assert peak < MEMORY_CAP, f"peak Python heap {peak / 1e6:.1f} MB while reading {os.path.getsize(path) / 1e6:.1f} MB"

"""Stream records from and to CSV, JSON (array), JSONL and Parquet files, or stdin/stdout with ``-``.

Memory stays constant whatever the file size: text is read line by line (JSON arrays element by
element), Parquet batch by batch. Bad input raises :class:`~pipl_guard.errors.InputError` naming the
file and the line or row, never the content; ``on_error="skip"`` skips bad rows and counts them.

>>> import tempfile, os
>>> from pipl_guard import io
>>> path = os.path.join(tempfile.mkdtemp(), "people.jsonl")
>>> io.write(path, [{"姓名": "张三", "手机": "13812345678"}])
1
>>> list(io.read(path))
[{'姓名': '张三', '手机': '13812345678'}]
"""

from __future__ import annotations

from pipl_guard.io.formats import FORMATS, detect_format
from pipl_guard.io.reader import RecordReader, read
from pipl_guard.io.writer import OutputExistsError, write

__all__ = ["FORMATS", "OutputExistsError", "RecordReader", "detect_format", "read", "write"]

"""Quickstart: scan a Chinese paragraph and a leak-shaped record, print what was found (masked).

Run: python examples/quickstart.py
"""

from __future__ import annotations

import pipl_guard as pg

PARAGRAPH = (
    "联系人：欧阳娜娜，手机１３８１２３４５６７８，身份证号11010519491231002X，"
    "住北京市海淀区中关村大街27号。订单号202311221530451234不是身份证号。"
)

# Shaped like the rows of the 2022 leak: pinyin-initial column names of a government system.
RECORD = {
    "xm": "张伟",
    "gmsfhm": "11010519491231002X",
    "sjhm": "+86 139-1234-5678",
    "hjdz": "广东省深圳市南山区科技园路1号3栋502室",
    "csrq": "1949-12-31",
    "mz": "汉族",
    "zp": "https://img.example.cn/zp/0001.jpg",
}


def main() -> None:
    print("== text")
    for f in pg.scan_text(PARAGRAPH):
        print(f"  {f.entity:<16} [{f.start:>3}:{f.end:<3}] score={f.score:.2f}  {f!r}")
    print("== record")
    for f in pg.scan_record(RECORD):
        print(f"  {f.path:<8} {f.entity:<16} score={f.score:.2f}  attributes={sorted(f.attributes)}")
    prof = pg.profile([RECORD])
    print("== profile")
    for path, fp in prof.fields.items():
        print(f"  {path:<8} entity={fp.entity} sensitive={fp.sensitive} share={fp.share:.0%}")
    print(f"  individuals={prof.individuals} minors={prof.minors} categories={prof.sensitive_categories}")


if __name__ == "__main__":
    main()

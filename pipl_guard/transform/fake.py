"""Consistent synthetic values: the same input under the same key always gets the same fake.

A Faker instance (``zh_CN`` by default) is seeded per value with HMAC-SHA256(key-derived, entity ‖ value),
so fakes are stable across runs and processes but unrelated to the input. Unlike pseudonyms, fakes cannot
be reversed. Identifiers with check digits are drawn from the same generators as the pseudonyms (random
index into the valid domain), so they validate.

>>> from pipl_guard.transform.keys import Key
>>> f = Faker(Key(bytes(range(32)), id="demo"))
>>> f.fake("张三", "PERSON_NAME") == f.fake("张三", "PERSON_NAME")
True
>>> from pipl_guard.detect import resident_id
>>> resident_id.is_valid(f.fake("11010519491231002X", "CN_RESIDENT_ID"))
True
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Callable
from typing import Any

from pipl_guard.errors import InputError
from pipl_guard.transform.keys import Key, KeyRing, as_ring

__all__ = ["Faker"]


class Faker:
    __slots__ = ("_faker", "_mac", "locale")

    def __init__(self, key: Key | KeyRing, locale: str = "zh_CN") -> None:
        import faker

        try:
            self._faker = faker.Faker(locale)
        except AttributeError:
            raise InputError(f"fake locale: Faker has no locale {locale!r}") from None
        self.locale = locale
        ring = as_ring(key)
        self._mac = hmac.new(ring.current.derive("fake"), digestmod=hashlib.sha256)

    def _seed(self, value: str, entity: str | None) -> int:
        h = self._mac.copy()
        h.update(f"{entity or ''}\x00{value}".encode())
        return int.from_bytes(h.digest()[:8], "big")

    def fake(self, value: str, entity: str | None = None) -> str:
        if not isinstance(value, str):
            raise InputError(f"fake: expected str, got {type(value).__name__}")
        seed = self._seed(value, entity)
        f = self._faker
        f.seed_instance(seed)
        rnd = random.Random(seed)
        makers: dict[str, Callable[[], Any]] = {
            "PERSON_NAME": f.name,
            "ADDRESS": f.address,
            "EMAIL": f.email,
            "CN_MOBILE": lambda: self._random_mobile(rnd),
            "CN_RESIDENT_ID": lambda: self._random_id(rnd),
            "BANK_CARD": lambda: _with_luhn("62" + _digits(rnd, 16)),
            "CN_LANDLINE": f.phone_number,
            "IP_ADDRESS": f.ipv4,
            "DATE_OF_BIRTH": lambda: f.date_of_birth(minimum_age=18, maximum_age=80).isoformat(),
            "CN_USCC": lambda: self._random_uscc(rnd),
        }
        maker = makers.get(entity or "")
        if maker is not None:
            return str(maker())
        # anything else: a keyed random string of the same shape
        return "".join(
            str(rnd.randrange(10))
            if ch.isdigit()
            else (chr(rnd.randrange(97, 123)) if ch.isalpha() and ch.isascii() else ch)
            for ch in value
        )

    def _random_mobile(self, rnd: random.Random) -> str:
        from pipl_guard.transform.pseudonym import _mobile_blocks

        blocks, starts = _mobile_blocks()
        y = rnd.randrange(starts[-1])
        import bisect

        b = bisect.bisect_right(starts, y) - 1
        return blocks[b] + str(y - starts[b]).zfill(11 - len(blocks[b]))

    def _random_uscc(self, rnd: random.Random) -> str:
        from stdnum.cn.uscc import calc_check_digit

        from pipl_guard.transform.pseudonym import _USCC_ALPHABET, _id_regions

        body = "91" + rnd.choice(_id_regions()[0]) + "".join(rnd.choice(_USCC_ALPHABET) for _ in range(9))
        return body + calc_check_digit(body + "0")

    def _random_id(self, rnd: random.Random) -> str:
        import datetime as dt

        from pipl_guard.transform.pseudonym import _id_regions, id_check

        codes = _id_regions()[0]
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rnd.randrange(365 * 55))
        body = f"{rnd.choice(codes)}{born:%Y%m%d}{rnd.randrange(1000):03d}"
        return body + id_check(body)


def _digits(rnd: random.Random, n: int) -> str:
    return "".join(str(rnd.randrange(10)) for _ in range(n))


def _with_luhn(body: str) -> str:
    from stdnum import luhn

    return body + luhn.calc_check_digit(body)

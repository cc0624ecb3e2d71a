"""Pydantic field types for Chinese personal information: validate, normalise, never print in full.

Each type accepts what people type (full-width digits, spaces and dashes, ``+86``), normalises it,
validates it with the detector's own validator (the same check digits and tables the scanner uses),
exposes the parsed attributes, and shows only its default display mask in ``repr``, ``str``, f-strings
and JSON. ``.reveal()`` is the one explicit way to the full value.

>>> from pydantic import BaseModel
>>> class Customer(BaseModel):
...     id_number: ResidentID
...     phone: CNMobile
>>> c = Customer(id_number="１１０１０５ １９４９１２３１ ００２x", phone="+86 138-1234-5678")
>>> c.id_number, str(c.phone)
(ResidentID('110105********002X'), '138****5678')
>>> c.model_dump_json()
'{"id_number":"110105********002X","phone":"138****5678"}'
>>> c.id_number.reveal(), c.id_number.gender, c.id_number.birth_date.year
('11010519491231002X', 'female', 1949)
>>> c.model_dump(mode="json", context={"pipl": "reveal"})["phone"]
'13812345678'

A malformed value is a ``ValidationError`` that names the field and the reason, never the value:

>>> try:
...     Customer(id_number="110105194912310021", phone="13812345678")
... except ValueError as exc:
...     print(exc)  # doctest: +ELLIPSIS
1 validation error for Customer
id_number
  invalid PRC resident identity card number: check digit [type=pipl_cn_resident_id, input_value='[withheld]', input_type=Withheld]...

Serialisation context ``{"pipl": choice}`` picks what ``model_dump``/``model_dump_json`` write: ``"mask"``
(the default in JSON), ``"reveal"``, ``"redact"`` (``None``), an operator with ``apply(value, finding)``
such as ``pg.ops.Hash(key)``, or a mapping from entity ID (or ``"*"``) to one of those.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Mapping
from functools import cache
from types import ModuleType
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from pipl_guard.catalogue import CATALOGUE
from pipl_guard.detect.normalize import to_ascii
from pipl_guard.errors import InputError

__all__ = [
    "HKID",
    "IMEI",
    "TWID",
    "USCC",
    "VIN",
    "BankCard",
    "CNLandline",
    "CNMobile",
    "CNPassport",
    "Email",
    "LicensePlate",
    "PIValue",
    "PersonName",
    "ResidentID",
    "Withheld",
    "display_mask",
]

#: the key of the serialisation context read by every type
CONTEXT_KEY = "pipl"


def display_mask(entity: str, value: str) -> str:
    """The default display mask of ``value`` as entity ``entity`` (catalogue ``mask`` spec).

    The same function ``pg.mask_text`` uses, so a type, a log line and a masked record agree.

    >>> display_mask("CN_MOBILE", "13812345678"), display_mask("BANK_CARD", "6222021234567890128")
    ('138****5678', '622202*********0128')
    """
    from pipl_guard.transform.masks import mask_value

    return mask_value(value, entity)


# --------------------------------------------------------------------------------------------------
# Hiding the input from validation errors
# --------------------------------------------------------------------------------------------------


class Withheld(str):
    """Stands in for a raw input inside pydantic errors: prints as ``[withheld]``, pickles as that too.

    Pydantic puts ``input_value`` into every error message; the types validate in two steps so that the
    input an error reports is this placeholder, whatever model (and ``hide_input_in_errors`` setting)
    holds the field. FastAPI's 422 responses show ``"input": "[withheld]"`` the same way.
    """

    _raw: object

    def __new__(cls, raw: object) -> Withheld:
        self = super().__new__(cls, "[withheld]")
        self._raw = raw
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (str, ("[withheld]",))

    def __copy__(self) -> str:
        return "[withheld]"

    def __deepcopy__(self, memo: object) -> str:
        return "[withheld]"


def _withhold(raw: object) -> Withheld:
    return Withheld(raw)


# --------------------------------------------------------------------------------------------------
# The base class
# --------------------------------------------------------------------------------------------------


class PIValue:
    """A validated, normalised piece of personal information that never prints in full.

    Subclasses set ``entity`` (a catalogue ID) and ``detector`` (the module whose ``compact``,
    ``is_valid`` and ``parse`` they reuse), and may refine ``_normalise`` and ``_problem``.
    Constructing one directly validates too: a bad value raises ``InputError`` naming the type and reason.
    """

    __slots__ = ("_attrs", "_value")

    entity: ClassVar[str] = ""
    detector: ClassVar[str] = ""
    #: ints are accepted for all-digit identifiers (a JSON number holding a phone)
    accepts_int: ClassVar[bool] = False

    _value: str
    _attrs: dict[str, Any]

    def __init__(self, value: object) -> None:
        if isinstance(value, type(self)):
            text = value._value
        else:
            text = self._coerce(value)
        canonical = self._normalise(text)
        reason = self._problem(canonical)
        if reason is not None:
            raise InputError(f"{self._label()}: {reason}")
        object.__setattr__(self, "_value", canonical)
        object.__setattr__(self, "_attrs", self._parse(canonical))

    # -- what subclasses refine -----------------------------------------------------------------

    @classmethod
    def _module(cls) -> ModuleType:
        return _detector_module(cls.detector)

    @classmethod
    def _normalise(cls, text: str) -> str:
        compact = getattr(cls._module(), "compact", None)
        return compact(text) if compact else to_ascii(text).strip()

    @classmethod
    def _problem(cls, value: str) -> str | None:
        mod = cls._module()
        problem = getattr(mod, "problem", None)
        if problem is not None:
            return problem(value)
        if not value:
            return "empty"
        return None if _validator(mod, cls.entity)(value) else cls._reason(value)

    @classmethod
    def _reason(cls, value: str) -> str:
        """Why an invalid value failed (called only when the validator said no)."""
        return "format"

    @classmethod
    def _parse(cls, value: str) -> dict[str, Any]:
        parse = getattr(cls._module(), "parse", None)
        return dict(parse(value)) if parse else {}

    # -- behaviour shared by every type ---------------------------------------------------------

    @classmethod
    def _label(cls) -> str:
        info = CATALOGUE.get(cls.entity)
        return f"invalid {info.name_en}" if info else f"invalid {cls.__name__}"

    @classmethod
    def _coerce(cls, value: object) -> str:
        if isinstance(value, str):
            return value
        if cls.accepts_int and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise InputError(f"{cls.__name__}: expected a string, got {type(value).__name__}")

    def reveal(self) -> str:
        """The full, normalised value. The one explicit way to it."""
        return self._value

    @property
    def masked(self) -> str:
        """The default display mask (what ``str``, ``repr`` and JSON show)."""
        return display_mask(self.entity, self._value)

    @property
    def attributes(self) -> dict[str, Any]:
        """Everything the detector parses from the value (a copy)."""
        return dict(self._attrs)

    def finding(self) -> Any:
        """A ``pg.Finding`` covering the whole value (what operators' ``apply`` expects)."""
        from pipl_guard.finding import Finding

        return Finding.model_construct(
            entity=self.entity,
            start=0,
            end=len(self._value),
            text=self._value,
            score=1.0,
            detector="types",
            path=None,
            attributes=dict(self._attrs),
        )

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.masked!r})"

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PIValue):
            return type(other) is type(self) and other._value == self._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._value))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._value,))

    # -- pydantic ---------------------------------------------------------------------------------

    @classmethod
    def _from_withheld(cls, wrapped: Withheld) -> PIValue:
        raw = wrapped._raw
        # the placeholder may outlive this call inside a ValidationError: it keeps no reference to the input
        wrapped._raw = None
        if isinstance(raw, cls):
            return raw
        try:
            return cls(raw)
        except InputError as exc:
            reason = str(exc).rpartition(": ")[2]
            raise PydanticCustomError(
                f"pipl_{cls.entity.lower()}",
                "{label}: {reason}",
                {"label": cls._label(), "reason": reason, "entity": cls.entity},
            ) from None

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # step 1 swaps the raw input for a placeholder, so any error raised by step 2 reports the
        # placeholder as its input_value, whatever the user's model config says
        validate = core_schema.chain_schema(
            [
                core_schema.no_info_plain_validator_function(_withhold),
                core_schema.no_info_plain_validator_function(cls._from_withheld),
            ]
        )
        return core_schema.json_or_python_schema(
            json_schema=validate,
            python_schema=validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                cls._serialize, info_arg=True, when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        info = CATALOGUE.get(cls.entity)
        out: dict[str, Any] = {"type": "string", "format": cls.entity.lower().replace("_", "-")}
        if info is not None:
            out["description"] = f"{info.name_en} ({info.name_zh}); shown masked"
        return out

    def _serialize(self, info: core_schema.SerializationInfo) -> Any:
        choice = _choice(info.context, self.entity)
        if choice is None:
            return self if info.mode == "python" else self.masked
        return self.render(choice)

    def render(self, choice: Any) -> Any:
        """The value as ``choice`` says: ``"mask"``, ``"reveal"``, ``"redact"`` or an operator."""
        if choice == "mask":
            return self.masked
        if choice == "reveal":
            return self._value
        if choice == "redact":
            return None
        apply = getattr(choice, "apply", None)
        if callable(apply):
            return apply(self._value, self.finding())
        raise InputError(
            f"serialisation context {CONTEXT_KEY!r}: expected 'mask', 'reveal', 'redact' or an operator"
        )


def _choice(context: Any, entity: str) -> Any:
    if not isinstance(context, Mapping):
        return None
    choice = context.get(CONTEXT_KEY)
    if isinstance(choice, Mapping):
        return choice.get(entity, choice.get("*"))
    return choice


@cache
def _detector_module(name: str) -> ModuleType:
    return importlib.import_module(f"pipl_guard.detect.{name}")


def _validator(mod: ModuleType, entity: str) -> Callable[[str], bool]:
    table = getattr(mod, "VALIDATORS", None)
    if table is not None and entity in table:
        return table[entity]
    return mod.is_valid


# --------------------------------------------------------------------------------------------------
# The types
# --------------------------------------------------------------------------------------------------


class ResidentID(PIValue):
    """居民身份证号码 (18 digits, or the legacy 15): check digit, GB/T 2260 region, real birth date.

    >>> rid = ResidentID("11010519491231002x")
    >>> rid, rid.region, rid.gender, rid.is_minor
    (ResidentID('110105********002X'), '北京市朝阳区', 'female', False)
    """

    __slots__ = ()
    entity = "CN_RESIDENT_ID"
    detector = "resident_id"
    accepts_int = True

    @property
    def birth_date(self) -> dt.date:
        return self._attrs["birth_date"]

    @property
    def gender(self) -> str:
        """``"male"`` or ``"female"`` (odd or even sequence digit)."""
        return self._attrs["gender"]

    @property
    def region_code(self) -> str:
        return self._attrs["region_code"]

    @property
    def region(self) -> str | None:
        """Name of the issuing division (as GB/T 2260 last named it)."""
        return self._attrs.get("region")

    @property
    def age(self) -> int:
        """Completed years today."""
        return self.age_on(dt.date.today())

    @property
    def is_minor(self) -> bool:
        """Under 14 today (PIPL Art. 28, 31: all PI of such a minor is sensitive)."""
        return self.age < _detector_module("resident_id").MINOR_AGE

    def age_on(self, day: dt.date) -> int:
        return _detector_module("resident_id").age_on(self.birth_date, day)


class CNMobile(PIValue):
    """Mainland mobile number; ``+86``/``0086`` prefixes, spaces and dashes accepted, kept as 11 digits.

    >>> m = CNMobile("+86 138-1234-5678")
    >>> m, m.e164
    (CNMobile('138****5678'), '+8613812345678')
    """

    __slots__ = ()
    entity = "CN_MOBILE"
    detector = "mobile"
    accepts_int = True

    @classmethod
    def _reason(cls, value: str) -> str:
        if not (value.isascii() and value.isdigit()):
            return "format"
        if len(value) != 11:
            return "length"
        return "prefix not allocated to mobiles"

    @property
    def e164(self) -> str:
        """``+86`` form of the full number (revealing: it is the number)."""
        return "+86" + self._value

    @property
    def prefix(self) -> str:
        """The 3-digit network prefix (``138``)."""
        return self._value[:3]


class CNLandline(PIValue):
    """Fixed-line number with its area code (``010-12345678``), kept as digits.

    >>> tel = CNLandline("(0755) 2345 6789")
    >>> tel, tel.area_code
    (CNLandline('0755******89'), '0755')
    """

    __slots__ = ()
    entity = "CN_LANDLINE"
    detector = "landline"

    @property
    def area_code(self) -> str | None:
        return self._attrs.get("area_code")

    @property
    def city(self) -> str | None:
        return self._attrs.get("city")


class BankCard(PIValue):
    """Payment card number: Luhn, 16-19 digits, a listed scheme's IIN range (UnionPay 62, Visa, ...).

    >>> card = BankCard("6222 0212 3456 7890 128")
    >>> card, card.scheme, card.last4
    (BankCard('622202*********0128'), 'unionpay', '0128')
    """

    __slots__ = ()
    entity = "BANK_CARD"
    detector = "bank_card"
    accepts_int = True

    @classmethod
    def _reason(cls, value: str) -> str:
        from stdnum import luhn

        if not (value.isascii() and value.isdigit()):
            return "format"
        mod = cls._module()
        if not getattr(mod, "MIN_LENGTH", 12) <= len(value) <= getattr(mod, "MAX_LENGTH", 19):
            return "length"
        if luhn.checksum(value) != 0:
            return "check digit"
        return "issuer (no known card scheme)"

    @property
    def bin(self) -> str:
        """Issuer identification number: the first six digits (shown in the mask too)."""
        return self._value[:6]

    @property
    def last4(self) -> str:
        return self._value[-4:]

    @property
    def scheme(self) -> str | None:
        return self._attrs.get("scheme")


class USCC(PIValue):
    """统一社会信用代码 (GB 32100): 18 characters with a MOD 31 check character.

    >>> code = USCC("91110000600037341l")
    >>> code, code.region
    (USCC('91110000********1L'), '北京市')
    """

    __slots__ = ()
    entity = "CN_USCC"
    detector = "uscc"

    @classmethod
    def _reason(cls, value: str) -> str:
        from stdnum.cn import uscc as std_uscc
        from stdnum.exceptions import ValidationError as StdnumError

        if len(value) != 18:
            return "length"
        try:
            std_uscc.validate(value)
        except StdnumError as exc:
            return "check digit" if type(exc).__name__ == "InvalidChecksum" else "format"
        return "format"

    @property
    def region_code(self) -> str:
        return self._value[2:8]

    @property
    def region(self) -> str | None:
        return self._attrs.get("region")

    @property
    def sole_trader(self) -> bool:
        """Type ``92`` (个体工商户): the code of a natural person's business, so personal information."""
        return bool(self._attrs.get("sole_trader", self._value[:2] == "92"))


class CNPassport(PIValue):
    """PRC passport number (``E12345678``, ``EA1234567``, ``G12345678``, ``DE1234567``).

    >>> CNPassport("ｅ１２３４５６７８")
    CNPassport('E*****678')
    """

    __slots__ = ()
    entity = "CN_PASSPORT"
    detector = "passport"

    @property
    def kind(self) -> str | None:
        """``ordinary``, ``ordinary_old``, ``diplomatic``, ``service`` or ``official``."""
        return self._attrs.get("kind")


class PersonName(PIValue):
    """A Chinese personal name (surname from the dictionary, compound surnames included) or a pinyin name.

    >>> PersonName(" 张 三 "), PersonName("张三").surname
    (PersonName('张*'), '张')
    """

    __slots__ = ()
    entity = "PERSON_NAME"
    detector = "person_name"

    @classmethod
    def _normalise(cls, text: str) -> str:
        text = " ".join(to_ascii(text).split())
        if not text.isascii():
            # spaces typed between Chinese characters are not part of the name
            text = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)
        return text

    @property
    def surname(self) -> str | None:
        """The surname of a Chinese name (``None`` for a romanized one, whose order is ambiguous)."""
        return self._attrs.get("surname")

    @property
    def given_name(self) -> str | None:
        return self._attrs.get("given_name")


class Email(PIValue):
    """An e-mail address; the domain is lower-cased, the local part kept as typed.

    >>> Email(" Zhang.San@Example.COM "), Email("a.b@example.com").domain
    (Email('Z********@example.com'), 'example.com')
    """

    __slots__ = ()
    entity = "EMAIL"
    detector = "email"

    @classmethod
    def _normalise(cls, text: str) -> str:
        text = to_ascii(text).strip()
        local, at, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}" if at else text

    @property
    def domain(self) -> str:
        return self._value.rpartition("@")[2]


class HKID(PIValue):
    """Hong Kong identity card number with its check character (``A123456(3)``, kept as ``A1234563``)."""

    __slots__ = ()
    entity = "HK_ID"
    detector = "hk_mo_tw_id"


class TWID(PIValue):
    """Taiwan identity number with its check digit (``A123456789``).

    >>> TWID("a123456789").gender
    'male'
    """

    __slots__ = ()
    entity = "TW_ID"
    detector = "hk_mo_tw_id"

    @property
    def gender(self) -> str | None:
        return self._attrs.get("gender")


class VIN(PIValue):
    """Vehicle identification number (ISO 3779) with the check character at position 9.

    >>> VIN("1m8gdm9axkp042788")
    VIN('1M8**********2788')
    """

    __slots__ = ()
    entity = "VIN"
    detector = "vin"

    @classmethod
    def _reason(cls, value: str) -> str:
        if len(value) != 17:
            return "length"
        try:
            ok = cls._module().calc_check_digit(value) == value[8]
        except KeyError:  # a character outside the VIN alphabet (I, O, Q ...)
            return "format"
        return "format" if ok else "check digit"


class LicensePlate(PIValue):
    """机动车号牌, ordinary and new-energy plates (``京A·12345``, ``粤BD12345``), kept without separators.

    >>> p = LicensePlate("京a·12345")
    >>> p, p.province
    (LicensePlate('京A***45'), '北京市')
    """

    __slots__ = ()
    entity = "CN_LICENSE_PLATE"
    detector = "license_plate"

    @property
    def province(self) -> str | None:
        return self._attrs.get("province")

    @property
    def new_energy(self) -> bool:
        return bool(self._attrs.get("new_energy"))


class IMEI(PIValue):
    """Device IMEI, 15 digits with a Luhn check digit (``35-209900-176148-1``)."""

    __slots__ = ()
    entity = "IMEI"
    detector = "imei"
    accepts_int = True

    @classmethod
    def _reason(cls, value: str) -> str:
        if not (value.isascii() and value.isdigit()):
            return "format"
        return "length" if len(value) != 15 else "check digit"

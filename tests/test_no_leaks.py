"""No PI and no key material in exception messages, log records or reprs (issue 8, items 3 and 6).

Each test feeds generated identifiers (``pipl_guard.testing.strategies``) through bad-input calls, collects
every exception in the chain (``__cause__`` and ``__context__``, suppressed or not: an error reporter may
walk either), every record logged under ``pipl_guard`` at DEBUG, and the reprs of the objects involved, and
checks that none holds an input value or a key's bytes (raw, hex or base64).
"""

from __future__ import annotations

import base64
import copy
import hmac
import json
import logging
import pathlib
import pickle
import re
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import pipl_guard as pg
from pipl_guard import types as pgt
from pipl_guard.errors import KeyMaterialError, PiplGuardError
from pipl_guard.testing.strategies import bank_cards, mobiles, names, resident_ids

ROOT = pathlib.Path(__file__).parents[1]
KEY_BYTES = bytes(range(200, 232))
KEY = pg.Key(KEY_BYTES, id="leak-test")
FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

PI = st.fixed_dictionaries(
    {"rid": resident_ids(), "mobile": mobiles(), "card": bank_cards(), "name": names()}
)


# -- collecting what could leak ---------------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())
        self.texts.append(repr(record.args))
        self.texts.extend(repr(v) for k, v in vars(record).items() if k not in {"msg", "args", "message"})
        if record.exc_info and record.exc_info[1] is not None:
            self.texts.extend(chain_texts(record.exc_info[1]))


class _Log:
    """Every record of the ``pipl_guard`` logger tree, at DEBUG, while the block runs."""

    def __enter__(self) -> _Capture:
        self.logger = logging.getLogger("pipl_guard")
        self.level = self.logger.level
        self.handler = _Capture()
        self.logger.addHandler(self.handler)
        self.logger.setLevel(logging.DEBUG)
        return self.handler

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.level)


def chain_texts(exc: BaseException) -> Iterator[str]:
    """``str``/``repr`` of an exception and of every exception chained to it, plus its args."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield str(e)
        yield repr(e)
        yield from (repr(a) for a in e.args)
        yield from (repr(v) for v in vars(e).values()) if hasattr(e, "__dict__") else ()
        todo.extend([e.__cause__, e.__context__])


def _forms(value: str) -> list[str]:
    """A value as it could appear in text: as given, and as ASCII digits without separators."""
    out = {value}
    digits = re.sub(r"[\s\-+]", "", value)
    if len(digits) >= 6:
        out.add(digits)
    return sorted(out)


def _key_forms(key_bytes: bytes) -> list[str]:
    return [
        key_bytes.hex(),
        key_bytes.hex().upper(),
        repr(key_bytes)[2:-1],
        base64.b64encode(key_bytes).decode().rstrip("="),
        base64.urlsafe_b64encode(key_bytes).decode().rstrip("="),
    ]


def assert_clean(texts: list[str], secrets: list[str], what: str) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"{what} shows an input value or key material"


def call(fn: Callable[[], Any], texts: list[str]) -> Any:
    """Run ``fn``; a typed error is fine (its chain is collected), any other exception fails the test."""
    try:
        out = fn()
    except PiplGuardError as exc:
        texts.extend(chain_texts(exc))
        return None
    except ValidationError as exc:  # pydantic types in user models: a ValueError subclass by design
        texts.extend(chain_texts(exc))
        return None
    return out  # outputs are transformed data, checked by the transform tests; not collected here


# -- the battery ----------------------------------------------------------------------------------


class _Customer(BaseModel):
    id_number: pgt.ResidentID
    phone: pgt.CNMobile
    card: pgt.BankCard
    name: pgt.PersonName


def _bad_types_battery(pi: dict[str, str], texts: list[str]) -> None:
    rid, mobile, card, name = pi["rid"], pi["mobile"], pi["card"], pi["name"]
    # wrong types and malformed values to the pydantic types
    wrong = {
        "id_number": rid[:-1] + ("0" if rid[-1] != "0" else "1"),
        "phone": mobile + "9",
        "card": card[:-1] + str((int(card[-1]) + 1) % 10),
        "name": 12345,
    }
    call(lambda: _Customer(**wrong), texts)
    call(lambda: _Customer(id_number=[rid], phone={"n": mobile}, card=card.encode(), name=None), texts)
    call(lambda: _Customer(id_number=rid, phone=mobile, card=card, name=name), texts)  # valid: repr masks
    for t in (pgt.ResidentID, pgt.CNMobile, pgt.BankCard):
        for bad in (rid + "1", mobile + "x", card + "-", rid.encode()):
            call(lambda t=t, bad=bad: t(bad), texts)


def _ops_battery(pi: dict[str, str], texts: list[str], tmp: pathlib.Path) -> None:
    rid, mobile, card, name = pi["rid"], pi["mobile"], pi["card"], pi["name"]
    pseudo = pg.ops.Pseudonymize(KEY)
    texts.append(repr(pseudo))
    # malformed IDs to a format-preserving operator
    for bad in (rid[:-1], rid + "0", rid[:6] + "99999999" + rid[14:], "X" + rid[1:]):
        call(lambda bad=bad: pseudo.apply_as(bad, "CN_RESIDENT_ID"), texts)
    for bad in (mobile[:-1], "0" + mobile[1:], card[:-1] + "x"):
        call(lambda bad=bad: pseudo.apply_as(bad, "CN_MOBILE"), texts)
        call(lambda bad=bad: pseudo.apply_as(bad, "BANK_CARD"), texts)
    # corrupted ciphertexts to Decrypt
    enc = pg.ops.Encrypt(KEY)
    dec = pg.ops.Decrypt(KEY)
    token = enc.apply(rid)
    head, _, body = token.rpartition(":")
    for bad in (
        token[:-3],
        head + ":" + body[::-1],
        head + ":" + body[:-2] + ("AA" if body[-2:] != "AA" else "BB"),
        token.replace(KEY.id, "other-key"),
        "pg1:sm4-gcm:" + rid,
        f"pg1:zz:{KEY.id}:{body}",
    ):
        call(lambda bad=bad: dec.apply(bad), texts)
    other = pg.ops.Decrypt(pg.Key(bytes(32), id=KEY.id))  # same id, wrong key
    call(lambda: other.apply(token), texts)
    # detokenizing unknown tokens
    vault = pg.open_vault(tmp / "vault.db", KEY)
    try:
        tok = pg.ops.Tokenize(vault)
        known = tok.apply_as(mobile, "CN_MOBILE")
        texts.append(repr(tok))
        texts.append(repr(vault))
        detok = pg.ops.Detokenize(vault)
        for bad in (known[:-1] + ("0" if known[-1] != "0" else "1"), "tok_" + rid, mobile, known + "x"):
            call(lambda bad=bad: detok.apply(bad), texts)
    finally:
        vault.close()
    # operators with wrong settings that carry PI
    call(lambda: pg.ops.Replace(text=[rid]), texts)
    call(lambda: pg.ops.Mask(char=mobile), texts)
    call(lambda: pg.ops.Hash(KEY, algorithm=rid), texts)
    call(lambda: pg.ops.Generalize(rid), texts)
    call(lambda: pg.Deidentifier({"CN_MOBILE": mobile}), texts)
    deid = pg.Deidentifier({"CN_MOBILE": pseudo}, fields={"sfzh": pseudo, "sjhm": pseudo})
    texts.append(repr(deid))
    call(lambda: deid.record({"sfzh": rid[:-2], "sjhm": mobile[:-1], "xm": name}), texts)
    call(
        lambda: pg.Deidentifier({}, fields={"sjhm": pseudo}, strict=True).record(
            {"sjhm": "n/a" + mobile[:5]}
        ),
        texts,
    )
    call(lambda: deid.text(rid.encode()), texts)
    call(lambda: pg.mask_record([rid, mobile]), texts)


def _record_battery(pi: dict[str, str], texts: list[str]) -> None:
    rid, mobile, card, name = pi["rid"], pi["mobile"], pi["card"], pi["name"]
    cyclic: dict[str, Any] = {"sfzh": rid, "sjhm": mobile}
    cyclic["self"] = cyclic
    for fn in (pg.scan_record, pg.mask_record, lambda r: pg.profile([r])):
        call(lambda fn=fn: fn(cyclic), texts)
        call(lambda fn=fn: fn([rid, mobile]), texts)
    call(lambda: pg.scan_record({"sfzh": rid}, min_score=card), texts)
    call(lambda: pg.scan_text(rid.encode()), texts)  # type: ignore[arg-type]
    call(lambda: pg.profile(rid), texts)
    call(lambda: pg.profile([{"xm": name, "sfzh": rid}], sample=mobile), texts)
    findings = pg.scan_record({"sfzh": rid, "note": f"{name}的手机{mobile}，卡号{card}"})
    texts.extend(repr(f) for f in findings)
    texts.extend(str(f) for f in findings)
    prof = pg.profile([{"sfzh": rid, "sjhm": mobile, "xm": name, "card": card}])
    texts.append(repr(prof))
    texts.append(prof.model_dump_json())


def _policy_battery(pi: dict[str, str], texts: list[str], tmp: pathlib.Path) -> None:
    rid, mobile, card, name = pi["rid"], pi["mobile"], pi["card"], pi["name"]
    # PI in values (keys are paths: an unknown key is named in the message so a typo can be found)
    base = yaml.safe_load((ROOT / "examples" / "policies" / "ecommerce_export.yaml").read_text("utf-8"))
    bad_values: list[dict[str, Any]] = [
        {"version": rid},
        {"purposes": {"x": mobile}},
        {"purposes": [{"id": mobile, "legal_basis": name}]},
        {"retention": {"days": card}},
        {**base, "unknown": rid},
        {**base, "organization": [rid, mobile]},
        {**base, "version": {"n": card}},
        {**base, "purposes": [{**base["purposes"][0], "retention_days": rid, "legal_basis": name}]},
    ]
    for doc in bad_values:
        call(lambda doc=doc: pg.Policy.model_validate(doc), texts)
    # decisions (allowed and denied) and their issues, and enforcement that refuses
    guard = pg.Guard(pg.Policy.model_validate(base), keys=KEY)
    people = [{"xm": name, "sfzh": rid, "sjhm": mobile, "card": card, "note": f"{name} {mobile}"}]
    for action in (
        pg.Action("export", "analytics", "sg-analytics"),
        pg.Action("export", "shipping", "sg-analytics"),
        pg.Action("store", "analytics"),
    ):
        decision = call(lambda action=action: guard.check(people, action), texts)
        texts.extend([repr(decision), str(decision), repr(action)])
        if decision is not None:
            texts.append(decision.model_dump_json())
            texts.extend(repr(issue) for issue in decision.violations)
        call(lambda action=action: guard.enforce(people, action), texts)
    call(
        lambda: guard.check([{"sfzh": rid, "x": {1, 2}}], pg.Action("export", "nope", "sg-analytics")), texts
    )
    call(lambda: pg.Action(rid, mobile), texts)
    for suffix, text in (
        (".json", json.dumps({"version": rid, "x": mobile}, ensure_ascii=False)),
        (".json", '{"version": "' + rid + '", '),  # broken JSON
        (".yaml", f"version: {rid}\npurposes: [{mobile}\n"),  # broken YAML
        (".yaml", f"a: &x {rid}\nb: *x\n"),  # alias
        (".toml", f'version = "{rid}"\nx = {mobile}a\n'),  # broken TOML
        (".yaml", f"- {rid}\n- {mobile}\n"),  # not a mapping
        (".txt", rid),
    ):
        path = tmp / f"policy{suffix}"
        path.write_text(text, "utf-8")
        call(lambda path=path: pg.Policy.load(path), texts)


def _io_battery(pi: dict[str, str], texts: list[str], tmp: pathlib.Path) -> None:
    from pipl_guard import io

    rid, mobile, card, name = pi["rid"], pi["mobile"], pi["card"], pi["name"]
    files = {
        "quote.csv": f'sfzh,sjhm\n"{rid},{mobile}\n'.encode(),
        "bytes.csv": f"sfzh,sjhm\n{rid},{mobile}\xff\n".encode().replace(b"\xc3\xbf", b"\xff"),
        "fields.csv": f"sfzh,sjhm\n{rid},{mobile},{card},{name}\n".encode(),
        "dup.csv": f"{rid},{rid}\n{mobile},{card}\n".encode(),
        "line.jsonl": f'{{"sfzh": "{rid}", "sjhm": {mobile}x}}\n'.encode(),
        "bytes.jsonl": f'{{"sfzh": "{rid}", "sjhm": "{mobile}'.encode() + b'\xff"}\n',
        "array.jsonl": f'["{rid}", "{mobile}"]\n'.encode(),
        "array.json": f'[{{"sfzh": "{rid}"}}, ["{mobile}"], {{"x": {card}x}}]'.encode(),
        "top.json": f'{{"sfzh": "{rid}"}}'.encode(),
        "data.parquet": f"{rid},{mobile}\n".encode(),
        "gz.csv.gz": f"{rid},{mobile}\n".encode(),
    }
    for fname, data in files.items():
        path = tmp / fname
        path.write_bytes(data)
        for on_error in ("raise", "skip"):
            call(lambda path=path, on_error=on_error: list(io.read(path, on_error=on_error)), texts)


def _battery(pi: dict[str, str], tmp: pathlib.Path) -> list[str]:
    texts: list[str] = []
    with _Log() as captured:
        _bad_types_battery(pi, texts)
        _ops_battery(pi, texts, tmp)
        _record_battery(pi, texts)
        _policy_battery(pi, texts, tmp)
        _io_battery(pi, texts, tmp)
    return texts + captured.texts


@FEW
@given(PI)
def test_no_input_value_or_key_in_errors_logs_or_reprs(pi: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        texts = _battery(pi, pathlib.Path(tmp))
    assert len(texts) > 100  # the battery really ran
    secrets = [form for value in pi.values() for form in _forms(value)] + _key_forms(KEY_BYTES)
    assert_clean(texts, secrets, "an error, log record or repr")


def test_the_checker_catches_a_leak() -> None:
    # the assertion above must be able to fail: a leaking error is caught, through __context__ too
    def leaky() -> None:
        try:
            int("11010519491231002X")
        except ValueError:
            raise pg.InputError("bad value") from None

    texts: list[str] = []
    call(leaky, texts)
    with pytest.raises(AssertionError):
        assert_clean(texts, ["11010519491231002X"], "probe")


# -- keys -----------------------------------------------------------------------------------------


def _all_keyed_ops(tmp: pathlib.Path) -> list[Any]:
    return [
        pg.ops.Hash(KEY),
        pg.ops.Hash(KEY, "hmac-sha256"),
        pg.ops.Encrypt(KEY),
        pg.ops.Encrypt(KEY, "aes-gcm-siv"),
        pg.ops.Decrypt(KEY),
        pg.ops.Pseudonymize(KEY),
        pg.ops.Depseudonymize(KEY),
        pg.ops.DateShift(KEY, 30),
        pg.ops.Fake(key=KEY),
    ]


def test_key_repr_str_format_show_only_the_id() -> None:
    secrets = _key_forms(KEY_BYTES)
    texts = [repr(KEY), str(KEY), f"{KEY}", f"{KEY!r}", f"{KEY:>80}", format(KEY, ""), "%s %r" % (KEY, KEY)]  # noqa: UP031 - logging formats this way
    texts += [repr(pg.KeyRing([KEY])), str(pg.KeyRing([KEY])), repr([KEY]), repr({"k": KEY})]
    texts += [repr(copy.copy(KEY)), repr(copy.deepcopy(KEY))]
    assert all("leak-test" in t for t in texts[:7])
    assert_clean(texts, secrets, "a key's repr/str/format")
    with pytest.raises(AttributeError):
        KEY._material = b"x" * 32
    assert not hasattr(KEY, "__dict__")  # no place where vars() could show the bytes


def test_operator_and_deidentifier_reprs_hide_keys(tmp_path: pathlib.Path) -> None:
    ops = _all_keyed_ops(tmp_path)
    deid = pg.Deidentifier({"CN_MOBILE": ops[0]}, fields={"sfzh": ops[5]}, default=ops[2])
    texts = [repr(op) for op in ops] + [str(op) for op in ops] + [repr(deid), str(deid)]
    texts += [repr(op.model_dump()) for op in ops]
    assert_clean(texts, _key_forms(KEY_BYTES), "an operator's repr/str/JSON")


def test_keys_built_from_text_keep_the_text_out_of_reprs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    hex_text = KEY_BYTES.hex()
    monkeypatch.setenv("PG_LEAK_TEST_KEY", hex_text)
    (tmp_path / "k.hex").write_text(hex_text)
    keys = [
        pg.Key(hex=hex_text),
        pg.Key.from_env("PG_LEAK_TEST_KEY"),
        pg.Key.from_file(tmp_path / "k.hex"),
        pg.Key(hex="base64:" + base64.urlsafe_b64encode(KEY_BYTES).decode()),
    ]
    assert all(k.reveal() == KEY_BYTES for k in keys)
    assert_clean([repr(k) for k in keys] + [str(k) for k in keys], _key_forms(KEY_BYTES), "a key's repr")


@pytest.mark.parametrize(
    "make",
    [
        lambda m: pg.Key(m[:15]),
        lambda m: pg.Key(hex=m[:15].hex()),
        lambda m: pg.Key(hex=m.hex()[:-1]),
        lambda m: pg.Key(hex=m.hex() + "zz"),
        lambda m: pg.Key(hex="base64:" + base64.b64encode(m[:10]).decode()),
        lambda m: pg.Key(hex="base64:" + base64.b64encode(m).decode() + "!!"),
        lambda m: pg.Key(m.hex()),  # a str where bytes were expected
        lambda m: pg.Key(list(m)),
        lambda m: pg.Key(m, hex=m.hex()),
        lambda m: pg.Key(m, id=m.hex()),
        lambda m: pg.ops.Encrypt(pg.Key(m[:24], id="k24")),  # SM4 needs 16 or 32 bytes
        lambda m: pg.ops.Encrypt(pg.Key(m[:24], id="k24"), "aes-gcm-siv"),
        lambda m: pg.ops.Encrypt(pg.Key(m), algorithm="des-" + m.hex()),
        lambda m: pg.ops.Hash(pg.Key(m), algorithm="md5"),
        lambda m: pg.ops.Hash(m),
        lambda m: pg.ops.Hash(m.hex()),
        lambda m: pg.ops.Pseudonymize(key=m),
        lambda m: pg.KeyRing([pg.Key(m, id="a"), pg.Key(m[::-1], id="a")]),
        lambda m: pg.KeyRing([m]),
    ],
)
def test_key_errors_are_typed_and_never_show_the_key(make: Callable[[bytes], Any]) -> None:
    material = bytes(range(7, 39))
    with pytest.raises(PiplGuardError) as info:
        make(material)
    assert isinstance(info.value, KeyMaterialError | pg.CryptoError | pg.InputError)
    texts = list(chain_texts(info.value))
    assert texts[0].strip()  # a message, not an empty string
    secrets = _key_forms(material) + _key_forms(material[:15]) + _key_forms(material[:24])
    secrets += [material.hex()[:-1], base64.b64encode(material[:10]).decode().rstrip("=")]
    assert_clean(texts, secrets, "a key error")


def test_keys_stay_out_of_pickles_unless_shipped(tmp_path: pathlib.Path) -> None:
    # Issue 8: keys never reach pickles by default. A Key (and any keyed operator) refuses to pickle with
    # a typed error that names the key id, not its bytes; pipl_guard.spark opts in for its broadcast.
    from pipl_guard.transform.keys import shipping_keys

    with pytest.raises(pg.KeyMaterialError) as info:
        pickle.dumps(KEY)
    assert_clean([str(info.value), repr(info.value)], _key_forms(KEY_BYTES), "the pickling refusal")
    for op in _all_keyed_ops(tmp_path):
        with pytest.raises(pg.KeyMaterialError):
            pickle.dumps(op)
    with shipping_keys():
        blob = pickle.dumps(KEY)
    assert KEY_BYTES in blob  # the explicit shipment carries the key: that is what the opt-in means
    again = pickle.loads(blob)
    assert again == KEY and again.id == KEY.id and hmac.compare_digest(again.reveal(), KEY_BYTES)
    for op in _all_keyed_ops(tmp_path):
        with shipping_keys():
            back = pickle.loads(pickle.dumps(op))
        assert repr(back) == repr(op)
        assert_clean([repr(back), str(back)], _key_forms(KEY_BYTES), "an unpickled operator's repr")
    h = pg.ops.Hash(KEY)
    with shipping_keys():
        h2 = pickle.loads(pickle.dumps(h))
    assert h2.apply("13812345678") == h.apply("13812345678")


def test_secret_comparisons_use_compare_digest() -> None:
    # every equality test on key bytes, MACs or tags goes through hmac.compare_digest (constant time)
    pkg = ROOT / "pipl_guard"
    suspicious = re.compile(
        r"(_material|reveal\(\)|\btag\b|\bmac\b|digest\(\))\s*[!=]=|[!=]=\s*(\w+\.)?(_material|reveal\(\))"
    )
    offenders = []
    for path in pkg.rglob("*.py"):
        for lineno, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if suspicious.search(line) and "compare_digest" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{lineno}")
    assert offenders == []
    keys_src = (pkg / "transform" / "keys.py").read_text("utf-8")
    assert "hmac.compare_digest(self._material, other._material)" in keys_src


def test_key_bytes_stay_out_of_logs(tmp_path: pathlib.Path) -> None:
    with _Log() as captured:
        ops = _all_keyed_ops(tmp_path)
        deid = pg.Deidentifier({"CN_MOBILE": ops[5]}, fields={"sfzh": ops[0]}, default=ops[2])
        list(deid.records([{"sfzh": "11010519491231002X", "sjhm": "n/a", "note": "电话13812345678"}] * 3))
        vault = pg.open_vault(tmp_path / "v.db", KEY)
        try:
            tok = pg.ops.Tokenize(vault).apply_as("13812345678", "CN_MOBILE")
            pg.ops.Detokenize(vault).apply(tok)
        finally:
            vault.close()
        for bad in (pg.Key(bytes(32), id=KEY.id),):
            call(lambda bad=bad: pg.open_vault(tmp_path / "v.db", bad), [])
    assert_clean(captured.texts, _key_forms(KEY_BYTES) + _key_forms(bytes(32))[:1], "a log record")

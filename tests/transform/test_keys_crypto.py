"""Keys, keyed hashing and authenticated encryption."""

from __future__ import annotations

import base64
import hashlib
import hmac
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipl_guard as pg
from pipl_guard.errors import CryptoError, InputError, KeyMaterialError
from pipl_guard.transform.crypto import Cipher, Hasher, sm3_digest, sm4_encrypt_block
from pipl_guard.transform.keys import Key, KeyRing

SECRET = bytes(range(100, 132))


@pytest.fixture()
def key() -> Key:
    return Key(SECRET, id="test-1")


# -- published vectors ------------------------------------------------------------------------------


def test_sm3_gbt32905_vectors() -> None:
    assert sm3_digest(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    # GB/T 32905-2016 Appendix A example 2: "abcd" repeated 16 times
    assert (
        sm3_digest(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_sm4_gbt32907_vector() -> None:
    k = bytes.fromhex("0123456789abcdeffedcba9876543210")
    assert sm4_encrypt_block(k, k).hex() == "681edf34d206965e86b3e94f536e4246"


def test_hmac_sm3_matches_a_hand_built_hmac(key: Key) -> None:
    # RFC 2104 HMAC over SM3 computed from the raw hash: the operator uses the key as given
    block = 64
    k = key.reveal().ljust(block, b"\0")
    inner = sm3_digest(bytes(b ^ 0x36 for b in k) + b"13812345678")
    expected = sm3_digest(bytes(b ^ 0x5C for b in k) + inner).hex()
    assert Hasher(key, "hmac-sm3").hexdigest("13812345678") == expected
    assert pg.ops.Hash(key).apply("13812345678") == expected


def test_hmac_sha256_is_standard(key: Key) -> None:
    expected = hmac.new(SECRET, "张三".encode(), hashlib.sha256).hexdigest()
    assert pg.ops.Hash(key, "hmac-sha256").apply("张三") == expected


# -- keys -------------------------------------------------------------------------------------------


def test_key_forms(tmp_path, monkeypatch) -> None:
    hexed = SECRET.hex()
    monkeypatch.setenv("PG_TEST_KEY", hexed)
    (tmp_path / "k.hex").write_text(hexed + "\n")
    (tmp_path / "k.bin").write_bytes(SECRET)
    forms = [
        Key(SECRET),
        Key.from_hex(hexed),
        Key.from_env("PG_TEST_KEY"),
        Key.from_file(tmp_path / "k.hex"),
        Key.from_file(tmp_path / "k.bin"),
        Key(hex="base64:" + base64.urlsafe_b64encode(SECRET).decode()),
    ]
    assert {k.reveal() for k in forms} == {SECRET}
    assert len({k.id for k in forms}) == 1  # the id is a fingerprint of the bytes


def test_key_repr_shows_only_the_id(key: Key) -> None:
    for text in (repr(key), str(key), f"{key}", repr(KeyRing([key])), repr(pg.ops.Hash(key))):
        assert SECRET.hex() not in text
        assert "test-1" in text
    assert repr(key) == "Key(id='test-1')"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Key(b"x" * 15),
        lambda: Key("0011" * 16),  # str is ambiguous: refused
        lambda: Key(hex="zz" * 16),
        lambda: Key(hex="ab" * 8),
        lambda: Key(env="PG_TEST_UNSET_VARIABLE"),
        lambda: Key(file="/nonexistent/key"),
        lambda: Key(SECRET, id="bad id with spaces"),
        lambda: Key(),
    ],
)
def test_bad_key_material(make) -> None:
    with pytest.raises(KeyMaterialError):
        make()


def test_key_errors_never_show_the_key(monkeypatch) -> None:
    short = "ab" * 10
    monkeypatch.setenv("PG_TEST_SHORT", short)
    with pytest.raises(KeyMaterialError) as info:
        Key.from_env("PG_TEST_SHORT")
    assert short not in str(info.value)
    with pytest.raises(KeyMaterialError) as info:
        Key(hex="not-hex-" + short)
    assert short not in str(info.value)


def test_key_refuses_to_pickle_unless_shipping(key: Key) -> None:
    with pytest.raises(KeyMaterialError) as info:
        pickle.dumps(key)
    assert SECRET.hex() not in str(info.value) and key.id in str(info.value)
    from pipl_guard.transform.keys import shipping_keys

    with shipping_keys():
        blob = pickle.dumps(key)
    again = pickle.loads(blob)
    assert again == key and again.reveal() == SECRET
    with pytest.raises(KeyMaterialError):  # the permission ends with the block
        pickle.dumps(key)


def test_key_ring_rules(key: Key) -> None:
    other = Key(bytes(32), id="test-1")
    with pytest.raises(KeyMaterialError):
        KeyRing([key, other])  # two different keys under one id
    with pytest.raises(KeyMaterialError):
        KeyRing([])
    with pytest.raises(KeyMaterialError):
        KeyRing([key], current="nope")
    ring = KeyRing([key]).rotate(Key(bytes(32), id="test-2"))
    assert ring.current.id == "test-2" and "test-1" in ring


# -- operators need keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["Hash", "Encrypt", "Decrypt", "Pseudonymize", "DateShift", "Fake"])
def test_keyed_operators_refuse_to_exist_without_a_key(op: str) -> None:
    cls = getattr(pg.ops, op)
    with pytest.raises(KeyMaterialError):
        cls()
    with pytest.raises(KeyMaterialError):
        cls(key=SECRET)  # raw bytes are not a Key


def test_wrong_algorithm_names(key: Key) -> None:
    with pytest.raises(InputError):
        pg.ops.Hash(key, algorithm="md5")
    with pytest.raises(InputError):
        pg.ops.Encrypt(key, algorithm="des")
    with pytest.raises(InputError):
        Cipher(key, "rot13")


def test_wrong_key_length_for_encryption() -> None:
    k24 = Key(bytes(24), id="k24")
    for alg in ("sm4-gcm", "aes-gcm-siv"):
        with pytest.raises(KeyMaterialError) as info:
            pg.ops.Encrypt(k24, alg)
        assert "24 bytes" in str(info.value)
    pg.ops.Encrypt(Key(bytes(16)), "sm4-gcm")  # 16 and 32 are fine
    pg.ops.Encrypt(Key(bytes(16)), "aes-gcm-siv")


# -- encryption ---------------------------------------------------------------------------------------


@given(st.text(max_size=200))
def test_encrypt_round_trips_unicode(text: str) -> None:
    key = Key(SECRET, id="rt")
    for alg in ("sm4-gcm", "aes-gcm-siv"):
        for det in (False, True):
            token = pg.ops.Encrypt(key, alg, deterministic=det).apply(text)
            assert token.isascii() and token.startswith(
                f"pg1:{'sm4gcm' if alg == 'sm4-gcm' else 'gcmsiv'}:rt:"
            )
            assert pg.ops.Decrypt(key).apply(token) == text


def test_randomized_by_default_deterministic_only_when_asked(key: Key) -> None:
    enc = pg.ops.Encrypt(key)
    assert enc.apply("13812345678") != enc.apply("13812345678")
    det = pg.ops.Encrypt(key, deterministic=True)
    assert det.apply("13812345678") == det.apply("13812345678")
    assert det.apply("13812345678") != det.apply("13812345679")


@pytest.mark.parametrize("alg", ["sm4-gcm", "aes-gcm-siv"])
def test_tampering_fails_loudly(key: Key, alg: str) -> None:
    token = pg.ops.Encrypt(key, alg).apply("11010519491231002X")
    dec = pg.ops.Decrypt(key)
    head, body = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for i in (0, 13, len(raw) - 1):
        bad = bytearray(raw)
        bad[i] ^= 1
        with pytest.raises(CryptoError):
            dec.apply(head + ":" + base64.urlsafe_b64encode(bytes(bad)).rstrip(b"=").decode())
    for cut in (1, 10, len(body) - 5):
        with pytest.raises(CryptoError):
            dec.apply(token[:-cut])
    with pytest.raises(CryptoError):
        dec.apply(token.replace(":test-1:", ":other:"))
    other_alg = "gcmsiv" if alg == "sm4-gcm" else "sm4gcm"
    with pytest.raises(CryptoError):
        dec.apply(token.replace(token.split(":")[1], other_alg))


def test_wrong_key_fails_and_names_no_key(key: Key) -> None:
    token = pg.ops.Encrypt(key).apply("张三")
    impostor = Key(bytes(32), id="test-1")  # same id, different bytes
    with pytest.raises(CryptoError) as info:
        pg.ops.Decrypt(impostor).apply(token)
    assert SECRET.hex() not in str(info.value) and bytes(32).hex() not in str(info.value)
    with pytest.raises(CryptoError):
        pg.ops.Decrypt(Key(bytes(32), id="elsewhere")).apply(token)  # key id not in ring


def test_rotation_old_ciphertexts_still_decrypt(key: Key) -> None:
    old_token = pg.ops.Encrypt(key).apply("旧数据")
    ring = KeyRing([key]).rotate(Key(bytes(range(32)), id="test-2"))
    new_token = pg.ops.Encrypt(ring).apply("新数据")
    assert ":test-2:" in new_token
    dec = pg.ops.Decrypt(ring)
    assert dec.apply(old_token) == "旧数据" and dec.apply(new_token) == "新数据"


def test_decrypt_inside_text(key: Key) -> None:
    enc = pg.ops.Encrypt(key, "aes-gcm-siv")
    text = f"客户 {enc.apply('张三')} 电话 {enc.apply('13812345678')}。"
    assert pg.ops.Decrypt(key).apply(text) == "客户 张三 电话 13812345678。"


@given(st.binary(min_size=16, max_size=200), st.text(max_size=50))
def test_fast_hmac_paths_equal_the_standard_library(material: bytes, value: str) -> None:
    key = Key(material)
    assert (
        Hasher(key, "hmac-sha256").func()(value)
        == hmac.new(material, value.encode(), hashlib.sha256).hexdigest()
    )
    assert Hasher(key, "hmac-sm3").func()(value) == Hasher(key, "hmac-sm3").hexdigest(value)


def test_missing_national_algorithms_fail_at_construction(monkeypatch, key: Key) -> None:
    from pipl_guard.transform import crypto

    monkeypatch.setattr(crypto, "_sm_available", lambda: (False, False))
    with pytest.raises(CryptoError, match="hmac-sha256"):
        pg.ops.Hash(key, "hmac-sm3")
    with pytest.raises(CryptoError, match="aes-gcm-siv"):
        pg.ops.Encrypt(key, "sm4-gcm")
    assert pg.ops.Hash(key, "hmac-sha256").apply("x")  # the documented fallbacks still work
    assert pg.ops.Encrypt(key, "aes-gcm-siv").apply("x")

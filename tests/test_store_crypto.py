"""Field encryption: AES-256-GCM envelopes bound to their place, rotation, erasure."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.store import crypto
from bot.store.crypto import KeyRing, WrappedKey, generate_key


def ring(*ids: str) -> KeyRing:
    return KeyRing({i: generate_key() for i in ids}, ids[0], generate_key())


AAD = crypto.field_aad("checkin_answers", "value", "row-1", "patient-1")


def test_a_value_round_trips() -> None:
    key = AESGCM(generate_key())
    assert crypto.decrypt(key, AAD, crypto.encrypt(key, AAD, b"craving 9")) == b"craving 9"


@pytest.mark.parametrize(
    ("table", "column", "row", "patient"),
    [
        ("checkin_answers", "value", "row-2", "patient-1"),  # copied to another row
        ("checkin_answers", "note", "row-1", "patient-1"),  # another column
        ("patients", "value", "row-1", "patient-1"),  # another table
        ("checkin_answers", "value", "row-1", "patient-2"),  # another patient
    ],
)
def test_a_ciphertext_moved_anywhere_else_fails(
    table: str, column: str, row: str, patient: str
) -> None:
    key = AESGCM(generate_key())
    blob = crypto.encrypt(key, AAD, b"secret")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(key, crypto.field_aad(table, column, row, patient), blob)


@pytest.mark.parametrize("position", [0, 1, 5, 13, -1])
def test_a_tampered_ciphertext_fails(position: int) -> None:
    key = AESGCM(generate_key())
    blob = bytearray(crypto.encrypt(key, AAD, b"secret value"))
    blob[position] ^= 0x01
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(key, AAD, bytes(blob))


def test_another_data_key_cannot_open_a_value() -> None:
    blob = crypto.encrypt(AESGCM(generate_key()), AAD, b"secret")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(AESGCM(generate_key()), AAD, blob)


@settings(max_examples=50)
@given(st.lists(st.binary(max_size=64), min_size=2, max_size=60))
def test_nonces_are_never_reused(values: list[bytes]) -> None:
    key = AESGCM(generate_key())
    nonces = [crypto.encrypt(key, AAD, v)[1:13] for v in values + values]
    assert len(set(nonces)) == len(nonces)


def test_equal_plaintexts_give_different_ciphertexts() -> None:
    key = AESGCM(generate_key())
    assert crypto.encrypt(key, AAD, b"same") != crypto.encrypt(key, AAD, b"same")


def test_a_data_key_unwraps_only_with_its_master_key() -> None:
    first, other = ring("mk-a"), ring("mk-a")
    wrapped = crypto.wrap_data_key(first, "dk-1", b"k" * 32)
    assert crypto.unwrap_data_key(first, wrapped) == b"k" * 32
    with pytest.raises(crypto.WrongKey):
        crypto.unwrap_data_key(other, wrapped)


def test_a_wrapped_key_cannot_be_swapped_to_another_data_key_id() -> None:
    keys = ring("mk-a")
    wrapped = crypto.wrap_data_key(keys, "dk-1", b"k" * 32)
    with pytest.raises(crypto.WrongKey):
        crypto.unwrap_data_key(keys, WrappedKey("dk-2", wrapped.master_key_id, wrapped.wrapped))


def test_an_unknown_master_key_id_says_to_restore_the_key() -> None:
    wrapped = crypto.wrap_data_key(ring("mk-old"), "dk-1", b"k" * 32)
    with pytest.raises(crypto.UnknownMasterKey, match=r"mk-old.*restore"):
        crypto.unwrap_data_key(ring("mk-new"), wrapped)


def test_rewrapping_moves_a_data_key_to_the_active_master_key() -> None:
    old = generate_key()
    before = KeyRing({"mk-old": old}, "mk-old", generate_key())
    wrapped = crypto.wrap_data_key(before, "dk-1", b"k" * 32)
    after = KeyRing({"mk-old": old, "mk-new": generate_key()}, "mk-new", before.index_key)
    moved = crypto.rewrap_data_key(after, wrapped)
    assert moved.master_key_id == "mk-new"
    only_new = KeyRing({"mk-new": after.master_keys["mk-new"]}, "mk-new", before.index_key)
    assert crypto.unwrap_data_key(only_new, moved) == b"k" * 32


def test_blind_indexes_are_equal_for_equal_values_and_normalised() -> None:
    key = generate_key()
    assert crypto.blind_index(key, "chat", "12345") == crypto.blind_index(key, "chat", "12345")
    assert crypto.blind_index(key, "code", " AbC ") == crypto.blind_index(key, "code", "abc")
    assert crypto.blind_index(key, "chat", "12345") != crypto.blind_index(key, "chat", "12346")


def test_exact_blind_indexes_keep_case_so_secret_codes_keep_their_strength() -> None:
    key = generate_key()
    assert crypto.blind_index(key, "code", "p_AbC", exact=True) != crypto.blind_index(
        key, "code", "p_abc", exact=True
    )
    assert crypto.blind_index(key, "code", "p_AbC", exact=True) == crypto.blind_index(
        key, "code", "p_AbC", exact=True
    )


def test_blind_indexes_differ_by_purpose_and_key() -> None:
    key = generate_key()
    assert crypto.blind_index(key, "chat", "1") != crypto.blind_index(key, "code", "1")
    assert crypto.blind_index(key, "chat", "1") != crypto.blind_index(generate_key(), "chat", "1")

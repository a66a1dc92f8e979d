"""Data Vault SDK client-side formats v1 and v2, from docs/crypto.md.

Python's standard library plus the `cryptography` package (AES-GCM only).
docs/crypto.md section 17 prints this file; a test keeps the two identical.
"""
import base64
import hashlib
import hmac
import re
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LABEL_V1 = "data-vault/sdk/v1"              # key derivation (both formats) and v1 values
LABEL_V2 = "data-vault/sdk/v2"              # v2 values
GENERATION_LABEL = "data-vault/sdk/v2/generation"
ITERATIONS = 100_000


class DecryptionFailed(Exception):
    """Not an authentic ciphertext of this entry and context (DECRYPTION_FAILED)."""


class RollbackDetected(Exception):
    """Authentic, but not the value for the version the vault reports (ROLLBACK_DETECTED)."""


def lp(s):                                   # 4-byte big-endian length, then the bytes
    b = s.encode("utf-8") if isinstance(s, str) else s
    return struct.pack(">I", len(b)) + b


def u32(n):
    return struct.pack(">I", n)


def hkdf_sha256(ikm, info, length):          # RFC 5869 with an empty salt
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        okm, i = okm + t, i + 1
    return okm[:length]


def b64url(b):                               # RFC 4648 section 5, no padding
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_decode_strict(text):
    """Section 5, step 2: only the alphabet, no '=', no impossible length, canonical."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise DecryptionFailed("not base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(raw) != text:                  # unused trailing bits set
        raise DecryptionFailed("not canonical base64url")
    return raw


def derive(secret, store_id, key):
    """Section 2: one PBKDF2, two HKDF outputs. The same for v1 and v2."""
    salt = lp(LABEL_V1) + lp(store_id) + lp(key)
    master = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, ITERATIONS, 32)
    key_hash = b64url(hkdf_sha256(master, b"data-vault/sdk/v1/key-hash", 32))
    value_key = hkdf_sha256(master, b"data-vault/sdk/v1/value-key", 32)
    return key_hash, value_key


def generation_id(secret, store_id):
    """Section 10: the short, non-secret id of a secret in one store."""
    salt = lp(GENERATION_LABEL) + lp(store_id)
    master = hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, ITERATIONS, 32)
    return b64url(hkdf_sha256(master, b"data-vault/sdk/v2/generation-id", 6))


def aad_v1(store_id, key_hash):
    return lp(LABEL_V1) + lp(store_id) + lp(key_hash)


def aad_v2(store_id, key_hash, version, context):
    return lp(LABEL_V2) + lp(store_id) + lp(key_hash) + u32(version) + lp(context)


def encrypt_v1(value_key, store_id, key_hash, plaintext, nonce):
    sealed = AESGCM(value_key).encrypt(nonce, plaintext, aad_v1(store_id, key_hash))   # ct || tag
    return "v1." + b64url(nonce + sealed)


def encrypt_v2(value_key, store_id, key_hash, version, context, plaintext, nonce):
    sealed = AESGCM(value_key).encrypt(nonce, plaintext, aad_v2(store_id, key_hash, version, context))
    return "v2." + b64url(u32(version) + nonce + sealed)


def _open(value_key, nonce_ct_tag, aad):
    try:
        plain = AESGCM(value_key).decrypt(nonce_ct_tag[:12], nonce_ct_tag[12:], aad)
        return plain.decode("utf-8")         # strict: bytes that are not UTF-8 fail
    except (InvalidTag, UnicodeDecodeError):
        raise DecryptionFailed("authentication failed") from None


def decrypt(value_key, store_id, key_hash, version, context, text, accept_v1=True):
    """Section 5. `version` is the entry's version as the vault reports it."""
    if text.startswith("v2."):
        raw = b64url_decode_strict(text[3:])
        if len(raw) < 4 + 12 + 16:
            raise DecryptionFailed("too short")
        written = struct.unpack(">I", raw[:4])[0]
        if written == 0:
            raise DecryptionFailed("version 0")
        value = _open(value_key, raw[4:], aad_v2(store_id, key_hash, written, context))
        if written != version:
            raise RollbackDetected(f"written for version {written}, read at {version}")
        return value
    if text.startswith("v1."):
        raw = b64url_decode_strict(text[3:])
        if len(raw) < 12 + 16:
            raise DecryptionFailed("too short")
        value = _open(value_key, raw, aad_v1(store_id, key_hash))
        if not accept_v1:
            raise RollbackDetected("format v1 no longer accepted")
        return value
    raise DecryptionFailed("unknown format version")

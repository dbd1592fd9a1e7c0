"""The formats before migration 0003, kept only to read them once and convert them.

- Columns were Fernet tokens (AES-128-CBC + HMAC) with a key derived from the master key
  with HKDF info ``rechtenloket-encrypt``: not bound to their row.
- The audit trail was chained with an unkeyed SHA-256 over the previous hash and the event.

Migration 0003 re-encrypts and re-chains with these; the tests build an old database with
them. Nothing else may write these formats.
"""
import base64
import hashlib
import json
from datetime import datetime

from cryptography.fernet import Fernet

from models.keys import MasterKey

GENESIS = "0" * 64


def fernet(key: MasterKey) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(key.derive(b"rechtenloket-encrypt")))


def chain_digest(prev_hash: str, at: datetime, actor: str, action: str, request_id, detail) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), actor, action, request_id, detail],
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()

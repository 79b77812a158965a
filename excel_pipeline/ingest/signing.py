"""A key of this user's, kept outside every output folder, to sign what a run leaves for the
next one (the read cache, the writer's row blocks).

Both live in the officer's output folder, often a shared drive: what is found there is data
from anyone who can write to it. A run uses an entry only when its signature, made with this
key, verifies; an entry someone else wrote or edited (even one of the same length) does not,
and is read again. The key is a random secret in the user's own cache folder, created on first
use; where it cannot be kept, a key for this run only is used and nothing cached verifies.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

_KEY_BYTES = 32
SIGNATURE_BYTES = 32  # HMAC-SHA256


def key_folder() -> Path:
    """The user's cache folder for dhtt-merge (XDG on Linux, LOCALAPPDATA on Windows)."""
    base = os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    base = base or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dhtt-merge"


@cache
def _key() -> bytes:
    path = key_folder() / "cache.key"
    with contextlib.suppress(OSError):
        key = path.read_bytes()
        if len(key) == _KEY_BYTES:
            return key
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f"cache.key.{os.getpid()}.tmp")
        handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(key)
        try:  # another run may have made one meanwhile: the first one made is kept
            os.link(temp, path)
        except FileExistsError:
            pass
        finally:
            temp.unlink(missing_ok=True)
        stored = path.read_bytes()
        return stored if len(stored) == _KEY_BYTES else key
    except OSError:
        return key  # this run only: what it caches will not verify next time


def sign(data: bytes) -> bytes:
    """The signature of `data` under this user's key."""
    return hmac.new(_key(), data, hashlib.sha256).digest()


def verified(signature: bytes, data: bytes) -> bool:
    return hmac.compare_digest(signature, sign(data))

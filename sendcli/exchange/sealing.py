"""Encrypted packs: a folder of files sealed into one age file, and opened again.

A pack that leaves the school (a transfer to the next school, a subject access
export) travels by email, USB stick or an authority's portal. Sealed for its
recipients' age or SSH public keys, it is one file that only they can open,
and tampering or truncation is detected when it is opened: age authenticates
every chunk. The plaintext never touches the disk on the way in; on the way out
nothing is written until every file has matched the pack's manifest.

pyrage (bindings to the Rust age implementation) is imported only here.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

from sendcli.errors import SendcliError, UsageProblem

MANIFEST = "manifest.json"
#: An opened pack larger than this is refused (a compressed bomb from a sender with a real key).
MAX_OPENED_BYTES = 512 * 1024 * 1024
INSTALL_HINT = "pip install pyrage (it is installed with sendcli; reinstall sendcli if it is missing)"


class SealProblem(SendcliError):
    pass


def _pyrage():
    try:
        import pyrage
    except ImportError:
        raise SealProblem(f"encryption needs the pyrage package: {INSTALL_HINT}") from None
    return pyrage


def read_recipients(values: list[str]) -> list:
    """age or SSH public keys, each given as the key itself or as a file of keys (one a line, # comments)."""
    pyrage = _pyrage()
    recipients = []
    for value in values:
        lines = [value]
        path = Path(value)
        if not value.startswith(("age1", "ssh-")) and path.is_file():
            lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                     if line.strip() and not line.lstrip().startswith("#")]
            if not lines:
                raise UsageProblem(f"--encrypt-to {value}: the file holds no public key")
        for line in lines:
            recipients.append(_recipient(pyrage, line.strip(), value))
    return recipients


def _recipient(pyrage, key: str, given: str):
    try:
        if key.startswith("age1"):
            return pyrage.x25519.Recipient.from_str(key)
        if key.startswith("ssh-"):
            return pyrage.ssh.Recipient.from_str(key)
    except (pyrage.RecipientError, ValueError):
        pass
    shown = given if len(given) <= 60 else given[:57] + "..."
    raise UsageProblem(f"--encrypt-to {shown}: not an age public key (age1...), an SSH public key "
                       "(ssh-ed25519 or ssh-rsa) or a file of them")


def seal(files: dict[str, bytes], recipients: list) -> bytes:
    """``files`` (flat names, ``manifest.json`` among them) as one age file for ``recipients``."""
    pyrage = _pyrage()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name, data in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(data)
            member.mode = 0o600
            archive.addfile(member, io.BytesIO(data))
    try:
        return pyrage.encrypt(buffer.getvalue(), recipients)
    except pyrage.EncryptError as error:  # pragma: no cover - keys were checked when read
        raise SealProblem(f"could not encrypt the pack: {error}") from None


def read_identity(path: Path):
    """An age identity file (AGE-SECRET-KEY-1...) or an unencrypted SSH private key."""
    pyrage = _pyrage()
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SealProblem(f"--identity {path}: cannot be read ({error.strerror})") from None
    text = raw.decode("utf-8", errors="replace")
    if "AGE-SECRET-KEY-" in text:
        keys = [line.strip() for line in text.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")]
        try:
            return [pyrage.x25519.Identity.from_str(key) for key in keys]
        except (pyrage.IdentityError, ValueError):
            raise SealProblem(f"--identity {path}: not a valid age identity") from None
    if "PRIVATE KEY" in text:
        try:
            return [pyrage.ssh.Identity.from_buffer(raw)]
        except (pyrage.IdentityError, ValueError) as error:
            hint = " (a passphrase-protected key cannot be used: decrypt with an unprotected copy or an age key)" \
                if "ncrypt" in str(error) or "passphrase" in str(error).lower() else ""
            raise SealProblem(f"--identity {path}: not a usable SSH private key{hint}") from None
    raise SealProblem(f"--identity {path}: neither an age identity (AGE-SECRET-KEY-1...) nor an SSH private key")


def open_sealed(sealed: bytes, identities: list, shown_as: str) -> dict[str, bytes]:
    """The files of a sealed pack, each checked against its manifest; refused whole otherwise."""
    pyrage = _pyrage()
    try:
        plain = pyrage.decrypt(sealed, identities)
    except (pyrage.DecryptError, ValueError):
        raise SealProblem(f"{shown_as}: cannot be opened with this identity: it was sealed for other keys, "
                          "or it is damaged, truncated or not an encrypted pack") from None
    files = _unpack(plain, shown_as)
    check_manifest(files, shown_as)
    return files


def _unpack(plain: bytes, shown_as: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(plain), mode="r:*") as archive:
            for member in archive:
                name = member.name
                if not member.isfile() or "/" in name or "\\" in name or name in ("", ".", "..") \
                        or name.startswith("."):
                    raise SealProblem(f"{shown_as}: holds an entry that is not a plain file name "
                                      "of a pack; nothing was written")
                total += member.size
                if total > MAX_OPENED_BYTES:
                    raise SealProblem(f"{shown_as}: opens to more than {MAX_OPENED_BYTES // 2**20} MB; "
                                      "nothing was written")
                if name in files:
                    raise SealProblem(f"{shown_as}: holds {name} twice; nothing was written")
                handle = archive.extractfile(member)
                files[name] = handle.read() if handle is not None else b""
    except (tarfile.TarError, EOFError, OSError):
        raise SealProblem(f"{shown_as}: decrypted, but what it holds is not a sendcli pack") from None
    return files


def check_manifest(files: dict[str, bytes], shown_as: str) -> None:
    """Every file listed with the SHA-256 the manifest gives, and nothing unlisted."""
    try:
        manifest = json.loads(files[MANIFEST])
        listed = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    except (KeyError, TypeError, ValueError):
        raise SealProblem(f"{shown_as}: the pack has no readable {MANIFEST}; nothing was written") from None
    problems = [f"{name}: missing" for name in listed if name not in files]
    problems += [f"{name}: not in the manifest" for name in files if name not in listed and name != MANIFEST]
    problems += [f"{name}: its SHA-256 does not match the manifest" for name, digest in listed.items()
                 if name in files and hashlib.sha256(files[name]).hexdigest() != digest]
    if problems:
        raise SealProblem(f"{shown_as}: the pack does not match its manifest; nothing was written",
                          [f"- {problem}" for problem in problems])

"""A real IMAP server for tests: Dovecot on loopback, with its own configuration, Maildir and
passwd-file under a temporary folder, run in the foreground as the current user.

Messages are put in with IMAP APPEND and an internal date, as a mail server files what it
receives: the date is the server's arrival time, which `dhtt-merge receive` keeps as evidence.
Where Dovecot is not installed, the tests that need it are skipped and say why.
"""

from __future__ import annotations

import datetime as dt
import getpass
import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

DOVECOT_PATHS = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
USER, PASSWORD = "tonghop@ldld.vn", "Mat-khau-thu-9"


def dovecot_binary() -> str | None:
    """The dovecot binary, or None when it is not installed."""
    found = shutil.which("dovecot")
    if found:
        return found
    return next((path for path in DOVECOT_PATHS if os.access(path, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ImapServer:
    """One Dovecot instance holding one mailbox (`USER` / `PASSWORD`)."""

    def __init__(self, folder: Path, password: str = PASSWORD) -> None:
        binary = dovecot_binary()
        assert binary is not None
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.password = password
        self.process: subprocess.Popen[bytes] | None = None
        self.config = folder / "dovecot.conf"
        # The sockets' folder: short (a socket path has ~100 bytes) and open to the login
        # user, which pytest's own folders (mode 0700) are not when the tests run as root.
        self.base_dir = Path(tempfile.mkdtemp(prefix="dhtt-imap-"))
        self.base_dir.chmod(0o755)

    def start(self) -> ImapServer:
        import grp  # POSIX only, like Dovecot itself: imported where the server starts
        import pwd

        (self.folder / "state").mkdir(parents=True, exist_ok=True)
        user, uid, gid = getpass.getuser(), os.getuid(), os.getgid()
        group = grp.getgrgid(gid).gr_name
        # Dovecot refuses to run its login and internal processes as root: as root (CI), they
        # run as an unprivileged user that exists, the mail itself still as the current user.
        login = user
        if uid == 0:
            login = next((name for name in ("dovenull", "nobody") if _exists(name)), "nobody")
        login_group = grp.getgrgid(pwd.getpwnam(login).pw_gid).gr_name if _exists(login) \
            else group
        # Nor does it deliver mail as root: the mailbox then belongs to that user too.
        if uid == 0:
            uid, gid = pwd.getpwnam(login).pw_uid, pwd.getpwnam(login).pw_gid
        for name in ("mail", "home"):
            (self.base_dir / name).mkdir()
            os.chown(self.base_dir / name, uid, gid)
        # Cleartext passwords: the server lives and dies within one test.
        (self.base_dir / "passwd").write_text(f"{USER}:{{PLAIN}}{self.password}:{uid}:{gid}::"
                                            f"{self.base_dir / 'home'}::\n", encoding="utf-8")
        # Version 2.3 names the cleartext switch `disable_plaintext_auth`; 2.4 renamed it.
        version = subprocess.run([self.binary, "--version"], capture_output=True, text=True,
                                 check=False).stdout.strip()
        cleartext = "auth_allow_cleartext = yes" if version.startswith("2.4") \
            else "disable_plaintext_auth = no"
        self.config.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.base_dir}
state_dir = {self.folder / 'state'}
log_path = {self.folder / 'dovecot.log'}
info_log_path = {self.folder / 'dovecot.log'}
ssl = no
{cleartext}
auth_mechanisms = plain login
default_internal_user = {login}
default_internal_group = {login_group}
default_login_user = {login}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{self.base_dir / 'mail'}/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.base_dir / 'passwd'}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.base_dir / 'home'}/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {login}
  }}
  unix_listener stats-writer {{
    user = {login}
  }}
}}
""", encoding="utf-8")
        # Its own output to a file: a pipe nobody reads could fill and stall the server.
        with open(self.folder / "stderr.txt", "wb") as errors:
            self.process = subprocess.Popen([self.binary, "-F", "-c", str(self.config)],
                                            stdout=subprocess.DEVNULL, stderr=errors)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                said = (self.folder / "stderr.txt").read_text(errors="replace")
                raise RuntimeError(f"dovecot stopped: {said} {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not listen: {self.log()}")

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        token = f"\0{USER}\0{self.password}".encode()
        client.authenticate("PLAIN", lambda _: token)
        return client

    def append(self, message: EmailMessage | bytes, arrived: dt.datetime,
               folder: str = "INBOX") -> None:
        """File a message as received at `arrived` (timezone-aware): its INTERNALDATE."""
        data = message if isinstance(message, bytes) else message.as_bytes()
        client = self.connect()
        try:
            status, answer = client.append(folder, "", imaplib.Time2Internaldate(arrived), data)
            assert status == "OK", answer
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        """Each message's flags, in order (to see what fetching left as it was)."""
        client = self.connect()
        try:
            client.select(folder, readonly=True)
            _, data = client.fetch("1:*", "(FLAGS)")
            return [item.decode() for item in data if isinstance(item, bytes)]
        finally:
            client.logout()

    def env(self) -> dict[str, str]:
        """The DHTT_IMAP_* settings that reach this server."""
        return {"DHTT_IMAP_HOST": "127.0.0.1", "DHTT_IMAP_PORT": str(self.port),
                "DHTT_IMAP_USER": USER, "DHTT_IMAP_PASSWORD": self.password, "DHTT_IMAP_SSL": "0"}


def _exists(user: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True

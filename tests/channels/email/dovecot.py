"""A throwaway Dovecot IMAP server on 127.0.0.1 for the email channel's tests: its own config, a passwd-file
user, maildirs and a self-signed certificate (STARTTLS on the IMAP port, TLS on the IMAPS port) in a
temporary directory; nothing outside it is read or changed. Debian's `dovecot-imapd` is installed by
scripts/install --test."""

from __future__ import annotations

import contextlib
import getpass
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from tests.channels.email.certificates import self_signed
from tests.servers import _wait_port, free_port

DOVECOT = Path(os.environ.get("CROUPIER_DOVECOT", "/usr/sbin/dovecot"))
CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_fsync = never
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
"""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int  # IMAP, with STARTTLS offered
    ssl_port: int  # IMAPS
    ca_file: str  # the certificate both ports present
    user: str
    password: str

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        client.select_folder("INBOX")
        return client

    def deliver(self, raw: bytes, flags: tuple[bytes, ...] = ()) -> None:
        """Put a message in the INBOX, as the mail server would on delivery."""
        with self.client() as client:
            client.append("INBOX", raw, flags=flags)

    def messages(self) -> dict[int, tuple[bytes, ...]]:
        """{uid: flags} of the messages in the INBOX."""
        with self.client() as client:
            uids = client.search(["ALL"])
            return {uid: data[b"FLAGS"] for uid, data in client.fetch(uids, ["FLAGS"]).items()} if uids else {}


@contextlib.contextmanager
def dovecot(user: str = "support@lucky.test", password: str = "mailbox-password-1") -> Iterator[Mailbox]:
    root = Path(tempfile.mkdtemp(prefix="croupier-dovecot-"))
    root.chmod(0o755)  # Dovecot's auth process, running as its own user, reads the passwd file
    port, ssl_port = free_port(), free_port()
    cert, key = self_signed(root)
    if os.geteuid() == 0:  # Dovecot drops privileges to its own users, installed with the package
        internal, login, mail_user = "dovecot", "dovenull", "dovecot"
    else:
        internal = login = mail_user = getpass.getuser()
    mail_group = pwd.getpwnam(mail_user).pw_gid
    (root / "home").mkdir()
    for name in ("run", "state"):
        (root / name).mkdir()
    if os.geteuid() == 0:
        shutil.chown(root / "home", mail_user, mail_group)
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, ssl_port=ssl_port, cert=cert, key=key,
                                                     internal=internal, login=login, mail_user=mail_user,
                                                     mail_group=mail_group))
    proc = subprocess.Popen([str(DOVECOT), "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)
    try:
        _wait_port(port)
        _wait_port(ssl_port)
        yield Mailbox("127.0.0.1", port, ssl_port, str(cert), user, password)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(root, ignore_errors=True)

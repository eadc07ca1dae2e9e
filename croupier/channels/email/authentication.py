"""Sender authentication of received mail, checked when it is taken in (intake.py) and kept with the stored
event (`payload["auth"]`), so that a forged sender is flagged to the agent; nothing is ever refused for it.

- DKIM (RFC 6376): every DKIM-Signature (up to MAX_SIGNATURES) is verified here with dkimpy; the public key
  is looked up in DNS through `dns_txt` (None: dkimpy's own resolver, dnspython), so tests and operators can
  swap the resolver. A signature counts as the sender's when its `d=` domain is the From domain or a
  parent of it (relaxed alignment, as DMARC has it).
- What the receiving mail server found (SPF, DKIM, DMARC), from its Authentication-Results header (RFC 8601,
  read with authres): for mail fetched by IMAP, the topmost header, or only those of the channel's
  `auth_server_id` when it is set. Mail received by our own SMTP listener has no receiving server in
  between, so its Authentication-Results headers were written by the sender and are ignored.

The verdict: `fail` when a DKIM signature of the sender's domain does not verify and none does, or the mail
server reports dmarc=fail, or spf=fail with no DKIM pass; `pass` when a DKIM signature of the sender's domain
verifies or the server reports dmarc=pass; `none` otherwise (unsigned mail is common and not a warning)."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import Message
from email.utils import getaddresses
from typing import Any

import authres
import dkim

log = logging.getLogger(__name__)
MAX_SIGNATURES = 3
DNS_TIMEOUT = 5
dns_txt: Callable[..., bytes | None] | None = None  # dkimpy's dnsfunc(name, timeout=…); None: real DNS
FAILING = ("fail", "permerror")
DOMAIN = re.compile(r"[a-z0-9.-]{1,253}")


def _from_domain(message: Message) -> str | None:
    found = [address for _name, address in getaddresses([str(v) for v in message.get_all("From") or []])
             if "@" in address]
    domain = found[0].rsplit("@", 1)[1].strip().strip(">").lower() if found else ""
    return domain if DOMAIN.fullmatch(domain) else None


def _aligned(signer: str, sender: str | None) -> bool:
    return sender is not None and (sender == signer or sender.endswith("." + signer))


def _dkim(raw: bytes, sender: str | None, resolver: Callable[..., bytes | None] | None) -> dict[str, Any]:
    """Verify the message's DKIM signatures: {"dkim": pass|fail|temperror|none, "dkim_domains": [...]}."""
    lookup_failed = False

    def lookup(name: bytes, timeout: int = DNS_TIMEOUT) -> bytes | None:
        nonlocal lookup_failed
        try:
            return (resolver or dkim.dnsplug.get_txt)(name, timeout=timeout)
        except Exception:  # a DNS timeout or no resolver: not the sender's fault
            lookup_failed = True
            raise dkim.DnsTimeoutError(name) from None

    verifier = dkim.DKIM(raw, timeout=DNS_TIMEOUT)
    count = sum(1 for name, _value in verifier.headers if name.lower() == b"dkim-signature")
    results: list[tuple[str, bool]] = []
    for idx in range(min(count, MAX_SIGNATURES)):
        verifier.domain = None
        try:
            ok = bool(verifier.verify(idx=idx, dnsfunc=lookup))
        except dkim.DKIMException:
            ok = False
        domain = (verifier.domain or b"").decode("ascii", "replace").lower()
        results.append((domain, ok))
    if not results:
        return {"dkim": "none", "dkim_domains": []}
    own = [ok for d, ok in results if _aligned(d, sender)]
    if any(own):
        verdict = "pass"
    elif lookup_failed:
        verdict = "temperror"
    else:  # the sender's own signatures all failed; only third parties' (a list's, a relay's): neutral
        verdict = "fail" if own else "none"
    return {"dkim": verdict, "dkim_domains": sorted({d for d, ok in results if ok})}


def _reported(message: Message, server_id: str | None) -> dict[str, Any]:
    """The receiving server's findings: {"spf", "dkim", "dmarc", "server"} from its Authentication-Results."""
    for value in message.get_all("Authentication-Results") or []:
        try:
            header = authres.AuthenticationResultsHeader.parse(f"Authentication-Results: {value}")
        except Exception:  # noqa: BLE001 — a malformed header is no finding
            continue
        if server_id and str(header.authserv_id).lower() != server_id.lower():
            continue
        found: dict[str, Any] = {"server": str(header.authserv_id)[:200]}
        for result in header.results:
            method = str(result.method).lower()
            if method in ("spf", "dkim", "dmarc"):
                current = found.get(method)
                if current != "pass":  # several DKIM results: one pass is enough
                    found[method] = str(result.result).lower()[:20]
        return found
    return {}


def check(raw: bytes, *, via: str, server_id: str | None = None, truncated: bool = False,
          resolver: Callable[..., bytes | None] | None = None) -> dict[str, Any]:
    """The authentication result of one received message (blocking: DNS look-ups). Never raises. A
    `truncated` message (its headers only: too large to keep) cannot have its signatures checked."""
    try:
        message = message_from_bytes(raw, policy=policy.compat32)
        sender = _from_domain(message)
        ours = {"dkim": "none", "dkim_domains": []} if truncated else \
            _dkim(raw, sender, resolver if resolver is not None else dns_txt)
        reported = _reported(message, server_id) if via != "smtp" else {}
    except Exception as exc:  # noqa: BLE001 — a message we cannot check is kept, unchecked
        log.warning("email authentication check failed: %s: %s", type(exc).__name__, exc)
        return {"verdict": "none", "error": f"{type(exc).__name__}"}
    dkim_pass = ours["dkim"] == "pass" or reported.get("dkim") == "pass"
    if reported.get("dmarc") in FAILING or not dkim_pass and (
            ours["dkim"] == "fail" or reported.get("spf") in FAILING or reported.get("dkim") in FAILING):
        verdict = "fail"
    elif ours["dkim"] == "pass" or reported.get("dmarc") == "pass":
        verdict = "pass"
    else:
        verdict = "none"
    return {"verdict": verdict, "from_domain": sender, **ours,
            **({"reported": reported} if reported else {})}


async def check_async(raw: bytes, **options: Any) -> dict[str, Any]:
    """`check` in a thread (DNS look-ups block)."""
    return await asyncio.to_thread(check, raw, **options)

"""Who is in the demo: two casino brands, the support teams and the staff who answer for them."""

from __future__ import annotations

from dataclasses import dataclass

from croupier.models import HandoffReason, Role

DEMO_DOMAIN = "croupier.demo"
DEMO_PASSWORD = "Roulette-Demo-2026"


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    locales: tuple[str, ...]
    default_locale: str
    website_url: str


@dataclass(frozen=True)
class StaffSpec:
    key: str
    name: str
    role: Role
    locale: str
    brands: tuple[str, ...]  # slugs; empty for admins (they see every brand)
    teams: tuple[str, ...] = ()
    totp: bool = False

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


BRANDS = (
    BrandSpec("lucky-star", "Lucky Star Casino", ("en", "ru", "pl", "az", "fi"), "en", "https://luckystar.example"),
    BrandSpec("nordic-spins", "Nordic Spins", ("fi", "en", "ru", "pl", "az"), "fi", "https://nordicspins.example"),
)

TEAMS = {
    "Payments": "Deposits, withdrawals and payment methods",
    "VIP": "VIP and high-value players",
    "Responsible gambling": "Limits, cool-offs, self-exclusion and players at risk",
    "Security": "Account access, hacked accounts, phishing and fraud",
    "Complaints": "Formal complaints and disputes, with regulatory deadlines",
}

# Where the assistant hands conversations off to, by reason.
ASSISTANT_TEAMS = {HandoffReason.responsible_gambling: "Responsible gambling",
                   HandoffReason.account_security: "Security", HandoffReason.complaint: "Complaints"}

STAFF = (
    StaffSpec("admin", "Olivia Bennett", Role.admin, "en", (), totp=True),
    StaffSpec("supervisor", "Marek Zieliński", Role.supervisor, "pl", ("lucky-star", "nordic-spins"),
              ("Complaints", "VIP")),
    StaffSpec("emma", "Emma Clarke", Role.agent, "en", ("lucky-star",), ("Payments", "VIP")),
    StaffSpec("dmitri", "Dmitri Sokolov", Role.agent, "ru", ("lucky-star", "nordic-spins"), ("Payments", "Security")),
    StaffSpec("katarzyna", "Katarzyna Wójcik", Role.agent, "pl", ("lucky-star",), ("Payments", "Complaints")),
    StaffSpec("aysel", "Aysel Mammadova", Role.agent, "az", ("lucky-star",), ("Responsible gambling", "Payments")),
    StaffSpec("aino", "Aino Korhonen", Role.agent, "fi", ("nordic-spins",), ("Payments", "Responsible gambling")),
    StaffSpec("jonas", "Jonas Lindqvist", Role.agent, "en", ("nordic-spins",), ("Security", "VIP")),
)

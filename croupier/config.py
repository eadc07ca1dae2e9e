"""One Settings object, read from the environment (prefix CROUPIER_)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CROUPIER_", env_file=".env", extra="ignore")

    environment: str = Field("development", description="development | production")
    data_dir: Path = Path("croupier-data")
    database_url: str = ""  # default: SQLite file inside data_dir
    redis_url: str = ""  # empty: in-process live fan-out (one process only)
    base_url: str = "http://127.0.0.1:8000"
    secret_key: str = ""  # empty: generated once and kept in data_dir/secret_key

    # Connections kept open per process (as many again may open under bursts, then close): enough for a
    # worker's usual concurrency, since opening a connection costs more than a message.
    db_pool_size: int = 20
    run_worker: bool = True  # run background jobs inside the web process
    # Jobs each process runs at once: handlers mostly wait on the network (providers, IMAP) or the database.
    worker_concurrency: int = Field(4, ge=1, le=64)

    # argon2id parameters: an argon2.profiles name (RFC_9106_LOW_MEMORY, RFC_9106_HIGH_MEMORY, CHEAPEST).
    password_hash_profile: Literal["RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST"] = "RFC_9106_LOW_MEMORY"
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    login_rate_limit: str = "20/minute"
    api_rate_limit: str = "600/minute"
    widget_rate_limit: str = "120/minute"

    max_json_bytes: int = 256 * 1024
    max_message_chars: int = 10_000
    attachment_max_bytes: int = 10 * 1024 * 1024
    attachment_types: list[str] = [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
    ]
    default_locale: str = "en"

    # The assistant's optional language model: an OpenAI-compatible chat-completions endpoint (e.g.
    # https://api.openai.com/v1) that phrases answers from knowledge-base passages. Empty: off.
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout_seconds: float = 8.0
    # The help centre's page cache per web process (0: off), and how often a process reads the public
    # version to see another process's changes (its own show at once).
    help_cache_mb: int = Field(64, ge=0)
    help_cache_check_ms: int = Field(500, ge=0)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'croupier.db').resolve()}"

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def effective_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()

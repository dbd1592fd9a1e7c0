"""Settings of the web app, from the environment (prefix RECHTENLOKET_WEB_) or ``.env``.

The defaults are those of production behind TLS. For plain-http development on
127.0.0.1 (and the tests) set RECHTENLOKET_WEB_BEHIND_TLS=false: the session cookie then
loses ``Secure`` and its ``__Host-`` prefix, and no HSTS header is sent.
"""
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.settings import PROJECT_ROOT


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECHTENLOKET_WEB_", env_file=".env", extra="ignore")

    # Reached over HTTPS (directly or through a TLS-terminating proxy): Secure cookies, HSTS.
    behind_tls: bool = True
    hsts_max_age: int = Field(default=31_536_000, ge=0)  # seconds; sent only behind TLS

    # Sessions (docs/auth.md): signed out after this long without a request, and after
    # this long in any case.
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_absolute_hours: int = Field(default=12, ge=1, le=7 * 24)

    # Login throttling, per account name and per client address.
    throttle_window_minutes: int = Field(default=15, ge=1)  # failures older than this are forgotten
    throttle_free_account: int = Field(default=5, ge=1)  # failures per name before back-off starts
    throttle_free_client: int = Field(default=20, ge=1)  # per address (offices share one)
    throttle_base_seconds: int = Field(default=30, ge=1)  # first lock; doubles with each failure
    throttle_max_seconds: int = Field(default=15 * 60, ge=1)

    # A request body larger than this is refused before it is read (413).
    max_body_bytes: int = Field(default=1_000_000, ge=1024)

    # The Prefect UI the start page links to (coordinators, managers, administrators).
    prefect_ui_url: str = "http://127.0.0.1:4200"

    # Where `npm ci` put the NL Design System CSS (served from there at runtime).
    node_modules_dir: Path = PROJECT_ROOT / "node_modules"

    @property
    def session_cookie(self) -> str:
        # __Host-: only over HTTPS, for this host and path "/", so no sibling subdomain can
        # plant or overwrite it (cookie tossing).
        return "__Host-rl_session" if self.behind_tls else "rl_session"

    @property
    def anonymous_cookie(self) -> str:
        """Binds the login form's CSRF token to this browser before anyone signs in."""
        return "__Host-rl_anon" if self.behind_tls else "rl_anon"

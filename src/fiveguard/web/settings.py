"""The web app's settings: one typed object, given to :func:`fiveguard.web.app.create_app`."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """How the app behaves; the defaults are the production ones."""

    secure_cookies: bool = True
    """Cookies carry the ``Secure`` attribute (browsers still send them to ``localhost``
    over plain HTTP, so a local demo works; anything else belongs behind TLS)."""
    session_hours: int = 8
    """A session ends this long after sign-in (a working day)."""
    max_upload_bytes: int = 64 * MIB
    """The largest request body accepted (a model with its site files, an SBOM)."""
    login_failures_per_user: int = 5
    """Failed sign-ins for one user name within :attr:`login_window_minutes` before
    further attempts are refused for the rest of the window."""
    login_failures_per_client: int = 30
    """The same, per client address (one address guessing many user names)."""
    login_window_minutes: int = 15
    job_workers: int = 1
    """Background assessments run at once (each takes a core)."""
    job_trials: int = 0
    """Monte Carlo years an assessment job adds when the request names none."""

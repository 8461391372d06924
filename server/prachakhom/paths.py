"""Where the files beside the code are: the browser apps and their catalogues, the fonts.
Used by the web edge and the reports alike, so it sits below both."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def clients_dir() -> Path | None:
    """The browser apps: inside the package in the image (the Dockerfile copies clients/
    there), else clients/ beside server/ in a checkout."""
    for candidate in (PACKAGE / "clients", PACKAGE.parents[1] / "clients"):
        if candidate.is_dir():
            return candidate
    return None


def i18n_dir() -> Path:
    """clients/i18n: the one catalogue per language, the apps' and the reports'."""
    clients = clients_dir()
    if clients is None or not (clients / "i18n").is_dir():
        raise FileNotFoundError(f"the catalogues (clients/i18n) are not beside {PACKAGE}")
    return clients / "i18n"


def fonts_dir() -> Path:
    from fontpkg_sarabun import ROOT  # the package ships its TTFs under files/

    return Path(ROOT) / "files"

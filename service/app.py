"""The application factory, ``create_app(settings)``; built in ``service.web.app``."""

from service.web.app import create_app

__all__ = ["create_app"]

"""The steering-group report: `build_steering_report(...)` and `render_html/render_pdf/render_xlsx(report)`.

Re-exported lazily, so that importing the package (e.g. for its URLs) loads no models before the app registry.
"""

from __future__ import annotations

_EXPORTS = {"build_steering_report": "report", "SteeringReport": "report", "render_html": "render",
            "render_pdf": "render", "render_xlsx": "render"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        from importlib import import_module

        return getattr(import_module(f"polku.reporting.steering.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The report's frozen data as files: ``to_pdf(data)`` (A4, with charts) and
``to_xlsx(data)`` (a sheet per section). Both read only the data dict described in
``ReportVersion.data`` and are deterministic. The work is done in
``loket.monitoring.render``."""

from __future__ import annotations

from loket.monitoring.render.pdf import to_pdf
from loket.monitoring.render.xlsx import to_xlsx

__all__ = ["to_pdf", "to_xlsx"]

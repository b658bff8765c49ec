"""The report's frozen data (``ReportVersion.data``) as PDF and XLSX.

``pdf.to_pdf`` and ``xlsx.to_xlsx`` (re-exported by ``loket.monitoring.report_render``)
read nothing but the data dict: no database, no clock. The same data gives the same
bytes, so a submitted report stays byte-identical. ``common`` holds the shared
formatting, ``html`` turns the narrative's sanitised HTML into PDF paragraphs or plain
text, ``charts`` draws the charts with ``reportlab.graphics``.
"""

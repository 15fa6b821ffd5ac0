"""The sections of the Streamlit page (``app.py``), one module each.

Widgets and layout only: every number, table, file and word comes from :mod:`riskmap`,
which never imports Streamlit.  ``app.py`` puts these sections in their order.
"""

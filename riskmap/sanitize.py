"""Keeping data inert: text from a workspace is never markup, a template or a formula.

Every string a workspace or an upload brings (a title, a county name, a hazard
description, a basemap URL) is text.  It must never be read as a Jinja template
(folium and branca render element scripts twice), as Markdown or HTML (Streamlit
renders Markdown in titles, captions and error boxes), as matplotlib mathtext, or as a
spreadsheet formula when a CSV file is opened in Excel (OWASP "CSV injection").  The
functions here are the one place each of those rules is written.
"""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------- tile URLs

TILE_PLACEHOLDERS = ("{s}", "{x}", "{y}", "{z}", "{r}")
"""The only brace expressions an XYZ basemap URL template may hold (Leaflet's own)."""

_TILE_URL = re.compile(
    r"https?://"                       # a web address, nothing else (no file:, javascript:, data:)
    r"[A-Za-z0-9.\-]+(?::[0-9]{1,5})?"  # host (letters, digits, dots, dashes; {s} below) and port
    r"(?:/[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*)?"  # path and query, RFC 3986 characters
)


_TILE_REASONS = {
    "empty": ("地址为空", "the URL is empty"),
    "long": ("地址过长（最多 2000 个字符）", "the URL is longer than 2,000 characters"),
    "space": ("地址含空白或控制字符", "the URL holds white space or control characters"),
    "braces": ("花括号只能用于占位符 {s} {x} {y} {z} {r}", "braces are allowed only in the placeholders {s} {x} {y} {z} {r}"),
    "missing": ("缺少占位符 {missing}", "the placeholders {missing} are missing"),
    "scheme": ("须为 http:// 或 https:// 开头、只含网址允许字符的地址",
               "it must be an http:// or https:// address made of the characters URLs allow"),
}


def check_tile_url(url: str, *, lang: str = "en") -> str | None:
    """Return why ``url`` is not an acceptable XYZ tile URL template, or None when it is.

    Allowed: ``http://`` or ``https://`` and a host, then RFC 3986 path and query
    characters, with ``{z}``, ``{x}`` and ``{y}`` each present and no brace other than
    the placeholders ``{s} {x} {y} {z} {r}``.  Checked in ``riskmap validate``, in the
    app's text box and in :func:`riskmap.mapview.build_map`.

    Parameters
    ----------
    url
        The template as given.
    lang
        ``zh`` or ``en``: the language of the returned reason.

    Examples
    --------
    >>> check_tile_url("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png") is None
    True
    >>> check_tile_url("https://t.example.org/{{7*7}}/{z}/{x}/{y}.png") is not None
    True
    """
    def reason(key: str, **fmt) -> str:
        zh, en = _TILE_REASONS[key]
        text = zh if lang == "zh" else en
        return text.replace("{missing}", fmt["missing"]) if fmt else text

    if not isinstance(url, str) or not url:
        return reason("empty")
    if len(url) > 2000:
        return reason("long")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return reason("space")
    bare = url
    for placeholder in TILE_PLACEHOLDERS:
        bare = bare.replace(placeholder, "")
    if "{" in bare or "}" in bare:
        return reason("braces")
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
    if missing:
        return reason("missing", missing=" ".join(missing))
    # {s} may stand for the subdomain in the host: check the address with the
    # placeholders replaced by what they become.
    concrete = url.replace("{s}", "a").replace("{r}", "").replace("{x}", "0").replace("{y}", "0").replace("{z}", "0")
    if not _TILE_URL.fullmatch(concrete):
        return reason("scheme")
    return None


# --------------------------------------------------------------------------- templates

def jinja_inert(text: str) -> str:
    """Break ``{{``, ``{%`` and ``{#`` in JSON text headed for a folium template.

    folium/branca feed rendered scripts through Jinja a second time, so data such as an
    enterprise named ``{{ 7*7 }}`` would otherwise be evaluated as a template.  JSON
    structure never contains these pairs, so only string contents change, and a
    ``\\u`` escape reads back as the same character in the browser.
    """
    return text.replace("{{", "{\\u007b").replace("{%", "{\\u0025").replace("{#", "{\\u0023")


def html_inert(text: str) -> str:
    """HTML-escape ``text`` and write its braces as entities (safe in markup and Jinja)."""
    import html

    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile("[" + re.escape(string.punctuation) + "]")
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=://)|(?<=http)(?=://)|(?<=www)(?=\.)|(?=@)")


def markdown_text(text: object) -> str:
    """``text`` written so that Streamlit's Markdown shows it exactly as it is.

    Every ASCII punctuation character becomes a numeric character reference
    (``&#58;`` for ``:``).  CommonMark shows a reference as the character and never as
    markup, and, unlike a backslash escape, it also stops GitHub-style autolinks
    (``http://…``, ``www.…``, ``name@host``) and Streamlit's ``:red[...]`` and
    ``$...$`` from forming.  Line breaks become spaces, so a value cannot start a
    heading, list or code block of its own.

    Examples
    --------
    >>> markdown_text("![x](http://a.b/c.png)")
    '&#33;&#91;x&#93;&#40;http\u2060&#58;&#47;&#47;a&#46;b&#47;c&#46;png&#41;'
    """
    flat = re.sub(r"[\r\n\u2028\u2029]+", " ", str(text))
    # Streamlit's GitHub-flavoured Markdown also finds addresses in the decoded text
    # (after references are read), so the patterns themselves are broken with an
    # invisible WORD JOINER: http⁠://, www⁠., name⁠@host.
    flat = _AUTOLINK.sub("\u2060", flat)
    return _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group(0))};", flat)


# --------------------------------------------------------------------------- mathtext

def plain_text(text: object) -> str:
    """``text`` for matplotlib: dollar signs escaped so that mathtext never parses it."""
    return str(text).replace("$", r"\$")


# --------------------------------------------------------------------------- XML

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: object) -> str:
    """``text`` without the control characters XML 1.0 forbids (DOCX, XLSX and SVG).

    python-docx refuses them with an error; a spreadsheet cell or a county name may
    still hold one (a vertical tab pasted from another program).
    """
    return _XML_ILLEGAL.sub("", str(text))


# --------------------------------------------------------------------------- CSV

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is read as a formula by Excel or LibreOffice."""

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """One cell, neutralised for a CSV file: a leading ``'`` before a formula trigger.

    Text starting with ``= + - @``, a tab or a carriage return gets a leading
    apostrophe (the OWASP advice), so that a spreadsheet shows it as text instead of
    running it.  Real numbers (``-3``, ``+1.5e3``) are left alone, as are non-text
    values.
    """
    if not isinstance(value, str) or not value or not value.startswith(FORMULA_TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are neutralised by :func:`csv_cell`.

    Only object and string columns are looked at, and in them only the distinct values
    that start with a trigger, so a province's tables stay cheap to write.
    """
    out = frame.copy()
    out.columns = [csv_cell(c) if isinstance(c, str) else c for c in out.columns]
    for column in out.columns:
        series = out[column]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
            continue
        text = series.astype(object)
        is_str = text.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        if not is_str.any():
            continue
        starts = np.zeros(len(text), dtype=bool)
        starts[is_str] = pd.Series(text[is_str].to_numpy(dtype=object)).str.startswith(FORMULA_TRIGGERS).to_numpy(dtype=bool)
        if starts.any():
            text = text.copy()
            text[starts] = [csv_cell(v) for v in text[starts]]
            out[column] = text
    return out


def write_csv(frame: pd.DataFrame, path_or_buffer, *, index: bool = False) -> None:
    """Write ``frame`` as CSV for spreadsheets: UTF-8 with BOM, formula cells neutralised.

    The BOM lets Excel on a Chinese Windows open the file without mojibake.  This is
    the one CSV writer of RiskMap (the CLI's outputs and the app's downloads).
    """
    csv_safe(frame).to_csv(path_or_buffer, index=index, encoding="utf-8-sig")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`write_csv` into bytes (for a download button)."""
    return csv_safe(frame).to_csv(index=False).encode("utf-8-sig")


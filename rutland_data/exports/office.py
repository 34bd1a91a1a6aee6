"""What the Word, PowerPoint and PDF writers share: every date in a document is the database's build time
(never now), and zip entries carry it too, so two builds from one database give byte-identical files."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def built_datetime(summary_built_at: str) -> datetime:
    """The database's build time (naive UTC), used for every document date so rebuilding gives the same file."""
    try:
        stamp = datetime.fromisoformat(summary_built_at)
    except ValueError:
        return datetime(2000, 1, 1)
    return stamp.replace(tzinfo=None) if stamp.utcoffset() is None else (stamp - stamp.utcoffset()).replace(tzinfo=None)


def fixed_zip(data: bytes, stamp: datetime) -> bytes:
    """Rewrite an Office file's zip with every entry dated `stamp`, so equal content gives equal bytes. An
    OpenDocument file's `mimetype` entry stays uncompressed, as the format requires."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED if item.filename == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def add_hyperlink(paragraph, url: str, text: str) -> None:
    """python-docx has no hyperlink API: add the relationship and the w:hyperlink run by hand."""
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1D70B8")
    properties.extend([style, colour, underline])
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)

"""multipart/form-data bodies, already read (and size-limited) by the HTTPS edge."""

from __future__ import annotations

import io
from dataclasses import dataclass

from shared.domain.errors import ErrorDetail

MEDIA_TYPE = "multipart/form-data"


@dataclass(frozen=True)
class FilePart:
    filename: str
    content_type: str
    data: bytes


def parse(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, FilePart], list[ErrorDetail]]:
    """The text fields and the file parts of a form, or the error that makes it unreadable."""
    from werkzeug.formparser import parse_form_data

    environ = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body)}
    try:
        _, form, files = parse_form_data(environ, silent=False, max_content_length=None)
    except ValueError as exc:
        return {}, {}, [ErrorDetail.of("$", "MALFORMED_MULTIPART", detail=str(exc)[:200])]
    fields = {key: form.get(key) for key in form.keys()}
    parts = {key: FilePart(storage.filename or "", storage.mimetype or "", storage.read())
             for key, storage in files.items()}
    if "boundary=" not in content_type.lower():
        return {}, {}, [ErrorDetail.of("header.Content-Type", "MALFORMED_MULTIPART", detail="boundary absent")]
    return fields, parts, []

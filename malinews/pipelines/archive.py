"""The raw archive: every fetched article response, as served, in WARC files.

One file per site and month (`archive/<site>/<YYYY-MM>.warc.gz`), one gzip member per record,
so a record is read back alone from its offset; the store keeps each record's place
(Store.archived). warcio writes and reads the format: WARC headers, digests and the HTTP block
are easy to get subtly wrong by hand, and other tools (pywb, warcio itself) must read the files.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FOLDER = "archive"
MONTH_FILE_RE = re.compile(r"^(\d{4})-(\d{2})\.warc\.gz$")


@dataclass(frozen=True)
class ArchivedResponse:
    """One archived response, as read back: what reprocessing needs."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Place:
    """Where a record is: its file (relative to the output folder), offset and length."""

    file: str
    offset: int
    length: int


class Archive:
    """The WARC files of an output folder."""

    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir

    def write(
        self,
        site: str,
        url: str,
        status: str,
        headers: list[tuple[str, str]],
        body: bytes,
        when: datetime,
    ) -> Place:
        """Append a `response` record (status line like "200 OK", headers, body as served)."""
        relative = Path(FOLDER) / site / f"{when:%Y-%m}.warc.gz"
        path = self.output_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        buffer = io.BytesIO()  # the whole record first: the file gets it in one write
        writer = WARCWriter(buffer, gzip=True)
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        writer.write_record(record)
        with path.open("ab") as handle:
            offset = handle.tell()
            handle.write(buffer.getvalue())
        return Place(str(relative), offset, len(buffer.getvalue()))

    def read(self, place: Place) -> ArchivedResponse:
        """The response stored at `place`."""
        with (self.output_dir / place.file).open("rb") as handle:
            handle.seek(place.offset)
            data = handle.read(place.length)
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
        http = record.http_headers
        return ArchivedResponse(
            record.rec_headers.get_header("WARC-Target-URI"),
            int(http.get_statuscode()),
            list(http.headers),
            record.raw_stream.read(),  # as stored: no transfer or content decoding
        )

    def prune(self, now: datetime, days: int) -> list[str]:
        """Delete the month files whose whole month is more than `days` old; their names."""
        limit = now - timedelta(days=days)
        gone = []
        for path in sorted((self.output_dir / FOLDER).glob("*/*.warc.gz")):
            match = MONTH_FILE_RE.match(path.name)
            if match is None:
                continue
            year, month = int(match[1]), int(match[2])
            month_end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=now.tzinfo)
            if month_end <= limit:
                path.unlink()
                gone.append(str(path.relative_to(self.output_dir)))
        return gone

"""`python -m rutland_data.exports --year YYYY/YY --out DIR [--meeting ID]` (also `python -m rutland_data pack ...`):
the Meetings page's board pack (every section, map included) as files, for scripted papers."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from rutland_data import settings
from rutland_data.exports import board_pack, meeting_pack
from rutland_data.reference import codes
from rutland_data.store import db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rutland_data pack", description=__doc__)
    parser.add_argument("--year", required=True, metavar="YYYY/YY", help="the academic year, e.g. 2024/25")
    parser.add_argument("--out", required=True, metavar="DIR", help="the folder to write the files to")
    parser.add_argument("--meeting", type=int, metavar="ID", help="a recorded meeting's id: its papers from the data "
                        "version it used, with its commentary")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    configured = settings.load()
    end_year = codes.end_year_of(args.year) if re.fullmatch(r"\d{4}/\d{2}", args.year) else None
    if end_year is None or codes.academic_year(end_year) != args.year:
        print(f"--year '{args.year}': expected an academic year such as 2024/25", file=sys.stderr)
        return 2
    if not configured.db_path.exists():
        print(f"No database at {configured.db_path}; run `python -m rutland_data build --demo` first.", file=sys.stderr)
        return 1
    if args.meeting is not None:
        try:  # the meeting's papers: its year, from the data version it used, with its commentary
            pack = meeting_pack.pack(configured.records_db_path, configured.meetings_dir, args.meeting,
                                     configured.la_code)
        except LookupError as error:  # no such meeting, or its data version is not kept (MissingDataVersion)
            print(f"--meeting {args.meeting}: {error}", file=sys.stderr)
            return 2
        if pack.summary.end_year != end_year:
            print(f"--meeting {args.meeting} is a meeting about {pack.summary.year_label}, not {args.year}; "
                  "nothing was written", file=sys.stderr)
            return 2
    else:
        con = db.connect_read_only(configured.db_path)
        try:
            pack = board_pack.build(con, configured.la_code, end_year)
        finally:
            con.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for suffix, data in (("pptx", pack.pptx), ("pdf", pack.pdf), ("ods", pack.ods)):
        path = out / f"{pack.file_stem}.{suffix}"
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
    for note in pack.notes:
        print(f"note: {note}")
    print(board_pack.data_version_line(pack.summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

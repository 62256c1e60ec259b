#!/usr/bin/env python3
"""Build newsgraph's outlet reliability registry from public lists.

Reads (from ../shared/data/claims, see shared/data/SOURCES.md):

    opensources/sources.csv   OpenSources (OpenSourcesGroup/opensources @2fb428d, 2017), LGPL-3.0
    euvsdisinfo/posts.csv     EUvsDisinfo cases 2015-01..2021-02 (cknabs/EUvsDisinfo @c4acb10),
                              no licence in the repository: research use; users import their
                              own copy

and writes, deterministically (same inputs -> byte-identical output):

    src/newsgraph/data/outlets.tsv   the shipped registry: OpenSources rows only

EUvsDisinfo rows are NOT written into the shipped table by default, because SOURCES.md
says of that data "no licence in repo: research use; users import their own copy". A user
builds them from their own copy into a user registry file:

    python scripts/build_outlet_registry.py --euvsdisinfo-registry my-euvsdisinfo.tsv

and loads it with ``OutletRegistry(["my-euvsdisinfo.tsv"])``. ``--include-euvsdisinfo``
merges them into the shipped table instead (only once the terms are cleared).

Usage:  python scripts/build_outlet_registry.py [--claims DIR] [--out FILE]
            [--euvsdisinfo-registry FILE] [--include-euvsdisinfo]

Every rule that turns a source's labels or counts into a rating is a table or a constant
below and is documented in docs/reliability.md. Ratings are never guessed: an outlet no
source names is not in the table.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from newsgraph.reliability import (  # noqa: E402
    COLUMNS, Entry, combine_ratings, host_chain, looks_like_domain, normalize_key,
    normalize_name, split_url,
)

CONVERTER = "scripts/build_outlet_registry.py"
FORMAT_VERSION = "outlets-tsv/1"
# A constant (changed by hand when the rules change) so that a rebuild writes the same bytes.
CONVERSION_DATE = "2026-11-27"
DEFAULT_CLAIMS = ROOT.parent / "shared" / "data" / "claims"
DEFAULT_OUT = ROOT / "src" / "newsgraph" / "data" / "outlets.tsv"
GZIP_ABOVE = 500_000  # bytes: a larger table is written as outlets.tsv.gz

OPENSOURCES = "opensources"
EUVSDISINFO = "euvsdisinfo"

# ---------------------------------------------------------------- OpenSources rules

# Spelling variants in sources.csv -> the OpenSources tag they stand for.
OPENSOURCES_LABEL_FIXES = {"fake news": "fake", "unrealiable": "unreliable",
                           "satirical": "satire"}
# OpenSources tag -> rating (None: the tag says nothing about reliability).
# Tag meanings as defined by OpenSources: fake = fabricated news; conspiracy; junksci = junk
# science; hate = promotes racism/hatred; rumor = rumor mill; bias = "extreme bias";
# satire; unreliable = "proceed with caution"; clickbait = credible content behind
# misleading headlines; political = verifiable information from a political viewpoint;
# state = news under government sanction in a repressive state; reliable = credible.
OPENSOURCES_RATING = {
    "fake": "low", "conspiracy": "low", "junksci": "low", "hate": "low", "rumor": "low",
    "bias": "low",
    "satire": "satire",
    "unreliable": "mixed", "clickbait": "mixed", "political": "mixed", "state": "mixed",
    "reliable": "high",
    "blog": None,
}
# Combination: the first of low, satire, mixed, high among the tags' ratings wins
# (newsgraph.reliability.RATING_PRECEDENCE), except that "political" is ignored next to
# "reliable" (OpenSources' credible sites with a stated political orientation).

# ---------------------------------------------------------------- EUvsDisinfo rules

EUVSDISINFO_LOW_AT = 3  # an outlet named in at least this many cases is rated "low"
EUVSDISINFO_LABEL = "euvsdisinfo-case"
# Pieces of the outlets field that are scraping artefacts or name only a platform.
EUVSDISINFO_SKIP_NAMES = {"show more", "twitter resource", "facebook resource", "fb",
                          "youtube", "facebook", "twitter", "telegram", "vk", "vkontakte",
                          "instagram", "tiktok", "odnoklassniki"}
# Platforms, shorteners and archives: the domain (and its subdomains) hosts many outlets.
PLATFORM_DOMAINS = {
    "youtube.com", "youtu.be", "facebook.com", "fb.com", "fb.watch", "twitter.com", "t.co",
    "x.com", "t.me", "telegram.me", "telegram.org", "vk.com", "ok.ru", "instagram.com",
    "tiktok.com", "medium.com", "bit.ly", "goo.gl", "tinyurl.com", "ow.ly", "archive.org",
    "archive.is", "archive.ph", "archive.today", "google.com", "dailymotion.com",
    "rutube.ru", "pinterest.com", "reddit.com", "linkedin.com", "soundcloud.com",
    "rumble.com", "bitchute.com", "odysee.com", "gab.com", "whatsapp.com", "vimeo.com",
    "yandex.ru", "dzen.ru", "mail.ru",
}
# Blog hosts: the bare domain is skipped, a subdomain (one blog) is kept.
BLOG_HOSTS = {"blogspot.com", "wordpress.com", "livejournal.com", "wixsite.com",
              "weebly.com", "tumblr.com", "substack.com"}
EUVSDISINFO_MAX_NAME = 80  # longer "names" are descriptions, not outlet names


# ---------------------------------------------------------------- reading


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def opensources_label(tag: str) -> str | None:
    tag = " ".join(tag.split()).lower()
    if not tag:
        return None
    return OPENSOURCES_LABEL_FIXES.get(tag, tag)


def opensources_rating(labels: set[str]) -> str:
    rated = set(labels)
    if "reliable" in rated:
        rated.discard("political")
    ratings = []
    for label in rated:
        if label not in OPENSOURCES_RATING:
            raise SystemExit(f"unknown OpenSources tag {label!r}: add it to OPENSOURCES_RATING")
        if OPENSOURCES_RATING[label]:
            ratings.append(OPENSOURCES_RATING[label])
    return combine_ratings(ratings)


def read_opensources(path: Path) -> tuple[dict[str, Entry], list[str]]:
    """key -> Entry from sources.csv (domain, type, 2nd type, 3rd type, notes), and skips."""
    labels: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    skipped: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        if not row:
            continue
        raw = "".join(row[0].split())  # "Silver-Coin-Investor. com" -> one domain
        key = normalize_key(raw.split("#")[0]) if looks_like_domain(raw) else None
        if key is None:
            skipped.append(row[0])
            continue
        names.setdefault(key, raw.split("#")[0].rstrip("/"))
        labels[key].update(filter(None, (opensources_label(t) for t in row[1:4])))
    entries = {}
    for key in sorted(labels):
        tags = sorted(labels[key])
        evidence = "OpenSources 2017 tags: " + (", ".join(tags) or "(none)")
        entries[key] = Entry(key, names[key], opensources_rating(set(tags)), tuple(tags),
                             ((OPENSOURCES, evidence),))
    return entries, skipped


@dataclass
class _Cases:
    ids: set[str] = field(default_factory=set)
    dates: list[str] = field(default_factory=list)
    spellings: Counter = field(default_factory=Counter)


def euvsdisinfo_outlet(piece: str) -> tuple[str, str] | None:
    """(key, spelling) of one piece of the outlets field, or None to skip it."""
    piece = " ".join(piece.split())
    if not piece or normalize_name(piece) in EUVSDISINFO_SKIP_NAMES:
        return None
    if looks_like_domain(piece):
        host, _ = split_url(piece)
        if host is None or host in BLOG_HOSTS or any(h in PLATFORM_DOMAINS
                                                    for h in host_chain(host)):
            return None
        return host, host
    if len(piece) > EUVSDISINFO_MAX_NAME:
        return None
    return normalize_name(piece), piece


def split_outlets(field_text: str) -> list[str]:
    pieces = []
    for line in field_text.replace("\r", "\n").split("\n"):
        for part in line.split("+"):
            pieces.extend(part.split(" // "))
    return pieces


def read_euvsdisinfo(path: Path) -> dict[str, Entry]:
    """key -> Entry: the number of cases naming each outlet and their first/last dates."""
    cases: dict[str, _Cases] = defaultdict(_Cases)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            case_id, date = row.get("id") or "", (row.get("date") or "").strip()
            for piece in split_outlets(row.get("outlets") or ""):
                found = euvsdisinfo_outlet(piece)
                if found is None:
                    continue
                key, spelling = found
                record = cases[key]
                if case_id not in record.ids:
                    record.ids.add(case_id)
                    if date:
                        record.dates.append(date)
                record.spellings[spelling] += 1
    entries = {}
    for key in sorted(cases):
        record = cases[key]
        n = len(record.ids)
        dates = sorted(record.dates)
        span = (dates[0] if dates[0] == dates[-1] else f"{dates[0]}..{dates[-1]}") if dates else ""
        evidence = f"EUvsDisinfo: {n} case{'s' if n != 1 else ''}" + (f", {span}" if span else "")
        name = min(record.spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        rating = "low" if n >= EUVSDISINFO_LOW_AT else "unknown"
        entries[key] = Entry(key, name, rating, (EUVSDISINFO_LABEL,), ((EUVSDISINFO, evidence),))
    return entries


def merge(*tables: dict[str, Entry]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for table in tables:
        for key, entry in table.items():
            old = merged.get(key)
            if old is None:
                merged[key] = entry
                continue
            merged[key] = Entry(key, old.name, combine_ratings((old.rating, entry.rating)),
                                tuple(sorted(set(old.labels) | set(entry.labels))),
                                old.provenance + entry.provenance)
    return merged


# ---------------------------------------------------------------- writing


def header(opensources: Path | None, euvsdisinfo: Path | None, skipped: list[str],
           title: str) -> list[str]:
    lines = [
        f"# {title} ({FORMAT_VERSION})",
        f"# Built by {CONVERTER} (rules dated {CONVERSION_DATE}); do not edit by hand: "
        "add a user registry file instead (docs/reliability.md).",
        "# Columns (tab-separated): " + ", ".join(COLUMNS) + "; labels and sources are "
        "comma-separated; evidence holds one item per source, separated by ' | '.",
        "# Ratings: high, mixed, low, satire, unknown; rules in docs/reliability.md and in "
        f"{CONVERTER}.",
    ]
    if opensources is not None:
        lines += [
            "# Source opensources: OpenSources, https://github.com/OpenSourcesGroup/opensources "
            "@2fb428d (2017), sources.csv sha256 " + sha256(opensources) + ".",
            "# Licence: OpenSources is licensed LGPL-3.0; the rows derived from it are "
            "distributed under the terms of the GNU LGPL v3, with attribution to the "
            "OpenSources project (full licence text: https://www.gnu.org/licenses/lgpl-3.0.txt).",
            f"# OpenSources tag -> rating: " + ", ".join(
                f"{tag}={rating or 'none'}" for tag, rating in sorted(OPENSOURCES_RATING.items()))
            + "; the first of low, satire, mixed, high wins; political is ignored next to "
            "reliable.",
        ]
        if skipped:
            lines.append(f"# Skipped {len(skipped)} OpenSources rows whose key is not a domain.")
    if euvsdisinfo is not None:
        lines += [
            "# Source euvsdisinfo: EUvsDisinfo disinformation cases 2015-01..2021-02, "
            "https://github.com/cknabs/EUvsDisinfo @c4acb10 (scraped from euvsdisinfo.eu on "
            "2021-02-18), posts.csv sha256 " + sha256(euvsdisinfo) + ".",
            "# Terms: no licence in the EUvsDisinfo repository; newsgraph's SOURCES.md lists "
            "it as research use, users import their own copy. Only per-outlet case counts and "
            "dates are derived; no case text is copied.",
            f"# EUvsDisinfo rule: an outlet named in at least {EUVSDISINFO_LOW_AT} cases is "
            "rated low; fewer cases: unknown, with the evidence kept. Platforms and "
            "shorteners (youtube.com, bit.ly, ...) are skipped.",
        ]
    return lines


def render(entries: dict[str, Entry], lines: list[str]) -> bytes:
    out = io.StringIO(newline="")
    for line in lines:
        out.write(line + "\n")
    out.write("\t".join(COLUMNS) + "\n")
    for key in sorted(entries):
        row = entries[key].to_row()
        if "\n" in row or row.count("\t") != len(COLUMNS) - 1:
            raise SystemExit(f"row for {key!r} would be malformed")
        out.write(row + "\n")
    return out.getvalue().encode("utf-8")


def write(path: Path, data: bytes) -> Path:
    """Write data to path, or gzipped to path + '.gz' when larger than GZIP_ABOVE."""
    path.parent.mkdir(parents=True, exist_ok=True)
    gz = path.with_name(path.name + ".gz")
    if len(data) > GZIP_ABOVE:
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
            handle.write(data)
        gz.write_bytes(buffer.getvalue())
        path.unlink(missing_ok=True)
        return gz
    path.write_bytes(data)
    gz.unlink(missing_ok=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=Path, default=DEFAULT_CLAIMS,
                        help="folder with opensources/ and euvsdisinfo/ (default ../shared/data/claims)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the shipped table")
    parser.add_argument("--posts", type=Path, default=None,
                        help="your copy of EUvsDisinfo posts.csv (default CLAIMS/euvsdisinfo/posts.csv)")
    parser.add_argument("--euvsdisinfo-registry", type=Path, default=None,
                        help="also write the EUvsDisinfo rows as a user registry file here")
    parser.add_argument("--include-euvsdisinfo", action="store_true",
                        help="merge the EUvsDisinfo rows into the shipped table")
    args = parser.parse_args(argv)

    opensources = args.claims / "opensources" / "sources.csv"
    posts = args.posts or args.claims / "euvsdisinfo" / "posts.csv"
    if not opensources.is_file():
        print(f"skipped: {opensources} not found (OpenSources; see shared/data/SOURCES.md)")
        return 0
    os_entries, skipped = read_opensources(opensources)
    eu_entries: dict[str, Entry] = {}
    need_eu = args.include_euvsdisinfo or args.euvsdisinfo_registry is not None
    if need_eu:
        if not posts.is_file():
            print(f"skipped: {posts} not found (EUvsDisinfo; see shared/data/SOURCES.md)")
            return 0
        eu_entries = read_euvsdisinfo(posts)

    title = "newsgraph outlet reliability registry"
    if args.include_euvsdisinfo:
        shipped = merge(os_entries, eu_entries)
        lines = header(opensources, posts, skipped, title)
    else:
        shipped = os_entries
        lines = header(opensources, None, skipped, title)
    written = write(args.out, render(shipped, lines))
    print(f"wrote {written} ({written.stat().st_size} bytes, {len(shipped)} outlets)")
    if args.euvsdisinfo_registry is not None:
        user = render(eu_entries, header(None, posts, [], "EUvsDisinfo outlet registry "
                                         "(a user registry; not shipped)"))
        args.euvsdisinfo_registry.parent.mkdir(parents=True, exist_ok=True)
        args.euvsdisinfo_registry.write_bytes(user)
        print(f"wrote {args.euvsdisinfo_registry} ({len(user)} bytes, {len(eu_entries)} outlets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The outlet reliability registry: what public lists say about the outlet of a document.

A registry is a table of outlets (a registrable domain such as ``rt.com``, a domain with a
path such as ``newyorker.com/humor``, or a plain outlet name such as ``sputnik poland``)
with a rating, the labels their sources gave them and the evidence for each rating. The
shipped table (``data/outlets.tsv``, built by ``scripts/build_outlet_registry.py``) holds
facts from OpenSources (2017); the same script turns a user's own copy of EUvsDisinfo's
posts.csv into a registry file (its terms keep those rows out of the repository); users may
add their own files in the same format (see ``docs/reliability.md``). Nothing is guessed: an outlet that no
file names is rated ``"unknown"`` with no labels and no provenance.
"""

from __future__ import annotations

import gzip
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from .errors import NewsgraphError

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_NAMES = ("outlets.tsv", "outlets.tsv.gz")

EXTRACTOR_VERSION = "reliability/0.1"
COLUMNS = ("key", "name", "rating", "labels", "source", "evidence")
RATINGS = ("high", "mixed", "low", "satire", "unknown")
# When several sources rate one outlet, the first rating in this order wins.
RATING_PRECEDENCE = ("low", "satire", "mixed", "high", "unknown")
EVIDENCE_SEPARATOR = " | "

_WWW = re.compile(r"^www\d*\.")
_LABEL = re.compile(r"^[a-z0-9][a-z0-9 _.-]*$")
_HOST = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$")
_DOMAIN_KEY = re.compile(r"^([^/\s]+)(/\S*)?$")


# ---------------------------------------------------------------- keys


def normalize_host(host: str | None) -> str | None:
    """``WWW.RT.com.`` -> ``rt.com``; None when it is not a host name or IP address."""
    if not host or not isinstance(host, str):
        return None
    host = host.strip().lower().rstrip(".")
    host = _WWW.sub("", host) if host.count(".") > 1 else host
    if _is_ip(host) or _HOST.match(host):
        return host
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_chain(host: str) -> list[str]:
    """The host and its parent domains down to two labels: a.b.rt.com, b.rt.com, rt.com."""
    if _is_ip(host):
        return [host]
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(0, max(len(labels) - 1, 1))]


def split_url(url: str | None) -> tuple[str | None, str]:
    """(normalised host, path) of a URL or of a bare ``host/path``; (None, "") if none."""
    if not url or not isinstance(url, str):
        return None, ""
    url = url.strip()
    if "//" not in url:
        url = "//" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None, ""
    return normalize_host(host), parts.path or ""


def looks_like_domain(value: str) -> bool:
    """True for ``rt.com``, ``https://www.rt.com/news`` or ``newyorker.com/humor``."""
    value = value.strip()
    if not value or any(c.isspace() for c in value) or "." not in value:
        return False
    return split_url(value)[0] is not None


def normalize_name(name: str) -> str:
    """Case- and whitespace-insensitive form of an outlet name."""
    return " ".join(name.split()).casefold()


def normalize_key(key: str) -> str | None:
    """The lookup form of a registry key: a host, host/path prefix, or a name."""
    key = key.strip()
    if not key:
        return None
    if looks_like_domain(key):
        host, path = split_url(key)
        path = path.rstrip("/").lower()
        return f"{host}{path}" if path else host
    return normalize_name(key)


# ---------------------------------------------------------------- entries and files


@dataclass(frozen=True, slots=True)
class Entry:
    """One outlet of a registry."""

    key: str
    name: str
    rating: str
    labels: tuple[str, ...]
    provenance: tuple[tuple[str, str], ...]  # (source, evidence)

    def to_row(self) -> str:
        sources = ",".join(s for s, _ in self.provenance)
        evidence = EVIDENCE_SEPARATOR.join(e for _, e in self.provenance)
        return "\t".join((self.key, self.name, self.rating, ",".join(self.labels), sources,
                          evidence))


def combine_ratings(ratings: Iterable[str]) -> str:
    """The rating of an outlet rated by several sources (see RATING_PRECEDENCE)."""
    found = set(ratings)
    for rating in RATING_PRECEDENCE:
        if rating in found:
            return rating
    return "unknown"


def _bad(origin: str, line: int, why: str) -> NewsgraphError:
    return NewsgraphError(
        "bad_registry", f"{origin}:{line}: {why}",
        "each line needs tab-separated key, name, rating[, labels, source, evidence] with "
        f"rating one of {', '.join(RATINGS)}; see docs/reliability.md")


def _read_text(path: Path) -> str:
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return handle.read()
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NewsgraphError("not_found", f"no registry file {path}") from None
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise NewsgraphError("bad_registry", f"{path}: cannot be read as UTF-8 text ({exc})",
                             "write the registry as a UTF-8 TSV file") from None


def parse_registry(text: str, origin: str = "<registry>") -> list[Entry]:
    """Entries of one registry file; a malformed line raises NewsgraphError("bad_registry")."""
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0].strip().lower() == "key" and not entries and not seen:
            continue  # the column header
        if not 3 <= len(fields) <= len(COLUMNS):
            raise _bad(origin, number, f"{len(fields)} tab-separated fields, expected 3 to 6")
        fields += [""] * (len(COLUMNS) - len(fields))
        key_text, name, rating, labels_text, source_text, evidence_text = (f.strip() for f in fields)
        key = normalize_key(key_text)
        if key is None:
            raise _bad(origin, number, "empty key")
        rating = rating.lower()
        if rating not in RATINGS:
            raise _bad(origin, number, f"rating {rating!r} is not one of {', '.join(RATINGS)}")
        labels = tuple(label.strip().lower() for label in labels_text.split(",") if label.strip())
        for label in labels:
            if not _LABEL.match(label):
                raise _bad(origin, number, f"label {label!r} is not a plain word")
        sources = [s.strip() for s in source_text.split(",") if s.strip()]
        evidence = [e.strip() for e in evidence_text.split(EVIDENCE_SEPARATOR.strip())] \
            if evidence_text else []
        if sources and evidence and len(sources) != len(evidence):
            raise _bad(origin, number, f"{len(sources)} sources but {len(evidence)} evidence "
                                       f"items (separate evidence items with ' | ')")
        if not sources:
            if len(evidence) > 1:
                raise _bad(origin, number, "several evidence items but no source")
            sources = [f"user registry {Path(origin).name}"]
        evidence = evidence or [""] * len(sources)
        if key in seen:
            raise _bad(origin, number, f"key {key!r} already on line {seen[key]}")
        seen[key] = number
        entries.append(Entry(key, name or key_text, rating, labels,
                             tuple(zip(sources, evidence))))
    return entries


def shipped_registry_path() -> Path | None:
    for name in SHIPPED_NAMES:
        if (DATA / name).is_file():
            return DATA / name
    return None


# ---------------------------------------------------------------- the registry


class OutletRegistry:
    """The shipped registry plus user files; later files override earlier keys."""

    def __init__(self, files: Iterable[str | Path] = (), *, shipped: bool = True):
        self.entries: dict[str, Entry] = {}
        self.files: list[Path] = []
        self.header: list[str] = []  # comment lines of the shipped file
        self._paths: dict[str, list[tuple[str, str]]] = {}
        if shipped:
            path = shipped_registry_path()
            if path is not None:
                text = _read_text(path)
                self.header = [line for line in text.splitlines() if line.startswith("#")]
                self._add(parse_registry(text, str(path)), path)
        for file in files:
            path = Path(file)
            self._add(parse_registry(_read_text(path), str(path)), path)

    def _add(self, entries: list[Entry], path: Path) -> None:
        self.files.append(path)
        for entry in entries:
            self.entries[entry.key] = entry
        self._paths = {}
        for key in self.entries:
            match = _DOMAIN_KEY.match(key)
            if match and match.group(2) and "." in match.group(1):
                self._paths.setdefault(match.group(1), []).append((match.group(2), key))
        for prefixes in self._paths.values():
            prefixes.sort(key=lambda item: -len(item[0]))  # longest path first

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, key: str) -> bool:
        normal = normalize_key(key)
        return normal is not None and normal in self.entries

    def get(self, key: str) -> Entry | None:
        normal = normalize_key(key)
        return self.entries.get(normal) if normal else None

    def match_url(self, url: str | None) -> Entry | None:
        """The entry of a URL: host/path prefixes, then the host, then its parent domains."""
        host, path = split_url(url)
        if host is None:
            return None
        path = path.lower()
        for candidate in host_chain(host):
            for prefix, key in self._paths.get(candidate, ()):
                if path == prefix or path.startswith(prefix + "/"):
                    return self.entries[key]
            entry = self.entries.get(candidate)
            if entry is not None:
                return entry
        return None

    def match_name(self, outlet: str | None) -> Entry | None:
        """The entry of an outlet name (case-insensitive), or of a name that is a domain."""
        if not outlet or not isinstance(outlet, str) or not outlet.strip():
            return None
        entry = self.entries.get(normalize_name(outlet))
        if entry is None and looks_like_domain(outlet):
            host, path = split_url(outlet)
            # a bare domain given as the name: match the host, never a path-limited key
            entry = self.match_url(host) if not path.strip("/") else self.match_url(outlet)
        return entry

    def lookup(self, outlet: str | None = None, url: str | None = None) -> dict[str, Any]:
        """The ``source_reliability`` object for an outlet name and/or URL.

        The URL is tried first, then the name. ``key`` is the matched registry key (None
        when nothing matched, and then the rating is "unknown" with no labels).
        """
        entry = self.match_url(url) or self.match_name(outlet)
        shown = outlet.strip() if isinstance(outlet, str) and outlet.strip() else None
        if shown is None:
            shown = split_url(url)[0]
        if entry is None:
            return {"outlet": shown, "key": None, "rating": "unknown", "labels": [],
                    "provenance": []}
        return {"outlet": shown, "key": entry.key, "rating": entry.rating,
                "labels": list(entry.labels),
                "provenance": [{"source": s, "evidence": e} for s, e in entry.provenance]}


_DEFAULT: OutletRegistry | None = None


def default_registry() -> OutletRegistry:
    """The shipped registry, loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = OutletRegistry()
    return _DEFAULT


def use_registry(files: Iterable[str | Path]) -> OutletRegistry:
    """Make the shipped registry plus ``files`` the process's default (``--outlet-registry``);
    worker processes forked afterwards inherit it."""
    global _DEFAULT
    _DEFAULT = OutletRegistry(files)
    return _DEFAULT


def source_reliability(document: Any, registry: OutletRegistry | None = None) -> dict | None:
    """The ``source_reliability`` field of a document's analysis.

    None only when the document names neither an outlet (``source``) nor a URL.
    """
    outlet = getattr(document, "source", None) or getattr(document, "outlet", None)
    url = getattr(document, "url", None)
    has_outlet = isinstance(outlet, str) and bool(outlet.strip())
    has_url = isinstance(url, str) and bool(url.strip())
    if not has_outlet and not has_url:
        return None
    return (registry or default_registry()).lookup(outlet if has_outlet else None,
                                                  url if has_url else None)

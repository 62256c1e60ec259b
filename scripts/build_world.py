#!/usr/bin/env python3
"""Build the web UI's world outline, src/newsgraph/web/static/world.json.

Source: Natural Earth 1:110m "Admin 0 - Countries" (public domain), in the copy that the
geopandas 0.14.x wheel on PyPI bundles as ``geopandas/datasets/naturalearth_lowres``
(geopandas maintainers' cut: ISO_A3 codes of -99 replaced by ADM0_A3 for sovereign
countries, e.g. France and Norway; Crimea drawn as part of Ukraine). Obtain it with the
ordinary pip client, no project dependency involved:

    pip download geopandas==0.14.4 --no-deps -d /tmp/gp
    python scripts/build_world.py /tmp/gp/geopandas-0.14.4-py3-none-any.whl

The argument is either that wheel (the shapefile is read from inside the zip) or the path
of an unpacked ``naturalearth_lowres.shp`` (its ``.dbf`` must sit beside it). The
shapefile and dBase readers below use only the standard library, so nothing needs to be
installed.

What the script does, deterministically (same input -> byte-identical output):

* keeps every country polygon ring (outer rings and holes, e.g. Lesotho in South
  Africa: draw each country as one path with the even-odd fill rule);
* simplifies each ring: Douglas-Peucker at ``TOLERANCE`` degrees, coordinates rounded to
  ``PRECISION`` decimals, repeated and collinear points dropped; a ring that collapses is
  dropped unless it is the country's only ring;
* writes rings open (the closing point is implied) as ``[[lon, lat], ...]``;
* ``centroid`` is a label point inside the country's largest ring: the ring's
  area-weighted centroid when it falls inside the ring, otherwise the middle of the
  widest inside stretch of the parallel through it;
* ``iso3`` is ISO 3166-1 alpha-3 where one exists; Natural Earth's -99 (Kosovo) becomes
  the user-assigned ``XKX`` (as GeoNames has it) with ``alt: ["KSV"]`` (CAMEO/Phoenix);
  the disputed or unrecognised units keep Natural Earth's ADM0_A3 codes (N. Cyprus
  ``CYN``, Somaliland ``SOL``) and W. Sahara keeps ``ESH``.

Output: ``{"source", "licence", "countries": [{"iso3", "name", "centroid",
"polygons"}]}`` sorted by iso3. See src/newsgraph/web/WORLD.md.

Usage:  python scripts/build_world.py SOURCE [--out FILE]
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "newsgraph" / "web" / "static" / "world.json"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"

TOLERANCE = 0.12   # degrees, Douglas-Peucker
PRECISION = 1      # decimals kept (0.1 degree, about 11 km)
CODE_FIXES = {"Kosovo": ("XKX", ["KSV"])}
SOURCE = ("Natural Earth 1:110m Admin 0 - Countries, as bundled in geopandas 0.14.4 "
          "(geopandas/datasets/naturalearth_lowres), simplified by scripts/build_world.py")


# ----------------------------------------------------------------------------- readers

def read_shp(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Polygon records of an ESRI shapefile: per record, a list of rings of (x, y)."""
    if struct.unpack(">i", data[:4])[0] != 9994:
        raise ValueError("not a shapefile")
    records = []
    pos = 100
    while pos + 8 <= len(data):
        _num, words = struct.unpack(">ii", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + 2 * words]
        pos += 8 + 2 * words
        shape_type = struct.unpack("<i", body[:4])[0]
        if shape_type == 0:
            records.append([])
            continue
        if shape_type not in (5, 15, 25):
            raise ValueError(f"shape type {shape_type} is not a polygon")
        nparts, npoints = struct.unpack("<ii", body[36:44])
        parts = list(struct.unpack(f"<{nparts}i", body[44:44 + 4 * nparts]))
        off = 44 + 4 * nparts
        pts = [struct.unpack("<dd", body[off + 16 * i:off + 16 * i + 16])
               for i in range(npoints)]
        bounds = parts + [npoints]
        records.append([pts[bounds[i]:bounds[i + 1]] for i in range(nparts)])
    return records


def read_dbf(data: bytes, encoding: str = "utf-8") -> list[dict[str, str]]:
    """Rows of a dBase III table as dicts of stripped strings."""
    nrec, hlen, rlen = struct.unpack("<IHH", data[4:12])
    fields = []
    pos = 32
    while data[pos] != 0x0D:
        name = data[pos:pos + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(nrec):
        rec = data[hlen + i * rlen:hlen + (i + 1) * rlen]
        if rec[:1] == b"*":
            continue
        row, off = {}, 1
        for name, size in fields:
            row[name] = rec[off:off + size].decode(encoding).strip()
            off += size
        rows.append(row)
    return rows


def load(source: Path) -> tuple[list, list]:
    if source.suffix == ".whl" or zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as z:
            shp = z.read(MEMBER + ".shp")
            dbf = z.read(MEMBER + ".dbf")
            cpg = z.read(MEMBER + ".cpg") if MEMBER + ".cpg" in z.namelist() else b""
    else:
        shp = source.read_bytes()
        dbf = source.with_suffix(".dbf").read_bytes()
        cpg_path = source.with_suffix(".cpg")
        cpg = cpg_path.read_bytes() if cpg_path.exists() else b""
    # the .cpg names the attribute encoding (ISO-8859-1 in geopandas' copy)
    encoding = cpg.decode("ascii").strip() or "utf-8"
    return read_shp(shp), read_dbf(dbf, encoding)


# ----------------------------------------------------------------------------- geometry

def ring_area(ring) -> float:
    """Signed planar area (shoelace) of an open or closed ring."""
    a = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        a += x1 * y2 - x2 * y1
    return a / 2


def ring_centroid(ring) -> tuple[float, float]:
    a = ring_area(ring)
    if abs(a) < 1e-12:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        f = x1 * y2 - x2 * y1
        cx += (x1 + x2) * f
        cy += (y1 + y2) * f
    return cx / (6 * a), cy / (6 * a)


def crossings(ring, y: float) -> list[float]:
    """x where the horizontal line at y crosses the ring's edges, sorted."""
    xs = []
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return sorted(xs)


def label_point(ring) -> tuple[float, float]:
    cx, cy = ring_centroid(ring)
    xs = crossings(ring, cy)
    inside = any(xs[i] <= cx <= xs[i + 1] for i in range(0, len(xs) - 1, 2))
    if inside:
        return cx, cy
    ys = [p[1] for p in ring]
    best = None
    # try the centroid's parallel first, then parallels spread over the ring's height
    for t in [None] + [k / 10 for k in range(1, 10)]:
        y = cy if t is None else min(ys) + t * (max(ys) - min(ys))
        xs = crossings(ring, y)
        for i in range(0, len(xs) - 1, 2):
            width = xs[i + 1] - xs[i]
            if best is None or width > best[0]:
                best = (width, (xs[i] + xs[i + 1]) / 2, y)
        if best is not None and t is None:
            break
    return (best[1], best[2]) if best else (cx, cy)


def douglas_peucker(pts, tol: float):
    if len(pts) < 3:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        (x1, y1), (x2, y2) = pts[i], pts[j]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        far, idx = -1.0, -1
        for k in range(i + 1, j):
            px, py = pts[k]
            if norm == 0:
                d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if d > far:
                far, idx = d, k
        if far > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep) if k]


def simplify(ring, tol: float = TOLERANCE, nd: int = PRECISION):
    """Simplified open ring, or [] when it collapses."""
    pts = [tuple(p) for p in ring]
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts = pts[:-1]
    if len(pts) < 3:
        return []
    # split the ring at its farthest point so both halves keep their ends
    far = max(range(len(pts)), key=lambda k: (pts[k][0] - pts[0][0]) ** 2
              + (pts[k][1] - pts[0][1]) ** 2)
    a = douglas_peucker(pts[:far + 1], tol)
    b = douglas_peucker(pts[far:] + [pts[0]], tol)
    pts = a[:-1] + b[:-1]
    out: list[tuple[float, float]] = []
    for x, y in pts:
        p = (round(x, nd), round(y, nd))
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    # drop collinear points (including the seam), repeat until stable
    changed = True
    while changed and len(out) >= 3:
        changed = False
        res = []
        n = len(out)
        for i in range(n):
            (x0, y0), (x1, y1), (x2, y2) = out[i - 1], out[i], out[(i + 1) % n]
            if abs((x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0)) < 1e-9:
                changed = True
                continue
            res.append(out[i])
        if changed:
            out = res
    if len(out) < 3 or abs(ring_area(out)) < 10 ** (-2 * nd):
        return []
    return out


def num(v: float):
    v = round(v, PRECISION)
    return int(v) if v == int(v) else v


# ----------------------------------------------------------------------------- build

def build(source: Path) -> dict:
    shapes, rows = load(source)
    if len(shapes) != len(rows):
        raise ValueError(f"{len(shapes)} shapes but {len(rows)} attribute rows")
    countries = []
    for rings, row in zip(shapes, rows):
        name = row.get("name") or row.get("NAME") or ""
        code = (row.get("iso_a3") or row.get("ISO_A3") or "").upper()
        alt: list[str] = []
        if name in CODE_FIXES:
            code, alt = CODE_FIXES[name]
        if not rings:
            continue
        if not code or code == "-99":
            raise ValueError(f"no usable code for {name!r}: add it to CODE_FIXES")
        largest = max(rings, key=lambda r: abs(ring_area(r)))
        lon, lat = label_point(largest)
        polys = [s for s in (simplify(r) for r in rings) if s]
        if not polys:   # keep tiny countries visible: their largest ring, barely simplified
            polys = [[(round(x, 2), round(y, 2)) for x, y in largest[:-1]]]
        entry = {"iso3": code, "name": name, "centroid": [num(lon), num(lat)],
                 "polygons": [[[num(x), num(y)] for x, y in ring] for ring in polys]}
        if alt:
            entry["alt"] = alt
        countries.append(entry)
    countries.sort(key=lambda c: c["iso3"])
    codes = [c["iso3"] for c in countries]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        raise ValueError(f"duplicate codes: {sorted(dupes)}")
    return {"source": SOURCE, "licence": "public domain (Natural Earth)",
            "countries": countries}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path,
                    help="geopandas-0.14.4 wheel or naturalearth_lowres.shp")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    world = build(args.source)
    buf = io.StringIO()
    # one country per line: compact, yet diffs stay readable
    buf.write('{"source":' + json.dumps(world["source"]) + ","
              + '"licence":' + json.dumps(world["licence"]) + ',"countries":[\n')
    buf.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":"))
                         for c in world["countries"]))
    buf.write("\n]}\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(buf.getvalue(), encoding="utf-8")
    npts = sum(len(r) for c in world["countries"] for r in c["polygons"])
    print(f"{args.out}: {len(world['countries'])} countries, {npts} points, "
          f"{args.out.stat().st_size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

// newsgraph web UI: offline world map of events by place.
//
//   import { worldMap } from "/static/map.js";
//   const m = await worldMap(container, points, {onSelect, height, url});
//   m.destroy();
//
// `points` are [{place, country, lat, lon, events, reports}]; a point without lat/lon is
// drawn at its country's label point from world.json (dashed outline), a point with
// neither is skipped and counted (root attribute data-skipped).
//
// The countries come from /static/world.json (Natural Earth 1:110m, public domain; see
// web/WORLD.md), drawn in the Natural Earth projection (Savric, Jenny, Patterson,
// Petrovic & Hurni 2011, polynomial form), implemented below. Plain ES2019, no
// dependencies, safe under `script-src 'self'; style-src 'self'`: strings from the data
// are set with textContent or setAttribute only.

import { count, fmt, htmlEl, num, svgEl, wheelFactor } from "/static/dom.js";

const DEG = Math.PI / 180;
const UNIT = 1000;           // projected coordinates are stored x1000 in path data
const LAT_TOP = 84;
const LAT_BOTTOM = -57;
const K_MAX = 24;
const worldCache = new Map();   // url -> Promise<world>
const pathCache = new WeakMap(); // world -> [{country, d}]

function r1(v) {
  return Math.round(v * 10) / 10;
}

/** Natural Earth projection of lon/lat degrees to unitless x (east) / y (north). */
export function project(lon, lat) {
  const l = Math.max(-180, Math.min(180, lon)) * DEG;
  const p = Math.max(-90, Math.min(90, lat)) * DEG;
  const p2 = p * p;
  const p4 = p2 * p2;
  const p6 = p4 * p2;
  const p8 = p4 * p4;
  const p10 = p8 * p2;
  const p12 = p6 * p6;
  return [
    l * (0.8707 - 0.131979 * p2 - 0.013791 * p4 + 0.003971 * p10 - 0.001529 * p12),
    p * (1.007226 + 0.015085 * p2 - 0.044475 * p6 + 0.028874 * p8 - 0.005916 * p10),
  ];
}

function loadWorld(url) {
  if (!worldCache.has(url)) {
    const promise = fetch(url, {credentials: "same-origin"})
      .then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .catch((err) => {
        worldCache.delete(url);     // let a later call retry
        throw err;
      });
    worldCache.set(url, promise);
  }
  return worldCache.get(url);
}

function countryPaths(world) {
  if (!world || typeof world !== "object") return [];
  if (pathCache.has(world)) return pathCache.get(world);
  const out = [];
  for (const c of (world && Array.isArray(world.countries) ? world.countries : [])) {
    if (!c || !Array.isArray(c.polygons)) continue;
    let d = "";
    for (const ring of c.polygons) {
      if (!Array.isArray(ring) || ring.length < 3) continue;
      ring.forEach((pt, i) => {
        const [x, y] = project(pt[0], pt[1]);
        d += (i ? "L" : "M") + r1(x * UNIT) + "," + r1(-y * UNIT);
      });
      d += "Z";
    }
    if (d) out.push({country: c, d});
  }
  pathCache.set(world, out);
  return out;
}

function graticulePath() {
  let d = "";
  for (let lon = -180; lon <= 180; lon += 30) {
    for (let lat = -90, i = 0; lat <= 90; lat += 2.5, i++) {
      const [x, y] = project(lon, lat);
      d += (i ? "L" : "M") + r1(x * UNIT) + "," + r1(-y * UNIT);
    }
  }
  for (let lat = -60; lat <= 60; lat += 30) {
    for (let lon = -180, i = 0; lon <= 180; lon += 5, i++) {
      const [x, y] = project(lon, lat);
      d += (i ? "L" : "M") + r1(x * UNIT) + "," + r1(-y * UNIT);
    }
  }
  return d;
}

function spherePath() {
  let d = "";
  let i = 0;
  for (let lat = -90; lat <= 90; lat += 2.5, i++) {
    const [x, y] = project(-180, lat);
    d += (i ? "L" : "M") + r1(x * UNIT) + "," + r1(-y * UNIT);
  }
  for (let lat = 90; lat >= -90; lat -= 2.5) {
    const [x, y] = project(180, lat);
    d += "L" + r1(x * UNIT) + "," + r1(-y * UNIT);
  }
  return d + "Z";
}

export async function worldMap(container, points, options) {
  const opts = Object.assign({onSelect: null, height: null, url: "/static/world.json",
    antarctica: false}, options || {});
  const root = htmlEl("div", "ng-map", container);
  root.setAttribute("data-points", "0");
  root.setAttribute("data-skipped", "0");
  root.setAttribute("aria-busy", "true");

  let world = null;
  try {
    world = await loadWorld(opts.url);
  } catch (err) {
    world = null;
  }
  const countries = world && Array.isArray(world.countries) ? world.countries : [];
  const byCode = new Map();
  for (const c of countries) {
    if (!c || !c.iso3) continue;
    byCode.set(String(c.iso3).toUpperCase(), c);
    for (const a of (Array.isArray(c.alt) ? c.alt : [])) byCode.set(String(a).toUpperCase(), c);
  }

  // ---------------------------------------------------------------- points
  let skipped = 0;
  const pts = [];
  for (const p of (Array.isArray(points) ? points : [])) {
    if (!p) { skipped++; continue; }
    const code = p.country ? String(p.country).toUpperCase() : "";
    const lat = p.lat == null || p.lat === "" ? NaN : Number(p.lat);
    const lon = p.lon == null || p.lon === "" ? NaN : Number(p.lon);
    let ll = null;
    let countryLevel = false;
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      ll = [lon, lat];
    } else if (code && byCode.has(code) && Array.isArray(byCode.get(code).centroid)) {
      ll = byCode.get(code).centroid;
      countryLevel = true;
    }
    if (!ll) { skipped++; continue; }
    const [x, y] = project(ll[0], ll[1]);
    pts.push({d: p, code, x, y: -y, countryLevel, events: Math.max(0, num(p.events)),
      el: null, label: null, r0: 4, sx: 0, sy: 0});
  }
  pts.sort((a, b) => b.events - a.events);
  const maxEvents = Math.max(1, ...pts.map((p) => p.events));
  let rMax = 16;                        // px at k = 1, set from the width below
  const radius = (v) => 2.5 + (rMax - 2.5) * Math.sqrt(v / maxEvents);
  const countryTotals = new Map();
  for (const p of pts) {
    const c = byCode.get(p.code);
    if (c) countryTotals.set(c, (countryTotals.get(c) || 0) + p.events);
  }
  const maxCountry = Math.max(1, ...countryTotals.values());

  root.setAttribute("data-points", String(pts.length));
  root.setAttribute("data-skipped", String(skipped));

  // ---------------------------------------------------------------- DOM
  const toolbar = htmlEl("div", "ng-toolbar", root);
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Map view");
  for (const [action, text, title] of [["zoom-in", "+", "Zoom in"],
    ["zoom-out", "\u2212", "Zoom out"], ["fit", "Fit", "Show the whole world"]]) {
    const b = htmlEl("button", "ng-tool", toolbar, text);
    b.type = "button";
    b.setAttribute("data-action", action);
    b.setAttribute("title", title);
    b.setAttribute("aria-label", title);
  }

  const [, yTop] = project(0, LAT_TOP);
  const [, yBottom] = project(0, LAT_BOTTOM);
  const [xEdge] = project(180, 0);
  const extent = {x0: -xEdge, x1: xEdge, y0: -yTop, y1: -yBottom};   // screen-down y
  const view = {w: Math.max(240, root.clientWidth || container.clientWidth || 900), h: 0,
    base: 1, k: 1, tx: 0, ty: 0};
  const aspect = (extent.y1 - extent.y0) / (extent.x1 - extent.x0);
  view.h = Math.max(160, num(opts.height) || Math.round(view.w * aspect));

  rMax = Math.max(8, Math.min(18, view.w / 60));
  for (const p of pts) p.r0 = radius(p.events);

  const svg = svgEl("svg", {class: "ng-map-svg", width: view.w, height: view.h, role: "img",
    "aria-label": "Map of events: " + pts.length + " places"}, root);
  svg.style.height = view.h + "px";
  const gWorld = svgEl("g", {class: "ng-map-world"}, svg);
  svgEl("path", {class: "ng-map-sphere", d: spherePath()}, gWorld);
  svgEl("path", {class: "ng-map-graticule", d: graticulePath()}, gWorld);
  const gCountries = svgEl("g", {class: "ng-map-countries"}, gWorld);
  for (const {country, d} of countryPaths(world)) {
    if (!opts.antarctica && country.iso3 === "ATA") continue;
    const path = svgEl("path", {class: "ng-country", d, "data-country": String(country.iso3)}, gCountries);
    const total = countryTotals.get(country) || 0;
    if (total > 0) {
      const t = Math.log(1 + total) / Math.log(1 + maxCountry);
      path.classList.add("ng-choro-" + Math.max(1, Math.min(4, Math.ceil(t * 4))));
    }
    path.__ngCountry = {country, total};
  }
  const gPoints = svgEl("g", {class: "ng-map-points"}, svg);
  const gLabels = svgEl("g", {class: "ng-map-labels"}, svg);
  for (const p of pts) {           // largest first, so small ones stay on top
    const d = p.d;
    const c = svgEl("circle", {class: "ng-point" + (p.countryLevel ? " ng-point-country" : ""),
      r: r1(p.r0), tabindex: 0, role: "button"}, gPoints);
    c.setAttribute("data-place", d.place == null ? "" : String(d.place));
    c.setAttribute("data-country", p.code);
    c.setAttribute("aria-label", pointTitle(p) + ": " + count(p.events, "event", "events"));
    c.__ngPoint = p;
    p.el = c;
    p.label = svgEl("text", {class: "ng-map-label", dy: "0.35em"});
    p.label.textContent = labelText(p);
  }

  const tip = htmlEl("div", "ng-tooltip", root);
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  const note = htmlEl("div", "ng-map-note", root);
  note.hidden = true;
  if (!world) {
    note.textContent = "World outline unavailable";
    note.hidden = false;
  } else if (!pts.length) {
    note.textContent = skipped ? "No places with coordinates for this selection (" +
      fmt(skipped) + " without coordinates)" : "No places for this selection";
    note.hidden = false;
  } else if (skipped) {
    note.textContent = fmt(skipped) + (skipped === 1 ? " place" : " places") +
      " without coordinates not shown";
    note.hidden = false;
  }
  if (pts.length) {
    const legend = htmlEl("div", "ng-legend", root);
    const item0 = htmlEl("span", "ng-legend-item", legend);
    item0.appendChild(document.createTextNode("Events"));
    const steps = maxEvents >= 10 ? [1, Math.round(maxEvents / 4), maxEvents] : [1, maxEvents];
    for (const v of Array.from(new Set(steps))) {
      const item = htmlEl("span", "ng-legend-item", legend);
      const sw = htmlEl("span", "ng-swatch ng-swatch-point", item);
      const size = Math.round(2 * radius(v));
      sw.style.width = size + "px";
      sw.style.height = size + "px";
      item.appendChild(document.createTextNode(fmt(v)));
    }
  }
  root.removeAttribute("aria-busy");

  // ---------------------------------------------------------------- view
  function pointTitle(p) {
    const d = p.d;
    const parts = [];
    if (d.place) parts.push(String(d.place));
    else if (byCode.has(p.code)) parts.push(String(byCode.get(p.code).name || ""));
    if (p.code) parts.push(p.code);
    return parts.filter(Boolean).join(", ") || "Unknown place";
  }
  function labelText(p) {
    const d = p.d;
    const s = d.place ? String(d.place) : byCode.has(p.code) ? String(byCode.get(p.code).name) : p.code;
    return s.length > 24 ? s.slice(0, 23) + "\u2026" : s;
  }

  function fitBase() {
    // k = 1 shows the whole extent; base is screen px per projected unit
    view.base = Math.min(view.w / (extent.x1 - extent.x0), view.h / (extent.y1 - extent.y0));
  }
  function clampView() {
    const s = view.base * view.k;
    const cw = (extent.x1 - extent.x0) * s, ch = (extent.y1 - extent.y0) * s;
    // content at least fills the view when larger; centred when smaller
    const minTx = cw > view.w ? view.w - extent.x1 * s : (view.w - cw) / 2 - extent.x0 * s;
    const maxTx = cw > view.w ? -extent.x0 * s : minTx;
    const minTy = ch > view.h ? view.h - extent.y1 * s : (view.h - ch) / 2 - extent.y0 * s;
    const maxTy = ch > view.h ? -extent.y0 * s : minTy;
    view.tx = Math.max(minTx, Math.min(maxTx, view.tx));
    view.ty = Math.max(minTy, Math.min(maxTy, view.ty));
  }
  function home() {
    fitBase();
    const s = view.base;
    return {k: 1, tx: view.w / 2 - (extent.x0 + extent.x1) / 2 * s,
      ty: view.h / 2 - (extent.y0 + extent.y1) / 2 * s};
  }

  let frame = 0;
  function render() {
    frame = 0;
    const s = view.base * view.k;
    gWorld.setAttribute("transform", "translate(" + r1(view.tx) + "," + r1(view.ty) +
      ") scale(" + (s / UNIT).toFixed(6) + ")");
    const grow = Math.min(2.2, Math.pow(view.k, 0.3));
    for (const p of pts) {
      p.sx = p.x * s + view.tx;
      p.sy = p.y * s + view.ty;
      p.r = p.r0 * grow;
      p.el.setAttribute("cx", r1(p.sx));
      p.el.setAttribute("cy", r1(p.sy));
      p.el.setAttribute("r", r1(p.r));
    }
    layoutLabels();
  }
  function layoutLabels() {
    const quota = Math.round(6 * view.k);
    const placed = [];
    let n = 0;
    for (const p of pts) {
      let show = false;
      if (n < quota && p.sx > -50 && p.sx < view.w && p.sy > 0 && p.sy < view.h) {
        const w = p.label.textContent.length * 6.2;
        const box = [p.sx + p.r + 2, p.sy - 8, p.sx + p.r + 6 + w, p.sy + 8];
        show = !placed.some((q) => box[0] < q[2] && box[2] > q[0] && box[1] < q[3] && box[3] > q[1]);
        if (show) {
          placed.push(box);
          n++;
          p.label.setAttribute("x", r1(box[0] + 2));
          p.label.setAttribute("y", r1(p.sy));
        }
      }
      if (show && !p.label.parentNode) gLabels.appendChild(p.label);
      else if (!show && p.label.parentNode) p.label.remove();
    }
  }
  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  let anim = 0;
  function animateTo(target, ms) {
    if (anim) cancelAnimationFrame(anim);
    const from = {k: view.k, tx: view.tx, ty: view.ty};
    const start = performance.now();
    function step(now) {
      const t = Math.min(1, (now - start) / (ms || 220));
      const e = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
      view.k = from.k + (target.k - from.k) * e;
      view.tx = from.tx + (target.tx - from.tx) * e;
      view.ty = from.ty + (target.ty - from.ty) * e;
      if (t === 1) clampView();
      render();
      anim = t < 1 ? requestAnimationFrame(step) : 0;
    }
    anim = requestAnimationFrame(step);
  }
  function zoomAt(px, py, factor, animated) {
    const k = Math.max(1, Math.min(K_MAX, view.k * factor));
    const f = k / view.k;
    const target = {k, tx: px - (px - view.tx) * f, ty: py - (py - view.ty) * f};
    if (animated) {
      const saved = {k: view.k, tx: view.tx, ty: view.ty};
      Object.assign(view, target);
      clampView();
      const clamped = {k: view.k, tx: view.tx, ty: view.ty};
      Object.assign(view, saved);
      animateTo(clamped, 200);
      return;
    }
    Object.assign(view, target);
    clampView();
    schedule();
  }

  Object.assign(view, home());
  render();

  // ---------------------------------------------------------------- tooltip & events
  function showTip(lines, ev) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    lines.forEach((ln, i) => htmlEl("div", i ? "ng-tip-line" : "ng-tip-title", tip, ln));
    tip.hidden = false;
    const box = root.getBoundingClientRect();
    let x = ev.clientX - box.left + 14;
    let y = ev.clientY - box.top + 14;
    if (x + tip.offsetWidth > box.width - 4) x = Math.max(4, ev.clientX - box.left - tip.offsetWidth - 12);
    if (y + tip.offsetHeight > box.height - 4) y = Math.max(4, ev.clientY - box.top - tip.offsetHeight - 12);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function pointLines(p) {
    const d = p.d;
    const lines = [pointTitle(p) + ": " + count(p.events, "event", "events") + " (" +
      count(d.reports, "report", "reports") + ")"];
    if (p.countryLevel) lines.push("Country-level place, drawn at the country\u2019s centre");
    return lines;
  }

  let hoverCountry = null;
  function setHoverCountry(path) {
    if (hoverCountry === path) return;
    if (hoverCountry) hoverCountry.classList.remove("ng-hl");
    hoverCountry = path;
    if (path) path.classList.add("ng-hl");
  }

  let drag = null;
  function local(ev) {
    const box = svg.getBoundingClientRect();
    return [ev.clientX - box.left, ev.clientY - box.top];
  }
  function onPointerDown(ev) {
    if (ev.button !== 0 || ev.target.__ngPoint) return;
    const [x, y] = local(ev);
    drag = {x, y, tx: view.tx, ty: view.ty, id: ev.pointerId, moved: false};
    try { svg.setPointerCapture(ev.pointerId); } catch (err) { /* synthetic events */ }
  }
  function onPointerMove(ev) {
    if (drag && ev.pointerId === drag.id) {
      const [x, y] = local(ev);
      if (!drag.moved && Math.abs(x - drag.x) + Math.abs(y - drag.y) < 4) return;
      drag.moved = true;
      root.classList.add("ng-panning");
      tip.hidden = true;
      view.tx = drag.tx + x - drag.x;
      view.ty = drag.ty + y - drag.y;
      clampView();
      schedule();
      return;
    }
    const p = ev.target.__ngPoint;
    const c = ev.target.__ngCountry;
    if (p) {
      setHoverCountry(null);
      showTip(pointLines(p), ev);
    } else if (c) {
      setHoverCountry(ev.target);
      const name = String(c.country.name || c.country.iso3) + " (" + String(c.country.iso3) + ")";
      showTip(c.total ? [name + ": " + count(c.total, "event", "events")] : [name], ev);
    } else {
      setHoverCountry(null);
      tip.hidden = true;
    }
  }
  function onPointerUp(ev) {
    if (!drag || ev.pointerId !== drag.id) return;
    drag = null;
    root.classList.remove("ng-panning");
    try { svg.releasePointerCapture(ev.pointerId); } catch (err) { /* ignore */ }
  }
  function onClick(ev) {
    const p = ev.target.__ngPoint;
    if (p && typeof opts.onSelect === "function") opts.onSelect(p.d);
  }
  function onKeyDown(ev) {
    const p = ev.target.__ngPoint;
    if (p && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      if (typeof opts.onSelect === "function") opts.onSelect(p.d);
    }
  }
  function onWheel(ev) {
    ev.preventDefault();
    const [x, y] = local(ev);
    zoomAt(x, y, wheelFactor(ev, view.h), false);
  }
  function onLeave() {
    if (!drag) { tip.hidden = true; setHoverCountry(null); }
  }
  function onToolbar(ev) {
    const b = ev.target.closest ? ev.target.closest("button[data-action]") : null;
    if (!b) return;
    const action = b.getAttribute("data-action");
    if (action === "zoom-in") zoomAt(view.w / 2, view.h / 2, 1.6, true);
    else if (action === "zoom-out") zoomAt(view.w / 2, view.h / 2, 1 / 1.6, true);
    else if (action === "fit") animateTo(home(), 260);
  }

  svg.addEventListener("pointerdown", onPointerDown);
  svg.addEventListener("pointermove", onPointerMove);
  svg.addEventListener("pointerup", onPointerUp);
  svg.addEventListener("pointercancel", onPointerUp);
  svg.addEventListener("pointerleave", onLeave);
  svg.addEventListener("click", onClick);
  svg.addEventListener("keydown", onKeyDown);
  svg.addEventListener("wheel", onWheel, {passive: false});
  svg.addEventListener("focusin", (ev) => {
    const p = ev.target.__ngPoint;
    if (p) {
      const box = svg.getBoundingClientRect();
      showTip(pointLines(p), {clientX: box.left + p.sx, clientY: box.top + p.sy});
    }
  });
  svg.addEventListener("focusout", () => { tip.hidden = true; });
  toolbar.addEventListener("click", onToolbar);

  let ro = null;
  if (typeof ResizeObserver === "function") {
    ro = new ResizeObserver(() => {
      const w = Math.max(240, root.clientWidth || 0);
      if (Math.abs(w - view.w) < 1) return;
      const k = view.k;
      view.w = w;
      if (!num(opts.height)) {
        view.h = Math.max(160, Math.round(w * aspect));
        svg.style.height = view.h + "px";
      }
      svg.setAttribute("width", String(w));
      svg.setAttribute("height", String(view.h));
      const h = home();
      Object.assign(view, h);
      if (k !== 1) zoomAt(view.w / 2, view.h / 2, k, false);
      schedule();
    });
    ro.observe(root);
  }

  return {
    svg,
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      if (anim) cancelAnimationFrame(anim);
      if (ro) ro.disconnect();
      root.remove();
    },
  };
}

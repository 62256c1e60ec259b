// newsgraph web UI: one page, hash routes, every view reads the JSON API (/api/v1).
//
// Everything that comes from a document or the store is untrusted: it reaches the page only as
// text nodes (h() below appends strings with createTextNode) or as attribute values the script
// sets itself; no string is ever parsed as HTML. Links built from ids are hash routes.

import { forceGraph } from "/static/graph.js";
import { worldMap } from "/static/map.js";

const API = "/api/v1";
const PAGE = 50;
const view = document.getElementById("view");
let renderToken = 0;
let graphHandle = null;

// ---------------------------------------------------------------- helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "value") el.value = v;
      else if (k === "checked") el.checked = !!v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// element.append() would print null as "null": put() skips null, undefined and false
function put(el, ...children) { return append(el, children); }

function svgEl(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

const enc = encodeURIComponent;
const fmt = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-GB"));

function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") p.set(k, v);
  }
  const s = p.toString();
  return s ? "?" + s : "";
}

class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || "http_error";
    this.hint = e.hint || "";
  }
}

async function api(path, params = {}, init = undefined) {
  const res = await fetch(API + path + qs(params), init);
  let body = null;
  try { body = await res.json(); } catch (_) { body = null; }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function errorBox(err) {
  return h("div", { class: "error", role: "alert" },
    h("strong", null, err.code ? `${err.code}: ` : "Error: "), err.message || String(err),
    err.hint ? h("div", { class: "hint" }, err.hint) : null);
}

function badge(text, cls) {
  return h("span", { class: "badge " + (cls || "") }, text);
}

function statusBadge(status) { return badge(status, status); }

function typeBadge(type, quad) {
  return h("span", { class: `badge type q${quad || 0}`, title: quadName(quad) }, type);
}

function quadName(q) {
  return { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" }[q] || "";
}

function cwColour(v) {
  // grey (0) -> amber -> red (1)
  const t = Math.max(0, Math.min(1, v || 0));
  if (t < 0.5) return `hsl(40, ${Math.round(20 + 120 * t)}%, ${Math.round(62 - 10 * t)}%)`;
  return `hsl(${Math.round(40 - 68 * (t - 0.5))}, 70%, ${Math.round(52 - 8 * (t - 0.5))}%)`;
}

function cw(v, withNumber = true) {
  const bar = h("i");
  bar.style.width = `${Math.round((v || 0) * 100)}%`;
  bar.style.background = cwColour(v);
  return h("span", { class: "cw", title: "check-worthiness" }, h("span", { class: "bar" }, bar),
    withNumber ? (v || 0).toFixed(2) : null);
}

function speakerBadge(sp) {
  if (!sp) return null;
  const name = sp.kind === "author" ? "author" : sp.name || sp.kind;
  const label = sp.kind === "author" ? "author (outlet)" : sp.kind === "unnamed" ? `unnamed: ${name}` : name;
  const b = badge(label, sp.kind);
  if (sp.actor && sp.kind !== "author") {
    return h("a", { href: `#/actor/${enc(sp.actor)}`, title: `speaker (${sp.kind})` }, b);
  }
  return b;
}

function ratingClass(r) {
  return { low: "rating-bad", satire: "rating-mixed", mixed: "rating-mixed", high: "rating-good" }[r] || "rating-unknown";
}

function dateText(d) {
  if (!d) return "–";
  if (Array.isArray(d)) return d[0] === d[1] ? d[0] || "–" : `${d[0] || "?"} – ${d[1] || "?"}`;
  return d;
}

function pager(page, onGo) {
  const { total, limit, offset } = page;
  const from = total ? offset + 1 : 0;
  const to = Math.min(offset + limit, total);
  return h("div", { class: "pager" },
    h("button", { disabled: offset <= 0, onclick: () => onGo(Math.max(0, offset - limit)) }, "‹ Previous"),
    h("span", { "data-testid": "pager-status" }, `${fmt(from)}–${fmt(to)} of ${fmt(total)}`),
    h("button", { disabled: offset + limit >= total, onclick: () => onGo(offset + limit) }, "Next ›"));
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(query || "") };
}

function go(path, params) {
  location.hash = "#/" + path + (params ? qs(params) : "");
}

function paramsObj(params) {
  const o = {};
  for (const [k, v] of params.entries()) o[k] = v;
  return o;
}

function setActiveNav(name) {
  for (const a of document.querySelectorAll(".mainnav a")) {
    a.classList.toggle("active", a.dataset.view === name);
  }
}

function pageHead(title, sub) {
  return h("div", { class: "page-head" }, h("h1", null, title), sub ? h("span", { class: "sub" }, sub) : null);
}

// ---------------------------------------------------------------- router

const routes = {
  "": documentsView, documents: documentsView, doc: docView, analyse: analyseView,
  events: eventsView, event: eventView, actors: actorsView, actor: actorView,
  claims: claimsView, network: networkView, timeline: timelineView, map: mapView,
};

async function render() {
  const token = ++renderToken;
  if (graphHandle) { try { graphHandle.destroy(); } catch (_) { /* gone */ } graphHandle = null; }
  const { parts, params } = parseHash();
  const name = parts[0] || "";
  const fn = routes[name];
  const navName = { "": "documents", doc: "documents", event: "events", actor: "actors" }[name] || name;
  setActiveNav(navName);
  view.replaceChildren(h("div", { class: "loading" }, "Loading…"));
  const out = document.createElement("div");
  try {
    if (!fn) throw new ApiError(404, { error: { code: "not_found", message: `no view ${name}`, hint: "use the links above" } });
    await fn(out, parts.slice(1), params, token);
  } catch (err) {
    out.replaceChildren(errorBox(err));
  }
  if (token !== renderToken) return;   // a newer navigation won
  view.replaceChildren(out);
  document.body.dataset.view = navName;
  document.body.dataset.ready = String(token);
  const after = out._after;
  if (after) after();
}

window.addEventListener("hashchange", render);

async function storeInfo() {
  try {
    const hl = await api("/health");
    const c = hl.counts || {};
    document.getElementById("store-info").textContent =
      `${fmt(c.documents)} documents · ${fmt(c.events)} events · ${fmt(c.claims)} claims`;
  } catch (err) {
    document.getElementById("store-info").textContent = "store unavailable";
  }
}

// ---------------------------------------------------------------- documents

async function documentsView(out, _parts, params) {
  const p = paramsObj(params);
  const offset = Number(p.offset || 0);
  const data = await api("/documents", {
    q: p.q, outlet: p.outlet, since: p.since, until: p.until, type: p.type, actor: p.actor,
    limit: PAGE, offset,
  });
  const nav = (changes) => go("documents", { ...p, offset: undefined, ...changes });
  const search = h("input", { type: "search", placeholder: "Search the text of every article…", value: p.q || "", "aria-label": "search documents" });
  const form = h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); nav({ q: search.value }); } },
    search, h("button", { class: "primary", type: "submit" }, "Search"));

  const facets = data.facets || {};
  const facetBox = h("aside", { class: "facets panel" },
    facetList("Outlet", facets.outlet, p.outlet, (v) => nav({ outlet: v })),
    facetList("Month", byValueDesc(facets.month), monthOf(p), (v) => nav(monthRange(v))),
    facetList("Event type", facets.event_type, p.type, (v) => nav({ type: v })));

  const list = h("ul", { class: "doc-list", "data-testid": "documents" },
    data.items.map((d) => h("li", null,
      h("a", { class: "title", href: `#/doc/${enc(d.id)}` }, d.title || d.id),
      h("div", { class: "meta" },
        h("span", null, d.outlet || "unknown outlet"), h("span", null, d.published || "undated"),
        h("span", null, `${fmt(d.words)} words`), h("span", null, `${fmt(d.events)} events`),
        h("span", null, `${fmt(d.claims)} claims`)))));
  put(out, 
    pageHead("Documents", `${fmt(data.total)} stored articles`), form,
    filterChips(p, ["q", "outlet", "type", "since", "until", "actor"], nav),
    h("div", { class: "with-facets" }, facetBox,
      h("div", null, data.items.length ? list : h("p", { class: "notice" }, "No document matches."),
        pager(data, (o) => go("documents", { ...p, offset: o })))));
}

function monthOf(p) {
  return p.since && p.since.endsWith("-01") ? p.since.slice(0, 7) : null;
}

function monthRange(v) {
  if (!v) return { since: undefined, until: undefined };
  const [y, m] = v.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { since: `${v}-01`, until: `${v}-${String(last).padStart(2, "0")}` };
}

// months newest first (the API ranks facet values by count)
function byValueDesc(items) {
  return (items || []).filter((f) => f.value).sort((a, b) => (a.value < b.value ? 1 : -1));
}

function facetList(title, items, current, onPick, labelOf) {
  if (!items || !items.length) return null;
  return h("div", { class: "facet", "data-facet": title },
    h("h3", null, title),
    h("ul", null, items.map((f) => {
      const on = current !== null && current !== undefined && String(f.value) === String(current);
      return h("li", null, h("a", {
        href: "#", class: on ? "on" : "", "data-value": f.value === null ? "" : f.value,
        onclick: (e) => { e.preventDefault(); onPick(on ? undefined : f.value); },
      }, h("span", null, f.label || (labelOf ? labelOf(f) : f.value) || "(none)"), h("span", { class: "n" }, fmt(f.count))));
    })));
}

function filterChips(p, keys, nav) {
  const chips = keys.filter((k) => p[k]).map((k) => h("span", { class: "chip" }, `${k}: ${p[k]}`,
    h("button", { title: `remove ${k}`, "aria-label": `remove ${k}`, onclick: () => nav({ [k]: undefined }) }, "×")));
  return chips.length ? h("div", { class: "chips" }, chips) : null;
}

// ---------------------------------------------------------------- reader

async function docView(out, parts, params) {
  const key = parts[0];
  const data = await api(`/documents/${enc(key)}`);
  renderReader(out, data.analysis, data.corpus, {
    event: params.get("event"), claim: params.get("claim"),
    span: params.get("span"), stored: true,
  });
}

const LAYERS = [
  ["events", "Events", "ev"], ["claims", "Claims", "cl"], ["actors", "Actors", "ac"],
  ["places", "Places", "pl"], ["signals", "Signals", "sg"],
];

function annotations(a) {
  const out = [];
  for (const e of a.events || []) out.push({ layer: "events", start: e.evidence.start, end: e.evidence.end, rec: e });
  for (const c of a.claims || []) out.push({ layer: "claims", start: c.start, end: c.end, rec: c });
  for (const ac of a.actors || []) for (const m of ac.mentions || []) out.push({ layer: "actors", start: m.start, end: m.end, rec: ac });
  for (const pl of a.places || []) for (const m of pl.mentions || []) out.push({ layer: "places", start: m.start, end: m.end, rec: pl });
  for (const s of a.signals || []) out.push({ layer: "signals", start: s.start, end: s.end, rec: s });
  return out.filter((x) => Number.isInteger(x.start) && Number.isInteger(x.end) && x.end > x.start);
}

// Split the text at every annotation boundary; each segment knows the annotations covering it.
function segments(text, anns) {
  const cuts = new Set([0, text.length]);
  for (const x of anns) { cuts.add(Math.min(x.start, text.length)); cuts.add(Math.min(x.end, text.length)); }
  const bounds = [...cuts].sort((a, b) => a - b);
  const byStart = [...anns].sort((a, b) => a.start - b.start);
  const segs = [];
  let active = [];
  let k = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i], b = bounds[i + 1];
    while (k < byStart.length && byStart[k].start <= a) active.push(byStart[k++]);
    active = active.filter((x) => x.end > a);
    segs.push({ start: a, end: b, covering: active.filter((x) => x.start <= a && x.end >= b) });
  }
  return segs;
}

function renderReader(out, a, corpus, opts) {
  const doc = a.document;
  const text = doc.text || "";
  const anns = annotations(a);
  const segs = segments(text, anns);
  const actorsById = new Map((a.actors || []).map((x) => [x.id, x]));
  const links = corpusLinks(corpus);
  const segEls = [];
  const recSegs = new Map();   // record -> its segment elements

  const textEl = h("div", { class: "doc-text", "data-testid": "doc-text" });
  segs.forEach((s, i) => {
    const piece = text.slice(s.start, s.end);
    if (!s.covering.length) { textEl.appendChild(document.createTextNode(piece)); return; }
    const layers = new Set(s.covering.map((x) => x.layer));
    const cls = ["seg", ...LAYERS.filter(([l]) => layers.has(l)).map(([, , c]) => c)].join(" ");
    const el = h("span", { class: cls, "data-seg": i, "data-layers": [...layers].sort().join(" "),
      title: s.covering.map(hoverLine).join("\n") }, piece);
    const claim = s.covering.filter((x) => x.layer === "claims").map((x) => x.rec.checkworthiness || 0);
    if (claim.length) el.style.setProperty("--cw-colour", cwColour(Math.max(...claim)));
    segEls[i] = el;
    for (const x of s.covering) {
      if (!recSegs.has(x.rec)) recSegs.set(x.rec, []);
      recSegs.get(x.rec).push(el);
    }
    textEl.appendChild(el);
  });

  // layer toggles
  const counts = {};
  for (const x of anns) counts[x.layer] = (counts[x.layer] || 0) + 1;
  const nrec = { events: (a.events || []).length, claims: (a.claims || []).length, actors: (a.actors || []).length,
    places: (a.places || []).length, signals: (a.signals || []).length };
  const toggles = h("div", { class: "layers", role: "group", "aria-label": "highlight layers" },
    LAYERS.map(([layer, label]) => h("label", null,
      h("input", { type: "checkbox", checked: true, "data-layer": layer,
        onchange: (e) => textEl.classList.toggle(`off-${layer}`, !e.target.checked) }),
      h("span", { class: `swatch ${layer}` }), `${label} (${fmt(nrec[layer])})`)));

  // side panel
  const body = h("div", { "data-testid": "side-body" });
  const tabs = {};
  const side = h("aside", { class: "side panel", "data-testid": "side" });
  const tabBar = h("div", { class: "tabs", role: "tablist" });
  const showTab = (name, fill) => {
    for (const [n, b] of Object.entries(tabs)) b.classList.toggle("on", n === name);
    body.replaceChildren();
    fill(body);
  };
  const clearSelection = () => { for (const el of textEl.querySelectorAll(".selected")) el.classList.remove("selected"); };
  const selectRecord = (rec, scroll) => {
    clearSelection();
    const els = recSegs.get(rec) || [];
    for (const el of els) el.classList.add("selected");
    if (scroll && els[0]) els[0].scrollIntoView({ block: "center" });
  };
  const recordCard = (x) => card(x.layer, x.rec, { actorsById, links, doc, onPick: () => selectRecord(x.rec, true) });
  const showSelection = (covering) => {
    const sorted = [...covering].sort((p, q) => (p.end - p.start) - (q.end - q.start));
    showTab("selection", (b) => append(b, [h("h3", null, "At this place in the text"), sorted.map(recordCard)]));
  };
  const tabDefs = [
    ["selection", "Selected", (b) => append(b, h("p", { class: "muted" }, "Click a highlight in the text to read its records."))],
    ["claims", `Claims (${nrec.claims})`, (b) => append(b, claimList(a.claims || [], links, (c) => {
      selectRecord(c, true);
      showSelection(anns.filter((x) => x.rec === c));
    }))],
    ["events", `Events (${nrec.events})`, (b) => append(b, (a.events || []).map((e) => card("events", e, {
      actorsById, links, doc, onPick: () => selectRecord(e, true) })))],
    ["source", "Source", (b) => append(b, sourcePanel(a))],
  ];
  for (const [name, label, fill] of tabDefs) {
    tabs[name] = h("button", { role: "tab", "data-tab": name, onclick: () => showTab(name, fill) }, label);
    tabBar.appendChild(tabs[name]);
  }
  put(side, tabBar, body);

  textEl.addEventListener("click", (e) => {
    const el = e.target.closest(".seg");
    if (!el) return;
    const s = segs[Number(el.dataset.seg)];
    const visible = s.covering.filter((x) => !textEl.classList.contains(`off-${x.layer}`));
    if (!visible.length) return;
    clearSelection();
    el.classList.add("selected");
    showSelection(visible);
  });

  const meta = h("div", { class: "doc-meta" },
    h("span", null, doc.source || "unknown outlet"), h("span", null, doc.published || "undated"),
    a.source_reliability ? badge(`reliability: ${a.source_reliability.rating}`, ratingClass(a.source_reliability.rating)) : null,
    safeUrl(doc.url) ? h("a", { href: safeUrl(doc.url), rel: "noopener noreferrer nofollow", target: "_blank" }, "original ↗") : null,
    opts.stored ? null : badge("not stored", "unverified"));
  const article = h("article", { class: "article" },
    h("h1", { class: "doc-title" }, doc.title || "Untitled document"), meta, toggles, textEl);
  put(out, h("div", { class: "reader-layout" }, article, side));

  out._after = () => {
    // a link may name an event, a claim or a span to open at
    let focus = null;
    if (opts.event) focus = (a.events || []).find((e) => e.id === opts.event);
    if (!focus && opts.claim) focus = (a.claims || []).find((c) => c.id === opts.claim);
    if (focus) {
      selectRecord(focus, true);
      showSelection(anns.filter((x) => x.rec === focus));
      return;
    }
    if (opts.span) {
      const [s0, s1] = opts.span.split("-").map(Number);
      const idx = segs.map((_, i) => i).filter((i) => segs[i].start < s1 && segs[i].end > s0 && segEls[i]);
      if (idx.length) {
        for (const i of idx) segEls[i].classList.add("selected");
        segEls[idx[0]].scrollIntoView({ block: "center" });
        showSelection(segs[idx[0]].covering);
        return;
      }
    }
    showTab("claims", tabDefs[1][2]);
  };
}

// One line per record for the tooltip of a highlight (the click shows the whole record).
function hoverLine(x) {
  const r = x.rec;
  if (x.layer === "events") return `Event: ${r.type} (${r.status})${r.date ? ", " + r.date : ""}`;
  if (x.layer === "claims") {
    const who = r.speaker ? (r.speaker.kind === "author" ? "the author" : r.speaker.name || r.speaker.kind) : "?";
    return `Claim by ${who}: ${r.kind}, check-worthiness ${(r.checkworthiness || 0).toFixed(2)}`;
  }
  if (x.layer === "actors") return `Actor: ${r.name}${r.code ? " (" + r.code + ")" : ""}`;
  if (x.layer === "places") return `Place: ${r.name}${r.country ? " (" + r.country + ")" : ""}`;
  return `Signal: ${String(r.technique).replace(/_/g, " ")} (${(r.score || 0).toFixed(2)})`;
}

function safeUrl(url) {
  if (typeof url !== "string") return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch (_) { return null; }
}

function corpusLinks(corpus) {
  const ev = new Map(), cl = new Map();
  for (const e of (corpus && corpus.events) || []) ev.set(e.event_id, e);
  for (const c of (corpus && corpus.claims) || []) cl.set(c.claim_id, c);
  return { events: ev, claims: cl };
}

function actorNames(ids, actorsById) {
  if (!ids || !ids.length) return "–";
  return ids.map((id, i) => {
    const a = actorsById.get(id);
    return [i ? ", " : "", h("a", { href: `#/actor/${enc(id)}` }, a ? a.name : id)];
  });
}

function card(layer, rec, ctx) {
  const { actorsById, links } = ctx;
  const kind = { events: "event", claims: "claim", actors: "actor", places: "place", signals: "signal" }[layer];
  const el = h("div", { class: `record ${kind}`, "data-record": kind, "data-id": rec.id || rec.technique || "" });
  if (layer === "events") {
    const link = links.events.get(rec.id);
    put(el, 
      h("div", { class: "rhead" }, typeBadge(rec.type, rec.quad), statusBadge(rec.status),
        h("span", { class: "muted" }, `CAMEO ${rec.cameo || "–"} · Goldstein ${rec.goldstein ?? "–"}`)),
      h("dl", { class: "kv" },
        h("dt", null, "Actor"), h("dd", null, actorNames(rec.actor, actorsById)),
        h("dt", null, "Recipient"), h("dd", null, actorNames(rec.recipient, actorsById)),
        h("dt", null, "Date"), h("dd", null, rec.date || "–"),
        h("dt", null, "Place"), h("dd", null, rec.place ? `${rec.place.name}${rec.place.country ? " (" + rec.place.country + ")" : ""}` : "–"),
        h("dt", null, "Mode"), h("dd", null, rec.mode || "–"),
        h("dt", null, "Confidence"), h("dd", null, rec.confidence !== undefined ? rec.confidence.toFixed(2) : "–"),
        rec.source_claim ? [h("dt", null, "From claim"), h("dd", null, rec.source_claim)] : null,
        link ? [h("dt", null, "Corpus event"), h("dd", null, h("a", { href: `#/event/${enc(link.corpus_event_id)}` },
          `${link.n_reports} reports, ${link.n_outlets} outlets`))] : null),
      h("div", { class: "rtext" }, rec.evidence.text));
  } else if (layer === "claims") {
    const link = links.claims.get(rec.id);
    put(el, 
      h("div", { class: "rhead" }, speakerBadge(rec.speaker), badge(rec.kind), cw(rec.checkworthiness),
        link ? statusBadge(link.status) : null),
      h("dl", { class: "kv" },
        h("dt", null, "Speaker"), h("dd", null, rec.speaker ? `${rec.speaker.name || rec.speaker.kind} (${rec.speaker.kind})` : "–"),
        h("dt", null, "Cue"), h("dd", null, rec.cue || "–"),
        h("dt", null, "Kind"), h("dd", null, rec.kind),
        h("dt", null, "Check-worthiness"), h("dd", null, (rec.checkworthiness || 0).toFixed(3)),
        link ? [h("dt", null, "Corroboration"), h("dd", null, `${link.status}, ${link.independent} independent outlet(s)`)] : null,
        link && link.supporting && link.supporting.length ? [h("dt", null, "Supported by"),
          h("dd", null, link.supporting.map((s, i) => [i ? ", " : "", s.outlet || "unknown outlet", ` (${(s.similarity || 0).toFixed(2)})`]))] : null,
        link && link.contradicting && link.contradicting.length ? [h("dt", null, "Contradicted by"),
          h("dd", null, link.contradicting.map((s, i) => [i ? ", " : "", s.outlet || "unknown outlet"]))] : null,
        rec.narratives && rec.narratives.length ? [h("dt", null, "Narratives"),
          h("dd", null, rec.narratives.map((n, i) => [i ? "; " : "", n.title || n.id]))] : null),
      h("div", { class: "rtext" }, rec.text));
  } else if (layer === "actors") {
    put(el, 
      h("div", { class: "rhead" }, h("a", { href: `#/actor/${enc(rec.id)}` }, rec.name), badge(rec.kind || "actor")),
      h("dl", { class: "kv" },
        h("dt", null, "Id"), h("dd", null, rec.id),
        h("dt", null, "CAMEO code"), h("dd", null, rec.code || "–"),
        h("dt", null, "Country"), h("dd", null, rec.country || "–"),
        h("dt", null, "Sector"), h("dd", null, rec.sector || "–"),
        h("dt", null, "Mentions"), h("dd", null, fmt((rec.mentions || []).length))));
  } else if (layer === "places") {
    put(el, 
      h("div", { class: "rhead" }, rec.name, badge(rec.kind || "place"), rec.ambiguous ? badge("ambiguous", "alleged") : null),
      h("dl", { class: "kv" },
        h("dt", null, "Country"), h("dd", null, rec.country || "–"),
        h("dt", null, "Coordinates"), h("dd", null, rec.lat !== null && rec.lat !== undefined ? `${rec.lat.toFixed(3)}, ${rec.lon.toFixed(3)}` : "–"),
        h("dt", null, "Candidates"), h("dd", null, fmt(rec.candidates))));
  } else if (layer === "signals") {
    put(el, 
      h("div", { class: "rhead" }, badge(rec.technique.replace(/_/g, " ").replace(/,/g, ", "), "contested"),
        h("span", { class: "muted" }, `score ${(rec.score || 0).toFixed(2)}`)),
      h("div", { class: "rtext" }, rec.text));
  }
  if (ctx.onPick) {
    el.addEventListener("click", (e) => { if (!e.target.closest("a")) ctx.onPick(); });
    el.classList.add("pickable");
  }
  return el;
}

function claimList(claims, links, onPick) {
  const sorted = [...claims].sort((p, q) => (q.checkworthiness || 0) - (p.checkworthiness || 0));
  if (!sorted.length) return h("p", { class: "muted" }, "No claims in this document.");
  return sorted.map((c) => {
    const link = links.claims.get(c.id);
    return h("div", { class: "claim-row", "data-claim": c.id, onclick: (e) => { if (!e.target.closest("a")) onPick(c); } },
      h("div", { class: "ctext" }, c.text),
      h("div", { class: "cmeta" }, cw(c.checkworthiness), speakerBadge(c.speaker), badge(c.kind),
        c.cue ? h("span", null, `“${c.cue}”`) : null, link ? statusBadge(link.status) : null));
  });
}

function sourcePanel(a) {
  const d = a.document;
  const r = a.source_reliability;
  const bp = a.boilerplate || [];
  return [
    h("h3", null, "Document"),
    h("dl", { class: "kv" },
      h("dt", null, "Outlet"), h("dd", null, d.source || "–"),
      h("dt", null, "Published"), h("dd", null, d.published || "–"),
      h("dt", null, "Language"), h("dd", null, d.language || "–"),
      h("dt", null, "Id"), h("dd", null, d.id || "–"),
      h("dt", null, "Hash"), h("dd", null, h("code", null, (d.hash || "").slice(0, 16))),
      h("dt", null, "Origin"), h("dd", null, d.origin || "–")),
    h("h3", null, "Outlet reliability"),
    r ? h("div", null,
      h("div", null, badge(r.rating, ratingClass(r.rating)), " ", r.outlet || ""),
      r.labels && r.labels.length ? h("div", { class: "muted" }, `labels: ${r.labels.join(", ")}`) : null,
      (r.provenance || []).map((p) => h("div", { class: "boiler" }, typeof p === "string" ? p : JSON.stringify(p))),
      r.rating === "unknown" ? h("div", { class: "muted" }, "Not in the outlet registry: unknown, never guessed.") : null)
      : h("p", { class: "muted" }, "No reliability record."),
    h("h3", null, `Removed boilerplate (${bp.length})`),
    bp.length ? bp.map((b) => h("div", { class: "boiler", "data-testid": "boilerplate" }, h("span", { class: "why" }, b.reason), b.text))
      : h("p", { class: "muted" }, "Nothing removed."),
    h("h3", null, "Extractors"),
    h("dl", { class: "kv" }, Object.entries(a.extractors || {}).map(([k, v]) => [h("dt", null, k), h("dd", null, h("code", null, v))])),
  ];
}

// ---------------------------------------------------------------- analyse

async function analyseView(out) {
  const area = h("textarea", { "aria-label": "article text", placeholder: "Paste an article’s text here…", "data-testid": "analyse-text" });
  const title = h("input", { type: "text", placeholder: "Title (optional)", "aria-label": "title" });
  const outlet = h("input", { type: "text", placeholder: "Outlet (optional)", "aria-label": "outlet" });
  const date = h("input", { type: "date", "aria-label": "publication date" });
  const result = h("div", { "data-testid": "analyse-result" });
  const status = h("span", { class: "muted" });
  let pending = null;   // {html} or {json} from a dropped file
  const file = h("input", { type: "file", accept: ".txt,.html,.htm,.json,text/plain,text/html,application/json", "aria-label": "article file" });
  const drop = h("div", { class: "dropzone" }, "Drop a .txt, .html or .json article here, or ", file);
  const takeFile = async (f) => {
    if (!f) return;
    if (f.size > 10 * 1024 * 1024) { status.textContent = `${f.name} is over 10 MB`; return; }
    const content = await f.text();
    pending = null;
    if (/\.html?$/i.test(f.name) || f.type === "text/html") { pending = { html: content }; area.value = ""; status.textContent = `${f.name}: HTML, ${fmt(content.length)} characters`; }
    else if (/\.json$/i.test(f.name) || f.type === "application/json") {
      try { pending = { json: JSON.parse(content) }; area.value = ""; status.textContent = `${f.name}: JSON record`; }
      catch (err) { status.textContent = `${f.name} is not valid JSON: ${err.message}`; }
    } else { area.value = content; status.textContent = `${f.name}: text`; }
  };
  file.addEventListener("change", () => takeFile(file.files[0]));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); takeFile(e.dataTransfer.files[0]); });
  area.addEventListener("input", () => { pending = null; });
  const button = h("button", { class: "primary", "data-testid": "analyse-button" }, "Analyse");
  button.addEventListener("click", async () => {
    let body;
    if (pending && pending.json) body = pending.json;
    else if (pending && pending.html) body = { html: pending.html };
    else body = { text: area.value };
    if (!pending) {
      if (!area.value.trim()) { status.textContent = "Paste some text first."; return; }
    }
    if (!body.document) {
      if (title.value) body.title = title.value;
      if (outlet.value) body.outlet = outlet.value;
      if (date.value) body.date = date.value;
    }
    button.disabled = true;
    status.textContent = "Analysing…";
    result.replaceChildren();
    try {
      const t0 = performance.now();
      const data = await api("/analyze", {}, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const ms = performance.now() - t0;
      status.textContent = `Analysed in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`} (not stored).`;
      const box = document.createElement("div");
      renderReader(box, data.analysis, null, { stored: false });
      result.replaceChildren(box);
      if (box._after) box._after();
    } catch (err) {
      status.textContent = "";
      result.replaceChildren(errorBox(err));
    } finally {
      button.disabled = false;
    }
  });
  put(out, pageHead("Analyse an article", "nothing is stored"),
    h("div", { class: "panel" }, area, h("div", { class: "meta-fields" }, title, outlet, date), drop,
      h("div", { class: "toolbar" }, button, status)),
    h("div", { class: "spacer" }), result);
}

// ---------------------------------------------------------------- events

const EVENT_FILTERS = ["type", "status", "actor", "recipient", "outlet", "place", "since", "until", "q", "min_reports"];

async function eventsView(out, _parts, params) {
  const p = paramsObj(params);
  const offset = Number(p.offset || 0);
  const filters = {};
  for (const k of EVENT_FILTERS) filters[k] = p[k];
  // the table first; the facets (which count every matching event) arrive beside it
  const facetsP = api("/events", { ...filters, facets: "true", reports: "false", limit: 1 });
  facetsP.catch(() => null);
  const data = await api("/events", { ...filters, reports: "false", limit: PAGE, offset });
  const nav = (changes) => go("events", { ...p, offset: undefined, ...changes });
  const search = h("input", { type: "search", placeholder: "Search the evidence…", value: p.q || "", "aria-label": "search events" });
  const since = h("input", { type: "date", value: p.since || "", "aria-label": "since" });
  const until = h("input", { type: "date", value: p.until || "", "aria-label": "until" });
  const minr = h("select", { "aria-label": "minimum reports" },
    ["", "2", "3", "5", "10"].map((v) => h("option", { value: v, selected: (p.min_reports || "") === v }, v ? `≥ ${v} reports` : "any reports")));
  const form = h("form", { class: "toolbar", onsubmit: (e) => {
    e.preventDefault(); nav({ q: search.value, since: since.value, until: until.value, min_reports: minr.value });
  } }, search, h("label", { class: "inline" }, "from", since), h("label", { class: "inline" }, "to", until), minr,
  h("button", { class: "primary", type: "submit" }, "Filter"));
  const aside = h("aside", { class: "facets panel", "data-testid": "event-facets" },
    h("p", { class: "muted" }, "Counting facets…"));
  const token = renderToken;
  facetsP.then((fd) => {
    if (token !== renderToken) return;
    const facets = (fd && fd.facets) || {};
    aside.replaceChildren();
    put(aside,
      facetList("Type", facets.type, p.type, (v) => nav({ type: v })),
      facetList("Status", facets.status, p.status, (v) => nav({ status: v })),
      facetList("Actor", facets.actor, p.actor, (v) => nav({ actor: v })),
      facetList("Recipient", facets.recipient, p.recipient, (v) => nav({ recipient: v })),
      facetList("Outlet", facets.outlet, p.outlet, (v) => nav({ outlet: v })),
      facetList("Month", byValueDesc(facets.month), monthOf(p), (v) => nav(monthRange(v))),
      !Object.keys(facets).length ? h("p", { class: "muted" }, "No facets.") : null);
    aside.dataset.ready = "true";
  }, (err) => { if (token === renderToken) aside.replaceChildren(errorBox(err)); });
  const rows = data.items.map((e) => h("tr", { class: "clickable", "data-event": e.id, onclick: (ev) => { if (!ev.target.closest("a")) go(`event/${enc(e.id)}`); } },
    h("td", { class: "nowrap" }, dateText(e.date)),
    h("td", null, typeBadge(e.type, e.quad)),
    h("td", null, actorLinks(e.actors)),
    h("td", null, actorLinks(e.recipients)),
    h("td", null, e.place ? `${e.place}${e.place_country ? " (" + e.place_country + ")" : ""}` : "–"),
    h("td", null, statusBadge(e.status)),
    h("td", { class: "num" }, fmt(e.n_reports)),
    h("td", { class: "num" }, fmt(e.n_outlets)),
    h("td", null, (e.disagreements || []).length ? badge(`${e.disagreements.length} disagreement${e.disagreements.length > 1 ? "s" : ""}`, "alleged") : "")));
  const table = h("table", { class: "grid", "data-testid": "events-table" },
    h("thead", null, h("tr", null, ["Date", "Type", "Actor", "Recipient", "Place", "Status", "Reports", "Outlets", ""].map((t) => h("th", null, t)))),
    h("tbody", null, rows));
  put(out, pageHead("Events", `${fmt(data.total)} corpus events (reports of one event merged)`), form,
    filterChips(p, EVENT_FILTERS, nav),
    h("div", { class: "with-facets" }, aside, h("div", null,
      data.items.length ? table : h("p", { class: "notice" }, data.total === 0 && !Object.values(filters).some(Boolean)
        ? "No corpus events: run `newsgraph corpus build --db FILE` after ingesting." : "No event matches these filters."),
      pager(data, (o) => go("events", { ...p, offset: o })))));
}

function actorLinks(list) {
  if (!list || !list.length) return "–";
  return list.map((a, i) => [i ? ", " : "", h("a", { href: `#/actor/${enc(a.id)}` }, a.name || a.id)]);
}

async function eventView(out, parts) {
  const e = await api(`/events/${enc(parts[0])}`);
  const reports = (e.reports || []).map((r) => h("tr", null,
    h("td", null, r.outlet || "–"), h("td", { class: "nowrap" }, r.published || "–"),
    h("td", null, statusBadge(r.status)), h("td", { class: "nowrap" }, r.date || "–"), h("td", null, r.place || "–"),
    h("td", null, h("div", { class: "evidence" }, r.evidence ? r.evidence.text : ""),
      h("a", { href: `#/doc/${enc(r.document || r.doc_hash)}?event=${enc(r.event_id)}`, "data-testid": "open-evidence" }, "open in article →"))));
  put(out, 
    pageHead(`${e.type} event`, dateText(e.date)),
    h("div", { class: "panel" },
      h("div", { class: "rhead" }, typeBadge(e.type, e.quad), " ", statusBadge(e.status)),
      h("dl", { class: "kv" },
        h("dt", null, "Actors"), h("dd", null, actorLinks(e.actors)),
        h("dt", null, "Recipients"), h("dd", null, actorLinks(e.recipients)),
        h("dt", null, "Date"), h("dd", null, dateText(e.date)),
        h("dt", null, "Place"), h("dd", null, e.place ? `${e.place} (${e.place_country || "?"})` : "–"),
        h("dt", null, "First reported"), h("dd", null, e.first_reported || "–"),
        h("dt", null, "Reports"), h("dd", null, `${fmt(e.n_reports)} from ${fmt(e.n_outlets)} outlets`),
        h("dt", null, "Outlets"), h("dd", null, (e.outlets || []).join("; "))),
      (e.disagreements || []).length ? [h("h3", null, "Disagreements between reports"),
        e.disagreements.map((d) => h("div", { class: "disagree" }, h("strong", null, `${d.field}: `),
          Object.entries(d.values || {}).map(([v, who], i) => [i ? " · " : "", h("b", null, v), ` (${(who || []).join(", ")})`])))] : null),
    h("h2", null, "Reports"),
    h("table", { class: "grid", "data-testid": "reports-table" },
      h("thead", null, h("tr", null, ["Outlet", "Published", "Status", "Date", "Place", "Evidence"].map((t) => h("th", null, t)))),
      h("tbody", null, reports)));
}

// ---------------------------------------------------------------- actors

async function actorsView(out, _parts, params) {
  const p = paramsObj(params);
  const offset = Number(p.offset || 0);
  const data = await api("/actors", { q: p.q, kind: p.kind, country: p.country, limit: PAGE, offset });
  const nav = (changes) => go("actors", { ...p, offset: undefined, ...changes });
  const search = h("input", { type: "search", placeholder: "Name, id or CAMEO code…", value: p.q || "", "aria-label": "search actors" });
  const kind = h("select", { "aria-label": "kind" }, ["", "country", "person", "organization", "group"].map((v) =>
    h("option", { value: v, selected: (p.kind || "") === v }, v || "any kind")));
  const form = h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); nav({ q: search.value, kind: kind.value }); } },
    search, kind, h("button", { class: "primary", type: "submit" }, "Search"));
  const table = h("table", { class: "grid", "data-testid": "actors-table" },
    h("thead", null, h("tr", null, ["Actor", "Kind", "CAMEO", "Country", "Events", "Documents"].map((t) => h("th", null, t)))),
    h("tbody", null, data.items.map((a) => h("tr", { class: "clickable", "data-actor": a.id, onclick: () => go(`actor/${enc(a.id)}`) },
      h("td", null, h("a", { href: `#/actor/${enc(a.id)}` }, a.name)), h("td", null, a.kind || "–"),
      h("td", null, h("code", null, a.code || "–")), h("td", null, a.country || "–"),
      h("td", { class: "num" }, fmt(a.events)), h("td", { class: "num" }, fmt(a.documents))))));
  put(out, pageHead("Actors", `${fmt(data.total)} actors`), form,
    data.items.length ? table : h("p", { class: "notice" }, "No actor matches."),
    pager(data, (o) => go("actors", { ...p, offset: o })));
}

async function actorView(out, parts, params) {
  const id = parts[0];
  const depth = params.get("depth") || "1";
  const data = await api(`/actors/${enc(id)}`, { depth, limit: 50 });
  const a = data.actor;
  const graphBox = h("div", { class: "graph-box", "data-testid": "actor-graph" });
  const depthSel = h("select", { "aria-label": "network depth", onchange: (e) => go(`actor/${enc(id)}`, { depth: e.target.value }) },
    ["1", "2"].map((v) => h("option", { value: v, selected: depth === v }, v === "1" ? "direct partners" : "partners of partners")));
  const tl = data.timeline.items;
  const months = new Map();
  for (const t of tl) { const m = (t.date || "").slice(0, 7); if (m) months.set(m, (months.get(m) || 0) + 1); }
  const tlChart = barChart([...months.entries()].sort().map(([period, n]) => ({ period, events: n })),
    (b) => go("events", { actor: id, ...monthRange(b.period) }), 600);
  put(out, 
    pageHead(a.name, [a.kind, a.code, a.country].filter(Boolean).join(" · ")),
    h("div", { class: "panel" },
      h("span", { class: "stat" }, h("b", null, fmt(a.events)), h("span", null, "events")),
      h("span", { class: "stat" }, h("b", null, fmt(a.documents)), h("span", null, "documents")),
      h("span", { class: "stat" }, h("b", null, fmt(data.events.total)), h("span", null, "corpus events")),
      h("span", { class: "stat" }, h("b", null, fmt(data.network.total_nodes)), h("span", null, "actors in its network")),
      h("a", { href: `#/events${qs({ actor: id })}` }, "all its events →"), " ",
      h("a", { href: `#/claims${qs({ actor: id })}` }, "claims about it →")),
    h("div", { class: "two-col" },
      h("div", null, h("div", { class: "toolbar" }, h("h2", null, "Network neighbourhood"), depthSel), graphBox),
      h("div", null, h("h2", null, "Timeline"), h("div", { class: "panel chart" }, tlChart),
        h("h2", null, `Events (${fmt(data.timeline.total)})`),
        h("table", { class: "grid", "data-testid": "actor-timeline" },
          h("thead", null, h("tr", null, ["Date", "Type", "Role", "Status", "Outlet", ""].map((t) => h("th", null, t)))),
          h("tbody", null, tl.map((t) => h("tr", null,
            h("td", { class: "nowrap" }, t.date || t.date_as_reported || "–"), h("td", null, typeBadge(t.type, t.quad)),
            h("td", null, t.role), h("td", null, statusBadge(t.status)), h("td", null, t.outlet || "–"),
            h("td", null, h("a", { href: `#/doc/${enc(t.document || t.doc_hash)}?event=${enc(t.event_id)}`, title: typeof t.evidence === "string" ? t.evidence : "" }, "evidence →")))))))));
  out._after = () => {
    graphHandle = forceGraph(graphBox, data.network, { focus: id, height: 520,
      onSelect: (n) => { if (n.id !== id) go(`actor/${enc(n.id)}`); } });
  };
}

// ---------------------------------------------------------------- claims

async function claimsView(out, _parts, params) {
  const p = paramsObj(params);
  const offset = Number(p.offset || 0);
  const data = await api("/claims", {
    speaker_kind: p.speaker_kind, kind: p.kind, status: p.status, signals: p.signals, actor: p.actor,
    outlet: p.outlet, min_checkworthiness: p.min_checkworthiness, q: p.q, since: p.since, until: p.until,
    limit: PAGE, offset,
  });
  const nav = (changes) => go("claims", { ...p, offset: undefined, ...changes });
  const sel = (name, label, values) => h("select", { "aria-label": label, "data-filter": name, onchange: (e) => nav({ [name]: e.target.value }) },
    values.map(([v, t]) => h("option", { value: v, selected: (p[name] || "") === v }, t)));
  const search = h("input", { type: "search", placeholder: "Search claims…", value: p.q || "", "aria-label": "search claims" });
  const form = h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); nav({ q: search.value }); } },
    search,
    sel("speaker_kind", "speaker kind", [["", "any speaker"], ["unnamed", "unnamed sources"], ["author", "author (outlet)"], ["person", "named person"], ["organization", "organisation"]]),
    sel("kind", "claim kind", [["", "any kind"], ["fact", "fact"], ["opinion", "opinion"], ["prediction", "prediction"], ["question", "question"]]),
    sel("status", "corroboration", [["", "any corroboration"], ["corroborated", "corroborated"], ["contested", "contested"], ["unverified", "unverified"]]),
    sel("signals", "signals", [["", "with or without signals"], ["true", "with propaganda signals"], ["false", "without signals"]]),
    sel("min_checkworthiness", "minimum check-worthiness", [["", "any check-worthiness"], ["0.3", "≥ 0.3"], ["0.5", "≥ 0.5"], ["0.7", "≥ 0.7"]]),
    h("button", { class: "primary", type: "submit" }, "Search"));
  const list = h("ul", { class: "triage", "data-testid": "claims-list" }, data.items.map((c) => h("li", { "data-claim": `${c.doc_hash}:${c.claim_id}` },
    h("div", null, h("div", { class: "score" }, (c.checkworthiness || 0).toFixed(2)), cw(c.checkworthiness, false)),
    h("div", null,
      h("div", { class: "ctext" }, c.text),
      h("div", { class: "cmeta" }, speakerBadge(c.speaker), badge(c.kind), statusBadge(c.corroboration || "unverified"),
        c.independent ? h("span", null, `${c.independent} independent outlet(s)`) : null,
        h("span", null, `${c.outlet || "unknown outlet"}, ${c.published || "undated"}`),
        h("a", { href: `#/doc/${enc(c.document || c.doc_hash)}?claim=${enc(c.claim_id)}` }, "read in context →"))))));
  put(out, pageHead("Claims", `${fmt(data.total)} claims, most check-worthy first`), form,
    filterChips(p, ["actor", "outlet", "since", "until"], nav),
    data.items.length ? list : h("p", { class: "notice" }, "No claim matches."),
    pager(data, (o) => go("claims", { ...p, offset: o })));
}

// ---------------------------------------------------------------- network, timeline, map

async function networkView(out, _parts, params) {
  const p = paramsObj(params);
  const limit = p.limit || "150";
  const data = await api("/network", { since: p.since, until: p.until, limit });
  const since = h("input", { type: "date", value: p.since || "", "aria-label": "since" });
  const until = h("input", { type: "date", value: p.until || "", "aria-label": "until" });
  const lim = h("select", { "aria-label": "nodes" }, ["50", "150", "300"].map((v) => h("option", { value: v, selected: limit === v }, `${v} busiest actors`)));
  const form = h("form", { class: "toolbar", onsubmit: (e) => { e.preventDefault(); go("network", { since: since.value, until: until.value, limit: lim.value }); } },
    h("label", { class: "inline" }, "from", since), h("label", { class: "inline" }, "to", until), lim,
    h("button", { class: "primary", type: "submit" }, "Show"));
  const box = h("div", { class: "graph-box", "data-testid": "network-graph" });
  put(out, pageHead("Actor network", `${fmt(data.nodes.length)} of ${fmt(data.total_nodes)} actors, ${fmt(data.edges.length)} of ${fmt(data.total_edges)} relations`),
    form, box, h("p", { class: "muted" }, "Edges point from actor to recipient; green: cooperation, red: conflict. Click an actor to open it."));
  out._after = () => {
    graphHandle = forceGraph(box, data, { height: 640, onSelect: (n) => go(`actor/${enc(n.id)}`) });
  };
}

// Months with no event between the first and the last get a zero bar (up to 15 years of them).
function fillMonths(data) {
  if (!data.length || !data.every((d) => /^\d{4}-\d{2}$/.test(d.period))) return data;
  const idx = (p) => Number(p.slice(0, 4)) * 12 + Number(p.slice(5, 7)) - 1;
  const lo = idx(data[0].period), hi = idx(data[data.length - 1].period);
  if (hi - lo > 180) return data;
  const have = new Map(data.map((d) => [d.period, d]));
  const out = [];
  for (let i = lo; i <= hi; i++) {
    const p = `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
    out.push(have.get(p) || { period: p, events: 0, reports: 0 });
  }
  return out;
}

function barChart(items, onPick, width = 900) {
  const data = fillMonths(items.filter((x) => x.period).sort((p, q) => (p.period < q.period ? -1 : 1)));
  if (!data.length) return h("p", { class: "muted" }, "No dated events.");
  const W = width, H = 220, L = 40, B = 46, T = 10;
  const max = Math.max(...data.map((d) => d.events));
  const bw = (W - L - 10) / data.length;
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "events over time" });
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const v = Math.round((max * i) / ticks);
    const y = H - B - ((H - B - T) * i) / ticks;
    svg.appendChild(svgEl("line", { class: "gridline", x1: L, x2: W - 10, y1: y, y2: y }));
    const t = svgEl("text", { x: L - 6, y: y + 4, "text-anchor": "end", class: "axis" });
    t.textContent = String(v);
    t.setAttribute("fill", "#667085"); t.setAttribute("font-size", "11");
    svg.appendChild(t);
  }
  const every = Math.max(1, Math.ceil(data.length / 16));
  data.forEach((d, i) => {
    const hgt = ((H - B - T) * d.events) / max;
    const x = L + i * bw;
    const r = svgEl("rect", { class: "bar", x: x + bw * 0.12, width: Math.max(1, bw * 0.76), y: H - B - hgt, height: Math.max(0.5, hgt), "data-period": d.period });
    const tip = svgEl("title");
    tip.textContent = `${d.period}: ${d.events} events${d.reports !== undefined ? `, ${d.reports} reports` : ""}`;
    r.appendChild(tip);
    if (onPick && d.events) r.addEventListener("click", () => onPick(d));
    svg.appendChild(r);
    if (i % every === 0) {
      const t = svgEl("text", { x: x + bw / 2, y: H - B + 14, "text-anchor": "end", transform: `rotate(-40 ${x + bw / 2} ${H - B + 14})` });
      t.textContent = d.period;
      t.setAttribute("fill", "#667085"); t.setAttribute("font-size", "11");
      svg.appendChild(t);
    }
  });
  return svg;
}

function periodRange(period, interval) {
  if (interval === "year") return { since: `${period}-01-01`, until: `${period}-12-31` };
  if (interval === "month") return monthRange(period);
  return { since: period, until: period };
}

async function timelineView(out, _parts, params) {
  const p = paramsObj(params);
  const interval = p.interval || "month";
  const filters = {};
  for (const k of EVENT_FILTERS) filters[k] = p[k];
  const data = await api("/timeline", { ...filters, interval });
  const sel = h("select", { "aria-label": "interval", onchange: (e) => go("timeline", { ...p, interval: e.target.value }) },
    ["day", "month", "year"].map((v) => h("option", { value: v, selected: v === interval }, `per ${v}`)));
  const undated = data.items.filter((x) => !x.period).reduce((s, x) => s + x.events, 0);
  const total = data.items.reduce((s, x) => s + x.events, 0);
  put(out, pageHead("Timeline", `${fmt(total)} corpus events${undated ? `, ${fmt(undated)} undated` : ""}`),
    h("div", { class: "toolbar" }, sel, filterChips(p, EVENT_FILTERS, (c) => go("timeline", { ...p, ...c }))),
    h("div", { class: "panel chart", "data-testid": "timeline-chart" },
      barChart(data.items, (d) => go("events", { ...filters, ...periodRange(d.period, interval) }), 1300)),
    h("p", { class: "muted" }, "Each bar counts the corpus events dated in that period (by the first day their reports allow). Click a bar to list them."));
}

async function mapView(out, _parts, params) {
  const p = paramsObj(params);
  const filters = {};
  for (const k of EVENT_FILTERS) filters[k] = p[k];
  const data = await api("/places", { ...filters, limit: 2000 });
  const box = h("div", { class: "map-box", "data-testid": "map" });
  const placed = data.items.reduce((s, x) => s + x.events, 0);
  put(out, pageHead("Map", `${fmt(placed)} corpus events in ${fmt(data.items.length)} places${data.unplaced ? `; ${fmt(data.unplaced)} without a place` : ""}`),
    filterChips(p, EVENT_FILTERS, (c) => go("map", { ...p, ...c })), box,
    h("p", { class: "muted" }, "Offline map: a bundled world outline (Natural Earth, public domain), no tile server. Circles: events per place; a country-level place sits at the country’s centre. Click a place to list its events."));
  out._after = () => {
    worldMap(box, data.items, { height: 560, onSelect: (pt) => go("events", { ...filters, place: pt.place || undefined }) })
      .then((handle) => { graphHandle = handle; })
      .catch((err) => box.replaceChildren(errorBox(err)));
  };
}

// ---------------------------------------------------------------- start

storeInfo();
render();

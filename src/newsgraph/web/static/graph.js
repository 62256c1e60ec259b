// newsgraph web UI: interactive force-directed network of actors.
//
//   import { forceGraph } from "/static/graph.js";
//   const g = forceGraph(container, data, {focus, onSelect, onEdge, height});
//   g.focus(id); g.destroy();
//
// `data` is the body of GET /api/v1/network: {nodes: [{id, name, label, kind, country,
// code, events}], edges: [{source, target, events, cooperation, conflict,
// goldstein_mean, first, last}]}; edges are directed actor -> recipient.
//
// Plain ES2019 module, no dependencies, safe under `script-src 'self'; style-src 'self'`:
// every string from the data is set with textContent or setAttribute, never as markup.
// The layout is a small velocity-Verlet simulation written here: all-pairs repulsion
// (fine up to a few hundred nodes), spring edges, weak centring, collision, cooling.

import { count, fmt, htmlEl, num, svgEl, wheelFactor } from "/static/dom.js";

const KINDS = ["country", "person", "organization", "group"];
const KIND_NAMES = {country: "Country", person: "Person", organization: "Organization",
  group: "Group", other: "Other"};
const ALPHA_MIN = 0.001;
const ALPHA_DECAY = 1 - Math.pow(ALPHA_MIN, 1 / 300);
const VELOCITY_KEEP = 0.6;
const K_MIN = 0.08;
const K_MAX = 8;
const LABEL_FONT_PX = 11.5;
const PRE_RUN_MS = 350;   // ms of layout before the first paint
let instances = 0;

function kindOf(kind) {
  const k = String(kind || "").toLowerCase();
  return KINDS.indexOf(k) >= 0 ? k : "other";
}

function shorten(s, max) {
  return s.length > max ? s.slice(0, max - 1).trimEnd() + "\u2026" : s;
}

function r2(v) {
  return Math.round(v * 100) / 100;
}

// Edge tone from the share of cooperation among the cooperative + conflictual events.
function toneOf(e) {
  const coop = num(e.cooperation);
  const conf = num(e.conflict);
  const tot = coop + conf;
  if (tot === 0 || tot < 0.25 * num(e.events)) return "neutral";
  const share = coop / tot;
  if (share >= 0.65) return "coop";
  if (share <= 0.35) return "conflict";
  return "mixed";
}

export function forceGraph(container, data, options) {
  const opts = Object.assign({focus: null, onSelect: null, onEdge: null, height: 480},
    options || {});
  const uid = "ng" + (++instances) + "g";
  const height = Math.max(160, num(opts.height) || 480);

  const root = htmlEl("div", "ng-graph", container);
  root.setAttribute("data-settled", "false");

  // ---------------------------------------------------------------- data
  const nodes = [];
  const byId = new Map();
  for (const d of (data && Array.isArray(data.nodes) ? data.nodes : [])) {
    if (!d || d.id == null) continue;
    const id = String(d.id);
    if (byId.has(id)) continue;
    const n = {d, id, index: nodes.length, events: Math.max(0, num(d.events)),
      x: 0, y: 0, vx: 0, vy: 0, fx: null, fy: null, r: 5, deg: 0,
      nbrs: new Set(), edges: [], el: null, circle: null, ring: null, label: null,
      text: shorten(String(d.label || d.name || id), 30), labelShown: null, sx: 0, sy: 0};
    byId.set(id, n);
    nodes.push(n);
  }
  const edges = [];
  const seen = new Set();
  for (const d of (data && Array.isArray(data.edges) ? data.edges : [])) {
    if (!d) continue;
    const s = byId.get(String(d.source));
    const t = byId.get(String(d.target));
    if (!s || !t || s === t) continue;
    const key = s.id + "\u0000" + t.id;
    if (seen.has(key)) continue;
    seen.add(key);
    const e = {d, s, t, events: Math.max(0, num(d.events)), tone: toneOf(d), curved: false,
      w: 1, el: null, hit: null, marker: ""};
    edges.push(e);
    s.deg++; t.deg++;
    s.nbrs.add(t); t.nbrs.add(s);
    s.edges.push(e); t.edges.push(e);
  }
  for (const e of edges) e.curved = seen.has(e.t.id + "\u0000" + e.s.id);
  root.setAttribute("data-nodes", String(nodes.length));
  root.setAttribute("data-edges", String(edges.length));

  if (!nodes.length) {
    const empty = htmlEl("div", "ng-empty", root, "No network for this selection");
    empty.setAttribute("role", "status");
    root.setAttribute("data-settled", "true");
    return {destroy() { root.remove(); }, focus() { return false; }, svg: null};
  }

  const maxEvents = Math.max(1, ...nodes.map((n) => n.events));
  const maxEdge = Math.max(1, ...edges.map((e) => e.events));
  const big = nodes.length > 120;
  for (const n of nodes) n.r = (big ? 3.5 : 4.5) + (big ? 13 : 17) * Math.sqrt(n.events / maxEvents);
  for (const e of edges) {
    e.w = 0.8 + (big ? 3.2 : 5.2) * Math.sqrt(e.events / maxEdge);
    e.marker = e.w < 1.9 ? "s" : e.w < 3.6 ? "m" : "l";
  }
  // label priority: focus first, then by events
  const byRank = nodes.slice().sort((a, b) => b.events - a.events || a.index - b.index);
  byRank.forEach((n, i) => { n.rank = i; });

  let focusNode = opts.focus != null ? byId.get(String(opts.focus)) || null : null;

  // ---------------------------------------------------------------- initial layout
  // Breadth-first from the focus (or the biggest node), strongest ties first, laid on a
  // sunflower spiral: deterministic, and neighbours start near each other.
  (function seedLayout() {
    const order = [];
    const done = new Set();
    const starts = focusNode ? [focusNode].concat(byRank) : byRank;
    for (const start of starts) {
      if (done.has(start)) continue;
      done.add(start);
      const queue = [start];
      while (queue.length) {
        const n = queue.shift();
        order.push(n);
        const next = n.edges.slice().sort((a, b) => b.events - a.events);
        for (const e of next) {
          const m = e.s === n ? e.t : e.s;
          if (!done.has(m)) { done.add(m); queue.push(m); }
        }
      }
    }
    // connected components: small ones are pulled in harder and pushed less by others
    const comp = new Map();
    let ncomp = 0;
    for (const n of order) {
      if (comp.has(n)) continue;
      const stack = [n];
      comp.set(n, ncomp);
      const members = [];
      while (stack.length) {
        const m = stack.pop();
        members.push(m);
        for (const o of m.nbrs) if (!comp.has(o)) { comp.set(o, ncomp); stack.push(o); }
      }
      for (const m of members) { m.comp = ncomp; m.compSize = members.length; }
      ncomp++;
    }
    const largest = Math.max(...nodes.map((n) => n.compSize));
    for (const n of nodes) n.gravity = n.compSize >= Math.max(3, largest * 0.25) ? 1 : 2.5;
    const golden = Math.PI * (3 - Math.sqrt(5));
    order.forEach((n, i) => {
      const rad = 22 * Math.sqrt(i + 0.5);
      n.x = rad * Math.cos(i * golden);
      n.y = rad * Math.sin(i * golden);
    });
  })();

  // ---------------------------------------------------------------- simulation
  const sim = {alpha: 1, target: 0, running: false, raf: 0};
  let viewTouched = false;   // set once the user zooms, pans or drags
  const charge = nodes.length > 150 ? 220 : 420;
  const distMax2 = 800 * 800;
  const linkDist = nodes.length > 150 ? 40 : 62;
  // a wide container gets a wide layout: pull harder vertically than horizontally
  const aspect = Math.max(1, Math.min(2.2, (container.clientWidth || 800) / height));

  function tick() {
    sim.alpha += (sim.target - sim.alpha) * ALPHA_DECAY;
    const alpha = sim.alpha;
    const n = nodes.length;
    // springs (velocity-space, the lighter end moves more)
    for (const e of edges) {
      const s = e.s, t = e.t;
      let dx = t.x + t.vx - s.x - s.vx;
      let dy = t.y + t.vy - s.y - s.vy;
      let l = Math.sqrt(dx * dx + dy * dy) || 1e-6;
      const want = linkDist + s.r + t.r;
      const strength = 0.7 / Math.min(s.deg, t.deg);
      l = (l - want) / l * alpha * strength;
      dx *= l; dy *= l;
      const bias = s.deg / (s.deg + t.deg);
      t.vx -= dx * bias; t.vy -= dy * bias;
      s.vx += dx * (1 - bias); s.vy += dy * (1 - bias);
    }
    // repulsion and collision between all pairs
    for (let i = 0; i < n; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < n; j++) {
        const b = nodes[j];
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1e-6) { dx = (j - i) * 0.01; dy = 0.01; d2 = dx * dx + dy * dy; }
        if (d2 < distMax2) {
          const f = (a.comp === b.comp ? charge : charge * 0.6) * alpha / Math.max(d2, 16);
          a.vx -= dx * f; a.vy -= dy * f;
          b.vx += dx * f; b.vy += dy * f;
        }
        const min = a.r + b.r + 6;
        if (d2 < min * min) {
          const d = Math.sqrt(d2);
          const push = (min - d) / d * 0.35;
          const wa = b.r * b.r / (a.r * a.r + b.r * b.r);
          a.vx -= dx * push * wa; a.vy -= dy * push * wa;
          b.vx += dx * push * (1 - wa); b.vy += dy * push * (1 - wa);
        }
      }
    }
    // weak pull to the centre keeps components together; integrate
    const pull = 0.03 * alpha;
    for (const nd of nodes) {
      if (nd.fx != null) {
        nd.x = nd.fx; nd.y = nd.fy; nd.vx = 0; nd.vy = 0;
        continue;
      }
      nd.vx = (nd.vx - nd.x * pull * nd.gravity / aspect) * VELOCITY_KEEP;
      nd.vy = (nd.vy - nd.y * pull * nd.gravity) * VELOCITY_KEEP;
      nd.x += nd.vx;
      nd.y += nd.vy;
    }
  }

  function settled() {
    return sim.alpha < ALPHA_MIN && sim.target === 0;
  }

  function loop() {
    sim.raf = 0;
    tick();
    if (nodes.length < 150 && !settled()) tick();
    render();
    if (settled()) {
      sim.running = false;
      if (!viewTouched) {
        // the first layout finished after the first paint: frame it as the
        // pre-settled case would have been framed (stable screenshots)
        viewTouched = true;
        Object.assign(view, fitView(focusNode));
        render();
      }
      root.setAttribute("data-settled", "true");
      return;
    }
    sim.raf = requestAnimationFrame(loop);
  }

  function restart(alpha, target) {
    sim.alpha = Math.max(sim.alpha, alpha);
    if (target != null) sim.target = target;
    root.setAttribute("data-settled", "false");
    if (!sim.running) {
      sim.running = true;
      sim.raf = requestAnimationFrame(loop);
    }
  }

  // Settle before the first paint (bounded in time) so the graph appears in place.
  if (focusNode) { focusNode.fx = 0; focusNode.fy = 0; }
  const t0 = Date.now();
  while (!settled() && Date.now() - t0 < PRE_RUN_MS) tick();
  if (focusNode) { focusNode.fx = null; focusNode.fy = null; }

  // ---------------------------------------------------------------- DOM
  const toolbar = htmlEl("div", "ng-toolbar", root);
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Graph view");
  function tool(action, text, title) {
    const b = htmlEl("button", "ng-tool", toolbar, text);
    b.type = "button";
    b.setAttribute("data-action", action);
    b.setAttribute("title", title);
    b.setAttribute("aria-label", title);
    return b;
  }
  tool("zoom-in", "+", "Zoom in");
  tool("zoom-out", "\u2212", "Zoom out");
  tool("fit", "Fit", "Fit to view");
  const labelsBtn = tool("labels", "Labels", "Show all labels");
  labelsBtn.setAttribute("aria-pressed", "false");

  const svg = svgEl("svg", {class: "ng-graph-svg", width: 100, height,
    role: "group", "aria-label": "Actor network: " + nodes.length + " actors, " +
    edges.length + " relations"}, root);
  svg.style.height = height + "px";
  const defs = svgEl("defs", null, svg);
  // arrowheads: per tone and size, plus a highlighted set for the hovered node's edges
  // (edge opacity is stroke-opacity, not opacity: 1000 opacity groups paint slowly)
  for (const hl of ["", "-hl"]) {
    for (const tone of ["coop", "conflict", "mixed", "neutral"]) {
      for (const [size, len] of [["s", 7], ["m", 9], ["l", 12]]) {
        const m = svgEl("marker", {id: uid + "-" + tone + "-" + size + hl, viewBox: "0 0 10 10",
          refX: 0, refY: 5, markerWidth: len, markerHeight: len,
          markerUnits: "userSpaceOnUse", orient: "auto"}, defs);
        svgEl("path", {d: "M0,0 L10,5 L0,10 z",
          class: "ng-arrow ng-arrow-" + tone + (hl ? " ng-arrow-hl" : "")}, m);
      }
    }
  }
  const bg = svgEl("rect", {class: "ng-graph-bg", x: 0, y: 0, width: "100%", height: "100%"}, svg);
  const gHits = svgEl("g", {class: "ng-edge-hits"}, svg);
  const gEdges = svgEl("g", {class: "ng-edges"}, svg);
  const gNodes = svgEl("g", {class: "ng-nodes"}, svg);

  function markerUrl(e, hl) {
    return "url(#" + uid + "-" + e.tone + "-" + e.marker + (hl ? "-hl" : "") + ")";
  }
  for (const e of edges) {
    e.hit = svgEl("path", {class: "ng-edge-hit"}, gHits);
    e.hit.setAttribute("stroke-width", String(Math.max(9, e.w + 6)));
    e.el = svgEl("path", {class: "ng-edge ng-edge-" + e.tone, "data-source": e.s.id,
      "data-target": e.t.id, "stroke-width": r2(e.w),
      "marker-end": markerUrl(e, false)}, gEdges);
    e.hit.__ngEdge = e;
    e.el.__ngEdge = e;
  }
  // draw big nodes last so they are on top
  for (const n of byRank.slice().reverse()) {
    const g = svgEl("g", {class: "ng-node ng-kind-" + kindOf(n.d.kind), "data-id": n.id,
      tabindex: 0, role: "button"}, gNodes);
    g.setAttribute("aria-label", String(n.d.name || n.d.label || n.id) + " (" +
      String(n.d.kind || "actor") + "), " + count(n.events, "event", "events"));
    n.ring = svgEl("circle", {class: "ng-node-ring", r: n.r + 4}, g);
    n.circle = svgEl("circle", {class: "ng-node-dot", r: n.r}, g);
    n.label = svgEl("text", {class: "ng-label", x: r2(n.r + 4), y: 4}, g);
    n.label.textContent = n.text;
    n.el = g;
    g.__ngNode = n;
  }

  const tip = htmlEl("div", "ng-tooltip", root);
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;

  // legend: kinds present, edge tones
  const legend = htmlEl("div", "ng-legend", root);
  const kindsPresent = new Set(nodes.map((n) => kindOf(n.d.kind)));
  for (const k of KINDS.concat(["other"])) {
    if (!kindsPresent.has(k)) continue;
    const item = htmlEl("span", "ng-legend-item", legend);
    htmlEl("span", "ng-swatch ng-swatch-node ng-kind-" + k, item);
    item.appendChild(document.createTextNode(KIND_NAMES[k]));
  }
  for (const [tone, text] of [["coop", "Cooperation"], ["conflict", "Conflict"], ["mixed", "Mixed / neutral"]]) {
    const item = htmlEl("span", "ng-legend-item", legend);
    htmlEl("span", "ng-swatch ng-swatch-edge ng-tone-" + tone, item);
    item.appendChild(document.createTextNode(text));
  }

  // ---------------------------------------------------------------- view & rendering
  const view = {k: 1, tx: 0, ty: 0, w: Math.max(200, root.clientWidth || container.clientWidth || 800), h: height};
  let labelMode = "auto";   // "auto": biggest nodes, more when zoomed in; "all"
  let hovered = null;
  let lastK = -1;
  let frame = 0;

  function nodeScreenR(n) {
    return n.r * Math.min(2.2, Math.max(0.55, Math.sqrt(view.k)));
  }

  function edgePath(e) {
    const s = e.s, t = e.t;
    const sx = s.sx, sy = s.sy, ex = t.sx, ey = t.sy;
    const dx = ex - sx, dy = ey - sy;
    const len = Math.sqrt(dx * dx + dy * dy);
    const rs = nodeScreenR(s) + 1, rt = nodeScreenR(t) + 2;
    const head = e.marker === "s" ? 7 : e.marker === "m" ? 9 : 12;
    if (len < rs + rt + head + 2) return "";
    if (!e.curved) {
      const ux = dx / len, uy = dy / len;
      const x0 = sx + ux * rs, y0 = sy + uy * rs;
      const x1 = ex - ux * (rt + head), y1 = ey - uy * (rt + head);
      return "M" + r2(x0) + "," + r2(y0) + "L" + r2(x1) + "," + r2(y1);
    }
    // reciprocal pair: bend each direction to its own side
    const off = Math.min(len * 0.18, 46);
    const cx = (sx + ex) / 2 - dy / len * off, cy = (sy + ey) / 2 + dx / len * off;
    let ax = cx - sx, ay = cy - sy;
    let al = Math.sqrt(ax * ax + ay * ay) || 1;
    const x0 = sx + ax / al * rs, y0 = sy + ay / al * rs;
    ax = ex - cx; ay = ey - cy;
    al = Math.sqrt(ax * ax + ay * ay) || 1;
    const x1 = ex - ax / al * (rt + head), y1 = ey - ay / al * (rt + head);
    return "M" + r2(x0) + "," + r2(y0) + "Q" + r2(cx) + "," + r2(cy) + " " + r2(x1) + "," + r2(y1);
  }

  // Label positions around a node: right, below, left, above.
  function labelBox(n, pos, sr, w) {
    const x = n.sx, y = n.sy;
    if (pos === 0) return [x + sr + 2, y - 8, x + sr + 6 + w, y + 8];
    if (pos === 1) return [x - w / 2 - 2, y + sr + 1, x + w / 2 + 2, y + sr + 16];
    if (pos === 2) return [x - sr - 6 - w, y - 8, x - sr - 2, y + 8];
    return [x - w / 2 - 2, y - sr - 17, x + w / 2 + 2, y - sr - 2];
  }
  function setLabelPos(n, pos, sr) {
    const key = pos + ":" + r2(sr);
    if (n.lpos === key) return;
    n.lpos = key;
    const attrs = pos === 0 ? [sr + 4, 4, "start"] : pos === 1 ? [0, sr + 12, "middle"]
      : pos === 2 ? [-sr - 4, 4, "end"] : [0, -sr - 5, "middle"];
    n.label.setAttribute("x", r2(attrs[0]));
    n.label.setAttribute("y", r2(attrs[1]));
    n.label.setAttribute("text-anchor", attrs[2]);
  }
  function overlaps(a, b) {
    return a[0] < b[2] && a[2] > b[0] && a[1] < b[3] && a[3] > b[1];
  }

  function layoutLabels() {
    // Greedy placement in priority order: each label takes the first of four positions
    // (its previous one first, for stability) that overlaps neither a placed label nor
    // another node; with none free it is hidden. The hovered node, its neighbours and
    // the focus always show (at their least crowded position).
    const forced = new Set();
    if (focusNode) forced.add(focusNode);
    if (hovered) { forced.add(hovered); for (const m of hovered.nbrs) forced.add(m); }
    const all = labelMode === "all";
    const quota = all ? Infinity
      : Math.round(Math.max(12, Math.min(24, nodes.length * 0.3)) * Math.max(1, view.k * view.k));
    const placed = [];
    const circles = nodes.map((m) => {
      const r = nodeScreenR(m);
      return [m.sx - r, m.sy - r, m.sx + r, m.sy + r, m];
    });
    const order = Array.from(forced).concat(byRank.filter((n) => !forced.has(n)));
    let shown = 0;
    for (const n of order) {
      let show = false;
      const must = forced.has(n);
      if (must || all || shown < quota) {
        const sr = nodeScreenR(n);
        const w = n.text.length * LABEL_FONT_PX * 0.56;
        const prev = n.lposIndex == null ? 0 : n.lposIndex;
        const hub = n.rank < 6;
        let best = -1, bestScore = Infinity, bestBox = null;
        for (const pos of [prev, 0, 1, 2, 3]) {
          const box = labelBox(n, pos, sr, w);
          if (box[2] < 0 || box[0] > view.w || box[3] < 0 || box[1] > view.h) continue;
          // labels must not collide; covering a small node is tolerated for the
          // biggest actors, so the hubs of a dense graph keep their names
          let score = 0;
          for (const p of placed) if (overlaps(box, p)) score += 2;
          for (const c of circles) if (c[4] !== n && overlaps(box, c)) score += hub ? 0.01 : 1;
          if (score < bestScore) { best = pos; bestScore = score; bestBox = box; }
          if (score === 0) break;
        }
        show = best >= 0 && (must || all || bestScore < (hub ? 1 : 0.5));
        if (show) {
          placed.push(bestBox);
          shown++;
          n.lposIndex = best;
          setLabelPos(n, best, sr);
        }
      }
      if (n.labelShown !== show) {
        n.labelShown = show;
        n.el.classList.toggle("ng-label-on", show);
      }
    }
  }

  let hitsStale = true;
  function render() {
    frame = 0;
    const k = view.k;
    const zoomChanged = k !== lastK;
    lastK = k;
    // touch only what moved by a visible amount: fewer style and paint invalidations
    for (const n of nodes) {
      const sx = n.x * k + view.tx;
      const sy = n.y * k + view.ty;
      n.dirty = zoomChanged || n.rx == null || Math.abs(sx - n.rx) > 0.2 || Math.abs(sy - n.ry) > 0.2;
      if (!n.dirty) continue;
      n.sx = n.rx = sx;
      n.sy = n.ry = sy;
      n.el.setAttribute("transform", "translate(" + r2(sx) + "," + r2(sy) + ")");
      if (zoomChanged) {
        const sr = nodeScreenR(n);
        n.circle.setAttribute("r", r2(sr));
        n.ring.setAttribute("r", r2(sr + 4));
      }
    }
    // the wide invisible hit paths follow only when the layout is at rest
    const hits = !sim.running || settled();
    for (const e of edges) {
      if (e.s.dirty || e.t.dirty || e.dstr == null) {
        e.dstr = edgePath(e);
        e.el.setAttribute("d", e.dstr);
        if (hits) e.hit.setAttribute("d", e.dstr);
        else hitsStale = true;
      }
    }
    if (hits && hitsStale) {
      for (const e of edges) e.hit.setAttribute("d", e.dstr);
      hitsStale = false;
    }
    layoutLabels();
  }

  function schedule() {
    if (!frame && !sim.running) frame = requestAnimationFrame(render);
  }

  function bounds(only) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of only || nodes) {
      x0 = Math.min(x0, n.x - n.r); x1 = Math.max(x1, n.x + n.r);
      y0 = Math.min(y0, n.y - n.r); y1 = Math.max(y1, n.y + n.r);
    }
    return [x0, y0, x1, y1];
  }

  function fitView(centreOn) {
    const [x0, y0, x1, y1] = bounds();
    // room for the toolbar (top), legend and labels under the nodes (bottom), and
    // half a label on either side
    const padX = 24, padTop = 44, padBottom = 48, labelRoom = 70;
    let k, cx, cy;
    if (centreOn) {
      const hw = Math.max(centreOn.x - x0, x1 - centreOn.x, 1);
      const hh = Math.max(centreOn.y - y0, y1 - centreOn.y, 1);
      k = Math.min((view.w / 2 - padX - labelRoom / 2) / hw,
        (view.h / 2 - Math.max(padTop, padBottom)) / hh);
      cx = centreOn.x; cy = centreOn.y;
    } else {
      k = Math.min((view.w - 2 * padX - labelRoom) / Math.max(x1 - x0, 1),
        (view.h - padTop - padBottom) / Math.max(y1 - y0, 1));
      cx = (x0 + x1) / 2;
      cy = (y0 + y1) / 2;
    }
    k = Math.max(K_MIN, Math.min(2.5, k));
    const midY = centreOn ? view.h / 2 : (view.h + padTop - padBottom) / 2;
    return {k, tx: view.w / 2 - cx * k, ty: midY - cy * k};
  }

  let anim = 0;
  function animateTo(target, ms) {
    viewTouched = true;
    if (anim) cancelAnimationFrame(anim);
    const from = {k: view.k, tx: view.tx, ty: view.ty};
    const start = performance.now();
    const dur = ms || 220;
    function step(now) {
      const p = Math.min(1, (now - start) / dur);
      const e = p < 0.5 ? 2 * p * p : 1 - Math.pow(-2 * p + 2, 2) / 2;
      view.k = from.k + (target.k - from.k) * e;
      view.tx = from.tx + (target.tx - from.tx) * e;
      view.ty = from.ty + (target.ty - from.ty) * e;
      render();
      anim = p < 1 ? requestAnimationFrame(step) : 0;
    }
    anim = requestAnimationFrame(step);
  }

  function zoomAt(px, py, factor, animated) {
    viewTouched = true;
    const k = Math.max(K_MIN, Math.min(K_MAX, view.k * factor));
    const wx = (px - view.tx) / view.k, wy = (py - view.ty) / view.k;
    const target = {k, tx: px - wx * k, ty: py - wy * k};
    if (animated) { animateTo(target, 200); return; }
    Object.assign(view, target);
    schedule();
  }

  function setFocus(n) {
    if (focusNode) focusNode.el.classList.remove("ng-focus");
    focusNode = n;
    if (n) {
      n.el.classList.add("ng-focus");
      root.setAttribute("data-focus", n.id);
    } else {
      root.removeAttribute("data-focus");
    }
  }

  setFocus(focusNode);
  svg.setAttribute("width", String(view.w));
  Object.assign(view, fitView(focusNode));
  render();
  if (settled()) {
    viewTouched = true;
    root.setAttribute("data-settled", "true");
  } else {
    restart(0);
  }

  // ---------------------------------------------------------------- tooltip
  function showTip(lines, clientX, clientY) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    lines.forEach((ln, i) => {
      htmlEl("div", i === 0 ? "ng-tip-title" : "ng-tip-line", tip, ln);
    });
    tip.hidden = false;
    moveTip(clientX, clientY);
  }
  function moveTip(clientX, clientY) {
    const box = root.getBoundingClientRect();
    let x = clientX - box.left + 14;
    let y = clientY - box.top + 14;
    const tw = tip.offsetWidth, th = tip.offsetHeight;
    if (x + tw > box.width - 4) x = Math.max(4, clientX - box.left - tw - 12);
    if (y + th > box.height - 4) y = Math.max(4, clientY - box.top - th - 12);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }

  function nodeLines(n) {
    const d = n.d;
    const name = String(d.name || d.label || n.id);
    const meta = [String(d.kind || "actor")];
    if (d.country) meta.push(String(d.country));
    if (d.code && String(d.code) !== String(d.country || "")) meta.push(String(d.code));
    const lines = [name, meta.join(" \u00b7 "),
      count(n.events, "event", "events") + " \u00b7 " + count(n.deg, "relation", "relations")];
    if (n.fx != null) lines.push("Pinned \u2014 double-click to release");
    return lines;
  }
  function edgeLines(e) {
    const d = e.d;
    const a = String(e.s.d.name || e.s.d.label || e.s.id);
    const b = String(e.t.d.name || e.t.d.label || e.t.id);
    let main = a + " \u2192 " + b + ": " + count(e.events, "event", "events") + ", " + fmt(d.cooperation) +
      " cooperation, " + fmt(d.conflict) + " conflict";
    if (d.first || d.last) {
      main += ", " + (d.first && d.first === d.last ? String(d.first)
        : String(d.first || "?") + "\u2013" + String(d.last || "?"));
    }
    const lines = [main];
    if (d.goldstein_mean != null && isFinite(Number(d.goldstein_mean))) {
      const g = Number(d.goldstein_mean);
      lines.push("Mean Goldstein " + (g > 0 ? "+" : "") + g.toFixed(1));
    }
    return lines;
  }

  // a node, its neighbours and its edges highlighted (on) or back to normal
  function highlight(n, on) {
    n.el.classList.toggle("ng-hl", on);
    n.el.classList.toggle("ng-hover", on);
    for (const m of n.nbrs) m.el.classList.toggle("ng-hl", on);
    for (const e of n.edges) {
      e.el.classList.toggle("ng-hl", on);
      e.el.setAttribute("marker-end", markerUrl(e, on));
    }
  }

  function setHover(n, raise) {
    // raise: bring the node above its neighbours' labels (not for keyboard focus:
    // moving a focused element would blur it)
    if (n && raise && gNodes.lastChild !== n.el) gNodes.appendChild(n.el);
    if (hovered === n) return;
    if (hovered) highlight(hovered, false);
    hovered = n;
    root.classList.toggle("ng-hovering", !!n);
    if (n) highlight(n, true);
    layoutLabels();
  }

  // ---------------------------------------------------------------- interaction
  function localPoint(ev) {
    const box = svg.getBoundingClientRect();
    return [ev.clientX - box.left, ev.clientY - box.top];
  }
  function nodeFrom(target) {
    for (let t = target; t && t !== svg; t = t.parentNode) if (t.__ngNode) return t.__ngNode;
    return null;
  }

  let drag = null;       // {mode: "pan"|"node", node, x, y, moved, id}
  let clickTimer = 0;

  function select(n) {
    if (typeof opts.onSelect === "function") opts.onSelect(n.d);
  }

  function onPointerDown(ev) {
    if (ev.button !== 0) return;
    const n = nodeFrom(ev.target);
    const edge = ev.target.__ngEdge;
    if (edge && !n) return;        // edges: click only
    const [x, y] = localPoint(ev);
    drag = {mode: n ? "node" : "pan", node: n, x, y, moved: false, id: ev.pointerId,
      tx: view.tx, ty: view.ty};
    if (n && gNodes.lastChild !== n.el) gNodes.appendChild(n.el);
  }
  function onPointerMove(ev) {
    if (!drag) {
      const n = nodeFrom(ev.target);
      const edge = ev.target.__ngEdge;
      if (n) {
        setHover(n, true);
        showTip(nodeLines(n), ev.clientX, ev.clientY);
      } else if (edge) {
        setHover(null);
        showTip(edgeLines(edge), ev.clientX, ev.clientY);
      } else {
        setHover(null);
        hideTip();
      }
      return;
    }
    if (ev.pointerId !== drag.id) return;
    const [x, y] = localPoint(ev);
    if (!drag.moved) {
      if (Math.abs(x - drag.x) + Math.abs(y - drag.y) < 4) return;
      // capture only once it is a drag, so that clicks keep their real target
      try { svg.setPointerCapture(ev.pointerId); } catch (err) { /* synthetic events */ }
      if (drag.mode === "pan") root.classList.add("ng-panning");
    }
    drag.moved = true;
    viewTouched = true;
    hideTip();
    if (drag.mode === "pan") {
      view.tx = drag.tx + x - drag.x;
      view.ty = drag.ty + y - drag.y;
      schedule();
    } else {
      const n = drag.node;
      n.fx = (x - view.tx) / view.k;
      n.fy = (y - view.ty) / view.k;
      n.x = n.fx; n.y = n.fy;
      n.el.classList.add("ng-pinned", "ng-dragging");
      restart(0.12, 0.12);
      schedule();
    }
  }
  function onPointerUp(ev) {
    if (!drag || ev.pointerId !== drag.id) return;
    const d = drag;
    drag = null;
    root.classList.remove("ng-panning");
    if (d.moved) {
      try { svg.releasePointerCapture(ev.pointerId); } catch (err) { /* ignore */ }
    }
    if (d.mode === "node") {
      d.node.el.classList.remove("ng-dragging");
      if (d.moved) {
        sim.target = 0;           // cool down; the node stays pinned where dropped
        restart(0.05);
      } else if (d.node.fx != null) {
        // a pinned node: wait to tell a click from the double-click that unpins it
        clearTimeout(clickTimer);
        const n = d.node;
        clickTimer = setTimeout(() => { clickTimer = 0; select(n); }, 260);
      } else {
        select(d.node);
      }
    }
  }
  function onDblClick(ev) {
    const n = nodeFrom(ev.target);
    if (!n) return;
    ev.preventDefault();
    clearTimeout(clickTimer);
    clickTimer = 0;
    if (n.fx != null) {
      n.fx = null; n.fy = null;
      n.el.classList.remove("ng-pinned");
      restart(0.1);
    }
  }
  function onClick(ev) {
    const edge = ev.target.__ngEdge;
    if (edge && typeof opts.onEdge === "function") opts.onEdge(edge.d);
  }
  function onWheel(ev) {
    ev.preventDefault();
    const [x, y] = localPoint(ev);
    zoomAt(x, y, wheelFactor(ev, view.h), false);
  }
  function onKeyDown(ev) {
    const n = nodeFrom(ev.target);
    if (!n) return;
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      select(n);
    }
  }
  function onFocusIn(ev) {
    const n = nodeFrom(ev.target);
    if (n) setHover(n);
  }
  function onLeave() {
    if (!drag) { setHover(null); hideTip(); }
  }
  function onToolbar(ev) {
    const b = ev.target.closest ? ev.target.closest("button[data-action]") : null;
    if (!b) return;
    const action = b.getAttribute("data-action");
    if (action === "zoom-in") zoomAt(view.w / 2, view.h / 2, 1.5, true);
    else if (action === "zoom-out") zoomAt(view.w / 2, view.h / 2, 1 / 1.5, true);
    else if (action === "fit") animateTo(fitView(null), 260);
    else if (action === "labels") {
      labelMode = labelMode === "all" ? "auto" : "all";
      b.setAttribute("aria-pressed", labelMode === "all" ? "true" : "false");
      b.classList.toggle("ng-on", labelMode === "all");
      b.setAttribute("title", labelMode === "all" ? "Show labels of the main actors only" : "Show all labels");
      root.classList.toggle("ng-labels-all", labelMode === "all");
      layoutLabels();
    }
  }

  svg.addEventListener("pointerdown", onPointerDown);
  svg.addEventListener("pointermove", onPointerMove);
  svg.addEventListener("pointerup", onPointerUp);
  svg.addEventListener("pointercancel", onPointerUp);
  svg.addEventListener("pointerleave", onLeave);
  svg.addEventListener("dblclick", onDblClick);
  svg.addEventListener("click", onClick);
  svg.addEventListener("wheel", onWheel, {passive: false});
  svg.addEventListener("keydown", onKeyDown);
  svg.addEventListener("focusin", onFocusIn);
  svg.addEventListener("focusout", () => setHover(null));
  toolbar.addEventListener("click", onToolbar);
  bg.addEventListener("dblclick", (ev) => ev.preventDefault());

  let ro = null;
  if (typeof ResizeObserver === "function") {
    ro = new ResizeObserver(() => {
      const w = Math.max(200, root.clientWidth || 0);
      if (Math.abs(w - view.w) < 1) return;
      view.tx += (w - view.w) / 2;
      view.w = w;
      svg.setAttribute("width", String(w));
      schedule();
    });
    ro.observe(root);
  }

  return {
    svg,
    focus(id) {
      const n = id == null ? null : byId.get(String(id));
      if (!n) { setFocus(null); layoutLabels(); return false; }
      setFocus(n);
      const k = Math.max(view.k, 1);
      animateTo({k, tx: view.w / 2 - n.x * k, ty: view.h / 2 - n.y * k}, 300);
      return true;
    },
    destroy() {
      if (sim.raf) cancelAnimationFrame(sim.raf);
      if (frame) cancelAnimationFrame(frame);
      if (anim) cancelAnimationFrame(anim);
      clearTimeout(clickTimer);
      sim.running = false;
      if (ro) ro.disconnect();
      root.remove();
    },
  };
}

// Small DOM and number helpers shared by graph.js and map.js. Every string reaches the page as
// text (textContent) or as an attribute value: nothing is parsed as HTML.

export const SVGNS = "http://www.w3.org/2000/svg";

export function svgEl(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
  if (parent) parent.appendChild(e);
  return e;
}

export function htmlEl(tag, cls, parent, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = String(text);
  if (parent) parent.appendChild(e);
  return e;
}

export function num(v) {
  const n = Number(v);
  return isFinite(n) ? n : 0;
}

export function fmt(n) {
  return Math.round(num(n)).toLocaleString("en-US");
}

export function count(n, one, many) {
  return fmt(n) + " " + (Math.round(num(n)) === 1 ? one : many);
}

// The zoom factor of one wheel event (lines and pages turned into pixels, one step capped).
export function wheelFactor(ev, pageHeight) {
  let dy = ev.deltaY;
  if (ev.deltaMode === 1) dy *= 33;
  else if (ev.deltaMode === 2) dy *= pageHeight;
  return Math.exp(-Math.max(-300, Math.min(300, dy)) * 0.0022);
}

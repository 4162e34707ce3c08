// Small DOM helpers: build elements (HTML and SVG) without innerHTML, so no text from the API is
// ever parsed as markup, and format times and durations.

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.setAttribute('class', value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

// h('button', {type: 'button', onclick: f}, 'Stop')
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  return append(element, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, attributes, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  return append(element, children);
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function shortSha(sha) {
  return sha ? sha.slice(0, 12) : '';
}

// A status word as a badge whose class colours it (succeeded, failed, inprogress, ...).
export function badge(status) {
  const text = status || 'Unknown';
  return h('span', {class: `badge s-${text.toLowerCase()}`}, text);
}

export function link(href, ...children) {
  return h('a', {href}, ...children);
}

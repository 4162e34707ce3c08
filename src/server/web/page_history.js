// A group's history: a chart of every deployment's duration over time, coloured by outcome (inline
// SVG drawn here), the table of deployments, and a diff of any two revisions' AppSpec and files.
import * as api from './api.js';
import {clear, formatDuration, formatTime, h, shortSha, svg} from './dom.js';
import {deploymentTable} from './page_applications.js';

const OUTCOME_COLOURS = {Succeeded: '#2f7d32', Failed: '#c62828', Stopped: '#ef6c00'};

function durationChart(deployments) {
  const points = deployments.filter((d) => d.durationMs !== null && d.durationMs !== undefined)
    .map((d) => ({d, t: new Date(d.startedAt || d.createdAt).getTime(), s: d.durationMs / 1000}))
    .sort((a, b) => a.t - b.t);
  const width = 720;
  const height = 240;
  const left = 48;
  const bottom = 28;
  const chart = svg('svg', {viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', id: 'history-chart',
    'aria-label': `Durations of ${points.length} finished deployments over time`});
  if (points.length === 0) {
    chart.append(svg('text', {x: 20, y: 40}, 'No finished deployment yet.'));
    return chart;
  }
  const maxSeconds = Math.max(...points.map((p) => p.s), 1);
  const first = points[0].t;
  const span = Math.max(points[points.length - 1].t - first, 1);
  const x = (t) => left + ((width - left - 16) * (t - first)) / span;
  const y = (s) => height - bottom - ((height - bottom - 12) * s) / maxSeconds;
  chart.append(
    svg('line', {x1: left, y1: height - bottom, x2: width - 8, y2: height - bottom, stroke: '#888'}),
    svg('line', {x1: left, y1: 8, x2: left, y2: height - bottom, stroke: '#888'}),
    svg('text', {x: 4, y: 16, 'font-size': 11}, `${Math.round(maxSeconds)} s`),
    svg('text', {x: 4, y: height - bottom, 'font-size': 11}, '0 s'),
    svg('text', {x: left, y: height - 8, 'font-size': 11}, new Date(first).toLocaleString()),
    svg('text', {x: width - 8, y: height - 8, 'font-size': 11, 'text-anchor': 'end'},
      new Date(points[points.length - 1].t).toLocaleString()));
  if (points.length > 1) {
    chart.append(svg('polyline', {fill: 'none', stroke: '#9e9e9e', 'stroke-width': 1,
      points: points.map((p) => `${x(p.t)},${y(p.s)}`).join(' ')}));
  }
  for (const p of points) {
    chart.append(svg('circle', {cx: x(p.t), cy: y(p.s), r: 5, fill: OUTCOME_COLOURS[p.d.status] || '#546e7a',
      class: 'point'}, svg('title', {}, `${p.d.id} ${p.d.status} ${formatDuration(p.d.durationMs)} ` +
        `(${formatTime(p.d.startedAt || p.d.createdAt)})`)));
  }
  return chart;
}

// The longest common subsequence of lines, as [{kind: ' '|'+'|'-', text}].
export function lineDiff(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const table = Array.from({length: n + 1}, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push({kind: ' ', text: a[i]}); i += 1; j += 1; }
    else if (table[i + 1][j] >= table[i][j + 1]) { out.push({kind: '-', text: a[i]}); i += 1; }
    else { out.push({kind: '+', text: b[j]}); j += 1; }
  }
  while (i < n) out.push({kind: '-', text: a[i++]});
  while (j < m) out.push({kind: '+', text: b[j++]});
  return out;
}

function fileDiff(before, after) {
  const old = new Map(before.map((f) => [f.path, f]));
  const fresh = new Map(after.map((f) => [f.path, f]));
  const rows = [];
  for (const path of [...new Set([...old.keys(), ...fresh.keys()])].sort()) {
    const a = old.get(path);
    const b = fresh.get(path);
    let change = 'same';
    if (!a) change = 'added';
    else if (!b) change = 'removed';
    else if (a.kind !== b.kind || a.sha256 !== b.sha256 || a.linkTarget !== b.linkTarget) change = 'changed';
    rows.push({path, change, a, b});
  }
  return rows;
}

export async function historyPage(main, application, groupName) {
  const app = api.enc(application);
  main.append(h('h1', {}, `History of ${application} / ${groupName}`));
  const [{deployments}, {revisions}] = await Promise.all([
    api.get(`/v1/deployments?application=${app}&group=${api.enc(groupName)}&limit=200`),
    api.get(`/v1/applications/${app}/revisions`),
  ]);
  main.append(h('h2', {}, 'Durations and outcomes'), durationChart(deployments),
    h('ul', {class: 'plain legend'}, Object.entries(OUTCOME_COLOURS).map(([status, colour]) =>
      h('li', {}, svg('svg', {width: 12, height: 12, 'aria-hidden': 'true'}, svg('circle', {cx: 6, cy: 6, r: 5, fill: colour})),
        ` ${status}`))),
    deploymentTable(deployments, 'Deployments of this group, newest first'));

  const options = () => revisions.map((r) => h('option', {value: r.sha256},
    `${shortSha(r.sha256)} · ${formatTime(r.createdAt)}${r.description ? ` · ${r.description}` : ''}`));
  const from = h('select', {id: 'diff-from'}, options());
  const to = h('select', {id: 'diff-to'}, options());
  if (revisions.length > 1) from.selectedIndex = 1;
  const result = h('div', {id: 'diff-result', 'aria-live': 'polite'});
  const form = h('form', {class: 'filters'},
    h('div', {}, h('label', {for: 'diff-from'}, 'From revision'), from),
    h('div', {}, h('label', {for: 'diff-to'}, 'To revision'), to),
    h('button', {type: 'submit', id: 'diff-go'}, 'Compare'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result).append(h('p', {class: 'muted'}, 'Comparing…'));
    try {
      const base = `/v1/applications/${app}/revisions/`;
      const [specA, specB, filesA, filesB] = await Promise.all([
        api.get(`${base}${from.value}/appspec`), api.get(`${base}${to.value}/appspec`),
        api.get(`${base}${from.value}/files`), api.get(`${base}${to.value}/files`)]);
      const lines = lineDiff(specA.appspec, specB.appspec);
      const files = fileDiff(filesA.files, filesB.files).filter((f) => f.a?.kind !== 'directory' || f.change !== 'same');
      const changedFiles = files.filter((f) => f.change !== 'same');
      clear(result).append(
        h('h3', {}, `AppSpec (${specB.appspecFilename})`),
        h('pre', {class: 'diff', id: 'appspec-diff', tabindex: '0'}, lines.map((line) =>
          h('span', {class: line.kind === '+' ? 'add' : line.kind === '-' ? 'del' : ''}, `${line.kind} ${line.text}\n`))),
        h('h3', {}, `Files: ${changedFiles.length} changed of ${files.length}`),
        h('div', {class: 'scroll'}, h('table', {class: 'compact', id: 'files-diff'},
          h('thead', {}, h('tr', {}, ['File', 'Change', 'Before', 'After'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, files.map((f) => h('tr', {class: `f-${f.change}`},
            h('td', {class: 'mono'}, f.path), h('td', {}, f.change),
            h('td', {class: 'small mono'}, f.a ? `${f.a.kind === 'file' ? `${f.a.sizeBytes} B ${shortSha(f.a.sha256)}` : f.a.kind}` : ''),
            h('td', {class: 'small mono'}, f.b ? `${f.b.kind === 'file' ? `${f.b.sizeBytes} B ${shortSha(f.b.sha256)}` : f.b.kind}` : '')))))));
    } catch (error) {
      clear(result).append(h('p', {class: 'error', role: 'alert'}, error.message));
    }
  });
  main.append(h('h2', {}, 'Compare two revisions'),
    revisions.length ? form : h('p', {class: 'muted'}, 'No revision pushed yet.'), result);
}

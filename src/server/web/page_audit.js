// The audit log: every change, who made it and when, newest first, filterable.
import * as api from './api.js';
import {clear, formatTime, h} from './dom.js';

export async function auditPage(main) {
  main.append(h('h1', {}, 'Audit log'));
  const principal = h('input', {id: 'audit-principal', type: 'text', autocomplete: 'off'});
  const target = h('input', {id: 'audit-target', type: 'text', autocomplete: 'off'});
  const body = h('tbody');
  const status = h('p', {class: 'muted', role: 'status'});
  const form = h('form', {class: 'filters'},
    h('div', {}, h('label', {for: 'audit-principal'}, 'Who'), principal),
    h('div', {}, h('label', {for: 'audit-target'}, 'Target (exact)'), target),
    h('button', {type: 'submit'}, 'Filter'));
  async function load() {
    const query = new URLSearchParams({limit: '200'});
    if (principal.value.trim()) query.set('principal', principal.value.trim());
    if (target.value.trim()) query.set('target', target.value.trim());
    const {entries} = await api.get(`/v1/audit?${query}`);
    clear(body);
    for (const entry of entries) {
      body.append(h('tr', {},
        h('td', {}, formatTime(entry.at)),
        h('td', {}, entry.principal, h('span', {class: 'muted small'}, ` (${entry.role})`)),
        h('td', {}, entry.action),
        h('td', {class: 'mono'}, entry.target),
        h('td', {class: 'mono small'}, Object.keys(entry.details || {}).length ?
          JSON.stringify(entry.details) : '')));
    }
    status.textContent = `${entries.length} entries`;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load().catch((error) => { status.textContent = error.message; });
  });
  main.append(form, status, h('div', {class: 'scroll'}, h('table', {},
    h('caption', {}, 'Changes, newest first'),
    h('thead', {}, h('tr', {}, ['When', 'Who', 'Action', 'Target', 'Details']
      .map((t) => h('th', {scope: 'col'}, t)))),
    body)));
  await load();
}

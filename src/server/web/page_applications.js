// Applications with their deployment groups, and the list of recent deployments.
import * as api from './api.js';
import {badge, formatDuration, formatTime, h, link, shortSha} from './dom.js';

export function groupHref(application, group) {
  return `#/apps/${api.enc(application)}/groups/${api.enc(group)}`;
}

export function deploymentRows(deployments) {
  return deployments.map((d) => h('tr', {},
    h('td', {}, link(`#/deployments/${api.enc(d.id)}`, d.id)),
    h('td', {}, link(groupHref(d.application, d.groupName), `${d.application}/${d.groupName}`)),
    h('td', {}, badge(d.status)),
    h('td', {class: 'mono'}, shortSha(d.revision)),
    h('td', {}, d.creator, d.rollbackOf ? ` of ${d.rollbackOf}` : ''),
    h('td', {}, formatTime(d.createdAt)),
    h('td', {class: 'num'}, formatDuration(d.durationMs))));
}

export function deploymentTable(deployments, caption) {
  return h('div', {class: 'scroll'}, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ['Deployment', 'Group', 'Status', 'Revision', 'By', 'Created',
                                'Duration'].map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, deploymentRows(deployments))));
}

export async function applicationsPage(main) {
  main.append(h('h1', {}, 'Applications'));
  const {applications} = await api.get('/v1/applications');
  if (applications.length === 0) {
    main.append(h('p', {class: 'muted'}, 'No application yet: greenlight app create NAME.'));
  }
  const cards = h('div', {class: 'cards'});
  main.append(cards);
  await Promise.all(applications.map(async (application) => {
    const {groups} = await api.get(`/v1/applications/${api.enc(application.name)}/groups`);
    cards.append(h('section', {class: 'card', 'aria-labelledby': `app-${application.name}`},
      h('h2', {id: `app-${application.name}`}, application.name,
        h('span', {class: 'muted small'}, ` · ${application.computePlatform}`)),
      groups.length === 0 ? h('p', {class: 'muted'}, 'No deployment group.') :
        h('ul', {class: 'plain'}, groups.map((group) => h('li', {},
          link(groupHref(application.name, group.name), group.name),
          h('span', {class: 'muted small'},
            ` · ${group.deploymentStyle || 'in-place'} · ${group.fleet ? group.fleet.provider : ''}`),
          ' · ', link(`${groupHref(application.name, group.name)}/history`, 'history'))))));
  }));
}

export async function deploymentsPage(main) {
  main.append(h('h1', {}, 'Deployments'));
  const {deployments} = await api.get('/v1/deployments?limit=50');
  main.append(deploymentTable(deployments, 'The 50 most recent deployments, newest first'));
}

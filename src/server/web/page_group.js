// A deployment group: its fleet versions with their instances and health, the traffic split the
// load balancer applies now, and the group's recent deployments. Refreshed every few seconds.
import * as api from './api.js';
import {badge, clear, h, link, shortSha, svg} from './dom.js';
import {deploymentTable, groupHref} from './page_applications.js';

const REFRESH_MS = 3000;
const COLOURS = ['#2f7d32', '#1565c0', '#8e24aa', '#ef6c00', '#00838f', '#6d4c41'];

// A horizontal bar of the traffic shares: [{fleetVersion, percent, instances, healthy}].
export function trafficBar(traffic) {
  const width = 600;
  const bar = svg('svg', {viewBox: `0 0 ${width} 28`, class: 'traffic-bar', role: 'img',
                          'aria-label': traffic.map((t) => `${t.fleetVersion} ${t.percent}%`).join(', ')});
  let x = 0;
  traffic.forEach((share, index) => {
    const w = (width * Number(share.percent || 0)) / 100;
    if (w <= 0) return;
    bar.append(svg('rect', {x, y: 0, width: w, height: 28, fill: COLOURS[index % COLOURS.length]}));
    if (w > 60) {
      bar.append(svg('text', {x: x + 6, y: 19, fill: '#fff', 'font-size': 13},
        `${share.fleetVersion} ${Math.round(share.percent)}%`));
    }
    x += w;
  });
  if (x === 0) bar.append(svg('rect', {x: 0, y: 0, width, height: 28, fill: '#ccc'}));
  return bar;
}

function instanceHealth(instance) {
  if (instance.lifecycle === 'Lost' || instance.lifecycle === 'Terminated') return 'Unhealthy';
  if (instance.lastDeploymentFailed) return 'Unhealthy';
  return instance.online ? 'Healthy' : 'Unknown';
}

function fleetSection(name, instances, share) {
  const healthy = instances.filter((i) => instanceHealth(i) === 'Healthy').length;
  return h('section', {class: 'card fleet'},
    h('h3', {}, name || '(in place)'),
    h('p', {}, share === undefined ? '' : h('strong', {}, `${Math.round(share)}% of traffic`),
      share === undefined ? '' : ' · ', `${healthy} of ${instances.length} healthy`),
    h('div', {class: 'scroll'}, h('table', {class: 'compact'},
      h('caption', {class: 'sr-only'}, `Instances of ${name || 'the group'}`),
      h('thead', {}, h('tr', {}, ['Instance', 'Address', 'Lifecycle', 'Agent', 'Health', 'Revision']
        .map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, instances.map((i) => h('tr', {},
        h('td', {class: 'mono'}, i.id),
        h('td', {class: 'mono'}, `${i.hostName}:${i.port}`),
        h('td', {}, badge(i.lifecycle)),
        h('td', {}, i.online ? 'online' : 'offline'),
        h('td', {}, badge(instanceHealth(i))),
        h('td', {class: 'mono'}, shortSha(i.currentRevision))))))));
}

export async function groupPage(main, application, groupName) {
  const base = `/v1/applications/${api.enc(application)}/groups/${api.enc(groupName)}`;
  const group = await api.get(base);
  main.append(
    h('h1', {}, `${application} / ${groupName}`),
    h('p', {class: 'muted'}, `${group.deploymentStyle || 'in-place'} · fleet ${group.fleet?.provider || ''}`,
      group.loadBalancer ? ` · load balancer ${group.loadBalancer.provider} ${group.loadBalancer.listen || ''}` : '',
      ` · default configuration ${group.deploymentConfig || ''} · `,
      link(`${groupHref(application, groupName)}/history`, 'history and revisions')));
  const live = h('div', {'aria-live': 'polite'});
  main.append(live);

  async function refresh() {
    const [{instances}, {deployments}] = await Promise.all([
      api.get(`${base}/instances`),
      api.get(`/v1/deployments?application=${api.enc(application)}&group=${api.enc(groupName)}&limit=10`),
    ]);
    const latest = deployments[0];
    const traffic = latest && latest.blueGreen && Array.isArray(latest.blueGreen.traffic) ?
      latest.blueGreen.traffic : [];
    const byVersion = new Map();
    for (const instance of instances) {
      if (instance.lifecycle === 'Terminated') continue;
      const key = instance.fleetVersion || '';
      if (!byVersion.has(key)) byVersion.set(key, []);
      byVersion.get(key).push(instance);
    }
    const active = deployments.find((d) => !['Succeeded', 'Failed', 'Stopped'].includes(d.status));
    clear(live);
    live.append(h('h2', {}, 'Traffic'));
    if (traffic.length) {
      live.append(trafficBar(traffic), h('ul', {class: 'plain legend'}, traffic.map((t) =>
        h('li', {}, `${t.fleetVersion}: ${t.percent}% · ${t.healthy}/${t.instances} healthy`))));
    } else {
      live.append(h('p', {class: 'muted'}, group.loadBalancer ?
        'No traffic split read yet.' : 'This group has no load balancer.'));
    }
    if (active) {
      live.append(h('p', {class: 'notice'}, 'Deployment in progress: ',
        link(`#/deployments/${api.enc(active.id)}`, active.id), ' ', badge(active.status),
        active.blueGreen?.waitingFor ? ` · waiting for ${active.blueGreen.waitingFor}` : ''));
    }
    live.append(h('h2', {}, 'Fleet versions'));
    const fleets = h('div', {class: 'fleets'});
    const names = [...byVersion.keys()].sort().reverse();
    for (const name of names) {
      const share = traffic.find((t) => t.fleetVersion === name);
      fleets.append(fleetSection(name, byVersion.get(name), share ? Number(share.percent) : undefined));
    }
    if (names.length === 0) fleets.append(h('p', {class: 'muted'}, 'No instance running.'));
    live.append(fleets, h('h2', {}, 'Recent deployments'),
      deploymentTable(deployments, 'The 10 most recent deployments of this group'));
  }
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), REFRESH_MS);
  return () => clearInterval(timer);
}

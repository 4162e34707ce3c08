// The dashboard's entry: hash routes to pages, the header (who is logged in, log out), and the
// login redirect. Each page is a function (main, ...route parameters) that may return a cleanup
// (closing its event stream, stopping its refresh) run when the route changes.
import * as api from './api.js';
import {clear, h} from './dom.js';
import {loginPage} from './page_login.js';
import {applicationsPage, deploymentsPage} from './page_applications.js';
import {groupPage} from './page_group.js';
import {deploymentPage} from './page_deployment.js';
import {historyPage} from './page_history.js';
import {auditPage} from './page_audit.js';

const routes = [
  [/^#\/login$/, loginPage],
  [/^#\/apps$/, applicationsPage],
  [/^#\/deployments$/, deploymentsPage],
  [/^#\/apps\/([^/]+)\/groups\/([^/]+)$/, groupPage],
  [/^#\/apps\/([^/]+)\/groups\/([^/]+)\/history$/, historyPage],
  [/^#\/deployments\/([^/]+)$/, deploymentPage],
  [/^#\/audit$/, auditPage],
];

let cleanup = null;
let rendering = 0;

function showHeader() {
  const who = api.session();
  document.getElementById('nav').hidden = !who;
  document.getElementById('who').hidden = !who;
  if (who) document.getElementById('who-name').textContent = `${who.name} (${who.role})`;
  const hash = location.hash;
  for (const anchor of document.querySelectorAll('#nav a')) {
    const here = hash === anchor.getAttribute('href') ||
        (anchor.getAttribute('href') === '#/apps' && hash.startsWith('#/apps/'));
    if (here) anchor.setAttribute('aria-current', 'page');
    else anchor.removeAttribute('aria-current');
  }
}

async function render() {
  const ticket = ++rendering;
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const hash = location.hash && location.hash !== '#' && location.hash !== '#/' ? location.hash : '#/apps';
  if (!api.session() && hash !== '#/login') {
    await api.loadSession();
    if (!api.session()) {
      location.hash = '#/login';
      return;
    }
  }
  if (ticket !== rendering) return;
  showHeader();
  const main = document.getElementById('view');
  clear(main);
  const route = routes.find(([pattern]) => pattern.test(hash));
  if (!route) {
    main.append(h('h1', {tabindex: '-1'}, 'Not found'), h('p', {}, 'No page at ', hash, '. ',
        h('a', {href: '#/apps'}, 'Go to the applications.')));
    return;
  }
  const parameters = hash.match(route[0]).slice(1).map(decodeURIComponent);
  try {
    const done = await route[1](main, ...parameters);
    if (ticket !== rendering) {
      if (typeof done === 'function') done();
      return;
    }
    cleanup = typeof done === 'function' ? done : null;
  } catch (error) {
    main.append(h('p', {class: 'error', role: 'alert'}, error.message));
  }
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: true});
  }
}

document.getElementById('logout').addEventListener('click', async () => {
  await api.logout().catch(() => {});
  location.hash = '#/login';
  showHeader();
});
window.addEventListener('hashchange', render);
render();

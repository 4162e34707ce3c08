#!/usr/bin/env node
// The dashboard under a deployment to N local instances (default 300): a real server and N agent
// processes, an in-place AllAtOnce deployment of a revision with small hooks, followed at once by
// (1) a plain client reading GET /v1/deployments/{id}/events (event rate, bytes) and (2) the
// deployment page in headless Chromium (time from an event leaving the server to the page's DOM
// showing it, the page's own work per event, long tasks, and how late a 50 ms timer fires — the
// page staying responsive). Prints the figures.
// Usage: node bench/dashboard_300.mjs [--greenlight build/programs/greenlight] [--instances 300]
// (needs `npm ci` in tests/browser once, for playwright-core.)
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {ControlPlane, argument, launchBrowser, logIn, waitFor} from '../tests/browser/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, '..');
const binary = path.resolve(argument('greenlight', path.join(source, 'build/programs/greenlight')));
const count = Number(argument('instances', '300'));

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (value) => `${value.toFixed(1)} ms`;

// Reads the event stream with a bearer token, counting events and bytes until told to stop.
function readStream(url, token, deploymentId) {
  const controller = new AbortController();
  const figures = {events: 0, bytes: 0, first: 0, last: 0, sizes: []};
  const done = (async () => {
    const response = await fetch(`${url}/v1/deployments/${deploymentId}/events`, {
      headers: {Authorization: `Bearer ${token}`}, signal: controller.signal});
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, {stream: true});
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (event.startsWith(':')) continue;
          figures.events += 1;
          figures.bytes += event.length + 2;
          figures.sizes.push(event.length + 2);
          figures.last = Date.now();
          if (!figures.first) figures.first = figures.last;
        }
      }
    } catch (error) {
      if (error.name !== 'AbortError') throw error;
    }
  })();
  return {figures, stop: async () => { controller.abort(); await done.catch(() => {}); }};
}

const plane = new ControlPlane({binary, source, marker: 'GREENLIGHT_BENCH_DIR'});
try {
  await plane.start();
  plane.cli(['app', 'create', 'bench']);
  const groupFile = path.join(plane.dir, 'fleet.yaml');
  fs.writeFileSync(groupFile, `name: fleet\nfleet:\n  provider: local\n  instances: ${count}\n`);
  const fleetStarted = Date.now();
  plane.cli(['group', 'create', 'bench', '--file', groupFile]);
  plane.groups.push(['bench', 'fleet']);
  await waitFor(`${count} agents online`, () => plane.cli(['instances', 'bench', 'fleet'], {json: true})
    .instances.filter((i) => i.lifecycle === 'Running').length === count, 600000, 500);
  console.log(`${count} agents online in ${((Date.now() - fleetStarted) / 1000).toFixed(1)} s`);

  // A revision whose hooks print a line and take a little time, so every event has a duration.
  const bundle = path.join(plane.dir, 'revision');
  fs.mkdirSync(path.join(bundle, 'scripts'), {recursive: true});
  const hook = '#!/bin/sh\necho "$LIFECYCLE_EVENT on $(hostname)"\nsleep 0.2\n';
  for (const name of ['stop', 'before_install', 'start', 'validate']) {
    fs.writeFileSync(path.join(bundle, 'scripts', `${name}.sh`), hook, {mode: 0o755});
  }
  fs.writeFileSync(path.join(bundle, 'appspec.yml'), ['version: 0.0', 'os: linux', 'hooks:',
    '  ApplicationStop: [{location: scripts/stop.sh}]', '  BeforeInstall: [{location: scripts/before_install.sh}]',
    '  ApplicationStart: [{location: scripts/start.sh}]', '  ValidateService: [{location: scripts/validate.sh}]', ''].join('\n'));
  plane.push('bench', bundle);

  const browser = await launchBrowser();
  try {
    const page = browser.page;
    await page.addInitScript(() => {
      window.benchLongTasks = [];
      window.benchTimerLateness = [];
      try {
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) window.benchLongTasks.push(entry.duration);
        }).observe({type: 'longtask', buffered: true});
      } catch {
        // no long-task timing in this browser
      }
      let expected = performance.now() + 50;
      setInterval(() => {
        const now = performance.now();
        window.benchTimerLateness.push(now - expected);
        expected = now + 50;
      }, 50);
    });
    const token = plane.token('bench', 'deployer');
    await logIn(page, plane.url, token);

    const started = Date.now();
    const deployment = plane.cli(['deploy', 'bench', 'fleet', '--revision', 'latest', '--config',
                                  'CodeDeployDefault.AllAtOnce'], {json: true});
    const stream = readStream(plane.url, token, deployment.id);
    await page.goto(`${plane.url}/#/deployments/${deployment.id}`);
    await page.locator('#live-state.on').waitFor();
    // Clicking a cell while events pour in: the page must answer.
    const clicks = [];
    let final = '';
    await waitFor('the deployment to end', async () => {
      final = (await page.locator('#dep-status').innerText()).trim();
      if (clicks.length < 20 && await page.locator('#grid td.cell button').count() > 0) {
        const t0 = Date.now();
        await page.locator('#grid td.cell button').first().click({timeout: 10000});
        await page.locator('#log-panel h2').waitFor({timeout: 10000});
        clicks.push(Date.now() - t0);
      }
      return /Succeeded|Failed|Stopped/.test(final);
    }, 600000, 200);
    const wall = (Date.now() - started) / 1000;
    // The page has shown the final state; give the plain reader the same final event.
    await waitFor('the stream reader to catch up', () => stream.figures.events > 0, 10000);
    await stream.stop();
    const page_ = await page.evaluate(() => ({metrics: window.greenlightMetrics, longTasks: window.benchLongTasks,
      lateness: window.benchTimerLateness, rows: document.querySelectorAll('#grid tbody tr').length,
      cells: document.querySelectorAll('#grid td.cell').length}));
    await page.screenshot({path: path.join(plane.dir, 'dashboard_300.png'), fullPage: false});

    const s = stream.figures;
    const streamSeconds = Math.max((s.last - s.first) / 1000, 0.001);
    const m = page_.metrics;
    console.log(`deployment ${deployment.id} to ${count} instances: ${final} in ${wall.toFixed(1)} s ` +
                `(the page shows ${page_.rows} instances, ${page_.cells} event cells)`);
    console.log(`SSE stream (plain client): ${s.events} events in ${streamSeconds.toFixed(1)} s = ` +
                `${(s.events / streamSeconds).toFixed(1)} events/s, ${(s.bytes / 1024 / streamSeconds).toFixed(0)} KiB/s; ` +
                `event size median ${(percentile(s.sizes, 50) / 1024).toFixed(1)} KiB, max ${(Math.max(...s.sizes) / 1024).toFixed(0)} KiB (the snapshot)`);
    console.log(`page: ${m.events} events applied; event sent -> DOM updated: median ${ms(percentile(m.lagMs, 50))}, ` +
                `p95 ${ms(percentile(m.lagMs, 95))}, max ${ms(Math.max(...m.lagMs))}; ` +
                `page work per event: median ${ms(percentile(m.applyMs, 50))}, p95 ${ms(percentile(m.applyMs, 95))}, ` +
                `max ${ms(Math.max(...m.applyMs))}`);
    console.log(`responsiveness: ${page_.longTasks.length} long tasks (>50 ms), longest ` +
                `${ms(page_.longTasks.length ? Math.max(...page_.longTasks) : 0)}; 50 ms timer late by median ` +
                `${ms(percentile(page_.lateness, 50))}, p99 ${ms(percentile(page_.lateness, 99))}, max ${ms(Math.max(...page_.lateness))}; ` +
                `cell click -> log panel: median ${clicks.length ? ms(percentile(clicks, 50)) : 'n/a'} over ${clicks.length} clicks`);
  } finally {
    await browser.close();
  }
} finally {
  plane.stop();
}

// The dashboard in headless Chromium against a real server, agents and HAProxy: log in, follow a
// blue/green deployment started from the CLI through each of its steps without a reload, continue
// it and stop it (with rollback) with the page's buttons, see the rollback; a viewer's buttons are
// disabled and a POST forged with its cookie is refused. Screenshots of every page are written to
// --artifacts. Usage: node dashboard.test.mjs --greenlight BIN --source DIR --artifacts DIR
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {ControlPlane, argument, freePort, launchBrowser, logIn, waitFor} from './harness.mjs';

const plane = new ControlPlane({binary: argument('greenlight'), source: argument('source')});
const artifacts = argument('artifacts');
fs.mkdirSync(artifacts, {recursive: true});
const shots = [];

async function shoot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({path: file, fullPage: true});
  shots.push(file);
}

const text = (page, selector) => page.locator(selector).innerText();

async function main() {
  await plane.start();
  const frontend = await freePort();
  plane.cli(['app', 'create', 'sample']);
  plane.cli(['config', 'create', 'two-pauses', '--steps', '10,pause,50,pause,100']);
  plane.createBlueGreenGroup('sample', 'web', {port: frontend});
  const v1 = plane.push('sample', plane.sampleRevision('1'));
  const first = plane.cli(['deploy', 'sample', 'web', '--revision', v1, '--wait'], {json: true});
  assert.equal(first.status, 'Succeeded', JSON.stringify(first));
  const v2 = plane.push('sample', plane.sampleRevision('2'));
  const deployerToken = plane.token('dana', 'deployer');
  const viewerToken = plane.token('victor', 'viewer');

  const deployer = await launchBrowser();
  const viewer = await launchBrowser();
  const phone = await launchBrowser({width: 390, height: 844});
  try {
    const page = deployer.page;
    // The login page, then the applications.
    await page.goto(`${plane.url}/`);
    await page.waitForURL(/#\/login$/);
    await shoot(page, '01-login');
    await logIn(page, plane.url, deployerToken);
    await page.getByRole('link', {name: 'web', exact: true}).waitFor();
    assert.match(await text(page, '#who-name'), /dana \(deployer\)/);
    await shoot(page, '02-applications');

    // The group: its fleet version, instances and traffic.
    await page.getByRole('link', {name: 'web', exact: true}).click();
    await page.getByRole('heading', {name: 'sample / web'}).waitFor();
    await page.getByRole('heading', {name: 'sample-web-v001'}).waitFor();
    await waitFor('the traffic split', async () => /sample-web-v001: 100%/.test(await page.locator('main').innerText()));
    await shoot(page, '03-group');

    // A deployment started from the CLI, followed on its page without a reload.
    const started = plane.cli(['deploy', 'sample', 'web', '--revision', v2, '--config', 'two-pauses'], {json: true});
    const id = started.id;
    await page.goto(`${plane.url}/#/deployments/${id}`);
    await page.evaluate(() => { window.notReloaded = true; });
    await page.locator('#live-state.on').waitFor();
    const seen = new Set();
    const watch = setInterval(async () => {
      try {
        seen.add(await text(page, '#dep-phase'));
      } catch {
        // not drawn yet
      }
    }, 100);
    await waitFor('the first pause (step 2, 10% of traffic)', async () =>
      (await text(page, '#dep-step')) === '2 of 5' && /continue/.test(await text(page, '#dep-waiting')));
    assert.equal(await text(page, '#dep-traffic'), '10%');
    assert.match(await text(page, '#plan li[aria-current="step"]'), /pause until continue/);
    const cells = await page.locator('#grid td.cell.s-succeeded').count();
    assert.ok(cells >= 4, `the grid shows the new fleet's finished events (${cells} cells)`);
    await shoot(page, '04-deployment-paused');

    // A cell opens its log tail.
    await page.locator('#grid td.cell.s-succeeded button').first().click();
    await page.locator('#log-tail').waitFor();
    await shoot(page, '05-deployment-log-tail');

    // The viewer sees the same page with its buttons disabled, and a forged POST is refused.
    await logIn(viewer.page, plane.url, viewerToken);
    await viewer.page.goto(`${plane.url}/#/deployments/${id}`);
    await viewer.page.locator('#live-state.on').waitFor();
    await waitFor('the viewer page', async () => /continue/.test(await text(viewer.page, '#dep-waiting')));
    for (const button of ['#btn-continue', '#btn-stop', '#btn-stop-rollback', '#btn-rollback']) {
      assert.equal(await viewer.page.locator(button).isDisabled(), true, `${button} is disabled for a viewer`);
    }
    assert.match(await text(viewer.page, '#viewer-note'), /viewer/);
    await shoot(viewer.page, '06-deployment-as-viewer');
    const forged = await viewer.page.evaluate(async (deploymentId) => {
      const session = await (await fetch('/v1/session')).json();
      const withToken = await fetch(`/v1/deployments/${deploymentId}/stop`, {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken},
        body: JSON.stringify({rollback: true})});
      const withoutToken = await fetch(`/v1/deployments/${deploymentId}/stop`, {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: '{}'});
      return [withToken.status, withoutToken.status];
    }, id);
    assert.deepEqual(forged, [403, 403], 'a viewer cookie cannot stop, with or without the CSRF token');
    const stillPaused = plane.cli(['status', id], {json: true});
    assert.equal(stillPaused.stopRequested, false);

    // Continue with the button: the page follows to the second pause at 50%.
    await page.locator('#btn-continue').click();
    await waitFor('the second pause (step 4, 50%)', async () =>
      (await text(page, '#dep-step')) === '4 of 5' && /continue/.test(await text(page, '#dep-waiting')));
    assert.equal(await text(page, '#dep-traffic'), '50%');

    // Stop and roll back with the button: traffic goes back to v001, and the page shows it.
    await page.locator('#btn-stop-rollback').click();
    await waitFor('the stop and rollback', async () =>
      /Stopped/.test(await text(page, '#dep-status')) && (await text(page, '#dep-phase')) === 'Done', 120000);
    clearInterval(watch);
    seen.add(await text(page, '#dep-phase'));  // the wait above saw it; the sampler may not have
    // The rollback appears: a new deployment of the last good revision, linked from this one.
    const rollbackId = (await waitFor('the rollback link', async () => {
      const link = page.locator('#dep-rolled-back-by');
      return (await link.count()) ? (await link.innerText()).trim() : '';
    })).trim();
    assert.match(rollbackId, /^d-/);
    assert.match(await text(page, '#dep-error'), new RegExp(`Rolling back to revision ${v1.slice(0, 12)}`));
    assert.match(await text(page, '#timeline'), new RegExp(`Stopped.*rolled back by ${rollbackId}`));
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was never reloaded');
    for (const phase of ['Shifting', 'Done']) assert.ok(seen.has(phase), `phase ${phase} was shown (${[...seen]})`);
    assert.equal(await page.locator('#btn-rollback').isDisabled(), false, 'a finished deployment can be rolled back');
    assert.equal(await page.locator('#btn-stop-rollback').isDisabled(), true);
    await shoot(page, '07-deployment-stopped');
    const after = plane.cli(['status', id], {json: true});
    assert.equal(after.status, 'Stopped');
    assert.equal(after.rolledBackBy, rollbackId);

    // Its link opens the rollback, which the page follows to its end.
    await page.locator('#dep-rolled-back-by a').click();
    await page.getByRole('heading', {name: `Deployment ${rollbackId}`}).waitFor();
    await waitFor('the rollback to succeed', async () => /Succeeded/.test(await text(page, '#dep-status')), 180000);
    assert.match(await page.locator('#summary').innerText(), new RegExp(`Rolls back\\s+${id}`));
    assert.match(await page.locator('#summary').innerText(), /\(rollback\)/);
    await shoot(page, '08-rollback-deployment');

    // History: the chart, and a diff of the two revisions.
    await page.goto(`${plane.url}/#/apps/sample/groups/web/history`);
    await page.locator('#history-chart circle').first().waitFor();
    assert.ok(await page.locator('#history-chart circle').count() >= 2);
    await page.getByLabel('From revision').selectOption(v1);
    await page.getByLabel('To revision').selectOption(v2);
    await page.getByRole('button', {name: 'Compare'}).click();
    await page.locator('#files-diff').waitFor();
    const files = await text(page, '#files-diff');
    assert.match(files, /app\/VERSION\s+changed/);
    assert.match(files, /appspec\.yml\s+same/);
    await shoot(page, '09-history');

    // The audit log shows the logins and the stop.
    await page.getByRole('link', {name: 'Audit log'}).click();
    await waitFor('audit entries', async () => /login/.test(await page.locator('main').innerText()));
    assert.match(await page.locator('main').innerText(), /dana/);
    await shoot(page, '10-audit');
    await page.getByRole('link', {name: 'Deployments', exact: true}).click();
    await page.getByRole('heading', {name: 'Deployments'}).waitFor();
    await page.getByRole('link', {name: id}).waitFor();
    await shoot(page, '11-deployments');

    // On a phone-sized screen.
    await logIn(phone.page, plane.url, viewerToken);
    await phone.page.goto(`${plane.url}/#/deployments/${id}`);
    await phone.page.locator('#live-state.on').waitFor();
    await shoot(phone.page, '12-deployment-on-a-phone');
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page fits a phone's width (overflows by ${overflow}px)`);

    // Logout ends the session.
    await page.getByRole('button', {name: 'Log out'}).click();
    await page.waitForURL(/#\/login$/);
    const status = await page.evaluate(async () => (await fetch('/v1/applications')).status);
    assert.equal(status, 401);
  } finally {
    await deployer.close();
    await viewer.close();
    await phone.close();
  }
}

try {
  await main();
  console.log(`browser tests passed; screenshots: ${shots.join(', ')}`);
} catch (error) {
  console.error(`browser tests FAILED: ${error.stack || error}`);
  console.error(`--- server log (${plane.dir}/server.log), last lines:`);
  console.error(plane.serverLog().split('\n').slice(-40).join('\n'));
  process.exitCode = 1;
} finally {
  plane.stop({keep: process.exitCode === 1});
}

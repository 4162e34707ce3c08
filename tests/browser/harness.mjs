// What the dashboard's browser tests and bench share: a real `greenlight server` in a fresh
// folder driven through the CLI, a blue/green group of the sample app behind the embedded HAProxy,
// headless Chromium (Debian's /usr/bin/chromium, never a downloaded one), and waiting for a
// condition with a deadline instead of sleeping.
import {execFileSync, spawn} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';

export const CHROMIUM = process.env.GREENLIGHT_CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium's own connections are refused by a closed
// network and it stalls; as root it needs --no-sandbox.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function argument(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && index + 1 < process.argv.length) return process.argv[index + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`missing --${name}`);
}

export async function waitFor(what, condition, timeoutMs = 120000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await condition();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export class ControlPlane {
  constructor({binary, source, marker = 'GREENLIGHT_BROWSER_DIR'}) {
    this.binary = binary;
    this.source = source;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-browser-'));
    this.data = path.join(this.dir, 'data');
    this.markerName = marker;
    this.markerEntry = `${marker}=${this.dir}`;
    this.groups = [];
    this.revisionCount = 0;
  }

  async start(extraArguments = []) {
    const log = fs.openSync(path.join(this.dir, 'server.log'), 'a');
    this.server = spawn(this.binary, ['server', '--data', this.data, '--listen', '127.0.0.1:0',
      '--agent-timeout', '10', ...extraArguments], {
      stdio: ['ignore', log, log], env: {...process.env, [this.markerName]: this.dir}, detached: true});
    const addressFile = path.join(this.data, 'server.addr');
    await waitFor('the server to listen', () => fs.existsSync(addressFile) && fs.readFileSync(addressFile, 'utf8').trim(), 60000);
    this.address = fs.readFileSync(addressFile, 'utf8').trim();
    this.url = `http://${this.address}`;
    this.adminToken = fs.readFileSync(path.join(this.data, 'admin.token'), 'utf8').trim();
  }

  serverLog() {
    try {
      return fs.readFileSync(path.join(this.dir, 'server.log'), 'utf8');
    } catch {
      return '(no server log)';
    }
  }

  cli(args, {token = this.adminToken, json = false} = {}) {
    const all = json ? [...args, '--output', 'json'] : args;
    const output = execFileSync(this.binary, all, {
      env: {...process.env, GREENLIGHT_ADDR: this.address, GREENLIGHT_TOKEN: token, [this.markerName]: this.dir},
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024});
    return json ? JSON.parse(output) : output;
  }

  // A copy of examples/sample-app whose pages and /VERSION say `version`.
  sampleRevision(version) {
    const folder = path.join(this.dir, `sample-v${version}-${this.revisionCount++}`);
    fs.cpSync(path.join(this.source, 'examples/sample-app'), folder, {recursive: true});
    fs.writeFileSync(path.join(folder, 'app/VERSION'), `${version}\n`);
    const index = path.join(folder, 'app/index.html');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8')
      .replace('<span id="version">1</span>', `<span id="version">${version}</span>`));
    return folder;
  }

  push(application, folder) {
    return this.cli(['revision', 'push', application, folder], {json: true}).sha256;
  }

  // A blue/green group of `instances` local instances behind the embedded HAProxy on `port`.
  createBlueGreenGroup(application, group, {port, instances = 2, config = 'CodeDeployDefault.AllAtOnce',
                                           terminationWaitSeconds = 30}) {
    const file = path.join(this.dir, `${group}.yaml`);
    fs.writeFileSync(file, [
      `name: ${group}`,
      'fleet:', '  provider: local', `  instances: ${instances}`,
      `deploymentConfig: ${config}`,
      'deploymentStyle: blue-green',
      'loadBalancer:', '  provider: haproxy', `  listen: 127.0.0.1:${port}`,
      '  healthCheck: {path: /health, intervalMs: 200, healthyThreshold: 2, unhealthyThreshold: 2}',
      '  drainTimeoutSeconds: 5', '  startGracePeriodSeconds: 20',
      `blueGreen: {terminationWaitSeconds: ${terminationWaitSeconds}}`, ''].join('\n'));
    this.cli(['group', 'create', application, '--file', file]);
    this.groups.push([application, group]);
  }

  token(name, role) {
    return this.cli(['token', 'create', name, '--role', role], {json: true}).token;
  }

  // Groups first (their instances stop through greenlight), then the server, then anything this
  // run started that is still alive (found by the marker in its environment). The folder is kept
  // when `keep` (a failed run: its server log tells why).
  stop({keep = false} = {}) {
    for (const [application, group] of this.groups) {
      try {
        this.cli(['group', 'delete', application, group]);
      } catch {
        // the server may be gone already; the sweep below still stops everything
      }
    }
    if (this.server && this.server.exitCode === null) this.server.kill('SIGTERM');
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
        if (environ.includes(this.markerEntry)) process.kill(Number(entry), 'SIGKILL');
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    if (!keep) fs.rmSync(this.dir, {recursive: true, force: true});
  }
}

// A browser profile of its own (cookies included) in a fresh folder.
export async function launchBrowser(viewport = {width: 1280, height: 900}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    headless: true, executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport});
  const page = context.pages()[0] || await context.newPage();
  page.on('dialog', (dialog) => dialog.accept());
  return {context, page, close: async () => {
    await context.close();
    fs.rmSync(profile, {recursive: true, force: true});
  }};
}

export async function logIn(page, url, token) {
  await page.goto(`${url}/`);
  await page.waitForURL(/#\/login$/);
  await page.getByLabel('API token').fill(token);
  await page.getByLabel('API token').press('Enter');  // by keyboard, as a form should allow
  await page.getByRole('heading', {name: 'Applications'}).waitFor();
}

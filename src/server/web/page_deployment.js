// One deployment, live: a server-sent event stream (GET /v1/deployments/{id}/events) sends a
// snapshot, then updates carrying the deployment's fields and only the instances that changed;
// the page redraws only those rows. Status, plan and current step, traffic, analysis, the
// instance × lifecycle-event grid (a cell opens its log tail), and the operator's buttons.
import * as api from './api.js';
import {badge, clear, formatDuration, formatTime, h, link, shortSha} from './dom.js';
import {groupHref} from './page_applications.js';
import {trafficBar} from './page_group.js';

const FINAL = ['Succeeded', 'Failed', 'Stopped'];

// Figures the dashboard bench reads: events received, bytes, and how long each took to show.
const metrics = window.greenlightMetrics = window.greenlightMetrics ||
  {events: 0, bytes: 0, applyMs: [], lagMs: []};

function stepText(step) {
  if (step.setWeight !== undefined) return `traffic to ${step.setWeight}%`;
  if (step.pause) return step.pause.seconds ? `pause ${step.pause.seconds} s` : 'pause until continue';
  if (step.gate) return `gate ${JSON.stringify(step.gate)}`;
  return JSON.stringify(step);
}

function numbersText(numbers) {
  if (!numbers || typeof numbers !== 'object') return '';
  return Object.entries(numbers).map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toFixed(3) : v}`).join(' · ');
}

function analysisTable(analyses) {
  return h('div', {class: 'scroll'}, h('table', {class: 'compact'},
    h('caption', {}, 'Analysis of each pause'),
    h('thead', {}, h('tr', {}, ['Step', 'Traffic', 'Verdict', 'Measurements', 'Check', 'Result', 'Numbers']
      .map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, analyses.flatMap((window) => {
      const results = window.results && window.results.length ? window.results : [null];
      return results.map((result, index) => h('tr', {},
        h('td', {}, index === 0 ? String(window.stepIndex) : ''),
        h('td', {}, index === 0 ? `${window.trafficPercent ?? ''}%` : ''),
        h('td', {}, index === 0 ? badge(window.verdict) : ''),
        h('td', {class: 'num'}, index === 0 ? `${window.measurements} (${window.failures} failed)` : ''),
        h('td', {}, result ? `${result.name} (${result.kind})` : ''),
        h('td', {}, result ? badge(result.verdict) : '', result ? ` ${result.summary || ''}` : ''),
        h('td', {class: 'small'}, result ? numbersText(result.numbers) : '')));
    }))));
}

export async function deploymentPage(main, id) {
  const state = {deployment: null, targets: new Map(), columns: [], rows: new Map(), seen: ''};
  const heading = h('h1', {}, `Deployment ${id}`);
  const connection = h('span', {class: 'live-state', id: 'live-state'}, 'connecting…');
  const summary = h('dl', {class: 'summary', id: 'summary'});
  const actions = h('div', {class: 'actions', id: 'actions'});
  const actionResult = h('p', {role: 'status', id: 'action-result', class: 'muted'});
  const plan = h('section', {id: 'plan'});
  const analysis = h('section', {id: 'analysis'});
  const timeline = h('ol', {class: 'timeline', id: 'timeline', 'aria-live': 'polite'});
  const gridBody = h('tbody');
  const gridHead = h('thead');
  const logPanel = h('section', {id: 'log-panel', class: 'card', hidden: true, 'aria-live': 'polite'});
  main.append(heading, h('p', {}, connection), summary, actions, actionResult, plan, analysis,
    h('h2', {}, 'Instances × lifecycle events'),
    h('p', {class: 'muted small'}, 'Each cell is an event on an instance: its status and how long it took. ' +
      'Open a cell for its log tail.'),
    h('div', {class: 'scroll grid-wrap'}, h('table', {class: 'grid', id: 'grid'},
      h('caption', {class: 'sr-only'}, 'Lifecycle events per instance'), gridHead, gridBody)),
    logPanel,
    h('h2', {}, 'What happened while you watched'), timeline);

  async function act(label, path, body) {
    if (label !== 'continue' && !window.confirm(`${label}: are you sure?`)) return;
    actionResult.textContent = `${label}…`;
    try {
      const answer = await api.post(path, body);
      actionResult.textContent = `${label}: done${answer && answer.id && answer.id !== id ?
        ` (deployment ${answer.id})` : ''}.`;
      if (answer && answer.id && answer.id !== id) {
        actionResult.append(' ', link(`#/deployments/${api.enc(answer.id)}`, `Open ${answer.id}`));
      }
    } catch (error) {
      actionResult.textContent = `${label} refused (${error.status}): ${error.message}`;
    }
  }

  // Made once and only enabled or disabled afterwards, so an update never takes the keyboard
  // focus away from a button.
  const base = `/v1/deployments/${api.enc(id)}`;
  const button = (idName, text, onclick, danger) =>
    h('button', {type: 'button', id: idName, class: danger ? 'danger' : '', disabled: true, onclick}, text);
  const buttons = {
    continue: button('btn-continue', 'Continue', () => act('continue', `${base}/continue`, {})),
    stop: button('btn-stop', 'Stop', () => act('stop', `${base}/stop`, {rollback: false}), true),
    stopRollback: button('btn-stop-rollback', 'Stop and roll back',
      () => act('stop and roll back', `${base}/stop`, {rollback: true}), true),
    rollback: button('btn-rollback', 'Roll back', () => {
      const d = state.deployment;
      act('roll back', `/v1/applications/${api.enc(d.application)}/groups/${api.enc(d.groupName)}/rollback`, {});
    }, true),
  };
  actions.append(buttons.continue, buttons.stop, buttons.stopRollback, buttons.rollback);
  if (!api.canAct()) {
    actions.append(h('p', {class: 'muted small', id: 'viewer-note'},
      `Your role (${api.session()?.role || 'none'}) can watch but not act.`));
  }

  function drawActions(d) {
    const may = api.canAct();
    const final = FINAL.includes(d.status);
    const waiting = Boolean((d.blueGreen && d.blueGreen.waitingFor) || (d.inPlace && d.inPlace.waitingFor));
    buttons.continue.disabled = !may || final || !waiting;
    buttons.stop.disabled = !may || final;
    buttons.stopRollback.disabled = !may || final;
    buttons.rollback.disabled = !may || !final;
  }

  function drawSummary(d) {
    const bg = d.blueGreen;
    const rows = [
      ['Group', link(groupHref(d.application, d.groupName), `${d.application} / ${d.groupName}`)],
      ['Status', h('span', {id: 'dep-status'}, badge(d.status))],
      ['Revision', h('span', {class: 'mono'}, shortSha(d.revision))],
      ['Strategy', `${d.strategy} · ${d.configName}`],
    ];
    if (bg) {
      rows.push(['Fleet version', `${bg.fleetVersion}${bg.previousFleetVersion ? ` (from ${bg.previousFleetVersion})` : ''}`]);
      rows.push(['Phase', h('span', {id: 'dep-phase'}, bg.phase)]);
      if (Array.isArray(bg.steps) && bg.steps.length) {
        rows.push(['Step', h('span', {id: 'dep-step'},
          `${Math.min(bg.stepIndex + 1, bg.steps.length)} of ${bg.steps.length}`)]);
      }
      rows.push(['Traffic to new', h('span', {id: 'dep-traffic'}, `${bg.trafficPercent ?? 0}%`)]);
      if (bg.waitingFor) rows.push(['Waiting for', h('strong', {id: 'dep-waiting'}, bg.waitingFor)]);
    }
    if (d.inPlace && d.inPlace.waitingFor) rows.push(['Waiting for', h('strong', {id: 'dep-waiting'}, d.inPlace.waitingFor)]);
    const c = d.counts || {};
    rows.push(['Instances', `${c.succeeded ?? 0} succeeded · ${c.inProgress ?? 0} in progress · ` +
      `${c.pending ?? 0} pending · ${c.failed ?? 0} failed · ${c.skipped ?? 0} skipped`]);
    rows.push(['Created', `${formatTime(d.createdAt)} by ${d.createdBy} (${d.creator})`]);
    if (d.durationMs !== null && d.durationMs !== undefined) rows.push(['Duration', formatDuration(d.durationMs)]);
    if (d.rollbackOf) rows.push(['Rolls back', link(`#/deployments/${api.enc(d.rollbackOf)}`, d.rollbackOf)]);
    if (d.rolledBackBy) rows.push(['Rolled back by', h('span', {id: 'dep-rolled-back-by'}, link(`#/deployments/${api.enc(d.rolledBackBy)}`, d.rolledBackBy))]);
    if (d.errorCode || d.errorMessage) {
      rows.push(['Error', h('span', {id: 'dep-error', class: 'pre'}, `${d.errorCode ? `${d.errorCode}: ` : ''}${d.errorMessage}`)]);
    }
    clear(summary);
    for (const [term, value] of rows) summary.append(h('div', {}, h('dt', {}, term), h('dd', {}, value)));
  }

  function drawPlan(d) {
    clear(plan);
    const bg = d.blueGreen;
    if (bg && Array.isArray(bg.steps) && bg.steps.length) {
      plan.append(h('h2', {}, 'Plan'), h('ol', {class: 'plan'}, bg.steps.map((step, index) => {
        const done = index < bg.stepIndex || bg.phase === 'Done' || bg.phase === 'TerminationWait';
        const current = index === bg.stepIndex && bg.phase === 'Shifting';
        return h('li', {class: current ? 'current' : done ? 'done' : '', 'aria-current': current ? 'step' : false},
          stepText(step), current ? ' ← now' : '');
      })));
    } else if (d.numbers) {
      plan.append(h('h2', {}, 'Plan'), h('p', {}, `${d.numbers.instanceCount} instances, at least ` +
        `${d.numbers.minimumHealthyHosts} healthy, ${d.numbers.maxInFlight} at a time`));
    }
    if (bg && Array.isArray(bg.traffic) && bg.traffic.length) {
      plan.append(h('h2', {}, 'Traffic now'), trafficBar(bg.traffic));
    }
  }

  function drawAnalysis(d) {
    clear(analysis);
    const analyses = (d.blueGreen && d.blueGreen.analyses) || (d.inPlace && d.inPlace.analyses) || [];
    if (analyses.length) analysis.append(h('h2', {}, 'Analysis'), analysisTable(analyses));
  }

  function note(d) {
    const bg = d.blueGreen || {};
    const key = `${d.status} ${bg.phase || ''} ${bg.stepIndex ?? ''} ${bg.waitingFor || ''} ${d.rolledBackBy || ''}`;
    if (key === state.seen) return;
    state.seen = key;
    const parts = [d.status];
    if (bg.phase) parts.push(`phase ${bg.phase}`);
    if (bg.steps && bg.steps.length && bg.phase === 'Shifting') parts.push(`step ${bg.stepIndex + 1}`);
    if (bg.trafficPercent !== undefined) parts.push(`${bg.trafficPercent}% to the new fleet`);
    if (bg.waitingFor) parts.push(`waiting for ${bg.waitingFor}`);
    if (d.rolledBackBy) parts.push(`rolled back by ${d.rolledBackBy}`);
    timeline.append(h('li', {}, h('time', {}, new Date().toLocaleTimeString()), ' ', parts.join(' · ')));
  }

  function cell(target, eventName) {
    const event = target.events.find((e) => e.event === eventName);
    if (!event) return h('td', {class: 'cell empty'});
    const label = `${target.instanceId} ${eventName}: ${event.status}` +
      (event.durationMs !== null && event.durationMs !== undefined ? `, ${formatDuration(event.durationMs)}` : '');
    return h('td', {class: `cell s-${event.status.toLowerCase()}`},
      h('button', {type: 'button', class: 'cell-button', 'aria-label': label, title: label,
                   onclick: () => openLog(target.instanceId, eventName)},
        event.status === 'Succeeded' ? '✓' : event.status === 'Failed' ? '✗' :
          event.status === 'InProgress' ? '…' : event.status === 'Skipped' ? '–' : '·',
        h('span', {class: 'dur'}, event.durationMs !== null && event.durationMs !== undefined ?
          formatDuration(event.durationMs) : '')));
  }

  function row(target) {
    return h('tr', {'data-instance': target.instanceId},
      h('th', {scope: 'row', class: 'mono'}, target.instanceId,
        h('div', {class: 'small muted'}, `${target.hostName}:${target.port}`)),
      h('td', {}, badge(target.status)),
      state.columns.map((name) => cell(target, name)));
  }

  // Event names in the order first seen; they only grow, so a new one is a column at the end.
  function newColumns(targets) {
    const added = [];
    for (const target of targets) {
      for (const event of target.events) {
        if (!state.columns.includes(event.event) && !added.includes(event.event)) added.push(event.event);
      }
    }
    return added;
  }

  function drawHead() {
    clear(gridHead).append(h('tr', {}, h('th', {scope: 'col'}, 'Instance'), h('th', {scope: 'col'}, 'Status'),
      state.columns.map((name) => h('th', {scope: 'col', class: 'event-name'}, name))));
  }

  // A snapshot (changedIds null) draws every row; an update redraws only the changed rows, and a
  // new event name adds an empty cell to the others instead of redrawing them all.
  function drawGrid(changedIds) {
    if (changedIds === null) {
      state.columns = [];
      state.columns.push(...newColumns(state.targets.values()));
      drawHead();
      clear(gridBody);
      state.rows.clear();
      const rows = document.createDocumentFragment();
      for (const target of state.targets.values()) {
        const tr = row(target);
        state.rows.set(target.instanceId, tr);
        rows.append(tr);
      }
      gridBody.append(rows);
      return;
    }
    const changed = new Set(changedIds);
    const added = newColumns(changedIds.map((instanceId) => state.targets.get(instanceId)));
    if (added.length) {
      state.columns.push(...added);
      drawHead();
      for (const [instanceId, tr] of state.rows) {
        if (!changed.has(instanceId)) for (let i = 0; i < added.length; i += 1) tr.append(h('td', {class: 'cell empty'}));
      }
    }
    for (const instanceId of changedIds) {
      const fresh = row(state.targets.get(instanceId));
      const old = state.rows.get(instanceId);
      if (old) old.replaceWith(fresh);
      else gridBody.append(fresh);
      state.rows.set(instanceId, fresh);
    }
  }

  async function openLog(instanceId, eventName) {
    logPanel.hidden = false;
    clear(logPanel).append(h('h2', {}, `${instanceId} · ${eventName}`), h('p', {class: 'muted'}, 'Loading…'));
    try {
      const target = await api.get(`/v1/deployments/${api.enc(id)}/targets/${api.enc(instanceId)}`);
      const event = target.events.find((e) => e.event === eventName) || {};
      clear(logPanel).append(
        h('h2', {}, `${instanceId} · ${eventName}`),
        h('p', {}, badge(event.status), ` ${formatDuration(event.durationMs)} `,
          event.errorCode ? `${event.errorCode}: ` : '', event.message || ''),
        h('pre', {class: 'log', id: 'log-tail', tabindex: '0'}, event.logTail || '(no output)'),
        h('button', {type: 'button', onclick: () => { logPanel.hidden = true; }}, 'Close'));
      logPanel.querySelector('pre').focus();
    } catch (error) {
      clear(logPanel).append(h('p', {class: 'error', role: 'alert'}, error.message));
    }
  }

  function apply(message, snapshot) {
    const started = performance.now();
    const data = JSON.parse(message.data);
    metrics.events += 1;
    metrics.bytes += message.data.length;
    if (snapshot) state.targets.clear();
    const changed = [];
    for (const target of data.targets) {
      state.targets.set(target.instanceId, target);
      changed.push(target.instanceId);
    }
    const d = data.deployment;
    state.deployment = d;
    drawSummary(d);
    drawActions(d);
    drawPlan(d);
    drawAnalysis(d);
    note(d);
    drawGrid(snapshot ? null : changed);
    main.dataset.version = String(d.version);
    const finished = performance.now();
    metrics.applyMs.push(finished - started);
    if (data.sentAtMs) metrics.lagMs.push(Date.now() - data.sentAtMs);
  }

  const source = new EventSource(`/v1/deployments/${api.enc(id)}/events`);
  source.addEventListener('open', () => { connection.textContent = 'live'; connection.className = 'live-state on'; });
  source.addEventListener('error', () => {
    connection.textContent = 'reconnecting…';
    connection.className = 'live-state off';
  });
  source.addEventListener('snapshot', (message) => apply(message, true));
  source.addEventListener('update', (message) => apply(message, false));
  source.addEventListener('problem', (message) => {
    actionResult.textContent = JSON.parse(message.data).message;
  });
  return () => source.close();
}

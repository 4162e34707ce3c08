// The login page: paste an API token; the server answers with a session cookie.
import * as api from './api.js';
import {h} from './dom.js';

export function loginPage(main) {
  const input = h('input', {id: 'token', name: 'token', type: 'password', autocomplete: 'off',
                             required: true, spellcheck: 'false', 'aria-describedby': 'token-help'});
  const problem = h('p', {class: 'error', role: 'alert', id: 'login-error'});
  const form = h('form', {class: 'login card'},
    h('h1', {}, 'Log in'),
    h('label', {for: 'token'}, 'API token'),
    input,
    h('p', {id: 'token-help', class: 'muted'},
      'Paste a greenlight token (glt_…). Viewers can look; deployers and admins can also continue, ',
      'stop and roll back. The first admin token is in the server\'s data folder, admin.token.'),
    h('button', {type: 'submit'}, 'Log in'),
    problem);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    try {
      await api.login(input.value.trim());
      input.value = '';
      location.hash = '#/apps';
    } catch (error) {
      problem.textContent = `Login refused: ${error.message}`;
      input.focus();
    }
  });
  main.append(form);
}

// The API from the page: same-origin calls with the session cookie, the session's CSRF token on
// every call that changes something, errors as exceptions carrying the server's message.

let current = null;  // {name, role, csrfToken, expiresAt}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function session() {
  return current;
}

// Deployers and admins act; viewers only look (the server refuses them anyway).
export function canAct() {
  return current !== null && (current.role === 'admin' || current.role === 'deployer');
}

export async function call(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && current && current.csrfToken) headers['X-CSRF-Token'] = current.csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let value = null;
  try {
    value = text ? JSON.parse(text) : null;
  } catch {
    value = null;
  }
  if (!response.ok) {
    const error = value && value.error ? value.error : {code: 'Http' + response.status, message: text};
    if (response.status === 401 && path !== '/v1/session') {
      current = null;
      if (location.hash !== '#/login') location.hash = '#/login';
    }
    throw new ApiError(response.status, error.code, error.message || `HTTP ${response.status}`);
  }
  return value;
}

export const get = (path) => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);

// Who is logged in, from the cookie; null when nobody is.
export async function loadSession() {
  try {
    current = await call('GET', '/v1/session');
  } catch (error) {
    if (error.status === 401) {
      current = null;
      return null;
    }
    throw error;
  }
  return current;
}

export async function login(token) {
  current = await call('POST', '/v1/session', {token});
  return current;
}

export async function logout() {
  try {
    await call('DELETE', '/v1/session');
  } finally {
    current = null;
  }
}

export function enc(text) {
  return encodeURIComponent(text);
}

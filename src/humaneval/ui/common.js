// Shared browser helpers for the human-eval pages: reading the secret from the URL fragment,
// calling the JSON API with a bearer token, and building DOM nodes without innerHTML.
/* global document, location, fetch, Node, setTimeout, URLSearchParams */

/** Parameters of the URL fragment (#t=…, #admin=…&study=…); the fragment never reaches the server. */
export function fragment() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

export class ApiFailure extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Call the API; resolves to parsed JSON (or a Blob when `blob` is set), rejects with ApiFailure. */
export async function api(path, { token, method = 'GET', body, blob = false } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiFailure(0, 'cannot reach the server; check that it is running and try again');
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error.message;
    } catch {
      // keep the status line
    }
    throw new ApiFailure(response.status, message);
  }
  return blob ? response.blob() : response.json();
}

/** Create an element: el('td', { class: 'x' }, 'text', child). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function fmt(x, digits = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}

export function fmtP(p) {
  if (typeof p !== 'number' || !Number.isFinite(p)) return '—';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** Download an authenticated API response as a file. */
export async function download(path, token, filename) {
  const blob = await api(path, { token, blob: true });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function showError(target, error) {
  target.textContent = error instanceof Error ? error.message : String(error);
  target.hidden = false;
}

// The API client: same-origin fetch with the session cookie, the CSRF header on every state change,
// and problem+json answers turned into ApiError (status, title, detail, field errors, problems).
// `anonymous: true` (the public customer portal) sends no cookie at all, so neither the session nor
// its CSRF token is involved, and a 401 is an error rather than a trip to the sign-in page.
// Every call says the page's language (Accept-Language): the server words its problems in it when no signed-in
// user's language decides (api/wording.py); `code` is the problem's stable name, the same in every language.

import { keepDraft } from './drafts.js';
import { locale, t } from './i18n.js';

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.title = body?.title || '';
    this.code = body?.code || '';
    this.detail = body?.detail || '';
    this.errors = body?.errors || {};
    this.errorCodes = body?.error_codes || {};
    this.problems = body?.problems || [];
  }
}

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || '';
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export function url(path, params) {
  return `${BASE}${path}${query(params)}`;
}

async function parse(response) {
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) return response.json();
  return response.text();
}

// The language the page is shown in (the signed-in user's, the portal's ?lang=, else the browser's).
function pageLanguage() {
  return document.documentElement.lang || locale();
}

export async function request(method, path, { params, json, form, signal, raw, anonymous = false } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': pageLanguage() };
  let body;
  if (method !== 'GET' && method !== 'HEAD' && !anonymous) headers['X-CSRF-Token'] = csrfToken();
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(url(path, params), { method, headers, body, signal, credentials: anonymous ? 'omit' : 'same-origin' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, { title: t('feedback.network_title'), detail: t('feedback.network_detail'), code: 'network' });
  }
  if (response.status === 401 && !anonymous) {
    // the session ended: what the page holds typed is kept (core/drafts.js) and comes back after signing in
    const next = encodeURIComponent(location.pathname + location.search);
    const expired = keepDraft() ? '&expired=1' : '';
    const lang = encodeURIComponent(document.documentElement.lang || '');
    location.assign(`/login?next=${next}${lang ? `&lang=${lang}` : ''}${expired}`);
    throw new ApiError(401, { title: t('feedback.session_ended'), code: 'unauthorized' });
  }
  if (!response.ok) {
    let problem;
    try { problem = await response.json(); } catch { problem = { title: t('feedback.http_failed', { status: response.status }) }; }
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  return response.status === 204 ? null : parse(response);
}

// The public portal's calls: no cookie, no CSRF token (the portal API needs neither).
export const publicApi = {
  get: (path, params, opts = {}) => request('GET', path, { params, anonymous: true, ...opts }),
  post: (path, json, opts = {}) => request('POST', path, { json: json ?? {}, anonymous: true, ...opts }),
};

export const api = {
  get: (path, params, opts = {}) => request('GET', path, { params, ...opts }),
  text: (path, opts = {}) => request('GET', path, opts),
  post: (path, json, opts = {}) => request('POST', path, { json: json ?? {}, ...opts }),
  patch: (path, json, opts = {}) => request('PATCH', path, { json, ...opts }),
  upload: (path, files, opts = {}) => {
    const form = new FormData();
    for (const file of files) form.append('files', new Blob([file.content], { type: file.type || 'application/octet-stream' }), file.name);
    return request('POST', path, { form, ...opts });
  },
};

// GET that answers null instead of failing when the route does not exist (yet): optional features.
export async function optional(path, params) {
  try {
    return await api.get(path, params);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405 || error.status === 403)) return null;
    throw error;
  }
}

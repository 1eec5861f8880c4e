// Customer import: send a CSV or .xlsx file, then follow its background job (a progress bar fed by
// GET /customers/imports/{id}) and read its report: counts, and every rejected row with its row
// number and why, a page at a time, with a CSV download of the rejected rows. `?job=ID` reopens a job.

import { api, request, url } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { number, t } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { errorBox, facts, field, pageHeader, pager, setBusy, table } from '../core/ui.js';

const POLL_MS = 700;
const LIMIT = 50;

export async function render({ root, query }) {
  const file = h('input', { type: 'file', class: 'input', accept: '.csv,.xlsx,.txt', required: true, 'data-testid': 'import-file' });
  const onDuplicate = h('select', { class: 'input', name: 'on_duplicate', 'data-testid': 'import-duplicates' },
    h('option', { value: 'skip' }, t('import.duplicates_skip')),
    h('option', { value: 'create' }, t('import.duplicates_create')));
  const send = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'import-send' }, t('import.send'));
  const result = h('div', { 'data-testid': 'import-result' });
  let timer;
  let stopped = false;

  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    setBusy(send, true);
    try {
      const body = new FormData();
      body.append('file', file.files[0], file.files[0].name);
      const job = await request('POST', '/customers/import', { form: body, params: { on_duplicate: onDuplicate.value } });
      follow(job.id);
    } catch (error) {
      replace(result, errorBox(error));
    } finally {
      setBusy(send, false);
    }
  } },
  field(t('import.file'), file, t('import.file_hint')),
  field(t('import.duplicates'), onDuplicate),
  h('div', { class: 'row' }, send));

  replace(root, pageHeader(t('import.title'), h('a', { href: '/app/customers', class: 'btn' }, t('customers.title'))),
    form, result);

  function follow(jobId) {
    clearTimeout(timer);
    setQuery({ job: jobId });
    poll(jobId);
  }

  async function poll(jobId) {
    let job;
    try {
      job = await api.get(`/customers/imports/${jobId}`);
    } catch (error) {
      replace(result, errorBox(error));
      return;
    }
    if (stopped) return;
    showJob(job);
    if (job.state === 'queued' || job.state === 'running') timer = setTimeout(() => poll(jobId), POLL_MS);
    else await showRejected(job, 0);
  }

  function showJob(job) {
    const total = job.rows_total || 0;
    const bar = h('progress', { class: 'progress', max: total || 1, value: total ? job.rows_read : 0,
      'data-testid': 'import-progress', 'aria-label': t('import.progress') });
    replace(result, h('section', { class: 'card stack', 'data-testid': 'import-job', 'data-state': job.state },
      h('h2', {}, t('import.job', { name: job.file_name })),
      h('p', { 'data-testid': 'import-state' }, t(`import.state.${job.state}`)),
      bar,
      h('p', { class: 'muted' }, total ? t('import.rows_of', { read: job.rows_read, total }) : t('import.counting')),
      facts([[t('import.imported'), number(job.imported)], [t('import.skipped'), number(job.skipped)],
        [t('import.rejected'), number(job.rejected)]]),
      job.error ? h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'import-error' }, job.error) : null,
      h('div', { 'data-testid': 'import-rejected' })));
  }

  async function showRejected(job, offset) {
    const holder = result.querySelector('[data-testid="import-rejected"]');
    if (!holder || !job.rejected) return;
    try {
      const page = await api.get(`/customers/imports/${job.id}/rows`, { outcome: 'rejected', limit: LIMIT, offset });
      replace(holder, h('h3', {}, t('import.rejected_rows')),
        h('a', { href: url(`/customers/imports/${job.id}/rejected.csv`), class: 'btn', download: '',
          'data-testid': 'import-rejected-csv' }, t('import.download_rejected')),
        table([
          { label: t('import.row'), cell: (r) => number(r.row), class: 'nowrap' },
          { label: t('import.reason'), cell: (r) => h('span', { dir: 'auto' }, r.reason) },
        ], page.items, { rowAttrs: (r) => ({ 'data-testid': 'import-rejected-row', 'data-row': r.row }) }),
        pager({ ...page, onPage: (next) => showRejected(job, next) }));
    } catch (error) {
      replace(holder, errorBox(error));
    }
  }

  const reopen = Number.parseInt(query.job, 10);
  if (reopen > 0) follow(reopen);
  return { cleanup: () => { stopped = true; clearTimeout(timer); } };
}

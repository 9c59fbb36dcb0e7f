/**
 * Offline entry on a trial's page. When the server cannot be reached, Save keeps the typed
 * values in IndexedDB, each with its own id, which is sent as the Idempotency-Key so that a
 * value is stored exactly once however often it is sent; the queue is sent by itself when the
 * server answers again (the `online` event, the next page open, a retry with backoff, the
 * browser's Background Sync). Refused values (400) and values that meet another value in the
 * same cell (409) stay on the device, marked on their cell, until the person decides.
 * Photos taken with the camera are scaled down here and queued the same way.
 *
 * Every text shown comes from the page (#offline-config), in the page's language.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

interface Entry {
  key: string;
  trialId: number;
  plotId: number;
  plot: string;
  variable: string;
  value: string;
  observedOn: string | null;
  recordedBy: string | null;
  notes: string | null;
  queuedAt: number;
  status: 'pending' | 'refused' | 'conflict';
  message?: string;
  existing?: { id: number; value: unknown; version: number };
}

interface PhotoEntry {
  key: string;
  trialId: number;
  plotId: number;
  blob: Blob;
  name: string;
  takenOn: string;
  keepLocation: boolean;
  queuedAt: number;
  status: 'pending' | 'refused';
  message?: string;
}

interface Schema extends DBSchema {
  entries: { key: string; value: Entry; indexes: { trial: number } };
  photos: { key: string; value: PhotoEntry; indexes: { trial: number } };
  meta: { key: string; value: { key: string; value: string | number } };
}

interface Config {
  trialId: number;
  lang: string;
  /** The page's direction and Intl locale (absent in a page cached before they were sent). */
  dir?: 'ltr' | 'rtl';
  locale?: string;
  loginHref: string;
  t: Record<string, string>;
}

/**
 * The grid's inputs are sent with their name and id only (`v.<plot id>.<variable id>`, and
 * `n.…` for another reading of the day); their plot and variable (data-plot, data-plot-id,
 * data-variable, data-reading), which the queue reads, are set here once from the name, the
 * row's plot label and the column header.
 */
function describeGrid() {
  const codes = new Map<string, string>();
  document.querySelectorAll<HTMLElement>('.entry-grid thead th[data-variable-id]').forEach((th) => codes.set(th.dataset.variableId!, th.dataset.variable ?? ''));
  document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('.entry-grid td.cell input[name], .entry-grid td.cell select[name]').forEach((el) => {
    const m = /^([vn])\.(\d+)\.(\d+)$/.exec(el.name);
    if (!m) return;
    el.dataset.plot = el.closest('tr')?.querySelector('.plot-label')?.textContent ?? '';
    el.dataset.plotId = m[2];
    el.dataset.variable = codes.get(m[3]) ?? '';
    if (m[1] === 'n') el.dataset.reading = 'next';
  });
}

/** The camera control of each plot row, made from the page's one template (#photo-take). */
function addPhotoControls() {
  const template = document.getElementById('photo-take') as HTMLTemplateElement | null;
  const control = template?.content.firstElementChild;
  if (!control) return;
  document.querySelectorAll<HTMLElement>('.entry-grid tr.plot-row').forEach((row) => {
    const head = row.querySelector('th');
    if (!head || head.querySelector('[data-photo]')) return;
    const copy = control.cloneNode(true) as HTMLElement;
    copy.querySelector<HTMLInputElement>('input[data-photo-plot]')!.dataset.photoPlot = row.id.slice('plot-'.length);
    head.append(copy);
  });
}

describeGrid();
const configEl = document.getElementById('offline-config');
if (configEl) void start(JSON.parse(configEl.textContent ?? '{}') as Config);

async function start(config: Config) {
  // As the server's translate(): in right-to-left text each value is an isolate (FSI … PDI), so
  // a typed "-5.5" or a time keeps its own order after Uyghur words.
  const rtl = config.dir === 'rtl';
  const iso = (v: string | number) => (rtl && v !== '' ? `\u2068${v}\u2069` : String(v));
  const t = (key: string, params: Record<string, string | number> = {}) =>
    (config.t[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => iso(params[k] ?? ''));
  const db: IDBPDatabase<Schema> = await openDB<Schema>('demoplot-offline', 1, {
    upgrade(d) {
      d.createObjectStore('entries', { keyPath: 'key' }).createIndex('trial', 'trialId');
      d.createObjectStore('photos', { keyPath: 'key' }).createIndex('trial', 'trialId');
      d.createObjectStore('meta', { keyPath: 'key' });
    },
  });
  if (navigator.storage?.persist) void navigator.storage.persist().catch(() => false);

  const status = document.querySelector<HTMLElement>('[data-pending]');
  const countEl = status?.querySelector<HTMLElement>('[data-pending-count]');
  const lastEl = status?.querySelector<HTMLElement>('[data-last-sync]');
  const noteEl = status?.querySelector<HTMLElement>('[data-sync-note]');
  const form = document.querySelector<HTMLFormElement>('form.entry-form');

  // ---- Showing the queue -----------------------------------------------------------------

  function cellOf(plotId: number, variable: string): HTMLElement | null {
    const input = document.querySelector(`[data-plot-id="${plotId}"][data-variable="${CSS.escape(variable)}"]:not([data-reading])`);
    return input ? input.closest('td') : null;
  }

  function shown(v: unknown): string {
    return v === null || v === undefined ? '—' : String(v);
  }

  async function render() {
    const entries = await db.getAllFromIndex('entries', 'trial', config.trialId);
    const photos = await db.getAllFromIndex('photos', 'trial', config.trialId);
    const n = entries.length + photos.length;
    if (status) {
      status.dataset.pending = String(n);
      status.classList.toggle('has-pending', n > 0);
    }
    if (countEl) countEl.textContent = t('offline.pending', { count: n });
    const last = (await db.get('meta', 'lastSync'))?.value;
    if (lastEl) lastEl.textContent = last ? t('offline.lastSync', { time: new Date(Number(last)).toLocaleString(config.locale ?? (config.lang === 'en' ? 'en-GB' : 'zh-CN')) }) : t('offline.never');
    document.querySelectorAll('[data-queue-mark]').forEach((el) => el.remove());
    document.querySelectorAll('td.is-pending, td.is-refused, td.is-conflict').forEach((td) => td.classList.remove('is-pending', 'is-refused', 'is-conflict'));
    for (const e of entries) {
      const td = cellOf(e.plotId, e.variable);
      if (!td) continue;
      td.classList.add(`is-${e.status}`);
      const box = document.createElement('div');
      box.dataset.queueMark = e.status;
      box.dataset.key = e.key;
      box.className = `queue-mark queue-${e.status}`;
      if (e.status === 'pending') {
        box.textContent = `${t('offline.waitingMark')} · ${iso(e.value)}`;
      } else if (e.status === 'refused') {
        box.setAttribute('role', 'alert');
        box.append(text('p', t('offline.refused', { message: e.message ?? '' })), text('p', `${t('offline.mine')}: ${iso(e.value)}`), button(t('offline.discard'), 'discard', e.key));
      } else {
        box.setAttribute('role', 'alert');
        const compare = document.createElement('dl');
        compare.className = 'conflict-values';
        compare.append(text('dt', t('offline.mine')), text('dd', iso(e.value), 'mine'), text('dt', t('offline.theirs')), text('dd', iso(shown(e.existing?.value)), 'theirs'));
        box.append(text('p', t('offline.conflictTitle'), 'conflict-title'), compare, button(t('offline.keepMine'), 'keep-mine', e.key), button(t('offline.keepTheirs'), 'keep-theirs', e.key));
      }
      td.append(box);
    }
    for (const p of photos) {
      const row = document.getElementById(`plot-${p.plotId}`)?.querySelector('th');
      if (!row) continue;
      const box = document.createElement('p');
      box.dataset.queueMark = 'photo';
      box.className = `queue-mark queue-${p.status}`;
      box.textContent = p.status === 'refused' ? t('offline.refused', { message: p.message ?? '' }) : t('offline.photoPending');
      if (p.status === 'refused') box.append(' ', button(t('offline.discard'), 'discard-photo', p.key));
      row.append(box);
    }
  }

  function text(tag: string, s: string, cls?: string) {
    const el = document.createElement(tag);
    el.textContent = s;
    if (cls) el.className = cls;
    return el;
  }
  function button(label: string, action: string, key: string) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn btn-small btn-secondary';
    b.textContent = label;
    b.dataset.queueAction = action;
    b.dataset.key = key;
    return b;
  }
  function note(s: string, tone: 'ok' | 'warn' | '' = '') {
    if (!noteEl) return;
    noteEl.textContent = s;
    noteEl.className = `sync-note${tone ? ` sync-${tone}` : ''}`;
    noteEl.hidden = s === '';
  }

  // ---- Queueing ------------------------------------------------------------------------

  /** Whether the server answers now (a lapsed session still counts as an answer). */
  async function reachable(): Promise<boolean> {
    if (!navigator.onLine) return false;
    try {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), 5000);
      const res = await fetch('/api/health', { cache: 'no-store', signal: ctl.signal });
      clearTimeout(timer);
      return res.status < 500;
    } catch {
      return false;
    }
  }

  async function queueForm(f: HTMLFormElement): Promise<number> {
    const data = new FormData(f);
    const common = (name: string) => {
      const v = String(data.get(name) ?? '').trim();
      return v === '' ? null : v;
    };
    // A further reading of a cell (data-reading) needs the server to number it: not queued.
    const fields = f.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-plot-id][data-variable]:not([data-reading])');
    const tx = db.transaction('entries', 'readwrite');
    let n = 0;
    for (const input of fields) {
      const value = input.value.trim();
      if (value === '') continue;
      await tx.store.put({
        key: crypto.randomUUID(),
        trialId: config.trialId,
        plotId: Number(input.dataset.plotId),
        plot: input.dataset.plot ?? '',
        variable: input.dataset.variable!,
        value,
        observedOn: common('observedOn'),
        recordedBy: common('recordedBy'),
        notes: common('notes'),
        queuedAt: Date.now(),
        status: 'pending',
      });
      n += 1;
    }
    await tx.done;
    // Cleared only once safely stored on the device; the input event tells the grid's own
    // draft keeping (public/entry.js) that these values are taken care of.
    for (const input of fields) {
      if (input.value.trim() === '') continue;
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    return n;
  }

  // Sent online, the form carries a key too, so a repeated submission stores nothing twice.
  if (form && !form.querySelector('input[name="_idempotencyKey"]')) {
    const key = document.createElement('input');
    key.type = 'hidden';
    key.name = '_idempotencyKey';
    key.value = crypto.randomUUID();
    form.append(key);
  }

  /** Whether the server answered the last time it was asked (undefined: not asked yet). */
  let reachableNow: boolean | undefined;
  async function probe() {
    reachableNow = await reachable();
    return reachableNow;
  }

  // Before the grid's own handler (capture phase): with the server reachable the form is
  // sent as usual; otherwise its values go into the queue.
  document.addEventListener(
    'submit',
    async (event) => {
      if (!form || event.target !== form) return;
      if (reachableNow === true && navigator.onLine) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (reachableNow === undefined && (await probe())) {
        form.requestSubmit();
        return;
      }
      const n = await queueForm(form);
      note(t('offline.queued', { count: n }), 'warn');
      await render();
      await askBackgroundSync();
      schedule();
    },
    true,
  );
  window.addEventListener('offline', () => (reachableNow = false));
  setInterval(() => {
    if (reachableNow !== true) void probe();
  }, 10_000);

  async function askBackgroundSync() {
    try {
      const reg = (await navigator.serviceWorker?.ready) as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };
      await reg?.sync?.register('demoplot-queue');
    } catch {
      /* no Background Sync here: the page's own retries send the queue */
    }
  }

  // ---- Sending ---------------------------------------------------------------------------

  let syncing = false;
  /** Retry delay: 3 s, growing by half each failure, at most a minute. */
  let delay = 3000;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => void sync(), delay);
    delay = Math.min(delay * 1.5, 60_000);
  }

  type Outcome = 'done' | 'kept' | 'stop' | 'signIn';

  async function headers(csrf: string): Promise<Record<string, string>> {
    return { accept: 'application/json', 'x-csrf-token': csrf, 'accept-language': config.lang };
  }

  async function sendEntry(e: Entry, csrf: string): Promise<Outcome> {
    let res: Response;
    try {
      res = await fetch(`/api/trials/${e.trialId}/observations`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { ...(await headers(csrf)), 'content-type': 'application/json', 'idempotency-key': e.key },
        body: JSON.stringify({ plot: e.plot, variable: e.variable, value: e.value, observedOn: e.observedOn, recordedBy: e.recordedBy, notes: e.notes }),
      });
    } catch {
      return 'stop';
    }
    if (res.ok) {
      await db.delete('entries', e.key);
      return 'done';
    }
    if (res.status === 401 || res.status === 403) return 'signIn';
    const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; issues?: { message: string }[]; existing?: Entry['existing'][] } } | null;
    const err = body?.error;
    if (res.status === 409 && err?.code === 'ObservationExists' && err.existing?.[0]) {
      await db.put('entries', { ...e, status: 'conflict', existing: err.existing[0] });
      return 'kept';
    }
    if (res.status === 400 || res.status === 409 || res.status === 422 || res.status === 423 || res.status === 404) {
      const message = err?.issues?.length ? err.issues.map((i) => i.message).join('; ') : (err?.message ?? String(res.status));
      await db.put('entries', { ...e, status: 'refused', message });
      return 'kept';
    }
    return 'stop';
  }

  async function sendPhoto(p: PhotoEntry, csrf: string): Promise<Outcome> {
    const body = new FormData();
    body.set('takenOn', p.takenOn);
    if (p.keepLocation) body.set('keepLocation', '1');
    body.set('file', p.blob, p.name);
    let res: Response;
    try {
      res = await fetch(`/api/plots/${p.plotId}/photos`, { method: 'POST', credentials: 'same-origin', headers: { ...(await headers(csrf)), 'idempotency-key': p.key }, body });
    } catch {
      return 'stop';
    }
    if (res.ok) {
      await db.delete('photos', p.key);
      return 'done';
    }
    if (res.status === 401 || res.status === 403) return 'signIn';
    if (res.status >= 500) return 'stop';
    const err = ((await res.json().catch(() => null)) as { error?: { message?: string; issues?: { message: string }[] } } | null)?.error;
    await db.put('photos', { ...p, status: 'refused', message: err?.issues?.map((i) => i.message).join('; ') ?? err?.message ?? String(res.status) });
    return 'kept';
  }

  /** The session's CSRF token, fresh (the page may be a copy from an earlier session). */
  async function session(): Promise<string | 'signIn' | 'unreachable'> {
    try {
      const res = await fetch('/api/me', { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (res.status === 401) return 'signIn';
      if (!res.ok) return 'unreachable';
      return String(((await res.json()) as { csrfToken?: string }).csrfToken ?? '');
    } catch {
      return 'unreachable';
    }
  }

  async function sync(): Promise<void> {
    if (syncing) return;
    const entries = (await db.getAll('entries')).filter((e) => e.status === 'pending');
    const photos = (await db.getAll('photos')).filter((p) => p.status === 'pending');
    if (entries.length + photos.length === 0) return;
    syncing = true;
    try {
      const csrf = await session();
      reachableNow = csrf !== 'unreachable';
      if (csrf === 'unreachable') return schedule();
      if (csrf === 'signIn') return signInNeeded();
      let sent = 0;
      for (const item of [...entries.map((e) => ['e', e] as const), ...photos.map((p) => ['p', p] as const)]) {
        const outcome = item[0] === 'e' ? await sendEntry(item[1], csrf) : await sendPhoto(item[1], csrf);
        if (outcome === 'done') sent += 1;
        if (outcome === 'signIn') {
          signInNeeded();
          break;
        }
        if (outcome === 'stop') {
          reachableNow = false;
          schedule();
          break;
        }
      }
      if (sent > 0) {
        await db.put('meta', { key: 'lastSync', value: Date.now() });
        note(t('offline.synced', { count: sent }), 'ok');
        delay = 3000;
      }
    } finally {
      syncing = false;
      await render();
    }
  }

  function signInNeeded() {
    if (!noteEl) return;
    note(t('offline.signIn'), 'warn');
    const a = document.createElement('a');
    a.href = config.loginHref;
    a.textContent = t('offline.signInLink');
    noteEl.append(' ', a);
  }

  // ---- Choices on a marked cell ----------------------------------------------------------

  document.addEventListener('click', async (event) => {
    const b = (event.target as HTMLElement).closest<HTMLButtonElement>('[data-queue-action]');
    if (!b) return;
    const key = b.dataset.key!;
    const action = b.dataset.queueAction;
    if (action === 'discard-photo') await db.delete('photos', key);
    const e = await db.get('entries', key);
    if (e && (action === 'discard' || action === 'keep-theirs')) await db.delete('entries', key);
    if (e && action === 'keep-mine' && e.existing) {
      const csrf = await session();
      if (csrf === 'signIn') signInNeeded();
      else if (csrf !== 'unreachable') {
        const res = await fetch(`/api/observations/${e.existing.id}`, {
          method: 'PATCH',
          credentials: 'same-origin',
          headers: { ...(await headers(csrf)), 'content-type': 'application/json' },
          // Mine is the value with its notes (a note typed with it is never dropped).
          body: JSON.stringify({ value: e.value, ...(e.notes ? { notes: e.notes } : {}), version: e.existing.version }),
        });
        const body = (await res.json().catch(() => null)) as { error?: { code?: string; current?: { value: unknown; version: number }; message?: string } } | null;
        if (res.ok) {
          await db.delete('entries', key);
          await db.put('meta', { key: 'lastSync', value: Date.now() });
        } else if (res.status === 409 && body?.error?.current) {
          // Changed once more meanwhile: show the newest value and ask again.
          await db.put('entries', { ...e, existing: { id: e.existing.id, value: body.error.current.value, version: body.error.current.version } });
        } else note(body?.error?.message ?? String(res.status), 'warn');
      }
    }
    await render();
  });

  // ---- Photos ----------------------------------------------------------------------------

  /** The photo scaled to at most 2048 px on its long side, as JPEG; drawing it again drops
   * its EXIF data, and so where it was taken. */
  async function shrink(file: File): Promise<Blob> {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' } as ImageBitmapOptions);
    const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/jpeg', 0.85));
  }

  document.addEventListener('change', async (event) => {
    const input = event.target as HTMLInputElement;
    if (!input.matches('input[type=file][data-photo-plot]') || !input.files?.length) return;
    const keep = input.closest('[data-photo]')?.querySelector<HTMLInputElement>('[data-photo-keep]')?.checked ?? false;
    for (const file of input.files) {
      let blob: Blob = file;
      // Keeping the location means sending the camera's file (the server scales it down).
      if (!keep) blob = await shrink(file).catch(() => file);
      await db.put('photos', {
        key: crypto.randomUUID(),
        trialId: config.trialId,
        plotId: Number(input.dataset.photoPlot),
        blob,
        name: keep ? file.name : file.name.replace(/\.\w+$/, '') + '.jpg',
        takenOn: new Date(file.lastModified || Date.now()).toISOString().slice(0, 10),
        keepLocation: keep,
        queuedAt: Date.now(),
        status: 'pending',
      });
    }
    input.value = '';
    await render();
    await askBackgroundSync();
    void sync();
  });

  // ---- When to send ----------------------------------------------------------------------

  window.addEventListener('online', () => {
    delay = 3000;
    void probe();
    void sync();
  });
  navigator.serviceWorker?.addEventListener('message', (event) => {
    if ((event.data as { type?: string })?.type === 'demoplot-sync') void sync();
  });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  }
  status?.querySelector('[data-sync-now]')?.addEventListener('click', () => {
    delay = 3000;
    void sync();
  });
  addPhotoControls();
  await render();
  void probe();
  void sync();
}

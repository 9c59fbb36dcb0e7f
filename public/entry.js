// The entry grid keeps every typed value in this browser until the server confirms it, so
// an expired session, a refusal or a lost connection never loses what was typed. The page
// works without this script; with it, nothing typed is lost and Save cannot be sent twice.
(function () {
  'use strict';
  // One Tab stop per cell: the cells' history and "another reading" summaries are out of the Tab
  // order; one button per row opens (or closes) them all, and their links then follow in order.
  // The buttons are made here (the page sends their words once, on the grid's box).
  var wrap = document.querySelector('.grid-wrap[data-row-history-text]');
  if (!wrap) return;
  var text = wrap.getAttribute('data-row-history-text');
  var labelTemplate = wrap.getAttribute('data-row-history-label') || '';
  Array.prototype.forEach.call(wrap.querySelectorAll('tr.plot-row'), function (row) {
    var all = row.querySelectorAll('details.history, details.another');
    var head = row.querySelector('th.plot-col');
    if (!all.length || !head) return;
    var plot = row.querySelector('.plot-label');
    var toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'row-history no-print';
    toggle.setAttribute('data-row-history', '');
    toggle.setAttribute('aria-label', labelTemplate.replace('{plot}', function () {
      return plot ? plot.textContent : '';
    }));
    toggle.textContent = text;
    head.insertBefore(toggle, head.querySelector('[data-photo]'));
    function sync() {
      var open = Array.prototype.some.call(all, function (d) {
        return d.open;
      });
      toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    }
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') !== 'true';
      Array.prototype.forEach.call(all, function (d) {
        d.open = open;
      });
      sync();
    });
    Array.prototype.forEach.call(all, function (d) {
      d.addEventListener('toggle', sync);
    });
    sync();
  });
})();

(function () {
  'use strict';
  var form = document.querySelector('form[data-entry-form]');
  if (!form) return;
  var storeKey = 'demoplot.entry.' + form.getAttribute('data-trial');
  var KEPT = /^(v|n)\.\d+\.\d+$/;
  var button = form.querySelector('button[type="submit"]');
  var status = form.querySelector('[data-save-status]');

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(storeKey) || '{}') || {};
    } catch (e) {
      return {};
    }
  }
  function save(state) {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify(state));
    } catch (e) {
      /* storage full or refused: the form still posts */
    }
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && KEPT.test(el.name);
    });
  }

  var state = load();
  state.values = state.values || {};

  // The server confirmed a save: forget exactly the values that save carried.
  var confirmed = form.getAttribute('data-saved-key');
  if (confirmed && state.pending && state.pending.key === confirmed) {
    Object.keys(state.pending.values).forEach(function (name) {
      if (state.values[name] === state.pending.values[name]) delete state.values[name];
    });
    delete state.pending;
    save(state);
  }

  // Put back what was typed and not yet confirmed (after signing in again, a 403, a lost
  // connection); what the server sent back after a refusal stays as it is.
  var restored = 0;
  fields().forEach(function (el) {
    var kept = state.values[el.name];
    if (kept !== undefined && kept !== '' && el.value === '') {
      el.value = kept;
      restored += 1;
      var details = el.closest('details');
      if (details) details.open = true;
    }
  });
  if (restored > 0 && status && form.getAttribute('data-restored-template')) {
    status.textContent = form.getAttribute('data-restored-template').replace('{count}', String(restored));
  }

  form.addEventListener('input', function (event) {
    var el = event.target;
    if (!el.name || !KEPT.test(el.name)) return;
    if (el.value === '') delete state.values[el.name];
    else state.values[el.name] = el.value;
    save(state);
  });
  form.addEventListener('change', function (event) {
    var el = event.target;
    if (!el.name || !KEPT.test(el.name)) return;
    if (el.value === '') delete state.values[el.name];
    else state.values[el.name] = el.value;
    save(state);
  });

  var sending = false;
  form.addEventListener('submit', function (event) {
    if (sending) {
      event.preventDefault();
      return;
    }
    sending = true;
    var values = {};
    fields().forEach(function (el) {
      if (el.value !== '') {
        values[el.name] = el.value;
        state.values[el.name] = el.value;
      }
    });
    state.pending = { key: form.elements._idempotencyKey ? form.elements._idempotencyKey.value : '', values: values };
    save(state);
    if (button) {
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      button.textContent = button.getAttribute('data-saving-label') || button.textContent;
    }
  });

  // "Today" beside each date cell (today in the server's time zone); in the cell, T does the same.
  // The buttons are made here from the form's words: without this script they would do nothing.
  var today = form.getAttribute('data-today');
  var todayText = form.getAttribute('data-today-text') || '';
  var todayLabel = form.getAttribute('data-today-label') || '';
  function fillToday(input) {
    if (!today || !input) return;
    input.value = today;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }
  function words(el) {
    return el && el.firstChild ? String(el.firstChild.textContent).trim() : '';
  }
  Array.prototype.forEach.call(form.querySelectorAll('td.cell input[type="date"][name^="v."]'), function (input) {
    if (!today) return;
    var row = input.closest('tr');
    var plot = row ? words(row.querySelector('.plot-label')) : '';
    var cell = words(form.querySelector('label[for="' + input.id + '"]'));
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn-today no-print';
    b.setAttribute('data-today-for', input.id);
    b.tabIndex = -1;
    b.setAttribute('aria-label', todayLabel.replace('{plot}', function () {
      return plot;
    }).replace('{cell}', function () {
      return cell;
    }));
    b.textContent = todayText;
    input.insertAdjacentElement('afterend', b);
    b.addEventListener('click', function () {
      fillToday(input);
      input.focus();
    });
    input.addEventListener('keydown', function (event) {
      if ((event.key === 't' || event.key === 'T') && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        fillToday(input);
      }
    });
  });

  // Back from another page (the browser's cache): Save works again.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted && button) {
      sending = false;
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
})();

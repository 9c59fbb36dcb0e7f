// Small enhancements; every page works without them.
(function () {
  'use strict';

  // A print button where scripts run (the browser's own Print works everywhere).
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });

  // Copy a text (the programme summary) to the clipboard; the text stays selectable anyway.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var source = document.querySelector(button.getAttribute('data-copy'));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.getAttribute('data-copied') || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });

  // Signing out forgets the trial pages kept for offline use, so the next person on a shared
  // phone cannot open them without signing in; values still waiting to be sent stay queued.
  document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.caches || form.hasAttribute('data-pages-forgotten')) return;
      event.preventDefault();
      form.setAttribute('data-pages-forgotten', '');
      window.caches.delete('demoplot-trial-pages').catch(function () { return false; }).then(function () { form.submit(); });
    });
  });

  // Ask before a destructive form is sent.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });

  // After a refused submission, put the cursor in the first field to correct.
  var invalid = document.querySelector('.entry-form [aria-invalid="true"], form.form [aria-invalid="true"]');
  if (invalid) {
    invalid.focus({ preventScroll: true });
    invalid.scrollIntoView({ block: 'center' });
  }

  // Roster picker: find a farmer by name or household, and count who is ticked.
  document.querySelectorAll('[data-roster]').forEach(function (roster) {
    var filter = roster.querySelector('[data-roster-filter]');
    var count = roster.querySelector('[data-roster-count]');
    var boxes = roster.querySelectorAll('input[type="checkbox"]');
    function recount() {
      if (!count) return;
      var n = 0;
      var w = 0;
      boxes.forEach(function (box) {
        if (box.checked) {
          n += 1;
          if (box.hasAttribute('data-female')) w += 1;
        }
      });
      count.textContent = count.getAttribute('data-template').replace('{n}', String(n)).replace('{w}', String(w));
    }
    roster.addEventListener('change', recount);
    if (filter) {
      filter.closest('label').hidden = false;
      filter.addEventListener('input', function () {
        var q = filter.value.trim().toLowerCase();
        roster.querySelectorAll('li[data-name]').forEach(function (li) {
          li.hidden = q !== '' && li.getAttribute('data-name').toLowerCase().indexOf(q) < 0;
        });
        // A village with no match is hidden, not just closed; clearing the search shows all.
        roster.querySelectorAll('details.village').forEach(function (d) {
          var any = d.querySelector('li[data-name]:not([hidden])') !== null;
          d.hidden = q !== '' && !any;
          if (q !== '') d.open = any;
        });
      });
    }
  });
})();

// /trials/:id?plot=<label> (the link in a plot label's QR code, and the way back from a
// correction): bring that plot's row of the entry grid into view and put the cursor in its
// first cell. The server has already opened the site and page that hold the plot.
(function () {
  'use strict';
  var label = new URLSearchParams(window.location.search).get('plot');
  if (!label) return;
  var row = null;
  var rows = document.querySelectorAll('.entry-grid tr.plot-row');
  for (var i = 0; i < rows.length; i++) {
    var name = rows[i].querySelector('.plot-label');
    if (name && name.textContent.trim() === label) {
      row = rows[i];
      break;
    }
  }
  if (!row) return;
  row.classList.add('is-target');
  row.setAttribute('aria-current', 'true');
  // A confirmation about this plot (after a correction) sits just below its row: show it;
  // otherwise the row, from its top when it is taller than the screen (a phone's card).
  var next = row.nextElementSibling;
  var flash = next && next.classList.contains('row-flash') ? next : null;
  var target = flash || row;
  var wrap = row.closest('.grid-wrap');
  function show() {
    // On a wide screen the grid scrolls in its own box (its header row sticks there): bring the
    // whole box into view, then the target to the middle of the box.
    if (wrap && wrap.scrollHeight > wrap.clientHeight && getComputedStyle(wrap).overflowY !== 'visible') {
      wrap.scrollIntoView({ block: 'center' });
      var box = wrap.getBoundingClientRect();
      var r = target.getBoundingClientRect();
      wrap.scrollTop += r.top - box.top - Math.max(0, (wrap.clientHeight - r.height) / 2);
      return;
    }
    target.scrollIntoView({ block: !flash && row.getBoundingClientRect().height > window.innerHeight * 0.8 ? 'start' : 'center' });
  }
  show();
  var input = row.querySelector('input[data-variable], select[data-variable]');
  if (input) input.focus({ preventScroll: true });
  // Once the page has loaded, the browser's own jump to #plot-… (and late layout) may have
  // moved it: show it again unless the person has scrolled since.
  var moved = false;
  ['wheel', 'touchmove', 'keydown'].forEach(function (type) {
    window.addEventListener(type, function () { moved = true; }, { once: true, passive: true });
  });
  window.addEventListener('load', function () {
    setTimeout(function () {
      if (!moved) show();
    }, 0);
  });
})();

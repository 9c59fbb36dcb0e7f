// /trials/:id?plot=<label> (the link in a plot label's QR code): bring that plot's row of the
// entry grid into view and put the cursor in its first cell.
(function () {
  'use strict';
  var label = new URLSearchParams(window.location.search).get('plot');
  if (!label) return;
  var rows = document.querySelectorAll('.entry-grid tr.plot-row');
  for (var i = 0; i < rows.length; i++) {
    var name = rows[i].querySelector('.plot-label');
    if (name && name.textContent.trim() === label) {
      var row = rows[i];
      row.classList.add('is-target');
      row.setAttribute('aria-current', 'true');
      row.scrollIntoView({ block: 'center' });
      var input = row.querySelector('input, select');
      if (input) input.focus({ preventScroll: true });
      return;
    }
  }
})();

// Import pages: upload with a progress bar, and a progress bar while a preview is committed.
// Without this script both forms still work as plain form posts.
(function () {
  'use strict';

  /** The session's CSRF token, which the layout puts in a meta tag. */
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function progressOf(form) {
    var box = form.querySelector('.import-progress');
    return {
      bar: box.querySelector('progress'),
      label: box.querySelector('.import-progress-label'),
      show: function (text, percent) {
        box.hidden = false;
        if (percent === undefined) this.bar.removeAttribute('value');
        else this.bar.value = percent;
        this.label.textContent = text;
      },
      hide: function () {
        box.hidden = true;
      },
    };
  }

  function fail(form, message) {
    var p = form.querySelector('.import-failure');
    p.textContent = message;
    p.hidden = false;
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = false;
  }

  function errorMessage(form, xhrText) {
    try {
      var body = JSON.parse(xhrText);
      if (body && body.error) {
        // Each issue names its row (when it has one) and its field; in a right-to-left page
        // each is isolated (FSI … PDI) so a field name or figure keeps its own order.
        var rtl = document.documentElement.dir === 'rtl';
        var issues = (body.error.issues || []).slice(0, 5).map(function (i) {
          var where = (i.row ? form.dataset.msgRow.replace('{row}', String(i.row)) + ' ' : '') + ((i.column || i.path) ? (i.column || i.path) + ': ' : '');
          var text = where + i.message;
          return rtl ? '\u2068' + text + '\u2069' : text;
        });
        return [body.error.message].concat(issues).join(rtl ? ' \u061b ' : '; ');
      }
    } catch (e) {
      /* not JSON */
    }
    return form.dataset.msgFailed;
  }

  var upload = document.querySelector('form.import-upload');
  if (upload && window.XMLHttpRequest && window.FormData) {
    upload.addEventListener('submit', function (event) {
      var input = upload.querySelector('input[type=file]');
      if (!input.files || !input.files.length) return;
      event.preventDefault();
      var progress = progressOf(upload);
      var button = upload.querySelector('button[type=submit]');
      button.disabled = true;
      upload.querySelector('.import-failure').hidden = true;
      var data = new FormData(upload);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', upload.dataset.api);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('X-CSRF-Token', csrfToken());
      // The file is checked while it uploads, so the upload's progress is the check's.
      xhr.upload.addEventListener('progress', function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.floor((e.loaded / e.total) * 100);
        if (percent >= 100) progress.show(upload.dataset.msgChecking);
        else progress.show(upload.dataset.msgUploading.replace('{percent}', String(percent)), percent);
      });
      xhr.addEventListener('load', function () {
        if (xhr.status === 201) {
          var body = JSON.parse(xhr.responseText);
          window.location.assign('/imports/' + encodeURIComponent(body.id));
          return;
        }
        progress.hide();
        fail(upload, errorMessage(upload, xhr.responseText));
      });
      xhr.addEventListener('error', function () {
        progress.hide();
        fail(upload, upload.dataset.msgFailed);
      });
      progress.show(upload.dataset.msgUploading.replace('{percent}', '0'), 0);
      xhr.send(data);
    });
  }

  var commit = document.querySelector('form.import-commit');
  if (commit && window.fetch) {
    commit.addEventListener('submit', function (event) {
      event.preventDefault();
      var progress = progressOf(commit);
      var button = commit.querySelector('button[type=submit]');
      button.disabled = true;
      commit.querySelector('.import-failure').hidden = true;
      progress.show(commit.dataset.msgSaving);
      fetch(commit.dataset.api, { method: 'POST', headers: { Accept: 'application/json', 'X-CSRF-Token': csrfToken() }, credentials: 'same-origin' })
        .then(function (res) {
          return res.text().then(function (text) {
            if (res.ok) {
              window.location.reload();
              return;
            }
            progress.hide();
            fail(commit, errorMessage(commit, text));
          });
        })
        .catch(function () {
          progress.hide();
          fail(commit, commit.dataset.msgFailed);
        });
    });
  }
})();

// Small progressive enhancements for every page. Each page works without this script.
(function () {
  'use strict';
  var body = document.body;

  // Error summary (GOV.UK pattern): focus it so it is read out and seen, even deep in an LMS iframe;
  // its links move focus to the field, not just scroll to it.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: 'start' });
    summary.addEventListener('click', function (e) {
      var link = e.target.closest && e.target.closest('a[href^="#"]');
      if (!link) return;
      var field = document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      e.preventDefault();
      field.scrollIntoView({ block: 'center' });
      field.focus();
    });
  }

  // A visible count beside every field with a length limit.
  var countText = body.getAttribute('data-count-text') || '{n} / {max}';
  Array.prototype.forEach.call(document.querySelectorAll('textarea[maxlength], input[maxlength]:not([type=hidden])'), function (field) {
    var max = Number(field.getAttribute('maxlength'));
    if (!max || !field.id) return;
    var count = document.createElement('p');
    count.className = 'char-count';
    count.id = field.id + '-count';
    count.setAttribute('aria-live', 'polite');
    var update = function () {
      count.textContent = countText.replace('{n}', String(field.value.length)).replace('{max}', String(max));
      count.classList.toggle('near-limit', field.value.length > max * 0.9);
    };
    update();
    field.addEventListener('input', update);
    field.insertAdjacentElement('afterend', count);
    var described = field.getAttribute('aria-describedby');
    field.setAttribute('aria-describedby', described ? described + ' ' + count.id : count.id);
  });

  // Warn before leaving a page whose typed text was not saved.
  var dirty = new Set();
  Array.prototype.forEach.call(document.querySelectorAll('form[data-warn-unsaved]'), function (form) {
    form.addEventListener('input', function () { dirty.add(form); });
    form.addEventListener('submit', function () { dirty.clear(); });
  });
  window.addEventListener('beforeunload', function (e) {
    if (dirty.size === 0) return;
    e.preventDefault();
    e.returnValue = body.getAttribute('data-unsaved-text') || '';
  });

  // Print views open in their own top-level window and print themselves.
  Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (button) {
    button.addEventListener('click', function () { window.print(); });
  });
  if (body.hasAttribute('data-print-on-load') && window.top === window) window.addEventListener('load', function () { window.print(); });

  // A report's table of numbers is folded under its chart on screen and printed open (browsers without ::details-content).
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details.report-data:not([open])'), function (d) { d.setAttribute('open', ''); d.setAttribute('data-print-opened', ''); });
  });
  window.addEventListener('afterprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details[data-print-opened]'), function (d) { d.removeAttribute('open'); d.removeAttribute('data-print-opened'); });
  });

  // Ask the LMS to size its frame to the page (Canvas, Moodle and others listen for this message).
  if (window.parent !== window) {
    var last = 0;
    var resize = function () {
      var height = Math.ceil(document.documentElement.scrollHeight);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ subject: 'lti.frameResize', height: height }, '*');
    };
    resize();
    if (window.ResizeObserver) new ResizeObserver(resize).observe(document.documentElement);
    else window.addEventListener('load', resize);
  }
})();

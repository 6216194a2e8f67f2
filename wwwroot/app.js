// Small browser helpers for Pop3Webmail. Loaded from this origin only (the CSP allows no inline script).
window.pop3webmail = {
  // The IANA time zone of the browser, so dates show in the user's local time.
  timeZone: function () {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch { return null; }
  },

  // Keeps the keyboard-highlighted inbox row in view. Rows are virtualized: when the row is not rendered yet,
  // scroll by its estimated position so the virtualizer renders it.
  scrollToRow: function (list, index, key) {
    if (!list) { return; }
    const rows = list.querySelector('.inbox-rows') || list;
    const row = Array.prototype.find.call(list.querySelectorAll('[data-key]'), function (r) { return r.getAttribute('data-key') === key; });
    if (row) {
      row.scrollIntoView({ block: 'nearest' });
    } else {
      rows.scrollTop = Math.max(0, index * 40 - rows.clientHeight / 2);
    }
  }
};

// Arrow keys and space move the highlight in the inbox list instead of scrolling the page.
document.addEventListener('keydown', function (e) {
  if (e.target && e.target.closest && e.target.closest('[data-keyboard-list]')
      && (e.key === 'ArrowUp' || e.key === 'ArrowDown' || e.key === ' ')) {
    e.preventDefault();
  }
});

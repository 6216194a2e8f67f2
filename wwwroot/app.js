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
  },

  // A random id for this tab, kept in the tab's window name: it survives a reload of the tab and dies with it, and it
  // is not browser storage (kiosks keep nothing there; browsers clear the name when the tab leaves for another site).
  // The server keeps a tab's resume handle under it (in an HttpOnly cookie), so a reload takes the tab's own visit back.
  tabId: function () {
    const prefix = 'p3w-tab-';
    if (typeof window.name === 'string' && window.name.indexOf(prefix) === 0 && window.name.length === prefix.length + 32) {
      return window.name.substring(prefix.length);
    }
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    const id = Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    window.name = prefix + id;
    return id;
  },

  // Exchanges a one-time ticket for this tab's entry in the HttpOnly resume cookie (a circuit cannot set cookies).
  bindTab: async function (url) {
    const tab = window.pop3webmail.tabId();
    if (!tab) { return false; }
    const response = await fetch(url + '&tab=' + encodeURIComponent(tab), { method: 'POST', credentials: 'same-origin' });
    return response.ok;
  }
};

// Arrow keys and space move the highlight in the inbox list instead of scrolling the page.
document.addEventListener('keydown', function (e) {
  if (e.target && e.target.closest && e.target.closest('[data-keyboard-list]')
      && (e.key === 'ArrowUp' || e.key === 'ArrowDown' || e.key === ' ')) {
    e.preventDefault();
  }
});

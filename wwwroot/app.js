// Small browser helpers for Pop3Webmail. Loaded from this origin only (the CSP allows no inline script).
// Nothing here calls back into a circuit that has gone: a call that fails (the component was disposed, the circuit
// closed) removes the listener that made it, so components never need a JS call while they are being disposed.
window.pop3webmail = (function () {
  'use strict';

  const wideQuery = '(min-width: 1024px)';
  const darkQuery = '(prefers-color-scheme: dark)';

  // Calls a .NET method; when the reference is gone (component disposed, circuit closed) runs `stop` instead.
  function callback(dotnet, method, args, stop) {
    try {
      dotnet.invokeMethodAsync(method, ...args).catch(stop);
    } catch (e) {
      stop();
    }
  }

  // A random id for this tab, kept in the tab's window name: it survives a reload of the tab and dies with it, and it
  // is not browser storage (kiosks keep nothing there; browsers clear the name when the tab leaves for another site).
  // The server keeps a tab's resume handle under it (in an HttpOnly cookie), so a reload takes the tab's own visit back.
  function tabId() {
    const prefix = 'p3w-tab-';
    if (typeof window.name === 'string' && window.name.indexOf(prefix) === 0 && window.name.length === prefix.length + 32) {
      return window.name.substring(prefix.length);
    }
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    const id = Array.prototype.map.call(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    window.name = prefix + id;
    return id;
  }

  // Exchanges a one-time ticket for this tab's entry in the HttpOnly resume cookie (a circuit cannot set cookies).
  async function bindTab(url) {
    const response = await fetch(url + '&tab=' + encodeURIComponent(tabId()), { method: 'POST', credentials: 'same-origin' });
    return response.ok;
  }

  // A listener that unregisters itself the first time its .NET target is gone.
  function listen(target, type, dotnet, method, read) {
    const handler = function () {
      callback(dotnet, method, [read()], function () { target.removeEventListener(type, handler); });
    };
    target.addEventListener(type, handler);
  }

  // The virtualized message list. The grid scrolls itself under a sticky header row; the server renders rows
  // [first, first + count) between two spacers whose heights are multiples of the CSS variable --row-height (which
  // changes with the layout), and the browser reports the visible window whenever it leaves the rendered one. The
  // scroll position survives the list being hidden (narrow screens hide it while a message is open): it is put back
  // when the list is shown again.
  const lists = new Set();

  function geometry(grid) {
    const rows = grid.querySelector('.inbox-rows');
    const head = grid.querySelector('.inbox-head');
    const height = parseFloat(getComputedStyle(grid).getPropertyValue('--row-height'));
    return {
      top: rows ? rows.offsetTop : 0,
      head: head ? head.offsetHeight : 0,
      row: height > 0 ? height : 44
    };
  }

  function reportIfUncovered(state) {
    const grid = state.grid;
    if (!grid.isConnected) {
      detach(state);
      return;
    }

    if (grid.clientHeight === 0) {
      return; // hidden: keep what is rendered and the remembered position
    }

    const g = geometry(grid);
    const seenFirst = Math.max(0, Math.floor((grid.scrollTop - g.top + g.head) / g.row));
    const seenCount = Math.ceil(grid.clientHeight / g.row) + 1;
    const first = parseInt(grid.dataset.first || '0', 10);
    const count = parseInt(grid.dataset.count || '0', 10);
    const total = parseInt(grid.dataset.total || '0', 10);
    const last = Math.min(seenFirst + seenCount, total);
    if (seenFirst >= first && last <= first + count) {
      return;
    }

    const key = seenFirst + ':' + seenCount + ':' + total;
    if (key === state.reported) {
      return;
    }

    state.reported = key;
    callback(state.dotnet, 'OnViewportChanged', [seenFirst, seenCount], function () { detach(state); });
  }

  function detach(state) {
    state.grid.removeEventListener('scroll', state.onScroll);
    state.resize.disconnect();
    lists.delete(state);
  }

  function attachList(grid, dotnet) {
    if (!grid) {
      return;
    }

    lists.forEach(function (state) {
      if (!state.grid.isConnected || state.grid === grid) {
        detach(state);
      }
    });

    const state = { grid: grid, dotnet: dotnet, scrollTop: 0, reported: null, frame: 0 };
    state.onScroll = function () {
      if (grid.clientHeight > 0) {
        state.scrollTop = grid.scrollTop;
      }

      if (!state.frame) {
        state.frame = requestAnimationFrame(function () {
          state.frame = 0;
          reportIfUncovered(state);
        });
      }
    };
    state.resize = new ResizeObserver(function () {
      if (grid.clientHeight > 0 && grid.scrollTop !== state.scrollTop) {
        grid.scrollTop = state.scrollTop; // shown again after being hidden: back where the reader was
      }

      reportIfUncovered(state);
    });
    grid.addEventListener('scroll', state.onScroll, { passive: true });
    state.resize.observe(grid);
    lists.add(state);
    reportIfUncovered(state);
  }

  // Scrolls as little as possible to show row `index` below the sticky header (it may not be rendered yet; the
  // scroll makes it so).
  function showRow(grid, index) {
    if (!grid || grid.clientHeight === 0) {
      return;
    }

    const g = geometry(grid);
    const top = g.top + index * g.row;
    if (top - g.head < grid.scrollTop) {
      grid.scrollTop = top - g.head;
    } else if (top + g.row > grid.scrollTop + grid.clientHeight) {
      grid.scrollTop = top + g.row - grid.clientHeight;
    }
  }

  function focus(element) {
    if (element && element.isConnected) {
      element.focus({ preventScroll: false });
    }
  }

  function focusFirst(selector) {
    focus(document.querySelector(selector));
  }

  // Page facts a mailbox view needs: tab visibility (automatic mail checks run only while it is seen) and whether
  // the screen is wide enough for list and message side by side.
  function watchMailbox(dotnet) {
    const wide = window.matchMedia(wideQuery);
    listen(document, 'visibilitychange', dotnet, 'OnVisibilityChanged', function () { return document.visibilityState === 'visible'; });
    listen(wide, 'change', dotnet, 'OnWideChanged', function () { return wide.matches; });
    return { visible: document.visibilityState === 'visible', wide: wide.matches };
  }

  // The system colour scheme, now and whenever it changes.
  function watchColorScheme(dotnet) {
    const dark = window.matchMedia(darkQuery);
    listen(dark, 'change', dotnet, 'OnSystemDarkChanged', function () { return dark.matches; });
    return dark.matches;
  }

  // A display preference as a cookie, so the server renders the first paint right (no flash of the wrong theme).
  // Null removes it. Never called in kiosk mode: nothing of a user stays behind on a shared PC.
  function setPreference(name, value) {
    const base = document.querySelector('base');
    const path = base ? new URL(base.href).pathname : '/';
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = value === null
      ? name + '=; Path=' + path + '; Max-Age=0; SameSite=Lax' + secure
      : name + '=' + encodeURIComponent(value) + '; Path=' + path + '; Max-Age=31536000; SameSite=Lax' + secure;
  }

  // Downloads in a hidden frame: an attachment response is saved, and anything else (204, 404) stays inside the
  // frame, so the app never navigates away and its circuit lives on. The frame goes after a minute, long after the
  // download has begun.
  function download(url) {
    const frame = document.createElement('iframe');
    frame.className = 'download-frame';
    frame.hidden = true;
    frame.tabIndex = -1;
    frame.title = 'download';
    frame.setAttribute('aria-hidden', 'true');
    frame.src = url;
    document.body.appendChild(frame);
    setTimeout(function () { frame.remove(); }, 60000);
  }

  // Printing an HTML body: the sandboxed mail frame has an opaque origin, so nobody can learn how tall its content
  // is, and a frame prints only as tall as its box. For the print, the same sanitized document goes into a second
  // frame whose sandbox runs no script at all (no allow-scripts) but shares this origin, so its height can be read;
  // the print shows that frame at full height instead of the on-screen one, and it is removed afterwards.
  function print(htmlDocument) {
    if (!htmlDocument) {
      window.print();
      return;
    }

    const host = document.querySelector('.message-body');
    if (!host) {
      window.print();
      return;
    }

    const frame = document.createElement('iframe');
    frame.className = 'mail-print-frame';
    frame.setAttribute('sandbox', 'allow-same-origin');
    frame.setAttribute('referrerpolicy', 'no-referrer');
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.title = 'print';
    frame.addEventListener('load', function () {
      const root = frame.contentDocument && frame.contentDocument.documentElement;
      frame.style.height = (root ? root.scrollHeight + 16 : 0) + 'px';
      const cleanup = function () {
        frame.remove();
        window.removeEventListener('afterprint', cleanup);
      };
      window.addEventListener('afterprint', cleanup);
      window.print();
    }, { once: true });
    frame.srcdoc = htmlDocument;
    host.appendChild(frame);
  }

  function back() {
    history.back();
  }

  return {
    timeZone: function () {
      try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
    },
    attachList: attachList,
    showRow: showRow,
    focus: focus,
    focusFirst: focusFirst,
    watchMailbox: watchMailbox,
    watchColorScheme: watchColorScheme,
    setPreference: setPreference,
    download: download,
    print: print,
    back: back,
    tabId: tabId,
    bindTab: bindTab
  };
})();

// Arrow keys, Page Up/Down, Home/End and space move the highlight in the message list instead of scrolling the page.
document.addEventListener('keydown', function (e) {
  if (e.target && e.target.closest && e.target.matches('[data-keyboard-list]')
      && ['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' '].indexOf(e.key) >= 0) {
    e.preventDefault();
  }
});

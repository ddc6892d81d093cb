// Treffpunkt staff UI: partial updates of the review panel and keyboard
// shortcuts (j/k next/previous, a approve, r reject, e edit). Everything
// works without this script too: forms post and redirect back.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var detail = document.getElementById("detail");
  var list = document.getElementById("entries");
  var flash = document.getElementById("flash");

  function say(msg, isError) {
    if (!flash) return;
    flash.innerHTML = "";
    var p = document.createElement("p");
    p.className = isError ? "error" : "flash";
    p.textContent = msg;
    flash.appendChild(p);
  }

  function rows() { return list ? Array.prototype.slice.call(list.querySelectorAll("li.entry")) : []; }
  function current() { return list ? list.querySelector("li.entry.selected") : null; }

  function load(li) {
    if (!li || !detail) return;
    rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-current"); });
    li.classList.add("selected");
    li.setAttribute("aria-current", "true");
    li.scrollIntoView({ block: "nearest" });
    var a = li.querySelector("a[data-detail]");
    var url = new URL(window.location.href);
    url.searchParams.set("id", li.dataset.id);
    history.replaceState(null, "", url);
    fetch(a.dataset.detail + "?next=" + encodeURIComponent(url.pathname + url.search), { headers: { "X-Partial": "1" }, credentials: "same-origin" })
      .then(function (res) { return res.text().then(function (t) { return { ok: res.ok, text: t }; }); })
      .then(function (r) { if (r.ok) { detail.innerHTML = r.text; rrInit(detail); } else { say(textOf(r.text), true); } })
      .catch(function () { say("Netzwerkfehler / network error", true); });
  }

  function textOf(html) {
    var d = document.createElement("div");
    d.innerHTML = html;
    return (d.textContent || "").trim();
  }

  function move(step) {
    var rs = rows();
    if (!rs.length) return;
    var i = rs.indexOf(current());
    var next = rs[Math.min(Math.max(i + step, 0), rs.length - 1)];
    if (i < 0) next = rs[0];
    load(next);
  }

  // Queue states that keep an entry in the queue.
  var queued = { "new": true, "changed": true, "vanished": true };

  // bump changes a tab's counter by d.
  function bump(state, d) {
    var c = document.querySelector('.tabs a[data-state="' + state + '"] .count');
    if (c) c.textContent = String(Math.max(0, (parseInt(c.textContent, 10) || 0) + d));
  }

  // moved updates the tab counters for an entry that went from one queue
  // state to another ("" counts new, changed and vanished; "all" stays).
  function moved(from, to) {
    if (!from || !to || from === to) return;
    bump(from, -1);
    bump(to, 1);
    if (queued[from] && !queued[to]) bump("", -1);
    if (!queued[from] && queued[to]) bump("", 1);
  }

  function submitPartial(form) {
    var data = new FormData(form);
    var panel = form.closest(".detail");
    var before = panel ? panel.dataset.state : "";
    return fetch(form.action, {
      method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
      headers: { "X-Partial": "1", "X-CSRF-Token": csrf }
    }).then(function (res) {
      return res.text().then(function (t) {
        if (!res.ok) { say(textOf(t), true); return; }
        var action = form.dataset.action;
        var state = res.headers.get("X-State") || "";
        moved(before, state);
        var li = current();
        var inQueue = !new URL(window.location.href).searchParams.get("state");
        if (li && inQueue && (action === "approve" || action === "reject" || action === "cancel") && !queued[state]) {
          var rs = rows();
          var i = rs.indexOf(li);
          var next = rs[i + 1] || rs[i - 1];
          li.remove();
          say(form.querySelector("button").textContent.replace(/\s+[a-z]$/, "") + " ✓");
          if (next) { load(next); } else { detail.innerHTML = t; rrInit(detail); }
          return;
        }
        detail.innerHTML = t;
        rrInit(detail);
        say("✓");
      });
    }).catch(function () { say("Netzwerkfehler / network error", true); });
  }

  if (detail && list) {
    detail.addEventListener("submit", function (ev) {
      var form = ev.target;
      if (!form.dataset.action) return;
      ev.preventDefault();
      submitPartial(form);
    });
    list.addEventListener("click", function (ev) {
      var a = ev.target.closest("a[data-detail]");
      if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      ev.preventDefault();
      load(a.closest("li.entry"));
    });
  }

  document.addEventListener("click", function (ev) {
    var open = ev.target.closest("[data-open]");
    if (open) {
      var f = document.getElementById(open.dataset.open);
      if (f) { f.hidden = false; var first = f.querySelector("input:not([type=hidden]), textarea"); if (first) first.focus(); }
    }
    var close = ev.target.closest("[data-close]");
    if (close) { var g = document.getElementById(close.dataset.close); if (g) g.hidden = true; }
    var copy = ev.target.closest("[data-copy]");
    if (copy) {
      var pre = document.getElementById(copy.dataset.copy);
      if (pre && navigator.clipboard) {
        navigator.clipboard.writeText(pre.textContent).then(function () { copy.textContent = copy.dataset.copied; });
      }
    }
  });

  // Recurrence editor: the form's choices write an RRULE into the plain
  // field (the only value posted), and the server words it for the
  // preview. Without this script the plain field is all there is. A rule
  // the choices cannot express (data-custom) stays in the plain field.
  // berlinEndOfDay is 23:59:59 in Berlin on the day ymd (yyyy-mm-dd), as
  // an RFC 5545 UTC time: 22:59:59Z in winter, 21:59:59Z in summer.
  function berlinEndOfDay(ymd) {
    var t = new Date(Date.UTC(+ymd.slice(0, 4), +ymd.slice(5, 7) - 1, +ymd.slice(8, 10), 22, 59, 59));
    var hour = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", hourCycle: "h23" }).format(t);
    if (+hour !== 23) t = new Date(t.getTime() - 3600 * 1000);
    return t.toISOString().replace(/\.\d{3}/, "").replace(/[-:]/g, "");
  }

  function rrRule(fs) {
    function q(s) { return fs.querySelector(s); }
    var freq = q("[data-rr-freq]").value;
    if (!freq) return "";
    var parts = ["FREQ=" + freq];
    var n = parseInt(q("[data-rr-interval]").value, 10);
    if (n > 1 && n < 100) parts.push("INTERVAL=" + n);
    if (freq === "WEEKLY") {
      var days = Array.prototype.filter.call(fs.querySelectorAll("[data-rr-day]"), function (c) { return c.checked; })
        .map(function (c) { return c.value; });
      if (days.length) parts.push("BYDAY=" + days.join(","));
    } else {
      parts.push("BYDAY=" + q("[data-rr-ord]").value + q("[data-rr-ordday]").value);
    }
    var until = q("[data-rr-until]").value, count = parseInt(q("[data-rr-count]").value, 10);
    // UNTIL is a UTC time (RFC 5545, with a zoned start): the end of the
    // day in Berlin, whose offset is +1 in winter and +2 in summer.
    if (/^\d{4}-\d{2}-\d{2}$/.test(until)) parts.push("UNTIL=" + berlinEndOfDay(until));
    else if (count > 0 && count < 1000) parts.push("COUNT=" + count);
    return parts.join(";");
  }

  function rrShow(fs) {
    var f = fs.querySelector("[data-rr-freq]").value;
    fs.querySelectorAll("[data-rr-weekly]").forEach(function (el) { el.hidden = f !== "WEEKLY"; });
    fs.querySelectorAll("[data-rr-monthly]").forEach(function (el) { el.hidden = f !== "MONTHLY"; });
  }

  var rrTimer;
  function rrSync(fs) {
    var id = fs.dataset.rr;
    var raw = document.getElementById("rrule-" + id);
    var out = document.getElementById("rr-" + id);
    var rule = rrRule(fs);
    raw.value = rule;
    rrShow(fs);
    clearTimeout(rrTimer);
    if (!rule) { out.textContent = ""; return; }
    rrTimer = setTimeout(function () {
      fetch("/admin/recurrence?rule=" + encodeURIComponent(rule), { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (j) { if (j && raw.value === rule) out.textContent = (out.dataset.label || "") + j.text + " (" + rule + ")"; })
        .catch(function () {});
    }, 150);
  }

  function rrMode(id, editor) {
    var fs = document.querySelector('[data-rr="' + id + '"]');
    var raw = document.getElementById("rrule-" + id);
    var sw = document.querySelector('[data-rr-switch="' + id + '"]');
    if (!fs || !raw || !sw) return;
    fs.hidden = !editor;
    raw.closest("label").hidden = editor;
    sw.textContent = editor ? sw.dataset.raw : sw.dataset.editor;
    if (editor) rrShow(fs);
  }

  function rrInit(root) {
    root.querySelectorAll("[data-rr]").forEach(function (fs) {
      if (fs.dataset.rrReady) return;
      fs.dataset.rrReady = "1";
      if (fs.dataset.custom) return; // more than the choices can say: plain field
      var toggle = document.querySelector('[data-rr-toggle="' + fs.dataset.rr + '"]');
      if (toggle) toggle.hidden = false;
      // The stored rule is not rewritten until a choice changes, so an
      // unchanged rule saves as it was.
      rrMode(fs.dataset.rr, true);
    });
  }
  rrInit(document);

  function rrChanged(ev) {
    var fs = ev.target.closest && ev.target.closest("[data-rr]");
    if (fs && fs.dataset.rrReady && !fs.hidden) rrSync(fs);
  }
  document.addEventListener("change", rrChanged);
  document.addEventListener("input", rrChanged);
  document.addEventListener("click", function (ev) {
    var sw = ev.target.closest("[data-rr-switch]");
    if (!sw) return;
    var fs = document.querySelector('[data-rr="' + sw.dataset.rrSwitch + '"]');
    if (fs) rrMode(sw.dataset.rrSwitch, fs.hidden);
  });

  var all = document.querySelector("[data-selectall]");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="ids"]').forEach(function (c) { c.checked = all.checked; });
    });
  }

  // focusLater focuses el once the key that asked for it is released, so
  // the key's own character is not typed into the field.
  function focusLater(el) {
    document.addEventListener("keyup", function () { el.focus(); }, { once: true });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
      if (ev.key === "Escape") t.blur();
      return;
    }
    var d = document.querySelector(".detail");
    switch (ev.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a":
        if (d) { var f = d.querySelector('form[data-action="approve"]'); if (f) f.requestSubmit(); }
        break;
      case "r":
        if (d) { var reason = d.querySelector('form[data-action="reject"] input[name="reason"]'); if (reason) focusLater(reason); }
        break;
      case "e":
        if (d) {
          var b = d.querySelector("[data-open]");
          var form = b && document.getElementById(b.dataset.open);
          if (form) {
            form.hidden = false;
            var first = form.querySelector("input:not([type=hidden]), textarea");
            if (first) focusLater(first);
          }
        }
        break;
      default: return;
    }
    ev.preventDefault();
  });
})();

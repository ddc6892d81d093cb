/* Treffpunkt calendar widget.
 *
 *   <script src="https://HOST/embed.js" defer></script>
 *   <treffpunkt-calendar region="leipzig" language="ar" topic="training" limit="10"></treffpunkt-calendar>
 *
 * Attributes (all optional): region, language, topic, audience, access,
 * source (comma-separated lists), free (1: only free of charge),
 * registration (1: with registration, 0: without), q, online
 * (yes|no|hybrid), from, to, limit (1–50, default 10),
 * lang (de, en, ar, uk, ru, fa, tr, vi; default: the page's language, else
 * the browser's, else German), heading (the title text).
 * Styling: the custom properties --tp-font, --tp-font-size, --tp-color,
 * --tp-muted, --tp-bg, --tp-accent, --tp-accent-contrast, --tp-border,
 * --tp-day-bg, --tp-alert, --tp-focus, --tp-radius, --tp-padding.
 *
 * Each event shows its offers as badges (kostenfrei, Anmeldung nötig,
 * barrierefrei, Dolmetschung: Arabisch, …) in the widget's language, and
 * its title carries the language the announcement is written in.
 *
 * Plain script, no dependencies, no build step. Everything renders into a
 * shadow root: the host page's CSS does not reach in and ours does not leak
 * out. Data comes from /calendar.json on the origin this file is loaded from.
 */
(function () {
  'use strict';
  var TAG = 'treffpunkt-calendar';
  if (!window.customElements || customElements.get(TAG)) return;

  // The origin that serves this script also serves the data. currentScript
  // is only set while the script first runs, so it is read here.
  var me = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  var ORIGIN = me && me.src ? new URL(me.src, location.href).origin : location.origin;
  var CSS = "__TREFFPUNKT_WIDGET_CSS__";
  // The facets (filters with counts) as the server's registry declares
  // them: name, URL parameter (= attribute), yes/no, shown as badges.
  var FACETS = "__TREFFPUNKT_WIDGET_FACETS__";
  var FILTERS = FACETS.map(function (f) { return f.param; }).concat(['source', 'q', 'online', 'from', 'to']);
  var TZ = 'Europe/Berlin';

  // The widget's words in every UI language, with the writing direction,
  // filled in from the server's message files.
  var TEXT = "__TREFFPUNKT_WIDGET_TEXT__";

  var sheet = null; // one constructed stylesheet shared by every widget
  function adoptStyles(root) {
    try {
      if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
      root.adoptedStyleSheets = [sheet];
    } catch (e) { // browsers without constructable stylesheets
      var st = document.createElement('style');
      st.textContent = CSS;
      root.appendChild(st);
    }
  }

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] != null && attrs[k] !== '') n.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) {
      if (c != null && c !== '') n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return n;
  }

  // Dates are shown in Berlin time, where the events happen.
  function fmt(locale, opts) {
    opts.timeZone = TZ;
    return new Intl.DateTimeFormat(locale, opts);
  }
  function dayKey(d) { // YYYY-MM-DD in Berlin
    var p = {};
    fmt('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p.year + '-' + p.month + '-' + p.day;
  }
  function keyDate(key) { return new Date(key + 'T12:00:00Z'); } // noon UTC is the same day in Berlin

  // badges lists an event's offers as [facet, value, label]: a yes/no
  // facet when yes, each value of a list facet; interpreting names the
  // languages it is into (from the browser's CLDR names).
  function badges(ev, t, names) {
    var out = [];
    FACETS.forEach(function (f) {
      if (!f.badge) return;
      var v = ev[f.name];
      var vals = f.bool ? (v === true ? ['true'] : []) : (Array.isArray(v) ? v : []);
      vals.forEach(function (x) {
        var label = (t.badges || {})[f.name + '.' + x];
        if (!label) return;
        if (x === 'interpreting' && ev.interpreting && ev.interpreting.length) {
          label += ': ' + ev.interpreting.map(function (c) {
            try { return (names && names.of(c)) || c; } catch (e) { return c; }
          }).join(', ');
        }
        out.push([f.name, x, label]);
      });
    });
    return out;
  }

  class TreffpunktCalendar extends HTMLElement {
    static get observedAttributes() { return FILTERS.concat(['limit', 'lang', 'heading']); }

    connectedCallback() {
      if (!this.shadowRoot) {
        adoptStyles(this.attachShadow({ mode: 'open' }));
      }
      this.load();
    }

    disconnectedCallback() { if (this._abort) this._abort.abort(); }

    attributeChangedCallback() {
      if (!this.isConnected || !this.shadowRoot) return;
      clearTimeout(this._t);
      var self = this;
      this._t = setTimeout(function () { self.load(); }, 0); // several attributes changed at once: one request
    }

    lang2() {
      var tries = [this.getAttribute('lang'), (this.closest('[lang]') || {}).lang].concat(navigator.languages || [navigator.language]);
      for (var i = 0; i < tries.length; i++) {
        var base = String(tries[i] || '').toLowerCase().split('-')[0];
        if (TEXT[base]) return base;
      }
      return 'de';
    }

    query() {
      var p = new URLSearchParams();
      var self = this;
      FILTERS.forEach(function (name) {
        var v = (self.getAttribute(name) || '').trim();
        if (v) p.set(name, v);
      });
      var limit = parseInt(this.getAttribute('limit'), 10);
      p.set('limit', String(limit > 0 ? Math.min(limit, 50) : 10));
      p.set('lang', this.lang2());
      return p;
    }

    load() {
      var lang = this.lang2(), t = TEXT[lang];
      this.frame(lang, t, null);
      if (this._abort) this._abort.abort();
      var ctrl = this._abort = typeof AbortController === 'function' ? new AbortController() : null;
      var self = this;
      fetch(ORIGIN + '/calendar.json?' + this.query().toString(), { credentials: 'omit', signal: ctrl && ctrl.signal })
        .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
        .then(function (data) { self.frame(lang, t, data); })
        .catch(function (e) {
          if (e && e.name === 'AbortError') return;
          self.status(t.error);
          var q = self.query();
          q.delete('limit');
          self.shadowRoot.querySelector('.tp').appendChild(el('p', { class: 'foot' }, [
            el('a', { href: ORIGIN + '/?' + q.toString(), target: '_blank', rel: 'noopener' }, [t.all, el('span', { class: 'vh' }, [' ' + t.newWindow])])]));
        });
    }

    status(msg) {
      var s = this.shadowRoot.querySelector('.status');
      if (s) { s.hidden = false; s.textContent = msg; }
    }

    // frame renders the whole widget: the loading state without data.
    frame(lang, t, data) {
      var root = this.shadowRoot;
      var heading = this.getAttribute('heading') || (data && data.title) || t.title;
      var head = el('div', { class: 'head' }, [el('h2', { class: 'title', dir: 'auto' }, [heading])]);
      if (data) {
        head.appendChild(el('a', { class: 'sub', href: data.webcal_url, 'aria-label': t.subscribeLabel }, [t.subscribe]));
      }
      // The widget's own language sets its direction, not the host page's:
      // German text in a right-to-left page keeps its full stop at the end.
      var box = el('div', { class: 'tp', role: 'region', 'aria-label': t.region + ': ' + heading, lang: lang, dir: t.dir, part: 'root' }, [head]);
      var status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, [data ? '' : t.loading]);
      box.appendChild(status);
      if (data) {
        var events = data.events || [];
        if (!events.length) status.textContent = t.empty;
        else { status.hidden = true; box.appendChild(this.days(lang, t, data, events)); }
        box.appendChild(el('p', { class: 'foot' }, [
          el('a', { href: data.ics_url, type: 'text/calendar' }, [t.ics]), ' · ',
          el('a', { href: data.home_page_url, target: '_blank', rel: 'noopener' }, [t.all, el('span', { class: 'vh' }, [' ' + t.newWindow])])
        ]));
      }
      var old = root.querySelector('.tp');
      if (old) root.replaceChild(box, old); else root.appendChild(box);
    }

    days(lang, t, data, events) {
      var locale = lang === 'en' ? 'en-GB' : lang;
      var dayFmt = fmt(locale, { weekday: 'long', day: 'numeric', month: 'long' });
      // A day in another year than this one says its year.
      var yearFmt = fmt(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
      var thisYear = dayKey(new Date()).slice(0, 4);
      var shortFmt = fmt(locale, { day: 'numeric', month: 'long' });
      var timeFmt = fmt(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      var names = null;
      try { names = new Intl.DisplayNames([locale], { type: 'language' }); } catch (e) { names = null; }
      var labels = data.labels || {};
      // Events that began before the feed's lower bound (today, unless the
      // widget asks for from) are still on: they are listed under that day.
      var floor = data.from ? data.from.slice(0, 10) : dayKey(new Date());
      var list = el('ol', { class: 'days' });
      var current = null, ul = null;
      events.forEach(function (ev) {
        var start = ev.all_day ? null : new Date(ev.start);
        var key = ev.all_day ? ev.start : dayKey(start);
        if (key < floor) key = floor;
        if (key !== current) {
          current = key;
          ul = el('ul', { class: 'events' });
          list.appendChild(el('li', { class: 'day' }, [
            el('h3', { class: 'date' }, [el('time', { datetime: key }, [(key.slice(0, 4) === thisYear ? dayFmt : yearFmt).format(keyDate(key))])]), ul]));
        }
        var when;
        if (ev.all_day) {
          when = ev.end && ev.end !== ev.start ? t.until + ' ' + (ev.end.slice(0, 4) === thisYear ? shortFmt : yearFmt).format(keyDate(ev.end)) : t.allDay;
        } else {
          when = timeFmt.format(start);
          if (ev.end) {
            var end = new Date(ev.end);
            if (dayKey(end) === dayKey(start)) when += '–' + timeFmt.format(end);
          }
        }
        var title = el('h4', { class: 'name', dir: 'auto' }, [
          el('a', { href: (ev.source && ev.source.url) || ev.url, target: '_blank', rel: 'noopener' },
            [el('span', { lang: ev.content_lang }, [ev.title]), el('span', { class: 'vh' }, [' ' + t.newWindow])])
        ]);
        if (ev.status === 'cancelled' || ev.status === 'postponed') {
          title.appendChild(el('span', { class: 'badge' }, [t[ev.status]]));
        }
        var body = el('div', { class: 'body' }, [title]);
        var offers = badges(ev, t, names);
        if (offers.length) {
          body.appendChild(el('ul', { class: 'offers', 'aria-label': t.offers }, offers.map(function (b) {
            return el('li', { 'data-facet': b[0], 'data-value': b[1] }, [el('bdi', null, [b[2]])]);
          })));
        }
        var place = ev.location || '';
        if (place) body.appendChild(el('p', { class: 'place', dir: 'auto' }, [place]));
        if (ev.languages && ev.languages.length) {
          // Language names in the widget's language (CLDR in the browser),
          // each isolated so a name in another script keeps its order.
          var held = el('p', { class: 'langs' }, [el('span', { class: 'lbl' }, [t.langs + ':']), ' ']);
          ev.languages.forEach(function (c, i) {
            var name = null;
            try { name = names && names.of(c); } catch (e) { name = null; }
            if (i) held.appendChild(document.createTextNode(lang === 'ar' || lang === 'fa' ? '، ' : ', '));
            held.appendChild(el('bdi', null, [name || (labels.languages || {})[c] || c]));
          });
          body.appendChild(held);
        }
        ul.appendChild(el('li', { class: 'ev' + (ev.status === 'cancelled' ? ' cancelled' : '') }, [
          el('p', { class: 'time' }, [el('time', { datetime: ev.start }, [when])]), body]));
      });
      return list;
    }
  }

  customElements.define(TAG, TreffpunktCalendar);
})();

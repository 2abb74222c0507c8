// exsim teaching view: zoom and pan, the minimap, levels and narration filters,
// message search, the time slider and play button, and the links between the
// drawing and the narration. The drawing itself is static SVG written by exsim; this
// script only moves what is on it.
(function () {
  "use strict";
  var D = EXSIM;
  function $(id) { return document.getElementById(id); }
    var slider = $("slider"), clock = $("clock"), cursor = $("cursor"), svg = $("timeline");
  var plot = $("plot"), pointsSvg = $("points"), ticksG = $("ticks"), stepsG = $("steps");
  var pane = $("narration-pane"), play = $("play"), netEl = $("netdepth"), statusEl = $("status");
  var mini = $("minimap"), mmview = $("mmview"), rangeEl = $("range");
  var lines = Array.prototype.slice.call(document.querySelectorAll("#narration li"));
  var H = Number(svg.getAttribute("height")), NS = svg.namespaceURI;
  var pts = Array.prototype.slice.call(document.querySelectorAll("#pts .pt"));
  var blabels = Array.prototype.slice.call(document.querySelectorAll("#bandlabels text"));
  var minSpan = Math.min(1000, D.end);
  var view = { a: 0, b: D.end };

  function byServer(cls) {
    var m = {};
    document.querySelectorAll("." + cls).forEach(function (el) { m[el.getAttribute("data-server")] = el; });
    return m;
  }
  var qEl = byServer("qdepth"), sEl = byServer("sdepth"), spEl = byServer("spofdepth"), stEl = byServer("status");
  var laneEl = {};
  document.querySelectorAll("g.lane").forEach(function (el) { laneEl[el.getAttribute("data-server")] = el; });

  function at(series, t) { // the last point of a series at or before t
    var lo = 0, hi = series.length - 1, best = null;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (series[mid][0] <= t) { best = series[mid]; lo = mid + 1; } else { hi = mid - 1; }
    }
    return best;
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
  function hms(t, withMs) {
    var d = new Date(D.start + t);
    var s = pad(d.getUTCHours(), 2) + ":" + pad(d.getUTCMinutes(), 2) + ":" + pad(d.getUTCSeconds(), 2);
    return withMs ? s + "." + pad(d.getUTCMilliseconds(), 3) : s;
  }
  function wall(t) {
    var d = new Date(D.start + t);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2) + " " + hms(t, true);
  }
  // xOf is where instant t is drawn in the points layer at the current zoom.
  function xOf(t) { return (t - view.a) / (view.b - view.a) * D.plotW; }
  function tAtClient(clientX) {
    var pt = svg.createSVGPoint();
    pt.x = clientX; pt.y = 0;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    return { inPlot: p.x >= D.plotX, t: view.a + (p.x - D.plotX) / D.plotW * (view.b - view.a) };
  }
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // fitText shortens a text element's content to w units, ending in "…".
  function fitText(node, full, w) {
    node.textContent = full;
    if (node.getComputedTextLength() <= w) return true;
    var lo = 0, hi = full.length;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      node.textContent = full.slice(0, mid) + "…";
      if (node.getComputedTextLength() <= w) lo = mid; else hi = mid - 1;
    }
    if (lo < 3) { node.textContent = ""; return false; }
    node.textContent = full.slice(0, lo) + "…";
    return true;
  }

  var tickSteps = [1, 10, 100, 1e3, 5e3, 1e4, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];
  function drawTicks() {
    var span = view.b - view.a, step = tickSteps[tickSteps.length - 1];
    for (var i = 0; i < tickSteps.length; i++) if (span / tickSteps[i] <= 10) { step = tickSteps[i]; break; }
    while (ticksG.firstChild) ticksG.removeChild(ticksG.firstChild);
    for (var t = Math.ceil(view.a / step) * step; t <= view.b; t += step) {
      var x = xOf(t).toFixed(1);
      ticksG.appendChild(el("line", { "class": "tick", x1: x, x2: x, y1: 18, y2: H }));
      var label = hms(t, step < 1000);
      if (step >= 6e4) label = label.slice(0, 5);
      ticksG.appendChild(el("text", { "class": "ticklabel", x: x, y: 14 }, label));
    }
  }

  // drawSteps lays the steps' markers out at the current zoom, as exsim does for the
  // whole run: close steps share a numbered marker; labels take the first of three
  // rows where they do not touch the previous label, measured, or are left out.
  function drawSteps() {
    while (stepsG.firstChild) stepsG.removeChild(stepsG.firstChild);
    var clusters = [];
    D.steps.forEach(function (s) {
      var x = xOf(s.t);
      var c = clusters[clusters.length - 1];
      if (c && x - c.x < 16) c.steps.push(s); else clusters.push({ x: x, steps: [s] });
    });
    var rowEnd = [-1e9, -1e9, -1e9], labels = [], markers = [];
    clusters.forEach(function (c) {
      if (c.x < -10 || c.x > D.plotW + 10) return;
      var lead = c.steps[0], cls = "step";
      c.steps.forEach(function (s) { if (s.class === "fault") cls = "fault"; });
      for (var i = 0; i < c.steps.length; i++) if (c.steps[i].class !== "step get") { lead = c.steps[i]; break; }
      if (cls !== "fault" && lead.class === "step get") cls = "step get";
      var title = c.steps.map(function (s) { return s.title; }).join("\n");
      var g = el("g", { "class": "marker " + cls, "data-seq": lead.seq, "data-t": c.steps[0].t, transform: "translate(" + c.x.toFixed(1) + ",10)", tabindex: "0", role: "button", "aria-label": title });
      g.appendChild(el("title", {}, title));
      g.appendChild(el("path", { d: cls === "fault" ? "M0 -9 L7 0 L0 9 L-7 0 Z" : "M-7 -8 L7 -8 L0 6 Z" }));
      if (c.steps.length > 1) g.appendChild(el("text", { "class": "count", y: cls === "fault" ? 4 : -1 }, String(c.steps.length)));
      markers.push(g);
      var text = lead.label + (c.steps.length > 1 ? " (+" + (c.steps.length - 1) + ")" : "");
      var x = c.x - 4;
      for (var row = 0; row < 3; row++) {
        if (x < rowEnd[row] + 10) continue;
        var t = el("text", { "class": "mlabel", "data-seq": lead.seq, "data-t": c.steps[0].t, x: x.toFixed(1), y: 34 + row * 14 });
        t.appendChild(el("title", {}, title));
        stepsG.appendChild(t);
        var node = document.createTextNode(text);
        t.appendChild(node);
        var avail = D.plotW - x;
        var w = t.getComputedTextLength();
        if (w > avail) {
          t.removeChild(node);
          var probe = el("tspan", {});
          t.appendChild(probe);
          if (!fitText(probe, text, avail)) { stepsG.removeChild(t); break; }
          w = t.getComputedTextLength();
        }
        rowEnd[row] = x + w;
        labels.push(t);
        break;
      }
    });
    markers.forEach(function (g) { stepsG.appendChild(g); });
  }

  function placeBandLabels() {
    blabels.forEach(function (t) {
      var x0 = Math.max(xOf(Number(t.getAttribute("data-t0"))), 0);
      var x1 = Math.min(xOf(Number(t.getAttribute("data-t1"))), D.plotW);
      if (x1 - x0 < 24) { t.textContent = ""; return; }
      t.setAttribute("x", x0.toFixed(1));
      fitText(t, t.getAttribute("data-full"), x1 - x0 - 6);
    });
  }

  // place redraws everything that depends on the zoom.
  function place() {
    var span = view.b - view.a;
    plot.setAttribute("viewBox", (view.a / D.end * D.plotW) + " 0 " + (span / D.end * D.plotW) + " " + H);
    pts.forEach(function (e) {
      var x = xOf(Number(e.getAttribute("data-t")));
      if (e.tagName === "circle") e.setAttribute("cx", x.toFixed(1));
      else e.setAttribute("transform", "translate(" + x.toFixed(1) + "," + e.getAttribute("data-y") + ")");
    });
    drawTicks();
    drawSteps();
    placeBandLabels();
    mmview.setAttribute("x", (view.a / D.end * D.plotW).toFixed(1));
    mmview.setAttribute("width", Math.max(span / D.end * D.plotW, 2).toFixed(1));
    rangeEl.textContent = span < D.end ? "showing " + hms(view.a) + "–" + hms(view.b) : "";
    placeCursor();
  }
  function setView(a, b) {
    var span = Math.max(minSpan, Math.min(D.end, b - a));
    a = Math.max(0, Math.min(D.end - span, a));
    view.a = a; view.b = a + span;
    place();
  }
  function zoom(factor, center) {
    if (center === undefined) center = (current >= view.a && current <= view.b) ? current : (view.a + view.b) / 2;
    var span = Math.max(minSpan, Math.min(D.end, (view.b - view.a) * factor));
    var f = (center - view.a) / (view.b - view.a);
    setView(center - f * span, center - f * span + span);
  }
  function pan(fraction) { var s = view.b - view.a; setView(view.a + s * fraction, view.b + s * fraction); }
  function reveal(t) { // bring instant t into view
    if (t < view.a || t > view.b) { var s = view.b - view.a; setView(t - s / 3, t - s / 3 + s); }
  }

  var current = 0;
  function placeCursor() {
    var x = xOf(current);
    cursor.setAttribute("x1", x.toFixed(1));
    cursor.setAttribute("x2", x.toFixed(1));
    cursor.style.display = x < 0 || x > D.plotW ? "none" : "";
  }
  // setTime shows the run at instant t: queues, shadows, SPOF and up/down per server.
  function setTime(t) {
    t = Math.max(0, Math.min(D.end, Math.round(t)));
    current = t;
    if (String(slider.value) !== String(t)) slider.value = t;
    clock.textContent = wall(t);
    placeCursor();
    D.servers.forEach(function (name, i) {
      var p = at(D.queues[i], t), s = at(D.spof[i], t);
      qEl[name].textContent = p ? p[1] : 0;
      sEl[name].textContent = p ? p[2] : 0;
      spEl[name].textContent = s ? s[1] : 0;
      var down = D.down[i].some(function (sp) { return sp[0] <= t && t < sp[1]; });
      stEl[name].textContent = down ? "DOWN" : "up";
      laneEl[name].classList.toggle("isdown", down);
    });
    if (netEl) { var n = at(D.net, t); netEl.textContent = n ? n[1] : 0; }
    var now = null;
    lines.forEach(function (li) {
      var future = Number(li.getAttribute("data-t")) > t;
      li.classList.toggle("future", future);
      li.classList.remove("now");
      if (!future && !li.hidden) now = li;
    });
    if (now) now.classList.add("now");
    return now;
  }
  // follow keeps the narration at the current moment while the time moves on its own
  function follow() { var now = document.querySelector("#narration li.now"); if (now) scrollToLine(now); }

  function seqOf(li) { return Number(li.id.slice(1)) || -2; } // "n123"; the end line is "nend"
  function scrollToLine(li) {
    if (li.hidden) return;
    var top = li.offsetTop - pane.offsetTop - pane.clientHeight / 3;
    pane.scrollTop = Math.max(0, top);
  }

  // select highlights one journal record everywhere it is drawn and moves to its moment.
  function select(seq, t, msg) {
    document.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
    if (seq !== null && seq >= 0) {
      document.querySelectorAll('[data-seq="' + seq + '"]').forEach(function (e) { e.classList.add("hl"); });
      var li = $("n" + seq);
      if (li) li.classList.add("hl");
      if (li) scrollToLine(li);
    }
    if (msg) highlightMessage(msg);
    if (t !== null && !isNaN(t)) { reveal(t); setTime(t); }
  }
  function highlightMessage(msg) {
    var found = 0;
    document.querySelectorAll('.paths g[data-msg="' + msg + '"], #pts g.hops[data-msg="' + msg + '"]').forEach(function (e) { e.classList.add("hl"); found++; });
    return found > 0;
  }

  // the narration filters: level, server, kind and message number
  var level = "story";
  function applyFilters() {
    var server = $("server").value, kind = $("kind").value, msg = Number($("msg").value.replace(/^#/, "")) || 0;
    var shown = 0;
    lines.forEach(function (li) {
      var ok = (msg ? Number(li.getAttribute("data-msg")) === msg : level === "detail" || li.classList.contains("story")) &&
        (!server || li.getAttribute("data-server") === server) && (!kind || li.classList.contains(kind));
      li.hidden = !ok;
      if (ok) shown++;
    });
    $("shown").textContent = "(" + shown + " of " + lines.length + " lines)";
    setTime(current);
  }
  function setLevel(l) {
    level = l;
    document.body.classList.toggle("level-story", l === "story");
    document.body.classList.toggle("level-detail", l === "detail");
    document.querySelectorAll('input[name="level"]').forEach(function (r) { r.checked = r.value === l; });
    applyFilters();
  }
  document.querySelectorAll('input[name="level"]').forEach(function (r) {
    r.addEventListener("change", function () { if (r.checked) setLevel(r.value); });
  });
  $("server").addEventListener("change", applyFilters);
  $("kind").addEventListener("change", applyFilters);
  function searchMessage() {
    var msg = Number($("msg").value.replace(/^#/, "")) || 0;
    applyFilters();
    document.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
    if (!msg) { statusEl.textContent = ""; return; }
    var drawn = highlightMessage(msg);
    var first = lines.filter(function (li) { return !li.hidden; })[0];
    statusEl.textContent = drawn ? "message #" + msg + " highlighted" : "message #" + msg + ": its path is not drawn on this page";
    // zoom to the message's life: from its first to its last line or hop
    var ts = lines.filter(function (li) { return !li.hidden; }).map(function (li) { return Number(li.getAttribute("data-t")); });
    document.querySelectorAll('#pts g.hops[data-msg="' + msg + '"] [data-t]').forEach(function (e) { ts.push(Number(e.getAttribute("data-t"))); });
    if (ts.length) {
      var t0 = Math.min.apply(null, ts), t1 = Math.max.apply(null, ts), span = Math.max(t1 - t0, 2000) * 1.4;
      setView((t0 + t1) / 2 - span / 2, (t0 + t1) / 2 + span / 2);
    }
    if (first) { first.classList.add("hl"); scrollToLine(first); setTime(Number(first.getAttribute("data-t"))); }
  }
  $("msg").addEventListener("change", searchMessage);
  $("msg").addEventListener("search", searchMessage);

  // next and previous story event
  function storyStep(dir) {
    var t = null;
    if (dir > 0) { for (var i = 0; i < D.story.length; i++) if (D.story[i] > current) { t = D.story[i]; break; } }
    else { for (var j = D.story.length - 1; j >= 0; j--) if (D.story[j] < current) { t = D.story[j]; break; } }
    if (t === null) return;
    stop();
    var li = lines.filter(function (l) { return l.classList.contains("story") && Number(l.getAttribute("data-t")) === t; })[0];
    select(li ? seqOf(li) : null, t, 0);
  }
  $("next").addEventListener("click", function () { storyStep(1); });
  $("prev").addEventListener("click", function () { storyStep(-1); });
  $("zoomin").addEventListener("click", function () { zoom(0.5); });
  $("zoomout").addEventListener("click", function () { zoom(2); });
  $("zoomreset").addEventListener("click", function () { setView(0, D.end); });

  slider.addEventListener("input", function () { stop(); setTime(Number(slider.value)); reveal(current); follow(); });

  $("narration").addEventListener("click", function (ev) {
    var li = ev.target.closest("li");
    if (!li) return;
    select(seqOf(li), Number(li.getAttribute("data-t")), Number(li.getAttribute("data-msg")));
  });

  document.querySelectorAll(".vlink").forEach(function (b) {
    b.addEventListener("click", function () {
      var kind = b.getAttribute("data-kind"), t = Number(b.getAttribute("data-t")), server = b.getAttribute("data-server");
      if (kind === "failed") { select(-2, t, 0); scrollToLine($("nend")); $("nend").classList.add("hl"); return; }
      select(Number(b.getAttribute("data-seq")), t, Number(b.getAttribute("data-msg")));
      if (server && laneEl[server]) {
        laneEl[server].classList.add("hl");
        laneEl[server].scrollIntoView({ block: "nearest" });
      }
    });
  });

  // the drawing: click to select or move in time, wheel to zoom, drag to pan
  var drag = null, dragged = false;
  svg.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, a: view.a, b: view.b, w: svg.getBoundingClientRect().width * D.plotW / Number(svg.getAttribute("width")) };
    dragged = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x;
    if (!dragged && Math.abs(dx) < 4) return;
    dragged = true;
    svg.classList.add("dragging");
    var dt = -dx / drag.w * (drag.b - drag.a);
    setView(drag.a + dt, drag.b + dt);
  });
  window.addEventListener("pointerup", function () { drag = null; svg.classList.remove("dragging"); });
  svg.addEventListener("wheel", function (ev) {
    var p = tAtClient(ev.clientX);
    if (!p.inPlot) return;
    ev.preventDefault();
    zoom(Math.exp(ev.deltaY * 0.0015), p.t);
  }, { passive: false });
  svg.addEventListener("click", function (ev) {
    if (dragged) { dragged = false; return; }
    var e = ev.target.closest("[data-seq]");
    if (e) {
      var tEl = ev.target.closest("[data-t]"); // a hop of a path has its own moment
      var t = tEl ? Number(tEl.getAttribute("data-t")) : null;
      var seq = Number(e.getAttribute("data-seq"));
      if (t === null) { var li = $("n" + seq); if (li) t = Number(li.getAttribute("data-t")); }
      select(seq, t, Number(e.getAttribute("data-msg")) || 0);
      return;
    }
    var p = tAtClient(ev.clientX);
    if (p.inPlot) { stop(); setTime(p.t); }
  });
  svg.addEventListener("keydown", function (ev) { // Enter on a focused step marker selects it
    var e = ev.target.closest && ev.target.closest("[data-seq]");
    if (e && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); select(Number(e.getAttribute("data-seq")), Number(e.getAttribute("data-t")), 0); }
  });

  // the minimap: the whole run; click or drag to move the view there
  var mdrag = false;
  function miniMove(ev) {
    var r = mini.getBoundingClientRect();
    var t = (ev.clientX - r.left) / r.width * D.end, s = view.b - view.a;
    setView(t - s / 2, t + s / 2);
  }
  mini.addEventListener("pointerdown", function (ev) { mdrag = true; miniMove(ev); });
  window.addEventListener("pointermove", function (ev) { if (mdrag) miniMove(ev); });
  window.addEventListener("pointerup", function () { mdrag = false; });

  // keyboard: + - 0 zoom, arrows pan, n p story events, space play, Home End
  document.addEventListener("keydown", function (ev) {
    var tag = ev.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var k = ev.key, done = true;
    if (k === "+" || k === "=") zoom(0.5);
    else if (k === "-" || k === "_") zoom(2);
    else if (k === "0") setView(0, D.end);
    else if (k === "ArrowLeft") pan(-0.2);
    else if (k === "ArrowRight") pan(0.2);
    else if (k === "n" || k === "j") storyStep(1);
    else if (k === "p" || k === "k") storyStep(-1);
    else if (k === "Home") { stop(); setTime(0); reveal(0); }
    else if (k === "End") { stop(); setTime(D.end); reveal(D.end); }
    else if (k === " " && tag !== "BUTTON" && !(ev.target.closest && ev.target.closest("[data-seq]"))) play.click();
    else done = false;
    if (done) ev.preventDefault();
  });

  var timer = null;
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; play.textContent = "▶ Play"; }
  }
  play.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    if (current >= D.end) setTime(0);
    play.textContent = "❚❚ Pause";
    timer = setInterval(function () {
      var stepMs = (view.b - view.a) / 400; // the view in about 20 seconds
      setTime(current + stepMs);
      follow();
      if (current > view.b) pan(0.8);
      if (current >= D.end) stop();
    }, 50);
  });

  place();
  setLevel("story");
  setTime(0);
})();

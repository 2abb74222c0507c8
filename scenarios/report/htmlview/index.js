// exsim teaching view: the time slider, play button and the links between the
// drawing and the narration. The drawing itself is static SVG written by exsim.
(function () {
  "use strict";
  var D = EXSIM;
  var slider = document.getElementById("slider");
  var clock = document.getElementById("clock");
  var cursor = document.getElementById("cursor");
  var svg = document.getElementById("timeline");
  var pane = document.getElementById("narration-pane");
  var lines = Array.prototype.slice.call(document.querySelectorAll("#narration li"));
  var play = document.getElementById("play");
  var netEl = document.getElementById("netdepth");

  function byServer(cls) {
    var m = {};
    document.querySelectorAll("." + cls).forEach(function (el) { m[el.getAttribute("data-server")] = el; });
    return m;
  }
  var qEl = byServer("qdepth"), sEl = byServer("sdepth"), spEl = byServer("spofdepth"), stEl = byServer("status");
  var laneEl = {};
  document.querySelectorAll("g.lane").forEach(function (el) { laneEl[el.getAttribute("data-server")] = el; });

  // at returns the last point of a series at or before t.
  function at(series, t) {
    var lo = 0, hi = series.length - 1, best = null;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (series[mid][0] <= t) { best = series[mid]; lo = mid + 1; } else { hi = mid - 1; }
    }
    return best;
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
  function wall(t) {
    var d = new Date(D.start + t);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1, 2) + "-" + pad(d.getUTCDate(), 2) + " " +
      pad(d.getUTCHours(), 2) + ":" + pad(d.getUTCMinutes(), 2) + ":" + pad(d.getUTCSeconds(), 2) + "." + pad(d.getUTCMilliseconds(), 3);
  }
  function xOf(t) { return D.plotX + Math.min(Math.max(t, 0), D.end) / D.end * D.plotW; }

  var current = 0;
  // setTime shows the run at instant t: queues, shadows, SPOF and up/down per server.
  function setTime(t) {
    t = Math.max(0, Math.min(D.end, Math.round(t)));
    current = t;
    if (String(slider.value) !== String(t)) slider.value = t;
    clock.textContent = wall(t);
    var x = xOf(t).toFixed(1);
    cursor.setAttribute("x1", x);
    cursor.setAttribute("x2", x);
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
    for (var i = 0; i < lines.length; i++) {
      var future = D.lines[i] > t;
      lines[i].classList.toggle("future", future);
      lines[i].classList.remove("now");
      if (!future) now = lines[i];
    }
    if (now) now.classList.add("now");
  }

  function scrollToLine(li) {
    var top = li.offsetTop - pane.offsetTop - pane.clientHeight / 3;
    pane.scrollTop = Math.max(0, top);
  }

  // select highlights one journal record everywhere it is drawn and moves to its moment.
  function select(seq, t, msg) {
    document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
    if (seq !== null && seq >= 0) {
      document.querySelectorAll('[data-seq="' + seq + '"]').forEach(function (el) { el.classList.add("hl"); });
      var li = document.getElementById("n" + seq);
      if (li) scrollToLine(li);
    }
    if (msg) {
      document.querySelectorAll('.paths g[data-msg="' + msg + '"]').forEach(function (el) { el.classList.add("hl"); });
    }
    if (t !== null) setTime(t);
  }

  slider.addEventListener("input", function () { stop(); setTime(Number(slider.value)); });

  document.getElementById("narration").addEventListener("click", function (ev) {
    var li = ev.target.closest("li");
    if (!li) return;
    select(Number(li.getAttribute("data-seq")), Number(li.getAttribute("data-t")), Number(li.getAttribute("data-msg")));
  });

  svg.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-seq]");
    if (el) {
      var tEl = ev.target.closest("[data-t]"); // a hop of a path has its own moment
      var t = tEl ? Number(tEl.getAttribute("data-t")) : null;
      var seq = Number(el.getAttribute("data-seq"));
      if (t === null) { var li = document.getElementById("n" + seq); if (li) t = Number(li.getAttribute("data-t")); }
      select(seq, t, Number(el.getAttribute("data-msg")) || 0);
      return;
    }
    // anywhere else: move to the instant under the pointer
    var pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    if (p.x >= D.plotX) { stop(); setTime((p.x - D.plotX) / D.plotW * D.end); }
  });

  var timer = null;
  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; play.textContent = "▶ Play"; }
  }
  play.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    if (current >= D.end) setTime(0);
    play.textContent = "❚❚ Pause";
    var stepMs = D.end / 400; // the whole run in about 20 seconds
    timer = setInterval(function () {
      setTime(current + stepMs);
      if (current >= D.end) stop();
    }, 50);
  });

  setTime(0);
})();

/* speckit docs site: the features table (sort by any column, filter by text or status, group by
   status) and pan / zoom / full screen for every diagram. Written for this site; Panzoom
   (assets/panzoom.min.js, @panzoom/panzoom vendored from npm like Mermaid) moves the diagrams. */
(function () {
  "use strict";

  /* -- the features table ------------------------------------------------------------------ */
  function key(cell, numeric) {
    var value = cell.getAttribute("data-sort") || cell.textContent || "";
    return numeric ? parseFloat(value) || 0 : value.toLowerCase();
  }
  function rowsOf(table) {
    return Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return !r.classList.contains("speckit-group-row"); });
  }
  function arrange(table) {
    var body = table.tBodies[0];
    var th = table.querySelector("thead th[aria-sort]");
    var column = th ? Array.prototype.indexOf.call(th.parentNode.children, th) : -1;
    var numeric = th ? th.hasAttribute("data-numeric") : false;
    var ascending = th ? th.getAttribute("aria-sort") === "ascending" : true;
    var group = table.__group && table.__group.checked;
    var rows = rowsOf(table);
    rows.forEach(function (row, i) { if (row.__order === undefined) row.__order = i; });
    rows.sort(function (a, b) {
      if (group) {
        var ga = a.getAttribute("data-status").toLowerCase(), gb = b.getAttribute("data-status").toLowerCase();
        if (ga !== gb) return ga < gb ? -1 : 1;
      }
      if (column < 0) return a.__order - b.__order;
      var x = key(a.cells[column], numeric), y = key(b.cells[column], numeric);
      var order = x < y ? -1 : x > y ? 1 : a.__order - b.__order;
      return ascending ? order : -order;
    });
    Array.prototype.slice.call(body.querySelectorAll("tr.speckit-group-row")).forEach(function (r) { r.remove(); });
    var text = table.__filter ? table.__filter.value.trim().toLowerCase() : "";
    var status = table.__status ? table.__status.value : "";
    var shown = 0, groups = {};
    rows.forEach(function (row) {
      var visible = (!status || row.getAttribute("data-status") === status) &&
        (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
        var g = row.getAttribute("data-status");
        groups[g] = groups[g] || { n: 0, done: 0, total: 0 };
        groups[g].n += 1;
        groups[g].done += parseInt(row.getAttribute("data-done"), 10) || 0;
        groups[g].total += parseInt(row.getAttribute("data-total"), 10) || 0;
      }
    });
    var current = null;
    rows.forEach(function (row) {
      if (group && !row.hidden && row.getAttribute("data-status") !== current) {
        current = row.getAttribute("data-status");
        var head = document.createElement("tr");
        head.className = "speckit-group-row";
        var cell = document.createElement("th");
        cell.colSpan = row.cells.length;
        var g = groups[current];
        cell.textContent = current + " \u00b7 " + g.n + (g.n === 1 ? " feature" : " features") + " \u00b7 " +
          g.done + " of " + g.total + " tasks done";
        head.appendChild(cell);
        body.appendChild(head);
      }
      body.appendChild(row);
    });
    if (table.__shown) table.__shown.textContent = shown + " of " + rows.length + " shown";
  }
  function setUpTable(table) {
    if (table.getAttribute("data-sortable-ready")) return;
    table.setAttribute("data-sortable-ready", "1");
    var bar = table.previousElementSibling;
    while (bar && !bar.classList.contains("speckit-filters")) bar = bar.previousElementSibling;
    if (bar) {
      table.__filter = bar.querySelector(".speckit-filter");
      table.__status = bar.querySelector(".speckit-status");
      table.__group = bar.querySelector(".speckit-group");
      table.__shown = bar.querySelector(".speckit-shown");
      if (table.__group) table.__group.checked = table.__status && table.__status.options.length > 2;
      [table.__filter, table.__status, table.__group].forEach(function (input) {
        if (input) input.addEventListener("input", function () { arrange(table); });
        if (input) input.addEventListener("change", function () { arrange(table); });
      });
    }
    table.querySelectorAll("thead th").forEach(function (th) {
      /* The whole header cell sorts, not only its text; the button inside keeps it keyboard-reachable. */
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        arrange(table);
      });
    });
    arrange(table);
  }

  /* -- diagrams: pan, zoom, full screen -----------------------------------------------------
     Material draws each diagram into a closed shadow root, so nothing here reaches the SVG: the
     host <div class="mermaid"> is sized to the drawing (CSS: width max-content), wrapped in a
     frame, and moved with CSS transforms by Panzoom. A diagram is drawn at its natural size
     (mermaid-config.js turns useMaxWidth off) and shown at most as much smaller as keeps its
     text readable (MIN_SCALE); what does not fit is reached by dragging, the buttons or Ctrl+wheel. */
  var MIN_SCALE = 0.75;
  function frame(div) {
    var wrap = document.createElement("div");
    wrap.className = "speckit-diagram";
    var bar = document.createElement("div");
    bar.className = "speckit-diagram-bar";
    [["in", "+", "Zoom in"], ["out", "\u2212", "Zoom out"], ["fit", "fit", "Fit the whole diagram"],
     ["one", "100%", "Natural size"], ["full", "full screen", "Full screen"]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-do", b[0]);
      button.title = b[2];
      button.textContent = b[1];
      bar.appendChild(button);
    });
    var hint = document.createElement("span");
    hint.className = "speckit-diagram-hint";
    hint.setAttribute("aria-live", "polite");
    bar.appendChild(hint);
    var view = document.createElement("div");
    view.className = "speckit-diagram-view";
    div.parentNode.insertBefore(wrap, div);
    wrap.appendChild(bar);
    wrap.appendChild(view);
    view.appendChild(div);
    return wrap;
  }
  function setUpDiagram(div) {
    if (div.__speckit || typeof window.Panzoom === "undefined" || !div.offsetWidth) return;
    div.__speckit = true;
    var wrap = frame(div);
    var view = wrap.querySelector(".speckit-diagram-view");
    var zoom = window.Panzoom(div, { origin: "0 0", minScale: 0.05, maxScale: 8, canvas: true, cursor: "grab" });
    div.__zoom = zoom;
    function fitScale() {
      return Math.min(view.clientWidth / div.offsetWidth, (view.clientHeight || Infinity) / div.offsetHeight, 1);
    }
    function place(scale) {
      zoom.zoom(scale, { animate: false, force: true });
      setTimeout(function () { zoom.pan(0, 0, { animate: false, force: true }); });
    }
    function start() {
      var scale = Math.max(Math.min(view.clientWidth / div.offsetWidth, 1), MIN_SCALE);
      view.style.height = Math.min(div.offsetHeight * scale + 8, window.innerHeight * 0.8) + "px";
      place(scale);
      /* Shown at a readable size, a large diagram is cut off: say so, rather than let its first
         rows pass for the whole of it. */
      var shown = Math.min(1, view.clientWidth / (div.offsetWidth * scale)) *
        Math.min(1, view.clientHeight / (div.offsetHeight * scale));
      wrap.querySelector(".speckit-diagram-hint").textContent = shown < 0.98 ?
        "about " + Math.max(1, Math.round(shown * 100)) + "% of the diagram is in view: drag it, or fit it to see it whole" : "";
    }
    start();
    view.addEventListener("wheel", function (event) {
      /* The wheel scrolls the page; with Ctrl (or a pinch) it zooms the diagram. */
      if (event.ctrlKey) zoom.zoomWithWheel(event);
    }, { passive: true });
    wrap.querySelector(".speckit-diagram-bar").addEventListener("click", function (event) {
      var action = event.target.getAttribute("data-do");
      if (action === "in") zoom.zoomIn();
      else if (action === "out") zoom.zoomOut();
      else if (action === "fit") place(fitScale());
      else if (action === "one") place(1);
      else if (action === "full") {
        if (document.fullscreenElement) document.exitFullscreen();
        else if (wrap.requestFullscreen) wrap.requestFullscreen();
      }
    });
    document.addEventListener("fullscreenchange", function () {
      if (document.fullscreenElement === wrap) { view.style.height = ""; place(fitScale()); }
      else if (!document.fullscreenElement) start();
    });
  }
  function watchDiagrams() {
    var tries = 0;
    var timer = setInterval(function () {
      document.querySelectorAll("div.mermaid").forEach(setUpDiagram);
      tries += 1;
      var pending = document.querySelectorAll("pre.mermaid").length;
      if (tries > 150 || (!pending && Array.prototype.every.call(document.querySelectorAll("div.mermaid"),
        function (d) { return d.__speckit; }))) clearInterval(timer);
    }, 100);
  }

  function setUp() {
    document.querySelectorAll("table.speckit-sortable").forEach(setUpTable);
    watchDiagrams();
  }
  /* mkdocs-material's instant navigation swaps pages without a reload: it announces each one on document$. */
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();

/* speckit docs site: Mermaid in its strict security level, whoever initialises it.
   Loaded right after mermaid.min.js and before mkdocs-material's bundle runs its diagrams: Material
   calls mermaid.initialize() with its own settings, so the call is wrapped and securityLevel is
   forced to "strict" (labels are sanitised, no click callbacks); "secure" lists the keys that a
   %%{init}%% directive in a diagram may not change. Documents' diagrams are also made safe before
   they reach the page (speckit/site/documents.py). */
(function () {
  "use strict";
  if (typeof window.mermaid === "undefined") return;
  var mermaid = window.mermaid;
  var SAFE = {
    securityLevel: "strict",
    secure: ["secure", "securityLevel", "startOnLoad", "maxTextSize", "maxEdges", "htmlLabels",
             "themeCSS", "fontFamily", "dompurifyConfig"]
  };
  /* Diagrams keep their natural size (the page frames them with pan and zoom, speckit.js): shrunk
     to the 688 px column, a 52-task graph's text was a third of its size. The Gantt chart's text is
     set larger than Mermaid's 11 px for the same reason. */
  var SIZE = {
    flowchart: { useMaxWidth: false, subGraphTitleMargin: { top: 4, bottom: 28 } },
    gantt: { useMaxWidth: false, fontSize: 14, sectionFontSize: 14, barHeight: 24, barGap: 6, topPadding: 60,
             leftPadding: 180, gridLineStartPadding: 40 },
    xyChart: { useMaxWidth: false, width: 900, height: 360 }
  };
  var initialize = mermaid.initialize;
  mermaid.initialize = function (config) {
    var merged = Object.assign({}, SIZE, config || {}, SAFE);
    merged.flowchart = Object.assign({}, SIZE.flowchart, (config || {}).flowchart);
    merged.gantt = Object.assign({}, SIZE.gantt, (config || {}).gantt);
    merged.xyChart = Object.assign({}, SIZE.xyChart, (config || {}).xyChart);
    return initialize.call(mermaid, merged);
  };
  mermaid.initialize({ startOnLoad: false });
})();

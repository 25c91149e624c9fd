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
  var initialize = mermaid.initialize;
  mermaid.initialize = function (config) {
    return initialize.call(mermaid, Object.assign({}, config || {}, SAFE));
  };
  mermaid.initialize({ startOnLoad: false });
})();

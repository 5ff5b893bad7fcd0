// The identifier link chart: draws the links the page's table lists (embedded by the page as JSON) with
// Cytoscape.js. The table stays the content; without JavaScript it says the same, so the chart's figure
// is shown only once the script runs.
import cytoscape from "../vendor/cytoscape/cytoscape.esm.min.js";

// Cytoscape.js gives its container `position: relative` with an inline <style> of this id unless the page
// has an element of that id: the page's CSP refuses inline styles, and app.css positions the container.
const CYTOSCAPE_STYLESHEET_ID = "__________cytoscape_stylesheet";

const figure = document.querySelector("[data-link-chart]");
const source = document.getElementById("link-chart-data");

if (figure && source) {
  const { nodes, edges } = JSON.parse(source.textContent);
  const styles = getComputedStyle(document.documentElement);
  const colour = (type) => styles.getPropertyValue(`--link-chart-${type}`).trim();
  figure.hidden = false;
  if (!document.getElementById(CYTOSCAPE_STYLESHEET_ID)) {
    const marker = document.createElement("meta");
    marker.id = CYTOSCAPE_STYLESHEET_ID;
    document.head.append(marker);
  }
  cytoscape({
    container: figure.querySelector(".link-chart"),
    elements: [...nodes.map((node) => ({ data: node })), ...edges.map((edge) => ({ data: edge }))],
    style: [
      { selector: "node", style: {
        label: "data(label)", shape: "round-rectangle", "background-color": (node) => colour(node.data("type")),
        "font-size": 10, "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": 140,
      } },
      { selector: 'node[type = "identifier"]', style: { shape: "ellipse" } },
      { selector: "edge", style: { width: 1, "line-color": "#6c757d", "curve-style": "straight" } },
    ],
    layout: { name: "cose", animate: false, padding: 20 },
    // A swipe or a wheel over the chart scrolls the page, as everywhere else; nodes can still be moved.
    userPanningEnabled: false,
    userZoomingEnabled: false,
    boxSelectionEnabled: false,
    maxZoom: 1.2, // a chart of a few nodes is not blown up to fill the frame
  });
}

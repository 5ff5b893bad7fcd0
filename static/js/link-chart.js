// The identifier link chart: draws the links the page's table lists (embedded by the page as JSON) with
// Cytoscape.js. The table stays the content; without JavaScript it says the same, so the chart's figure
// is shown only once the script runs.
import cytoscape from "../vendor/cytoscape/cytoscape.esm.min.js";

const figure = document.querySelector("[data-link-chart]");
const source = document.getElementById("link-chart-data");

if (figure && source) {
  const { nodes, edges } = JSON.parse(source.textContent);
  const styles = getComputedStyle(document.documentElement);
  const colour = (type) => styles.getPropertyValue(`--link-chart-${type}`).trim();
  figure.hidden = false;
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
  });
}

// Test page of the harness: draws the QR matrix of /matrix.json (`{ size, modules }`,
// modules[y * size + x] = 1 for dark, as the wasm `qrMatrix` returns it) as SVG, then sets
// document.body.dataset.ready.
const SVG = "http://www.w3.org/2000/svg";

const { size, modules } = await (await fetch("/matrix.json")).json();
const quiet = 4;
const svg = document.createElementNS(SVG, "svg");
svg.setAttribute("viewBox", `0 0 ${size + 2 * quiet} ${size + 2 * quiet}`);
svg.setAttribute("width", String(8 * (size + 2 * quiet)));
svg.setAttribute("shape-rendering", "crispEdges");
const background = document.createElementNS(SVG, "rect");
background.setAttribute("width", "100%");
background.setAttribute("height", "100%");
background.setAttribute("fill", "#fff");
svg.append(background);
for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    if (!modules[y * size + x]) continue;
    const module = document.createElementNS(SVG, "rect");
    module.setAttribute("x", String(x + quiet));
    module.setAttribute("y", String(y + quiet));
    module.setAttribute("width", "1");
    module.setAttribute("height", "1");
    svg.append(module);
  }
}
document.getElementById("qr").append(svg);
document.body.dataset.ready = "true";

// A QR code as SVG (the wallet app's and the counter page's: wasm/web/, copied into each
// build's js/): `qrMatrix(text)` of either .wasm build gives the modules; this draws one path of
// dark squares on white with the 4-module quiet zone the standard asks for, and keeps each
// module a whole number of device pixels (`crisp`).
const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4;

/** An `<svg role="img">` of `matrix` (`{ size, modules }`, modules[y * size + x] = 1 for dark). */
export function qrSvg({ size, modules }, label) {
  const full = size + 2 * QUIET;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${full} ${full}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", full);
  background.setAttribute("height", full);
  background.setAttribute("fill", "#fff");
  const parts = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (modules[y * size + x]) parts.push(`M${x + QUIET} ${y + QUIET}h1v1h-1z`);
    }
  }
  const dark = document.createElementNS(SVG, "path");
  dark.setAttribute("d", parts.join(""));
  dark.setAttribute("fill", "#000");
  svg.append(background, dark);
  return svg;
}

/**
 * Sizes `svg` (a `qrSvg` in its box) as wide as the box allows with every module a whole
 * number of device pixels, again whenever the box changes (shown, rotated, zoomed): a module
 * 9.2 pixels wide is drawn 9 or 10 pixels wide, and a scanner reading a dense code (a
 * presentation is version 20 and more) then misreads it. Returns the observer to disconnect.
 */
export function crisp(svg) {
  const full = svg.viewBox.baseVal.width;
  const fit = () => {
    const box = svg.parentElement?.clientWidth ?? 0;
    if (!box || !full) return;
    const ratio = window.devicePixelRatio || 1;
    const side = (Math.max(1, Math.floor((box * ratio) / full)) * full) / ratio;
    svg.setAttribute("width", String(side));
    svg.setAttribute("height", String(side));
  };
  const observer = new ResizeObserver(fit);
  observer.observe(svg.parentElement);
  fit();
  return observer;
}

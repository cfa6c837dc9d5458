// Derives the outline of Ecuador (mainland and Galápagos) from Natural Earth's 1:10m
// countries, as packaged by the npm package world-atlas, and writes ecuador.json:
// pre-projected SVG paths plus the projection, so the site draws the map with no
// download at run time. Run once with `make mapdata`; the result is committed.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

// The packages are installed in a temporary folder named by NODE_MODULES_PARENT.
const require = createRequire(process.env.NODE_MODULES_PARENT || import.meta.url);
const { feature } = require("topojson-client");
const atlasPath = require.resolve("world-atlas/countries-10m.json");
const atlasVersion = JSON.parse(
  readFileSync(require.resolve("world-atlas/package.json"), "utf8"),
).version;
const world = JSON.parse(readFileSync(atlasPath, "utf8"));
const ecuador = feature(world, world.objects.countries).features.find((f) => f.id === "218");

const round = (n) => Math.round(n * 10) / 10;

// Equirectangular at the equator (Ecuador spans 1.5°N to 5°S, where it distorts little).
const SCALE = 100; // pixels per degree
const NORTH = 1.75;
const SOUTH = -5.1;
const MAINLAND_WEST = -81.2;
const MAINLAND_EAST = -75.1;
// The Galápagos lie about 1,000 km west: drawn in an inset box beside the mainland, at the
// same latitudes, shifted east by GALAPAGOS_SHIFT degrees.
const GALAPAGOS_WEST = -92.1;
const GALAPAGOS_EAST = -89.1;
const INSET_GAP = 0.3; // degrees between the inset and the mainland
const GALAPAGOS_SHIFT = round(MAINLAND_WEST - INSET_GAP - GALAPAGOS_EAST);
const ORIGIN_WEST = GALAPAGOS_WEST + GALAPAGOS_SHIFT;
const MIN_STEP = 1.2; // pixels: closer points are dropped

const isGalapagos = (lon) => lon < -85;
const x = (lon) => (lon + (isGalapagos(lon) ? GALAPAGOS_SHIFT : 0) - ORIGIN_WEST) * SCALE;
const y = (lat) => (NORTH - lat) * SCALE;

function ringPath(ring) {
  const points = [];
  for (const [lon, lat] of ring) {
    const point = [round(x(lon)), round(y(lat))];
    const last = points[points.length - 1];
    if (!last || Math.hypot(point[0] - last[0], point[1] - last[1]) >= MIN_STEP) {
      points.push(point);
    }
  }
  if (points.length < 3) return { galapagos: false, d: "" };
  const d = `M${points.map((p) => p.join(" ")).join("L")}Z`;
  return { galapagos: isGalapagos(ring[0][0]), d };
}

const paths = { mainland: [], galapagos: [] };
for (const polygon of ecuador.geometry.coordinates) {
  for (const ring of polygon) {
    const { galapagos, d } = ringPath(ring);
    if (d) paths[galapagos ? "galapagos" : "mainland"].push(d);
  }
}

const output = {
  source:
    `Natural Earth 1:10m Admin 0 countries (public domain), via the npm package ` +
    `world-atlas ${atlasVersion} (countries-10m.json); derived by build_ecuador.mjs.`,
  width: round((MAINLAND_EAST - ORIGIN_WEST) * SCALE),
  height: round((NORTH - SOUTH) * SCALE),
  projection: {
    scale: SCALE,
    north: NORTH,
    origin_west: ORIGIN_WEST,
    galapagos_west_of: -85,
    galapagos_shift: GALAPAGOS_SHIFT,
  },
  galapagos_box: {
    x: 0,
    y: 0,
    width: round((GALAPAGOS_EAST - GALAPAGOS_WEST) * SCALE),
    height: round((NORTH + 1.95) * SCALE),
  },
  mainland: paths.mainland.join(""),
  galapagos: paths.galapagos.join(""),
};
writeFileSync(new URL("./ecuador.json", import.meta.url), `${JSON.stringify(output, null, 1)}\n`);
console.log(
  `ecuador.json: ${paths.mainland.length} mainland and ${paths.galapagos.length} Galápagos rings`,
);

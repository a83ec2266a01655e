// SPDX-License-Identifier: AGPL-3.0-or-later
// The reports map: markers of the public reports in view (GeoJSON from the page's data-source) and, on
// the filing page, a point chosen by tapping the map or from the phone's position, written into the
// latitude and longitude fields. Without JavaScript the fields are typed by hand and the list is shown.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";  // run once the page is read: the latitude and longitude fields come after the map
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var lat = document.getElementById("id_latitude"), lon = document.getElementById("id_longitude");
  var start = [parseFloat(box.dataset.lat || "16.0"), parseFloat(box.dataset.lon || "107.5")];
  var map = L.map(box).setView(start, parseInt(box.dataset.zoom || "14", 10));
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, {maxZoom: 19, attribution: box.dataset.attribution || ""}).addTo(map);
  }
  if (box.dataset.boundary) {
    // The commune's area, outlined; without a report to centre on, the map shows the whole commune.
    fetch(box.dataset.boundary, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var area = L.geoJSON(data, {interactive: false, style: {className: "commune-boundary", fill: false}}).addTo(map);
        if (box.dataset.fit) { map.fitBounds(area.getBounds()); }
      });
  }
  var layer = L.layerGroup().addTo(map);
  function popup(p) {
    // Built as elements, not HTML text: a category's name is typed by an official and shown as it is.
    var div = document.createElement("div"), a = document.createElement("a");
    div.textContent = p.category + " · " + p.status_label + " · ";
    a.href = box.dataset.link.replace("CODE", encodeURIComponent(p.code));
    a.textContent = p.code;
    div.appendChild(a);
    return div;
  }
  function load() {
    if (!box.dataset.source) { return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
    fetch(box.dataset.source + "?bbox=" + bbox.join(","), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        layer.clearLayers();
        data.features.forEach(function (f) {
          var c = f.geometry.coordinates, p = f.properties;
          L.circleMarker([c[1], c[0]], {radius: 7, className: "report-" + p.status})
            .bindPopup(popup(p))
            .addTo(layer);
        });
      });
  }
  map.on("moveend", load);
  load();
  if (!lat || !lon) { return; }
  var chosen = null;
  function choose(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (chosen) { chosen.setLatLng(latlng); } else { chosen = L.marker(latlng).addTo(map); }
  }
  if (lat.value && lon.value) { choose(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); }
  map.on("click", function (e) { choose(e.latlng); });
  var here = document.getElementById("here");
  if (here && navigator.geolocation) {
    here.hidden = false;
    here.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var p = L.latLng(pos.coords.latitude, pos.coords.longitude);
        choose(p);
        map.setView(p, 17);
      });
    });
  }
});

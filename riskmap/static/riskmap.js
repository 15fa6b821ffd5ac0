/* RiskMap's layer builders: the map's layers are compact JSON payloads (a style table
 * plus per-feature indices and values, see riskmap/mapview/encode.py) that these
 * functions turn into Leaflet layers.  Values and labels arrive html-escaped from
 * Python; here they are only joined.  Loaded like the vendored files (riskmap/static),
 * so the map needs no network. */
window.RiskMap = window.RiskMap || (function () {
  function val(d, v, i) {
    // A number stands for an entry of the field's table of distinct values.
    var x = v[i];
    return typeof x === 'number' ? d.dicts[i][x] : x;
  }
  function table(d, v, idx) {
    var h = '';
    for (var k = 0; k < idx.length; k++) {
      var i = idx[k], x = val(d, v, i);
      if (x !== '') h += '<tr><th>' + d.labels[i] + '</th><td>' + x + '</td></tr>';
    }
    return '<table class="rm-table">' + h + '</table>';
  }
  function bind(layer, d, v, withTitle) {
    // Values and labels arrive html-escaped from Python; here they are only joined.
    if (d.tip.length) layer.bindTooltip(function () { return table(d, v, d.tip); }, {sticky: true});
    if (d.pop.length) layer.bindPopup(function () {
      var title = withTitle && d.pop.length ? val(d, v, d.pop[0]) : '';
      return (title ? '<div class="rm-title">' + title + '</div>' : '') + table(d, v, d.pop);
    }, {maxWidth: 360});
  }
  function pathStyle(s) {
    return {color: s.o, weight: s.w, opacity: s.op, fillColor: s.c, fillOpacity: s.fo, dashArray: s.dash};
  }
  function clusterIcon(styles) {
    return function (cluster) {
      var ms = cluster.getAllChildMarkers(), best = null;
      for (var i = 0; i < ms.length; i++) {
        var s = styles[ms[i].options.rmStyle];
        if (s && (best === null || s.p > best.p)) best = s;
      }
      best = best || styles[0];
      var n = cluster.getChildCount(), size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 44;
      return L.divIcon({
        html: '<div style="background:' + best.c + ';color:' + best.tc + '"><span>' + n + '</span></div>',
        className: 'rm-cluster', iconSize: L.point(size, size)});
    };
  }
  function geo(d) {
    var group = L.featureGroup();
    if (d.casing) {
      L.geoJSON(d.geojson, {
        filter: function (f) { return !!d.styles[f.properties.s].casing; },
        style: function (f) { var s = d.styles[f.properties.s];
          return {color: s.casing, weight: s.w + 3, opacity: 0.9, dashArray: s.dash, lineCap: 'butt'}; },
        interactive: false}).addTo(group);
    }
    L.geoJSON(d.geojson, {
      style: function (f) { var s = d.styles[f.properties.s];
        var st = pathStyle(s); if (d.kind === 'line') { st.dashArray = null; } return st; },
      onEachFeature: function (f, layer) {
        layer.options.rmKey = f.properties.k;
        bind(layer, d, f.properties.v, false);
      }}).addTo(group);
    for (var i = 0; i < (d.names || []).length; i++) {
      var a = d.names[i];
      L.marker([a[0], a[1]], {interactive: false, keyboard: false,
        icon: L.divIcon({className: 'rm-label', html: a[2], iconSize: null})}).addTo(group);
    }
    return group;
  }
  function points(d) {
    var group = d.cluster ? L.markerClusterGroup({
        maxClusterRadius: d.cluster.radius, disableClusteringAtZoom: d.cluster.disable_at,
        chunkedLoading: true, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
        iconCreateFunction: clusterIcon(d.styles)}) : L.featureGroup();
    var markers = [];
    for (var i = 0; i < d.rows.length; i++) {
      var r = d.rows[i], s = d.styles[r[2]];
      var m = L.circleMarker([r[0], r[1]], {radius: s.r, color: s.o, weight: s.w, opacity: s.op,
        fillColor: s.c, fillOpacity: s.fo, dashArray: s.dash, rmStyle: r[2]});
      bind(m, d, r[3], true);
      markers.push(m);
    }
    if (d.cluster) { group.addLayers(markers); } else { for (var j = 0; j < markers.length; j++) markers[j].addTo(group); }
    if (!(d.cells || []).length) return group;
    // Grid cells (province scale): one circle per cell, sized by its count, kept out
    // of the cluster group (they are already a summary).
    var all = L.featureGroup([group]);
    for (var c = 0; c < d.cells.length; c++) {
      var e = d.cells[c], cs = d.styles[e[2]];
      L.circleMarker([e[0], e[1]], {radius: e[3], color: '#ffffff', weight: 0.6, fillColor: cs.c,
        fillOpacity: 0.75}).bindTooltip(e[4]).addTo(all);
    }
    return all;
  }
  return {table: table, geo: geo, points: points};
})();

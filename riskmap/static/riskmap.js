/* RiskMap's layer builders: the map's layers are compact JSON payloads (a style table
 * plus per-feature indices and values, see riskmap/mapview/encode.py) that these
 * functions turn into Leaflet layers.  Values and labels arrive html-escaped from
 * Python; here they are only joined.  The page's controls (controls(): the wheel
 * gate and its hint, the reset button, the search box) read the same payloads: the
 * search box puts what it finds on the page as text (textContent), never as HTML.
 * Loaded like the vendored files (riskmap/static), so the map needs no network. */
window.RiskMap = window.RiskMap || (function () {
  // Searchable features of the layers built since the map's prepare(); controls() takes them.
  var pending = [];
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
  function unescapeHtml(x) {
    // Values arrive html-escaped (encode.py): the search box matches and shows the plain text.
    return String(x).replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  function fold(x) {
    // Full-width letters and digits match their ASCII forms; case does not matter.
    return (x.normalize ? x.normalize('NFKC') : x).toLowerCase();
  }
  function remember(list, d, layer, v) {
    if (!(d.find || []).length) return;
    var texts = [];
    for (var k = 0; k < d.find.length; k++) {
      var x = unescapeHtml(val(d, v, d.find[k]));
      if (x !== '') texts.push(x);
    }
    if (texts.length) list.push({layer: layer, texts: texts, folded: texts.map(fold)});
  }
  function finish(top, d, list, cluster) {
    // The layer as added to the map (and the layer control), for the search box.
    var kind = unescapeHtml(d.title || '');
    for (var i = 0; i < list.length; i++) {
      list[i].top = top; list[i].kind = kind; list[i].cluster = cluster || null;
      list[i].zoom = d.cluster && d.cluster.disable_at ? d.cluster.disable_at : null;
      pending.push(list[i]);
    }
    return top;
  }
  function collection(d) {
    // The FeatureCollection of a layer sent as shapes (encode.py: geometry type index,
    // coordinates, properties per feature; index -1 carries its whole geometry).
    var sh = d.shapes, out = new Array(sh.f.length);
    for (var i = 0; i < sh.f.length; i++) {
      var f = sh.f[i];
      out[i] = {type: 'Feature', properties: f[2],
                geometry: f[0] < 0 ? f[1] : {type: sh.t[f[0]], coordinates: f[1]}};
    }
    return {type: 'FeatureCollection', features: out};
  }
  function geo(d) {
    var group = L.featureGroup(), list = [], data = collection(d);
    if (d.casing) {
      L.geoJSON(data, {
        filter: function (f) { return !!d.styles[f.properties.s].casing; },
        style: function (f) { var s = d.styles[f.properties.s];
          return {color: s.casing, weight: s.w + 3, opacity: 0.9, dashArray: s.dash, lineCap: 'butt'}; },
        interactive: false}).addTo(group);
    }
    L.geoJSON(data, {
      style: function (f) { var s = d.styles[f.properties.s];
        var st = pathStyle(s); if (d.kind === 'line') { st.dashArray = null; } return st; },
      onEachFeature: function (f, layer) {
        layer.options.rmKey = f.properties.k;
        bind(layer, d, f.properties.v, false);
        remember(list, d, layer, f.properties.v);
      }}).addTo(group);
    for (var i = 0; i < (d.names || []).length; i++) {
      var a = d.names[i];
      // In their own pane, above every point and cluster (prepare()), and never in the way of a click.
      L.marker([a[0], a[1]], {interactive: false, keyboard: false, pane: 'rmLabels',
        icon: L.divIcon({className: 'rm-label', html: a[2], iconSize: null})}).addTo(group);
    }
    return finish(group, d, list);
  }
  function cellTip(text, e) {
    // A grid cell's tooltip, written when it opens: the heading with the cell's count, then
    // the count of each key (grade or level, worst first) the cell holds.  The labels arrive
    // html-escaped from Python; the counts are numbers.
    return function () {
      var h = '';
      for (var k = 0; k < text.keys.length; k++) {
        if (e[5][k] > 0) h += '<tr><th>' + text.keys[k] + '</th><td>' + e[5][k] + '</td></tr>';
      }
      return '<div class="rm-title">' + text.head.replace('{n}', e[4]) + '</div><table class="rm-table">' + h + '</table>';
    };
  }
  function points(d) {
    var group = d.cluster ? L.markerClusterGroup({
        maxClusterRadius: d.cluster.radius, disableClusteringAtZoom: d.cluster.disable_at,
        chunkedLoading: true, showCoverageOnHover: false, spiderfyOnMaxZoom: true,
        iconCreateFunction: clusterIcon(d.styles)}) : L.featureGroup();
    var markers = [], list = [];
    for (var i = 0; i < d.rows.length; i++) {
      var r = d.rows[i], s = d.styles[r[2]];
      var m = L.circleMarker([r[0], r[1]], {radius: s.r, color: s.o, weight: s.w, opacity: s.op,
        fillColor: s.c, fillOpacity: s.fo, dashArray: s.dash, rmStyle: r[2]});
      bind(m, d, r[3], true);
      remember(list, d, m, r[3]);
      markers.push(m);
    }
    if (d.cluster) { group.addLayers(markers); } else { for (var j = 0; j < markers.length; j++) markers[j].addTo(group); }
    if (!(d.cells || []).length) return finish(group, d, list, d.cluster ? group : null);
    // Grid cells (province scale): one circle per cell, sized by its count, kept out
    // of the cluster group (they are already a summary).
    var all = L.featureGroup([group]);
    for (var c = 0; c < d.cells.length; c++) {
      var e = d.cells[c], cs = d.styles[e[2]];
      L.circleMarker([e[0], e[1]], {radius: e[3], color: '#ffffff', weight: 0.6, fillColor: cs.c,
        fillOpacity: 0.75}).bindTooltip(cellTip(d.cell_text, e)).addTo(all);
    }
    return finish(all, d, list, d.cluster ? group : null);
  }

  // --- the page's controls ------------------------------------------------------------

  function prepare(map) {
    // Called before the layers are built: county names get a pane above the marker panes
    // (points and cluster icons never cover them), and the search list starts afresh.
    pending = [];
    if (!map.getPane('rmLabels')) {
      var pane = map.createPane('rmLabels');
      pane.style.zIndex = 640;  // above markers (600), below tooltips (650) and popups (700)
      pane.style.pointerEvents = 'none';
    }
  }

  function wheelGate(map, o) {
    // The wheel scrolls the page until the map is clicked or focused; leaving the map (or
    // its losing focus) gives the wheel back to the page.  A map that fills its own
    // window, with nothing to scroll, keeps wheel zoom.
    var framed = window.self !== window.top;
    var scrollable = document.documentElement.scrollHeight > window.innerHeight + 1;
    if (!o.gate || !(framed || scrollable)) return;
    var container = map.getContainer(), timer = null;
    var Hint = L.Control.extend({options: {position: 'bottomleft'}, onAdd: function () {
      var div = L.DomUtil.create('div', 'rm-hint');
      div.textContent = o.strings.hint;
      div.setAttribute('role', 'note');
      return div;
    }});
    var hint = new Hint();
    hint.addTo(map);
    var box = hint.getContainer();
    function on() {
      if (map.scrollWheelZoom.enabled()) return;
      map.scrollWheelZoom.enable();
      L.DomUtil.addClass(container, 'rm-wheel-on');
    }
    function off() {
      if (!map.scrollWheelZoom.enabled() || map._isFullscreen) return;  // full screen: nothing to scroll
      map.scrollWheelZoom.disable();
      L.DomUtil.removeClass(container, 'rm-wheel-on');
    }
    map.scrollWheelZoom.disable();
    map.on('click focus enterFullscreen', on);
    map.on('blur', off);
    map.on('exitFullscreen', off);
    container.addEventListener('mousedown', on);
    container.addEventListener('mouseleave', off);
    container.addEventListener('wheel', function () {
      if (map.scrollWheelZoom.enabled()) return;
      // The page scrolled instead: say once more how to zoom with the wheel.
      L.DomUtil.addClass(box, 'rm-hint-alert');
      clearTimeout(timer);
      timer = setTimeout(function () { L.DomUtil.removeClass(box, 'rm-hint-alert'); }, 1500);
    }, {passive: true});
  }

  function resetControl(map, o) {
    var bounds = L.latLngBounds(o.bounds);
    var Reset = L.Control.extend({options: {position: 'topleft'}, onAdd: function () {
      var bar = L.DomUtil.create('div', 'leaflet-bar leaflet-control rm-reset');
      var a = L.DomUtil.create('a', '', bar);
      a.href = '#';
      a.setAttribute('role', 'button');
      a.title = o.strings.reset;
      a.setAttribute('aria-label', o.strings.reset);
      a.textContent = '\u2302';  // ⌂, drawn by every CJK and Latin font
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(a, 'click', function (e) {
        L.DomEvent.preventDefault(e);
        clearTimeout(map._rmOpening);
        map.closePopup();
        map.fitBounds(bounds);
      });
      return bar;
    }});
    new Reset().addTo(map);
  }

  function rank(entry, q) {
    // 0: a field equals the query (an id typed in full), 1: starts with it, 2: contains it.
    var best = 3;
    for (var i = 0; i < entry.folded.length; i++) {
      var f = entry.folded[i];
      if (f === q) return 0;
      if (f.indexOf(q) === 0) best = Math.min(best, 1);
      else if (f.indexOf(q) > 0) best = Math.min(best, 2);
    }
    return best;
  }

  function show(map, entry) {
    var layer = entry.layer;
    clearTimeout(map._rmOpening);
    if (!map.hasLayer(entry.top)) map.addLayer(entry.top);  // a layer ticked off comes back
    map.closePopup();
    if (layer.getLatLng) {
      var ll = layer.getLatLng();
      var open = function () {
        if (layer._map) { layer.openPopup(); } else { map.openPopup(layer.getPopup().setLatLng(ll)); }
      };
      // Zoomed in past the clustering, so the point stands alone with its popup; a
      // cluster group redraws its markers just after the zoom, so the popup waits for it.
      map.setView(ll, Math.max(map.getZoom(), entry.zoom || 15), {animate: false});
      if (entry.cluster) { map._rmOpening = setTimeout(open, 400); } else { open(); }
    } else {
      var b = layer.getBounds();
      map.fitBounds(b, {animate: false, maxZoom: 13});
      layer.openPopup(b.getCenter());
    }
  }

  function searchControl(map, o, entries) {
    if (!entries.length) return;
    var Search = L.Control.extend({options: {position: 'topleft'}, onAdd: function () {
      var div = L.DomUtil.create('div', 'leaflet-bar leaflet-control rm-search');
      var input = L.DomUtil.create('input', '', div);
      input.type = 'search';
      input.placeholder = o.strings.search;
      input.setAttribute('aria-label', o.strings.search);
      input.setAttribute('autocomplete', 'off');
      var list = L.DomUtil.create('ul', 'rm-results', div);
      list.setAttribute('role', 'listbox');
      var hits = [], active = 0;
      function pick(i) {
        if (!hits[i]) return;
        show(map, hits[i]);
        list.textContent = '';
        input.blur();
      }
      function draw() {
        list.textContent = '';
        var q = fold(input.value.trim());
        hits = [];
        if (!q) return;
        var scored = [];
        for (var i = 0; i < entries.length; i++) {
          var r = rank(entries[i], q);
          if (r < 3) scored.push([r, i]);
        }
        scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
        hits = scored.slice(0, o.limit || 8).map(function (x) { return entries[x[1]]; });
        if (!hits.length) {
          var none = L.DomUtil.create('li', 'rm-none', list);
          none.textContent = o.strings.none;
          return;
        }
        active = 0;
        hits.forEach(function (h, i) {
          var li = L.DomUtil.create('li', i === active ? 'rm-active' : '', list);
          li.setAttribute('role', 'option');
          var name = L.DomUtil.create('span', 'rm-name', li);
          name.textContent = h.texts[0];
          var more = L.DomUtil.create('span', 'rm-kind', li);
          more.textContent = [h.kind].concat(h.texts.slice(1)).filter(Boolean).join(' · ');
          L.DomEvent.on(li, 'mousedown', function (e) { L.DomEvent.preventDefault(e); pick(i); });
        });
        if (scored.length > hits.length) {
          var rest = L.DomUtil.create('li', 'rm-none', list);
          rest.textContent = o.strings.more.replace('{n}', String(scored.length - hits.length));
        }
      }
      function mark() {
        var items = list.querySelectorAll('li[role=option]');
        for (var i = 0; i < items.length; i++) items[i].className = i === active ? 'rm-active' : '';
      }
      L.DomEvent.on(input, 'input', draw);
      L.DomEvent.on(input, 'keydown', function (e) {
        // The map's own keys (arrows pan, +/- zoom) stay out of the box.
        L.DomEvent.stopPropagation(e);
        if (e.key === 'Enter') { L.DomEvent.preventDefault(e); pick(active); }
        else if (e.key === 'ArrowDown' && hits.length) { L.DomEvent.preventDefault(e); active = (active + 1) % hits.length; mark(); }
        else if (e.key === 'ArrowUp' && hits.length) { L.DomEvent.preventDefault(e); active = (active + hits.length - 1) % hits.length; mark(); }
        else if (e.key === 'Escape') { input.value = ''; draw(); }
      });
      // The list closes just after the box loses focus (a click on a result lands first),
      // unless the box is back in use by then.
      var closing = null;
      L.DomEvent.on(input, 'blur', function () { closing = setTimeout(function () { list.textContent = ''; }, 150); });
      L.DomEvent.on(input, 'focus input', function () { clearTimeout(closing); });
      L.DomEvent.on(input, 'focus', draw);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    }});
    new Search().addTo(map);
  }

  function controls(map, o) {
    // o: {bounds: [[s, w], [n, e]] of the region, gate: bool, strings: {hint, reset, search, none, more}}
    var entries = pending;
    pending = [];
    // No "Leaflet" credit on a Chinese page (its licence asks for none on the map); a
    // basemap's own attribution stays.
    if (map.attributionControl) map.attributionControl.setPrefix(false);
    wheelGate(map, o);
    resetControl(map, o);
    searchControl(map, o, entries);
  }

  return {table: table, geo: geo, points: points, prepare: prepare, controls: controls};
})();

// Télégestion on the worker's phone (issue 13, COO-5), plain JavaScript.
// The day's visits are kept in IndexedDB (and the page by the service worker) so that the
// day shows without network; each entry (arrival, departure, tasks, note) gets a UUID,
// waits in IndexedDB and is sent by POST /api/v1/interventions/synchronisation when the
// connection is there. The server stores each UUID once; a conflict (the visit changed by
// another account) or a refusal comes back and is shown, never lost silently.
(function () {
  'use strict';
  var racine = document.getElementById('telegestion');
  if (!racine) { return; }
  var csrf = racine.getAttribute('data-csrf');
  var donnees = JSON.parse(document.getElementById('t-donnees').textContent);
  var compte = String(donnees.compte);
  var db = null;
  var etat = null;
  var file = [];
  var conflits = [];
  var envoiEnCours = false;
  var notesEnCours = {};
  var ordre = Date.now();
  var LIBELLES = {
    toilette: 'Toilette', aide_lever: 'Aide au lever', habillage: 'Habillage',
    repas: 'Préparation et aide au repas', courses: 'Courses', menage: 'Ménage',
    linge: 'Entretien du linge', medicaments: 'Aide à la prise de médicaments',
    change: 'Change', coucher: 'Aide au coucher', sortie: "Accompagnement à l'extérieur",
    compagnie: 'Présence et stimulation'
  };

  // IndexedDB: `kv` (the day, conflicts, consent by account) and `file` (entries waiting).
  function ouvrir() {
    return new Promise(function (ok) {
      if (!window.indexedDB) { ok(null); return; }
      var r = indexedDB.open('dui-telegestion', 1);
      r.onupgradeneeded = function () {
        var d = r.result;
        if (!d.objectStoreNames.contains('kv')) { d.createObjectStore('kv'); }
        if (!d.objectStoreNames.contains('file')) { d.createObjectStore('file', { keyPath: 'id' }); }
      };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { ok(null); };
    });
  }
  function requete(magasin, mode, f) {
    return new Promise(function (ok) {
      if (!db) { ok(null); return; }
      var t = db.transaction(magasin, mode);
      var r = f(t.objectStore(magasin));
      t.oncomplete = function () { ok(r ? r.result : null); };
      t.onerror = function () { ok(null); };
      t.onabort = function () { ok(null); };
    });
  }
  function lire(cle) { return requete('kv', 'readonly', function (s) { return s.get(cle + ':' + compte); }); }
  function ecrire(cle, v) { return requete('kv', 'readwrite', function (s) { return s.put(v, cle + ':' + compte); }); }
  function garder() { etat.maj = Date.now(); return ecrire('jour', etat); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function heure(ts) {
    if (!ts) { return ''; }
    return new Date(ts).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });
  }
  function el(nom, attrs, enfants) {
    var e = document.createElement(nom);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'texte') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (enfants || []).forEach(function (c) { if (c) { e.appendChild(c); } });
    return e;
  }
  function visite(id) {
    for (var i = 0; i < etat.visites.length; i++) { if (etat.visites[i].id === id) { return etat.visites[i]; } }
    return null;
  }

  // What an entry changes on the visit as shown (also replayed on a day read again).
  function appliquer(v, e) {
    if (!v) { return; }
    if (e.type === 'arrivee' && !v.arrivee) { v.arrivee = e.horodatage; }
    if (e.type === 'depart' && !v.depart) { v.depart = e.horodatage; }
    if (e.type === 'note') { v.note = e.note; }
    if (e.type === 'taches') {
      e.taches.forEach(function (t) {
        v.taches.forEach(function (x) { if (x.tache === t.tache) { x.fait = t.fait; x.motif = t.motif; } });
      });
    }
  }
  function enAttente(id) { return file.some(function (e) { return e.visite === id; }); }

  function majEtat() {
    var p = document.getElementById('t-etat');
    var n = file.length;
    var attente = n === 0 ? 'tout est envoyé' : (n === 1 ? '1 saisie en attente d\'envoi' : n + ' saisies en attente d\'envoi');
    if (navigator.onLine) {
      p.className = 'alerte ' + (n ? 'alerte-attention' : 'alerte-succes');
      p.textContent = 'En ligne : ' + attente + '.';
    } else {
      p.className = 'alerte alerte-attention';
      p.textContent = 'Hors connexion : ' + attente + ' ; l\'envoi se fera au retour du réseau.';
    }
  }

  function rendreConflits() {
    var s = document.getElementById('t-conflits');
    var ul = s.querySelector('ul');
    ul.textContent = '';
    conflits.forEach(function (c) { ul.appendChild(el('li', { texte: c.usager + ' (' + c.quoi + ') : ' + c.message })); });
    s.hidden = conflits.length === 0;
  }

  function carte(v) {
    var li = el('li', { 'class': 'carte t-visite', id: 'visite-' + v.id });
    li.appendChild(el('h2', { texte: heure(v.debut_prevu) + '–' + heure(v.fin_prevue) + ' · ' + v.usager }));
    if (v.adresse) { li.appendChild(el('p', { texte: v.adresse })); }
    var libelles = v.taches.map(function (t) { return LIBELLES[t.tache] || t.tache; });
    if (v.tache_libre) { libelles.push(v.tache_libre); }
    li.appendChild(el('p', { texte: 'Tâches : ' + libelles.join(', ') }));
    var statut = v.depart ? 'Partie à ' + heure(v.depart) + ' (arrivée à ' + heure(v.arrivee) + ')'
      : (v.arrivee ? 'Sur place depuis ' + heure(v.arrivee) : 'À faire');
    var st = el('p', { 'data-statut': '' }, [el('strong', { texte: statut })]);
    if (enAttente(v.id)) { st.appendChild(el('span', { 'class': 't-attente', texte: ' — en attente d\'envoi' })); }
    li.appendChild(st);
    if (!v.arrivee) {
      li.appendChild(el('button', { type: 'button', 'class': 'bouton', 'data-action': 'arrivee', 'data-visite': v.id, texte: 'J\'arrive' }));
      return li;
    }
    if (!v.depart) {
      var form = el('form', { 'data-visite': v.id, 'data-form': 'taches', novalidate: '' });
      v.taches.forEach(function (t) {
        var nom = 't-' + v.id + '-' + t.tache;
        var fs = el('fieldset', { 'class': 't-tache' }, [el('legend', { texte: LIBELLES[t.tache] || t.tache })]);
        var choix = el('div', { 'class': 't-choix' });
        [['oui', 'Faite'], ['non', 'Non faite']].forEach(function (c) {
          var id = nom + '-' + c[0];
          var input = el('input', { type: 'radio', name: nom, id: id, value: c[0] });
          if ((c[0] === 'oui' && t.fait === true) || (c[0] === 'non' && t.fait === false)) { input.checked = true; }
          choix.appendChild(el('label', { 'for': id }, [input, document.createTextNode(' ' + c[1])]));
        });
        fs.appendChild(choix);
        var mid = nom + '-motif';
        var motif = el('input', { type: 'text', id: mid, name: mid, maxlength: '300' });
        motif.value = t.motif || '';
        var bloc = el('div', { 'class': 'champ', 'data-motif': '' }, [el('label', { 'for': mid, texte: 'Pourquoi « ' + (LIBELLES[t.tache] || t.tache) + ' » n\'a pas été faite' }), motif]);
        bloc.hidden = t.fait !== false;
        fs.appendChild(bloc);
        form.appendChild(fs);
      });
      if (v.taches.length) {
        form.appendChild(el('p', { 'class': 'alerte alerte-erreur', 'data-erreur': '', role: 'alert', hidden: '' }));
        form.appendChild(el('button', { type: 'submit', 'class': 'bouton bouton-secondaire', texte: 'Enregistrer les tâches' }));
      }
      li.appendChild(form);
      var nid = 'note-' + v.id;
      var note = el('textarea', { id: nid, maxlength: '1000', rows: '3' });
      // What is being typed survives a redraw (an answer of the server arriving meanwhile).
      note.value = notesEnCours[v.id] !== undefined ? notesEnCours[v.id] : (v.note || '');
      var fn = el('form', { 'data-visite': v.id, 'data-form': 'note' }, [
        el('div', { 'class': 'champ' }, [el('label', { 'for': nid, texte: 'Note pour l\'équipe' }), note]),
        el('button', { type: 'submit', 'class': 'bouton bouton-secondaire', texte: 'Enregistrer la note' })
      ]);
      li.appendChild(fn);
      li.appendChild(el('button', { type: 'button', 'class': 'bouton', 'data-action': 'depart', 'data-visite': v.id, texte: 'Je pars' }));
      return li;
    }
    var faites = v.taches.map(function (t) {
      return (LIBELLES[t.tache] || t.tache) + (t.fait === true ? ' : faite' : (t.fait === false ? ' : non faite (' + (t.motif || '') + ')' : ' : non renseignée'));
    });
    li.appendChild(el('p', { texte: faites.join(' ; ') }));
    if (v.note) { li.appendChild(el('p', { texte: 'Note : ' + v.note })); }
    return li;
  }

  function rendre() {
    var ol = document.getElementById('t-visites');
    var focus = document.activeElement && document.activeElement.id;
    ol.textContent = '';
    etat.visites.forEach(function (v) { ol.appendChild(carte(v)); });
    var vide = document.getElementById('t-vide');
    if (vide) { vide.hidden = etat.visites.length > 0; }
    rendreConflits();
    majEtat();
    if (focus && document.getElementById(focus)) { document.getElementById(focus).focus(); }
  }

  function saisir(id, type, extra) {
    var v = visite(id);
    if (!v) { return; }
    var e = { id: uuid(), visite: id, version: v.version, type: type, horodatage: new Date().toISOString(),
      position: null, taches: null, note: null, compte: compte, ordre: ++ordre, usager: v.usager };
    Object.keys(extra || {}).forEach(function (k) { e[k] = extra[k]; });
    appliquer(v, e);
    file.push(e);
    requete('file', 'readwrite', function (s) { return s.put(e); }).then(function () {
      return garder();
    }).then(function () {
      rendre();
      var suivant = document.querySelector('#visite-' + id + ' button, #visite-' + id + ' input');
      if (suivant) { suivant.focus(); }
      envoyer();
    });
  }

  function pointer(id, type) {
    var consent = document.getElementById('t-position').checked;
    if (!consent || !navigator.geolocation) { saisir(id, type); return; }
    var fait = false;
    var fin = function (pos) {
      if (fait) { return; }
      fait = true;
      saisir(id, type, pos ? { position: { lat: pos.coords.latitude, lon: pos.coords.longitude } } : {});
    };
    navigator.geolocation.getCurrentPosition(fin, function () { fin(null); }, { timeout: 5000, maximumAge: 60000 });
    setTimeout(function () { fin(null); }, 6000);
  }

  function retirer(ids) {
    file = file.filter(function (e) { return ids.indexOf(e.id) < 0; });
    return requete('file', 'readwrite', function (s) { ids.forEach(function (i) { s.delete(i); }); return null; });
  }

  function jetonFrais() {
    return fetch('/telegestion', { credentials: 'same-origin', cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (t) {
      var d = new DOMParser().parseFromString(t, 'text/html').getElementById('telegestion');
      if (d) { csrf = d.getAttribute('data-csrf'); }
    });
  }

  var QUOI = { arrivee: 'arrivée', depart: 'départ', taches: 'tâches', note: 'note' };

  function envoyer(deuxieme) {
    if (envoiEnCours || !file.length || !navigator.onLine) { majEtat(); return; }
    envoiEnCours = true;
    var lot = file.slice().sort(function (a, b) { return a.ordre - b.ordre; }).slice(0, 50);
    var corps = lot.map(function (e) {
      return { id: e.id, visite: e.visite, version: e.version, type: e.type, horodatage: e.horodatage,
        position: e.position, taches: e.taches, note: e.note };
    });
    fetch('/api/v1/interventions/synchronisation', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ entrees: corps })
    }).then(function (r) {
      if (r.status === 403 && !deuxieme) { return jetonFrais().then(function () { throw new Error('jeton'); }); }
      if (!r.ok) { throw new Error('http ' + r.status); }
      return r.json();
    }).then(function (rep) {
      var faits = [];
      rep.resultats.forEach(function (r, i) {
        var e = lot[i];
        faits.push(e.id);
        if (r.statut === 'conflit' || r.statut === 'refusee') {
          conflits.push({ usager: e.usager || ('visite ' + e.visite), quoi: QUOI[e.type] || e.type, message: r.message || 'Saisie non appliquée.' });
        }
        var v = visite(e.visite);
        if (v && r.version && r.version > v.version && r.statut !== 'conflit') { v.version = r.version; }
      });
      // The conflicts are shown at once: the day's refresh that follows may wait on a network
      // that has only just come back.
      return retirer(faits).then(function () { return ecrire('conflits', conflits); })
        .then(function () { rendreConflits(); return rafraichir(); });
    }).catch(function (err) {
      if (err && err.message === 'jeton') { envoiEnCours = false; envoyer(true); }
    }).then(function () {
      envoiEnCours = false;
      majEtat();
      if (file.length && navigator.onLine) { setTimeout(envoyer, 500); }
    });
  }

  // The day as the server has it now, with what still waits replayed on it.
  function rafraichir() {
    return fetch('/api/v1/interventions', { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      if (!r.ok) { throw new Error('http ' + r.status); }
      return r.json();
    }).then(function (rep) {
      etat.visites = rep.items;
      file.forEach(function (e) { appliquer(visite(e.visite), e); });
      return garder();
    }).then(rendre, rendre);
  }

  racine.addEventListener('click', function (ev) {
    var b = ev.target.closest('[data-action]');
    if (!b) { return; }
    var a = b.getAttribute('data-action');
    if (a === 'effacer-conflits') { conflits = []; ecrire('conflits', conflits); rendreConflits(); return; }
    pointer(Number(b.getAttribute('data-visite')), a);
  });
  racine.addEventListener('input', function (ev) {
    var t = ev.target;
    var f = t.closest && t.closest('form[data-form="note"]');
    if (f) { notesEnCours[Number(f.getAttribute('data-visite'))] = t.value; }
  });
  racine.addEventListener('change', function (ev) {
    var t = ev.target;
    if (t.type === 'radio') {
      var bloc = t.closest('fieldset').querySelector('[data-motif]');
      bloc.hidden = t.value !== 'non';
    }
    if (t.id === 't-position') { ecrire('position', t.checked); }
  });
  racine.addEventListener('submit', function (ev) {
    var f = ev.target;
    ev.preventDefault();
    var id = Number(f.getAttribute('data-visite'));
    if (f.getAttribute('data-form') === 'note') {
      var n = f.querySelector('textarea').value.trim();
      delete notesEnCours[id];
      if (n) { saisir(id, 'note', { note: n }); }
      return;
    }
    var v = visite(id);
    var taches = [];
    var manque = null;
    v.taches.forEach(function (t) {
      var nom = 't-' + id + '-' + t.tache;
      var c = f.querySelector('input[name="' + nom + '"]:checked');
      if (!c) { return; }
      var motif = f.querySelector('#' + nom + '-motif').value.trim();
      if (c.value === 'non' && !motif && !manque) { manque = nom + '-motif'; }
      taches.push({ tache: t.tache, fait: c.value === 'oui', motif: c.value === 'non' ? motif : null });
    });
    var err = f.querySelector('[data-erreur]');
    if (manque) {
      err.textContent = 'Indiquez pourquoi la tâche n\'a pas été faite.';
      err.hidden = false;
      document.getElementById(manque).focus();
      return;
    }
    if (!taches.length) { err.textContent = 'Cochez au moins une tâche, faite ou non.'; err.hidden = false; return; }
    saisir(id, 'taches', { taches: taches });
  });
  window.addEventListener('online', function () { signalerReseau(true); envoyer(); });
  window.addEventListener('offline', function () { signalerReseau(false); majEtat(); });

  ouvrir().then(function (d) {
    db = d;
    return Promise.all([lire('jour'), requete('file', 'readonly', function (s) { return s.getAll(); }), lire('conflits'), lire('position')]);
  }).then(function (r) {
    var garde = r[0];
    donnees.maj = Date.parse(donnees.servi_a);
    etat = (garde && garde.jour === donnees.jour && garde.maj > donnees.maj) ? garde : donnees;
    file = (r[1] || []).filter(function (e) { return e.compte === compte; });
    file.sort(function (a, b) { return a.ordre - b.ordre; });
    file.forEach(function (e) { ordre = Math.max(ordre, e.ordre); appliquer(visite(e.visite), e); });
    conflits = r[2] || [];
    document.getElementById('t-position').checked = r[3] === true;
    return garder();
  }).then(function () {
    rendre();
    envoyer();
    setInterval(envoyer, 30000);
  });

  // The service worker: registered again a few times if it fails (a bad connection), the
  // page's view of the network told to it (it serves the kept day first while offline, and
  // acknowledges: `data-sw-reseau` on the page then says which way it serves the next load).
  function signalerReseau(enLigne) {
    var sw = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (sw) { sw.postMessage({ type: 'reseau', enLigne: enLigne }); }
  }
  function enregistrer(essai) {
    navigator.serviceWorker.register('/telegestion-sw.js', { scope: '/telegestion' }).catch(function () {
      // The page still works online; the day is kept once a registration succeeds.
      if (essai < 4) { setTimeout(function () { enregistrer(essai + 1); }, 2000 * (essai + 1)); }
    });
  }
  var premierAccuse = true;
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', function (e) {
      var m = e.data || {};
      if (m.type !== 'reseau-note') { return; }
      racine.setAttribute('data-sw-reseau', m.enLigne ? 'en-ligne' : 'hors-ligne');
      // Opened with the network while the copy kept offline was served (a phone opened the
      // next morning): the day of now, loaded once (not again if the network still fails);
      // only at the page's load, never under a worker's typing later.
      var RECHARGE = 'dui-telegestion-recharge';
      var ancienne = Date.now() - Date.parse(donnees.servi_a) > 5 * 60 * 1000;
      var premier = premierAccuse;
      premierAccuse = false;
      if (!premier || !m.enLigne || !navigator.onLine) { return; }
      if (!ancienne) { sessionStorage.removeItem(RECHARGE); return; }
      if (!sessionStorage.getItem(RECHARGE)) { sessionStorage.setItem(RECHARGE, '1'); location.reload(); }
    });
    navigator.serviceWorker.addEventListener('controllerchange', function () { signalerReseau(navigator.onLine); });
    enregistrer(0);
    signalerReseau(navigator.onLine);
  }
}());

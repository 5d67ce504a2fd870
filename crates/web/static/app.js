// Small enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    // Swap 4xx bodies (French messages) into #messages; htmx 2 does not swap errors by default.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "[4]..", swap: true, error: false },
      { code: "...", swap: false, error: true }
    ];
  }
  document.querySelectorAll("[data-confirmer]").forEach(function (el) {
    el.addEventListener("submit", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirmer"))) { ev.preventDefault(); }
    });
  });
  document.querySelectorAll("[data-imprimer]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  // Errors in place: the summary takes the focus; otherwise a confirmation after a redirect
  // does, and its code leaves the address (a reload does not confirm again).
  var resume = document.querySelector("[data-resume-erreurs]");
  var confirmation = document.querySelector("[data-confirmation]");
  if (resume) { resume.focus(); }
  else if (confirmation) { confirmation.focus(); }
  if (confirmation && window.history.replaceState) {
    var url = new URL(window.location.href);
    url.searchParams.delete("fait");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
  sessionKeepsWhatWasTyped();
  document.querySelectorAll("input[data-lieux]").forEach(birthplaceCombobox);
  // Error pages: back to the previous page (no inline script: the CSP forbids it).
  document.querySelectorAll("[data-retour]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
    });
  });
});

// An expired session keeps what was typed. Two minutes before the idle timeout a warning
// offers to stay logged in. A form posted is kept in this tab (sessionStorage) until the next
// page: when that page is the login (the session had expired), the page reached after logging
// in again fills the form back and says so; any other page forgets it.
function sessionKeepsWhatWasTyped() {
  var PREFIX = "dui:brouillon:", RECONNEXION = "dui:reconnexion";
  var store = window.sessionStorage;
  if (!store) { return; }
  var surConnexion = window.location.pathname === "/connexion";
  document.querySelectorAll("form[method=post]").forEach(function (f) {
    var action = f.getAttribute("action") || "";
    if (action === "/connexion") {
      f.addEventListener("submit", function () { store.setItem(RECONNEXION, "1"); });
      return;
    }
    if (action === "/deconnexion" || f.enctype === "multipart/form-data") { return; }
    f.addEventListener("submit", function () {
      var champs = [];
      f.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (!el.name || ["hidden", "password", "file", "submit"].indexOf(el.type) >= 0) { return; }
        champs.push([el.name, (el.type === "checkbox" || el.type === "radio") ? el.checked : el.value]);
      });
      store.setItem(PREFIX + window.location.pathname, JSON.stringify({ action: action, champs: champs }));
    });
  });
  if (surConnexion) { return; }
  var retour = store.getItem(RECONNEXION) === "1";
  var brouillon = store.getItem(PREFIX + window.location.pathname);
  for (var i = store.length - 1; i >= 0; i--) {
    var k = store.key(i);
    if (k && (k.indexOf(PREFIX) === 0 || k === RECONNEXION)) { store.removeItem(k); }
  }
  if (retour && brouillon) {
    try {
      var b = JSON.parse(brouillon);
      var form = document.querySelector('form[action="' + b.action + '"]');
      if (form) {
        b.champs.forEach(function (c) {
          var el = form.querySelector('[name="' + c[0] + '"]');
          if (!el) { return; }
          if (el.type === "checkbox" || el.type === "radio") { el.checked = c[1]; } else { el.value = c[1]; }
        });
        var note = document.createElement("div");
        note.className = "alerte alerte-info";
        note.setAttribute("role", "status");
        note.tabIndex = -1;
        note.innerHTML = "<p>Votre session avait expiré : ce que vous aviez saisi a été remis dans le formulaire. Vérifiez-le, puis enregistrez.</p>";
        form.parentNode.insertBefore(note, form);
        note.focus();
      }
    } catch (e) { /* a draft that cannot be read is dropped */ }
  }
  var inactivite = parseInt(document.body.getAttribute("data-inactivite") || "0", 10);
  var alerte = document.getElementById("session-alerte");
  if (!alerte || inactivite < 180) { return; }
  var minuterie;
  var armer = function () {
    window.clearTimeout(minuterie);
    minuterie = window.setTimeout(function () { alerte.hidden = false; }, (inactivite - 120) * 1000);
  };
  armer();
  document.body.addEventListener("htmx:afterRequest", armer);
  var rester = alerte.querySelector("[data-rester]");
  if (rester) {
    rester.addEventListener("click", function () {
      window.fetch("/api/v1/moi", { credentials: "same-origin" }).then(function (r) {
        if (r.ok) { alerte.hidden = true; armer(); }
      });
    });
  }
}

// Birthplace by name: a combobox (WAI-ARIA 1.2, list autocomplete) over
// GET /api/v1/lieux-naissance. Without JavaScript the field takes the name typed
// (« Reims (51) », or a name only one place has) and the server resolves it.
function birthplaceCombobox(input) {
  var liste = document.getElementById(input.getAttribute("aria-controls"));
  var statut = document.getElementById(input.id + "-statut");
  var options = [], actif = -1, minuterie, demande = 0;
  var fermer = function () {
    liste.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    actif = -1;
  };
  var activer = function (i) {
    actif = i;
    Array.prototype.forEach.call(liste.children, function (li, k) {
      li.setAttribute("aria-selected", k === i ? "true" : "false");
    });
    var li = liste.children[i];
    if (li) { input.setAttribute("aria-activedescendant", li.id); li.scrollIntoView({ block: "nearest" }); }
  };
  var choisir = function (i) {
    input.value = options[i].libelle;
    fermer();
    if (statut) { statut.textContent = "Lieu choisi : " + options[i].libelle + "."; }
  };
  var montrer = function (items) {
    options = items;
    liste.innerHTML = "";
    items.forEach(function (it, i) {
      var li = document.createElement("li");
      li.id = liste.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = it.libelle;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choisir(i); });
      liste.appendChild(li);
    });
    if (statut) {
      statut.textContent = items.length === 0 ? "Aucun lieu ne correspond."
        : items.length + (items.length > 1 ? " lieux proposés" : " lieu proposé") + " : flèche bas pour les parcourir, Entrée pour choisir.";
    }
    if (items.length) { liste.hidden = false; input.setAttribute("aria-expanded", "true"); } else { fermer(); }
  };
  input.addEventListener("input", function () {
    window.clearTimeout(minuterie);
    var q = input.value.trim();
    if (q.length < 2) { fermer(); options = []; return; }
    minuterie = window.setTimeout(function () {
      var n = ++demande;
      window.fetch("/api/v1/lieux-naissance?limit=8&q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (d) { if (n === demande) { montrer(d.items || []); } })
        .catch(function () { fermer(); });
    }, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      if (!options.length) { return; }
      if (liste.hidden) { liste.hidden = false; input.setAttribute("aria-expanded", "true"); }
      activer(Math.min(actif + 1, options.length - 1));
      e.preventDefault();
    } else if (e.key === "ArrowUp" && !liste.hidden) {
      activer(Math.max(actif - 1, 0));
      e.preventDefault();
    } else if (e.key === "Enter" && !liste.hidden && actif >= 0) {
      choisir(actif);
      e.preventDefault();
    } else if (e.key === "Escape" && !liste.hidden) {
      fermer();
      e.preventDefault();
    }
  });
  input.addEventListener("blur", fermer);
}

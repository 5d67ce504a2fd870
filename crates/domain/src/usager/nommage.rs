//! Names as French administration writes them: NOM in capitals, Prénom capitalised,
//! « né » / « née » agreed with the sex (« né(e) » only when it is unknown), the name in use
//! marked as such and never read as a first name, relatives as « DUPONT Paul ».
//!
//! Every page, print and message of the product formats a person's name through this
//! module, so that the header, the lists and the synthesis sheet agree.

use super::Sexe;

/// A family name in capitals, accents kept as typed (« martin-bérard » → « MARTIN-BÉRARD »),
/// spaces collapsed.
pub fn nom_majuscules(nom: &str) -> String {
    nom.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// A first name capitalised on each part (« JEAN-MARIE » → « Jean-Marie », « élodie » →
/// « Élodie », « marie claire » → « Marie Claire »), spaces collapsed.
pub fn prenom_capitalise(prenom: &str) -> String {
    let mut out = String::with_capacity(prenom.len());
    let mut debut = true;
    for c in prenom
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
    {
        if debut {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        debut = matches!(c, ' ' | '-' | '\'' | '’');
    }
    out
}

/// « DUPONT Paul »: a relative or a professional, NOM then Prénom.
pub fn nom_prenom(nom: &str, prenom: &str) -> String {
    let (n, p) = (nom_majuscules(nom), prenom_capitalise(prenom));
    match (n.is_empty(), p.is_empty()) {
        (true, _) => p,
        (_, true) => n,
        _ => format!("{n} {p}"),
    }
}

/// « né », « née », or « né(e) » when the sex is unknown.
pub fn ne(sexe: Sexe) -> &'static str {
    match sexe {
        Sexe::F => "née",
        Sexe::M => "né",
        Sexe::I => "né(e)",
    }
}

/// « Né », « Née », or « Né(e) »: the same at the start of a label (« Née le »).
pub fn ne_majuscule(sexe: Sexe) -> &'static str {
    match sexe {
        Sexe::F => "Née",
        Sexe::M => "Né",
        Sexe::I => "Né(e)",
    }
}

/// The birth name as typed (« Dupônt-Lefèvre »), spaces collapsed, to keep beside its INS
/// form `ins` (« DUPONT-LEFEVRE »): `None` when it says nothing more than the INS form, or
/// when it is not that name (INSi returned another).
pub fn nom_naissance_a_garder(saisi: &str, ins: &str) -> Option<String> {
    let saisi = saisi.split_whitespace().collect::<Vec<_>>().join(" ");
    (saisi != ins && super::majuscules_sans_accents(&saisi) == ins).then_some(saisi)
}

/// The birth name to show: as typed when it was kept and is still that name (its INS form is
/// `ins`), else the INS form (files created before the typed name was kept).
pub fn nom_naissance_affichable<'a>(ins: &'a str, saisi: Option<&'a str>) -> &'a str {
    match saisi {
        Some(s) if super::majuscules_sans_accents(s) == ins => s,
        _ => ins,
    }
}

/// The names of a person whose identity the file holds.
#[derive(Clone, Copy, Debug)]
pub struct NomPersonne<'a> {
    /// Nom de naissance (INS form).
    pub nom_naissance: &'a str,
    /// Nom utilisé, as typed.
    pub nom_utilise: Option<&'a str>,
    /// Premier prénom de naissance.
    pub premier_prenom: &'a str,
    /// Prénom utilisé.
    pub prenom_utilise: Option<&'a str>,
    /// Sex, for « né » / « née ».
    pub sexe: Sexe,
}

/// Whether two names differ once written the same way (capitals, accents and spaces).
fn differe(a: &str, b: &str) -> bool {
    super::majuscules_sans_accents(a) != super::majuscules_sans_accents(b)
}

impl NomPersonne<'_> {
    /// The name in use when there is one that differs from the birth name.
    fn usage(&self) -> Option<&str> {
        self.nom_utilise
            .filter(|n| !n.trim().is_empty() && differe(n, self.nom_naissance))
    }

    /// The first name in use when there is one that differs from the first birth name.
    fn prenom_usage(&self) -> Option<&str> {
        self.prenom_utilise
            .filter(|p| !p.trim().is_empty() && differe(p, self.premier_prenom))
    }

    /// The family name called: the name in use, else the birth name, in capitals.
    pub fn nom(&self) -> String {
        nom_majuscules(self.usage().unwrap_or(self.nom_naissance))
    }

    /// The first name called: the one in use, else the first birth name, capitalised.
    pub fn prenom(&self) -> String {
        prenom_capitalise(self.prenom_usage().unwrap_or(self.premier_prenom))
    }

    /// « MARTIN-BÉRARD Jeanne »: how the person is called (lists, titles).
    pub fn affiche(&self) -> String {
        nom_prenom(&self.nom(), &self.prenom())
    }

    /// What the called name hides of the birth identity: « nom d'usage, née DUPONT »,
    /// « prénom de naissance Marie »; `None` when the person is called by their birth names.
    pub fn precision(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.usage().is_some() {
            parts.push(format!(
                "nom d'usage, {} {}",
                ne(self.sexe),
                nom_majuscules(self.nom_naissance)
            ));
        }
        if self.prenom_usage().is_some() {
            parts.push(format!(
                "prénom de naissance {}",
                prenom_capitalise(self.premier_prenom)
            ));
        }
        (!parts.is_empty()).then(|| parts.join(" ; "))
    }

    /// « MARTIN-BÉRARD Jeanne (nom d'usage, née DUPONT) », or « DUPONT Jeanne ».
    pub fn complet(&self) -> String {
        match self.precision() {
            Some(p) => format!("{} ({p})", self.affiche()),
            None => self.affiche(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_birth_name_as_typed_is_kept_when_it_is_that_name_with_more() {
        assert_eq!(
            nom_naissance_a_garder(" Dupônt-Lefèvre ", "DUPONT-LEFEVRE").as_deref(),
            Some("Dupônt-Lefèvre")
        );
        assert_eq!(nom_naissance_a_garder("DUPONT", "DUPONT"), None);
        assert_eq!(
            nom_naissance_a_garder("d’Artagnan", "D'ARTAGNAN").as_deref(),
            Some("d’Artagnan")
        );
        // INSi named the person otherwise: the typed name is not theirs any more.
        assert_eq!(nom_naissance_a_garder("Dupônt", "DURAND"), None);
        assert_eq!(nom_naissance_affichable("DURAND", Some("Dupônt")), "DURAND");
        assert_eq!(nom_naissance_affichable("DUPONT", Some("Dupônt")), "Dupônt");
        assert_eq!(nom_naissance_affichable("DUPONT", None), "DUPONT");
        assert_eq!(
            nom_majuscules(nom_naissance_affichable("DUPONT", Some("Dupônt"))),
            "DUPÔNT"
        );
    }

    fn jeanne(nom_utilise: Option<&'static str>, sexe: Sexe) -> NomPersonne<'static> {
        NomPersonne {
            nom_naissance: "DUPONT",
            nom_utilise,
            premier_prenom: "JEANNE",
            prenom_utilise: None,
            sexe,
        }
    }

    #[test]
    fn family_names_are_capitals_with_their_accents() {
        assert_eq!(nom_majuscules("martin-bérard"), "MARTIN-BÉRARD");
        assert_eq!(nom_majuscules("  de  la fontaine "), "DE LA FONTAINE");
    }

    #[test]
    fn first_names_are_capitalised_on_each_part() {
        assert_eq!(prenom_capitalise("JEAN-MARIE"), "Jean-Marie");
        assert_eq!(prenom_capitalise("élodie"), "Élodie");
        assert_eq!(prenom_capitalise("marie  claire"), "Marie Claire");
        assert_eq!(prenom_capitalise("D'ARTAGNAN"), "D'Artagnan");
        assert_eq!(prenom_capitalise(""), "");
    }

    #[test]
    fn relatives_read_name_then_first_name() {
        assert_eq!(nom_prenom("Dupont", "paul"), "DUPONT Paul");
        assert_eq!(nom_prenom("", "Paul"), "Paul");
        assert_eq!(nom_prenom("Dupont", " "), "DUPONT");
    }

    #[test]
    fn born_agrees_with_the_sex_and_is_neutral_only_when_unknown() {
        assert_eq!(ne(Sexe::F), "née");
        assert_eq!(ne(Sexe::M), "né");
        assert_eq!(ne(Sexe::I), "né(e)");
        assert_eq!(ne_majuscule(Sexe::F), "Née");
        assert_eq!(ne_majuscule(Sexe::I), "Né(e)");
    }

    #[test]
    fn a_person_is_called_by_the_name_in_use_and_the_birth_name_is_said() {
        let n = jeanne(Some("martin-bérard"), Sexe::F);
        assert_eq!(n.affiche(), "MARTIN-BÉRARD Jeanne");
        assert_eq!(n.precision().as_deref(), Some("nom d'usage, née DUPONT"));
        assert_eq!(
            n.complet(),
            "MARTIN-BÉRARD Jeanne (nom d'usage, née DUPONT)"
        );
        let m = NomPersonne { sexe: Sexe::M, ..n };
        assert_eq!(m.precision().as_deref(), Some("nom d'usage, né DUPONT"));
    }

    #[test]
    fn a_name_in_use_equal_to_the_birth_name_says_nothing_more() {
        for same in [Some("Dupont"), Some("  "), None] {
            let n = jeanne(same, Sexe::F);
            assert_eq!(n.affiche(), "DUPONT Jeanne");
            assert_eq!(n.precision(), None);
        }
    }

    #[test]
    fn a_first_name_in_use_is_called_and_the_birth_one_said() {
        let n = NomPersonne {
            prenom_utilise: Some("jeannette"),
            ..jeanne(None, Sexe::F)
        };
        assert_eq!(n.affiche(), "DUPONT Jeannette");
        assert_eq!(n.precision().as_deref(), Some("prénom de naissance Jeanne"));
    }
}

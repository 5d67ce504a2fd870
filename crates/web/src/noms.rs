//! The names of the people the pages show, written one way (`dui_domain::usager::nommage`):
//! a trait on every row that carries a person's identity names, so that a template writes
//! `r.nom_affiche()` whatever list it draws (the file's usager: `usager::entete::Header`).

use dui_domain::usager::nommage::NomPersonne;
use dui_domain::usager::Sexe;
use dui_store::usager::{PersonneAccueil, ResultatRecherche, Usager};

/// A row holding a person's identity names.
pub trait Nomme {
    /// The names, borrowed from the row.
    fn noms(&self) -> NomPersonne<'_>;

    /// « MARTIN-BÉRARD Jeanne ».
    fn nom_affiche(&self) -> String {
        self.noms().affiche()
    }

    /// « nom d'usage, née DUPONT », when the called name differs from the birth one.
    fn nom_precision(&self) -> Option<String> {
        self.noms().precision()
    }

    /// « né », « née » or « né(e) ».
    fn ne(&self) -> &'static str {
        dui_domain::usager::nommage::ne(self.noms().sexe)
    }

    /// « Né », « Née » or « Né(e) ».
    fn ne_majuscule(&self) -> &'static str {
        dui_domain::usager::nommage::ne_majuscule(self.noms().sexe)
    }
}

/// The names of a row's fields.
pub fn noms<'a>(
    nom_naissance: &'a str,
    nom_utilise: &'a Option<String>,
    premier_prenom: &'a str,
    prenom_utilise: &'a Option<String>,
    sexe: Sexe,
) -> NomPersonne<'a> {
    NomPersonne {
        nom_naissance,
        nom_utilise: nom_utilise.as_deref(),
        premier_prenom,
        prenom_utilise: prenom_utilise.as_deref(),
        sexe,
    }
}

/// Implements [`Nomme`] for row types with the usual identity field names.
macro_rules! nomme {
    ($($t:ty),*) => {$(
        impl Nomme for $t {
            fn noms(&self) -> NomPersonne<'_> {
                noms(
                    dui_domain::usager::nommage::nom_naissance_affichable(
                        &self.nom_naissance,
                        self.nom_naissance_saisi.as_deref(),
                    ),
                    &self.nom_utilise,
                    &self.premier_prenom,
                    &self.prenom_utilise,
                    self.sexe,
                )
            }
        }
    )*};
}

nomme!(ResultatRecherche, PersonneAccueil);

/// The names of a file's usager (the file pages' `Header` shows them).
pub fn noms_usager(u: &Usager) -> NomPersonne<'_> {
    noms(
        dui_domain::usager::nommage::nom_naissance_affichable(
            &u.nom_naissance,
            u.nom_naissance_saisi.as_deref(),
        ),
        &u.nom_utilise,
        &u.premier_prenom,
        &u.prenom_utilise,
        u.sexe,
    )
}

//! The maxima of this feature's inputs, checked before a write (`crate::saisie`).

use dui_domain::saisie::{self as lim};

use super::organisation::{EtablissementInput, OrganismeInput};
use super::utilisateur::UtilisateurInput;
use crate::saisie::{borne, l};
use crate::StoreResult;

impl OrganismeInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_STRUCTURE), Some(self.nom.as_str())),
            (
                l("finess_juridique", lim::NUMERO),
                Some(self.finess_juridique.as_str()),
            ),
            (l("siren", lim::NUMERO), self.siren.as_deref()),
            (l("adresse", lim::ADRESSE), self.adresse.as_deref()),
        ])
    }
}

impl EtablissementInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_STRUCTURE), Some(self.nom.as_str())),
            (l("finess", lim::NUMERO), Some(self.finess.as_str())),
            (l("siret", lim::NUMERO), self.siret.as_deref()),
            (l("categorie", lim::CODE), Some(self.categorie.as_str())),
            (l("domaine", lim::CODE), Some(self.domaine.code())),
            (l("adresse", lim::ADRESSE), self.adresse.as_deref()),
        ])
    }
}

impl UtilisateurInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (
                l("username", lim::IDENTIFIANT),
                Some(self.username.as_str()),
            ),
            (l("nom", lim::NOM_PERSONNE), Some(self.nom.as_str())),
            (l("prenom", lim::NOM_PERSONNE), Some(self.prenom.as_str())),
            (l("email", lim::EMAIL), self.email.as_deref()),
            (
                l("identifiant_pro", lim::NUMERO),
                self.identifiant_pro.as_deref(),
            ),
        ])
    }
}

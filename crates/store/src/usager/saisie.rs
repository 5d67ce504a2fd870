//! The maxima of this feature's inputs, checked before a write (`crate::saisie`).

use dui_domain::saisie::{self as lim, Champ};

use super::{EntourageInput, IdentiteInput, ProfessionnelInput};
use crate::saisie::{borne, l};
use crate::StoreResult;

impl IdentiteInput {
    /// Checks every text against its maximum (the first names together, as the INS has them).
    pub(crate) fn borner(&self) -> StoreResult<()> {
        let prenoms = self.prenoms_naissance.join(" ");
        borne([
            (
                l("nom_naissance", lim::NOM_PERSONNE),
                Some(self.nom_naissance.as_str()),
            ),
            (l("prenoms", lim::NOM_PERSONNE), Some(prenoms.as_str())),
            (
                l("date_naissance", lim::DATE),
                Some(self.date_naissance.as_str()),
            ),
            (l("sexe", lim::CODE), Some(self.sexe.as_str())),
            (
                l("lieu_naissance", lim::NUMERO),
                self.lieu_naissance.as_deref(),
            ),
            (
                l("nom_naissance_saisi", lim::NOM_PERSONNE),
                self.nom_naissance_saisi.as_deref(),
            ),
            (
                l("nom_utilise", lim::NOM_PERSONNE),
                self.nom_utilise.as_deref(),
            ),
            (
                l("prenom_utilise", lim::NOM_PERSONNE),
                self.prenom_utilise.as_deref(),
            ),
        ])
    }
}

impl EntourageInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_PERSONNE), Some(self.nom.as_str())),
            (l("prenom", lim::NOM_PERSONNE), Some(self.prenom.as_str())),
            (l("mesure_debut", lim::DATE), self.mesure_debut.as_deref()),
            (l("mesure_fin", lim::DATE), self.mesure_fin.as_deref()),
            (
                l("mesure_reference", lim::REFERENCE),
                self.mesure_reference.as_deref(),
            ),
            (
                l("date_designation", lim::DATE),
                self.date_designation.as_deref(),
            ),
            (l("telephone", lim::TELEPHONE), self.telephone.as_deref()),
            (l("email", lim::EMAIL), self.email.as_deref()),
            (l("adresse", lim::ADRESSE), self.adresse.as_deref()),
            (
                Champ::texte("commentaire", lim::COMMENTAIRE),
                self.commentaire.as_deref(),
            ),
        ])
    }
}

impl ProfessionnelInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("nom", lim::NOM_PERSONNE), Some(self.nom.as_str())),
            (l("prenom", lim::NOM_PERSONNE), Some(self.prenom.as_str())),
            (l("fonction", lim::FONCTION), Some(self.fonction.as_str())),
            (
                l("identifiant_pro", lim::NUMERO),
                self.identifiant_pro.as_deref(),
            ),
            (
                l("structure", lim::NOM_STRUCTURE),
                self.structure.as_deref(),
            ),
            (l("telephone", lim::TELEPHONE), self.telephone.as_deref()),
            (l("email", lim::EMAIL), self.email.as_deref()),
            (l("mssante", lim::EMAIL), self.mssante.as_deref()),
        ])
    }
}

impl super::ContenuTransmission {
    /// Checks every text against its maximum (the texts take several lines).
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (
                Champ::texte("texte", lim::TRANSMISSION),
                self.texte.as_deref(),
            ),
            (l("cible", lim::CIBLE), self.cible.as_deref()),
            (
                Champ::texte("donnees", lim::COMMENTAIRE),
                self.donnees.as_deref(),
            ),
            (
                Champ::texte("actions", lim::COMMENTAIRE),
                self.actions.as_deref(),
            ),
            (
                Champ::texte("resultats", lim::COMMENTAIRE),
                self.resultats.as_deref(),
            ),
        ])
    }
}

impl super::EntreeSoinsInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("libelle", lim::LIBELLE), Some(self.libelle.as_str())),
            (l("code_cim10", lim::NUMERO), self.code_cim10.as_deref()),
            (
                Champ::texte("details", lim::COMMENTAIRE),
                self.details.as_deref(),
            ),
        ])
    }
}

impl super::ObservationInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (
                Champ::texte("texte", lim::TRANSMISSION),
                Some(self.texte.as_str()),
            ),
            (l("source", lim::NOM_STRUCTURE), self.source.as_deref()),
        ])
    }
}

impl super::NotePsychologieInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        borne([
            (l("titre", lim::LIBELLE), Some(self.titre.as_str())),
            (
                Champ::texte("texte", lim::TRANSMISSION),
                Some(self.texte.as_str()),
            ),
            (l("outil", lim::LIBELLE), self.outil.as_deref()),
            (
                Champ::texte("resultat", lim::COMMENTAIRE),
                self.resultat.as_deref(),
            ),
        ])
    }
}

impl super::RetourUrgencesInput {
    /// Checks every text against its maximum.
    pub(crate) fn borner(&self) -> StoreResult<()> {
        let t = |nom| Champ::texte(nom, lim::COMMENTAIRE);
        borne([
            (l("service", lim::NOM_STRUCTURE), self.service.as_deref()),
            (t("diagnostic"), Some(self.diagnostic.as_str())),
            (t("examens"), self.examens.as_deref()),
            (t("traitement"), self.traitement.as_deref()),
            (t("surveillance"), self.surveillance.as_deref()),
            (t("suivi"), self.suivi.as_deref()),
        ])
    }
}

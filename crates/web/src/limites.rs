//! Body size limits, shared by the router, the session layer and the features.

use dui_domain::usager::photo::TAILLE_MAX;

/// What a request may weigh by default (forms, JSON).
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// What a request carrying a photo may weigh: the photo and the form around it.
pub(crate) const PHOTO_BODY_LIMIT: usize = TAILLE_MAX + 64 * 1024;

/// The refusal of a form over [`BODY_LIMIT`]: what limit, and what to do.
pub(crate) const FORMULAIRE_TROP_GRAND: &str = "Le formulaire envoyé dépasse 2 Mo, la taille autorisée pour un envoi : raccourcissez le texte saisi (ou le fichier joint), puis envoyez-le de nouveau.";

/// Marks a photo sent from the file page over [`PHOTO_BODY_LIMIT`]: its body was not read
/// (nor its token), the photo's form answers with the refusal and writes nothing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PhotoTropGrande;

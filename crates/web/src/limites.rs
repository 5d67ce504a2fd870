//! Body size limits, shared by the router, the session layer and the features.

use dui_domain::usager::photo::TAILLE_MAX;

/// What a request may weigh by default (forms, JSON).
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// What a request carrying a photo may weigh: the photo and the form around it.
pub(crate) const PHOTO_BODY_LIMIT: usize = TAILLE_MAX + 64 * 1024;

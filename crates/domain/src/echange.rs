//! Exchanges with the person, the family and partners (issue 13, REL-2): a dated trace
//! (phone call, mail, meeting, visit) linked to the file, append-only, corrected by a new
//! entry that names the one it corrects.

code_enum! {
    /// How an exchange took place.
    TypeEchange {
        /// A phone call.
        Appel = "appel", "Appel téléphonique";
        /// An e-mail.
        Courriel = "courriel", "Courriel";
        /// A letter.
        Courrier = "courrier", "Courrier";
        /// A meeting.
        Rencontre = "rencontre", "Rencontre";
        /// A visit.
        Visite = "visite", "Visite";
    }
}

code_enum! {
    /// Who began an exchange.
    SensEchange {
        /// The person, a relative or a partner reached the service.
        Entrant = "entrant", "Entrant";
        /// The service reached them.
        Sortant = "sortant", "Sortant";
    }
}

//! Typed ids (*identifiants internes*) of the rows the domain talks about: an `UsagerId`
//! cannot be passed where an `EtablissementId` is expected.
//!
//! Each is a transparent newtype over the database's `BIGINT` key: serde reads and writes
//! it as the bare number (the JSON API shape is that of an `i64`), `Display` and `FromStr`
//! are those of the number (an axum `Path<UsagerId>` parses `/usagers/42`). The store binds
//! and reads them at its SQL boundary (`dui_store`'s `sql` module); `.get()` is the raw value
//! for the few places that need it (formatting a file number, an audit detail).

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The raw database key.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(v)
            }
        }

        impl From<$name> for i64 {
            fn from(v: $name) -> i64 {
                v.0
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::schema::entier()
            }
        }
        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    )+};
}

id_type! {
    /// A person's file (*usager*).
    UsagerId;
    /// An *établissement* (or service) of an organisme.
    EtablissementId;
    /// A unit (*unité*, *pavillon*, *service*) of an établissement.
    UniteId;
    /// An account (*utilisateur*).
    UtilisateurId;
    /// A managing body (*organisme gestionnaire*).
    OrganismeId;
    /// A stay (*séjour*).
    SejourId;
    /// A member of a person's circle (*entourage*).
    EntourageId;
    /// An outside professional (*professionnel*: médecin traitant, infirmier libéral…).
    ProfessionnelId;
    /// A merge of two files (*fusion*).
    FusionId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_bare_number_in_json_and_text() {
        let id = UsagerId(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<UsagerId>("42").unwrap(), id);
        assert!(serde_json::from_str::<UsagerId>("\"x\"").is_err());
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<UsagerId>().unwrap(), id);
        assert!("4x".parse::<UsagerId>().is_err());
        assert_eq!(i64::from(EtablissementId::from(7)), 7);
    }
}

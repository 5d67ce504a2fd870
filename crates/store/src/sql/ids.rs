//! The domain's typed ids (`dui_domain::ids`) at the SQL boundary.

use super::{FromValue, Typed, Value};

/// The domain's typed ids bind and read as their `BIGINT` key: the one place where an id
/// becomes a bare number (docs/architecture.md, « Typed values »).
macro_rules! id_values {
    ($($t:ty),+) => {$(
        impl Typed for $t {
            const NULL: Value = Value::NullInt;
        }
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Int(v.get())
            }
        }
        impl FromValue for $t {
            fn from_value(v: &Value) -> Option<Self> {
                i64::from_value(v).map(<$t>::from)
            }
        }
    )+};
}
id_values!(
    dui_domain::ids::UsagerId,
    dui_domain::ids::EtablissementId,
    dui_domain::ids::UniteId,
    dui_domain::ids::UtilisateurId,
    dui_domain::ids::OrganismeId,
    dui_domain::ids::SejourId,
    dui_domain::ids::EntourageId,
    dui_domain::ids::ProfessionnelId,
    dui_domain::ids::FusionId
);

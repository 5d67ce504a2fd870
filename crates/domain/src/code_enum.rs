//! `code_enum!`: an enum of the domain's codes, each with its stable ASCII code (database,
//! API, CLI) and its French label, declared together so that a code without a label does not
//! compile.

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+ }
        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// Stable ASCII code used in the database, the API and the CLI.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)+ } }
            /// French label shown to users.
            pub fn label_fr(self) -> &'static str { match self { $($name::$variant => $label,)+ } }
            /// Parses a code.
            pub fn from_code(code: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.code() == code) }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }
    };
}

//! The usager (filled with issue 4).

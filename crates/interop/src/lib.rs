//! Clients for the national services used by the DUI, and local servers
//! speaking their protocols so that the whole chain can be tested without
//! network access to the real services.
//!
//! - [`insi`]: the CNAM INSi teleservice (search and verification of the INS).

pub mod insi;

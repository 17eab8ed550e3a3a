//! Project automation for the Genesys Events SDK workspace (`cargo xtask ...`).
//!
//! The library part holds the pieces that tests can exercise directly.

pub mod corpus;
pub mod extract;
pub mod spec_equiv;
pub mod sync;

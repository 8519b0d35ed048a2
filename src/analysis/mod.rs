//! Analyses over the typed IR that are not evaluation: rendering the document back.

pub mod boundaries;
pub mod coverage;
pub mod render;
pub mod sources;

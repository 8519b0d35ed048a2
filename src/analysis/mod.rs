//! Analyses over the typed IR that are not evaluation: rendering the document back.

pub mod boundaries;
pub mod compare;
pub mod coverage;
pub mod diff;
pub mod html;
pub mod render;
pub mod sources;
pub mod textdiff;

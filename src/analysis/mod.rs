//! Analyses over the typed IR that are not evaluation: rendering the document back.

pub mod render;

//! Self-contained HTML reports of `diff` and `compare` (no network, no external assets).

use super::compare::Matrix;
use super::diff::Diff;
use crate::ir::Program;

/// The diff report.
pub fn diff_html(_a: &Program, _b: &Program, d: &Diff) -> String {
    format!("<!doctype html><title>{}</title>", d.a.id)
}

/// The compare report.
pub fn compare_html(_p: &[&Program], m: &Matrix) -> String {
    format!("<!doctype html><title>{}</title>", m.policies.len())
}

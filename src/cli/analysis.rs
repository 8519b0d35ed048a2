//! `tiao diff` and `tiao compare`: the analysts' commands (part of the binary, see main.rs).

use super::{ErrorFormat, compile, emit};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tiao::analysis::diff;

#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
    Markdown,
    Html,
}

fn as_of(s: Option<&str>, programs: &[&tiao::ir::Program]) -> Result<chrono::NaiveDate, ExitCode> {
    match s {
        None => Ok(diff::default_as_of(programs)),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            eprintln!(
                "error: --as-of `{s}` is not a date; write YYYY-MM-DD, e.g. --as-of 2025-12-31"
            );
            ExitCode::from(2)
        }),
    }
}

/// `tiao diff A B`.
pub fn run_diff(a: &Path, b: &Path, format: ReportFormat, date: Option<&str>) -> ExitCode {
    let (pa, pb) = match (
        compile(a, ErrorFormat::Human),
        compile(b, ErrorFormat::Human),
    ) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(c), _) | (_, Err(c)) => return c,
    };
    let opts = diff::Options {
        as_of: match as_of(date, &[&pa, &pb]) {
            Ok(d) => d,
            Err(c) => return c,
        },
        ..diff::Options::default()
    };
    let d = diff::diff(&pa, &pb, &opts);
    let text = match format {
        ReportFormat::Text => diff::report::to_text(&d),
        ReportFormat::Markdown => diff::report::to_markdown(&d),
        ReportFormat::Json => serde_json::to_string_pretty(&diff::to_json(&d)).unwrap_or_default(),
        ReportFormat::Html => tiao::analysis::html::diff_html(&pa, &pb, &d),
    };
    outln!("{text}");
    ExitCode::SUCCESS
}

/// `tiao compare POLICY…`.
pub fn run_compare(policies: &[PathBuf], format: ReportFormat, date: Option<&str>) -> ExitCode {
    let mut programs = Vec::new();
    for p in policies {
        match compile(p, ErrorFormat::Human) {
            Ok(x) => programs.push(x),
            Err(c) => return c,
        }
    }
    let refs: Vec<&tiao::ir::Program> = programs.iter().collect();
    let opts = diff::Options {
        as_of: match as_of(date, &refs) {
            Ok(d) => d,
            Err(c) => return c,
        },
        ..diff::Options::default()
    };
    let m = tiao::analysis::compare::compare(&refs, &opts);
    let text = match format {
        ReportFormat::Text => tiao::analysis::compare::to_text(&m),
        ReportFormat::Markdown => tiao::analysis::compare::to_markdown(&m),
        ReportFormat::Json => {
            serde_json::to_string_pretty(&tiao::analysis::compare::to_json(&m)).unwrap_or_default()
        }
        ReportFormat::Html => tiao::analysis::html::compare_html(&refs, &m),
    };
    outln!("{text}");
    ExitCode::SUCCESS
}

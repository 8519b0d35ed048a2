//! `tiao compare POLICY…`: every concept and duty of the given policies as a matrix — rows are
//! concepts and duties, columns jurisdictions, each cell the rule in short form with its article.
//! Cells that agree are grouped: two policies agree on a row when their pairwise [`diff`] finds
//! no project decided differently where both apply (same or equivalent), and a group is a set of
//! columns that all agree with each other.

use super::diff::forms::RuleView;
use super::diff::{self, Diff, Options, PolicyRef, Status};
use crate::ir::Program;
use serde_json::{Value as J, json};
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// The schema of `tiao compare --format json`.
pub const SCHEMA: &str = "tiao.compare/1";

/// One cell: a policy's rules for a row.
#[derive(Debug, Clone)]
pub struct CellView {
    pub rules: Vec<RuleView>,
    /// Short forms with their articles: `total_investment >= 500万元 (第二十三条)`.
    pub summary: String,
    /// The group of agreeing cells this one belongs to (1-based), if more than one cell agrees.
    pub group: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub doc: Option<String>,
    pub obligation: bool,
    pub cells: Vec<Option<CellView>>,
    /// Changes named by the pairwise diffs (thresholds, deadlines), e.g. `5个工作日 → 7个工作日`.
    pub changes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Matrix {
    pub policies: Vec<PolicyRef>,
    pub rows: Vec<Row>,
    pub as_of: chrono::NaiveDate,
    /// The pairwise diffs the groups come from, `(i, j, diff)` with i < j.
    pub diffs: Vec<(usize, usize, Diff)>,
}

fn summary(rules: &[RuleView]) -> String {
    rules
        .iter()
        .map(|r| format!("{} ({})", r.short, r.cite))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The matrix of the given programs.
pub fn compare(programs: &[&Program], opts: &Options) -> Matrix {
    let n = programs.len();
    let mut diffs = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            diffs.push((i, j, diff::diff(programs[i], programs[j], opts)));
        }
    }
    // rows: concepts then duties, in the order the programs declare them
    let mut rows: Vec<Row> = Vec::new();
    let push = |name: &str, obligation: bool, doc: Option<String>, rows: &mut Vec<Row>| {
        if !rows
            .iter()
            .any(|r| r.name == name && r.obligation == obligation)
        {
            rows.push(Row {
                name: name.to_string(),
                doc,
                obligation,
                cells: vec![None; n],
                changes: Vec::new(),
            });
        }
    };
    for p in programs {
        if let Some(s) = p.scope {
            push(
                &p.concept(s).name,
                false,
                p.concept(s).doc.clone(),
                &mut rows,
            );
        }
    }
    for p in programs {
        for c in p
            .concepts
            .iter()
            .filter(|c| c.is_decided() && c.name != "in_force")
        {
            push(&c.name, false, c.doc.clone(), &mut rows);
        }
    }
    for p in programs {
        for o in p.obligations.iter().filter(|o| !o.rules.is_empty()) {
            push(&o.name, true, o.doc.clone(), &mut rows);
        }
    }
    for row in &mut rows {
        for (k, p) in programs.iter().enumerate() {
            let rules = if row.obligation {
                p.obligation_id(&row.name)
                    .filter(|o| !p.obligation(*o).rules.is_empty())
                    .map(|o| diff::forms::obligation_rules(p, o))
            } else {
                p.concept_id(&row.name)
                    .filter(|c| p.concept(*c).is_decided())
                    .map(|c| diff::forms::concept_rules(p, c))
            };
            row.cells[k] = rules.map(|rules| CellView {
                summary: summary(&rules),
                rules,
                group: None,
            });
        }
        // agreement from the pairwise diffs
        let agree = |i: usize, j: usize| -> bool {
            let (x, y) = (i.min(j), i.max(j));
            diffs
                .iter()
                .find(|(a, b, _)| *a == x && *b == y)
                .and_then(|(_, _, d)| {
                    d.entry(&row.name)
                        .filter(|e| e.obligation == row.obligation)
                })
                .is_some_and(|e| matches!(e.status, Status::Same | Status::Equivalent))
        };
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for k in 0..n {
            if row.cells[k].is_none() {
                continue;
            }
            match groups.iter_mut().find(|g| g.iter().all(|m| agree(*m, k))) {
                Some(g) => g.push(k),
                None => groups.push(vec![k]),
            }
        }
        let mut label = 0;
        for g in groups.iter().filter(|g| g.len() > 1) {
            label += 1;
            for k in g {
                if let Some(c) = row.cells[*k].as_mut() {
                    c.group = Some(label);
                }
            }
        }
        for (_, _, d) in &diffs {
            if let Some(e) = d
                .entry(&row.name)
                .filter(|e| e.obligation == row.obligation)
            {
                for c in &e.changes {
                    let t = format!("{}: {} → {} ({} → {})", c.what, c.a, c.b, d.a.id, d.b.id);
                    if !row.changes.contains(&t) {
                        row.changes.push(t);
                    }
                }
            }
        }
    }
    Matrix {
        policies: programs.iter().map(|p| PolicyRef::of(p)).collect(),
        rows,
        as_of: opts.as_of,
        diffs,
    }
}

const CIRCLED: [&str; 10] = ["①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"];

/// The group mark of a cell: ① for the first group of agreeing cells.
pub fn group_mark(g: Option<usize>) -> &'static str {
    g.and_then(|i| CIRCLED.get(i - 1)).copied().unwrap_or("")
}

/// For the terminal: one block per row, one line per policy.
pub fn to_text(m: &Matrix) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "tiao compare {} (as of {}); ① ② … mark cells that agree (no project decided differently where both apply)",
        m.policies
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        m.as_of
    );
    let width = m
        .policies
        .iter()
        .map(|p| p.label().width())
        .max()
        .unwrap_or(4);
    for row in &m.rows {
        let _ = writeln!(
            s,
            "\n{}{}{}",
            row.name,
            if row.obligation { " (duty)" } else { "" },
            row.doc
                .as_ref()
                .map(|d| format!(" — {d}"))
                .unwrap_or_default()
        );
        for (k, p) in m.policies.iter().enumerate() {
            let label = p.label();
            let pad = " ".repeat(width.saturating_sub(label.width()));
            match &row.cells[k] {
                Some(c) => {
                    let _ = writeln!(s, "  {label}{pad} {:2} {}", group_mark(c.group), c.summary);
                }
                None => {
                    let _ = writeln!(s, "  {label}{pad}    —");
                }
            }
        }
    }
    s
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown: one table, rows × policies.
pub fn to_markdown(m: &Matrix) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# tiao compare (as of {})\n", m.as_of);
    let _ = writeln!(
        s,
        "① ② … mark cells that agree: no project is decided differently where both apply.\n"
    );
    let _ = write!(s, "| concept or duty |");
    for p in &m.policies {
        let _ = write!(s, " {} (`{}`) |", p.label(), p.id);
    }
    let _ = writeln!(s);
    let _ = write!(s, "|---|");
    for _ in &m.policies {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    for row in &m.rows {
        let _ = write!(
            s,
            "| `{}`{} |",
            row.name,
            if row.obligation { " (duty)" } else { "" }
        );
        for c in &row.cells {
            match c {
                Some(c) => {
                    let _ = write!(s, " {} {} |", group_mark(c.group), md(&c.summary));
                }
                None => {
                    let _ = write!(s, " — |");
                }
            }
        }
        let _ = writeln!(s);
    }
    s
}

/// JSON (`tiao.compare/1`).
pub fn to_json(m: &Matrix) -> J {
    json!({
        "schema": SCHEMA,
        "as_of": m.as_of.to_string(),
        "policies": m.policies.iter().map(|p| json!({ "id": p.id, "title": p.title, "jurisdiction": p.jurisdiction, "level": p.level })).collect::<Vec<_>>(),
        "rows": m.rows.iter().map(|r| json!({
            "name": r.name,
            "kind": if r.obligation { "obligation" } else { "concept" },
            "doc": r.doc,
            "changes": r.changes,
            "cells": r.cells.iter().map(|c| match c {
                None => J::Null,
                Some(c) => json!({
                    "summary": c.summary,
                    "group": c.group,
                    "rules": c.rules.iter().map(|x| json!({ "rule_id": x.rule_id, "cite": x.cite, "article": x.article, "rule": x.source, "short": x.short })).collect::<Vec<_>>(),
                }),
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

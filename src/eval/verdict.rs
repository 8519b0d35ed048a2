//! The verdict (contract `tiao.verdict/1`): what `tiao eval --format json` prints.
//!
//! ```json
//! { "schema": "tiao.verdict/1",
//!   "policy": { "id": "xinzhou", "title": "…", "in_force": true },
//!   "as_of": "2024-05-01",
//!   "concepts": { "technical_review_required": { "value": true, "because": [ { "article": "第七条", … } ] } },
//!   "obligations": [ { "id": "acceptance_application", "article": "第十六条", "due": "2024-12-31", "status": "pending" } ],
//!   "notes": [ … ] }
//! ```
//! Money values are decimal strings of yuan; reasons are arrays of `{id, article, text}`;
//! an unknown value is `null` with `waiting_on` listing the facts it needs.

use super::{ConceptResult, Evaluation, Facts, ObligationResult, Outcome, citation_text};
use crate::ir::{Citation, FactId, Program, Type};
use crate::value::{Value, format_money, format_percent};
use serde_json::{Map, Value as J, json};
use std::collections::BTreeSet;
use unicode_width::UnicodeWidthStr;

/// `s` followed by spaces up to `width` display columns.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

pub const SCHEMA: &str = "tiao.verdict/1";

/// A value as JSON: money as a decimal string of yuan, percent as `"15%"`, dates as
/// `"YYYY-MM-DD"`, durations as `"6个月"`, enums by variant name.
pub fn value_json(p: &Program, v: &Value) -> J {
    match v {
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => json!(i),
        Value::Decimal(d) => J::String(d.normalize().to_string()),
        Value::Money(d) => J::String(d.normalize().to_string()),
        Value::Percent(_) | Value::Duration(_) => J::String(v.to_string()),
        Value::Date(d) => J::String(d.format("%Y-%m-%d").to_string()),
        Value::Text(s) => J::String(s.clone()),
        Value::Enum(..) => J::String(p.show(v)),
        Value::Record(fields) => J::Array(fields.iter().map(|f| value_json(p, f)).collect()),
        Value::Set(items) => J::Array(items.iter().map(|f| value_json(p, f)).collect()),
    }
}

fn cite_json(p: &Program, c: &Citation) -> Map<String, J> {
    let script = &p.document.meta.script;
    let mut m = Map::new();
    m.insert("article".into(), J::String(c.article_heading(script)));
    if let Some(par) = c.paragraph {
        m.insert("paragraph".into(), json!(par));
    }
    if let Some(item) = &c.item {
        m.insert("item".into(), J::String(item.clone()));
    }
    if let Some(sub) = &c.sub_item {
        m.insert("sub_item".into(), J::String(sub.clone()));
    }
    m.insert("cite".into(), J::String(citation_text(c, script)));
    m
}

fn facts_json(p: &Program, facts: &Facts, ids: &BTreeSet<FactId>) -> J {
    let mut m = Map::new();
    for id in ids {
        let v = facts.get(*id).map(|v| value_json(p, v)).unwrap_or(J::Null);
        m.insert(p.fact(*id).name.clone(), v);
    }
    J::Object(m)
}

fn names(p: &Program, ids: &BTreeSet<FactId>) -> J {
    J::Array(
        ids.iter()
            .map(|f| J::String(p.fact(*f).name.clone()))
            .collect(),
    )
}

fn concept_json(p: &Program, facts: &Facts, ci: usize, r: &ConceptResult) -> J {
    let c = &p.concepts[ci];
    let mut m = Map::new();
    let mut because = Vec::new();
    for &ri in &r.rules {
        let rule = &c.rules[ri];
        let mut b = cite_json(p, &rule.cite);
        b.insert("rule".into(), J::String(rule.source.clone()));
        if rule.exception {
            b.insert("exception".into(), J::Bool(true));
        }
        because.push(J::Object(b));
    }
    if c.ty == Type::Reasons {
        let reason = |i: &usize| {
            let rr = &c.reasons[*i];
            let mut o = Map::new();
            o.insert("id".into(), J::String(rr.id.clone()));
            o.extend(cite_json(p, &rr.cite));
            o.insert("text".into(), J::String(rr.text.clone()));
            J::Object(o)
        };
        // every item was checked: the explanation lists each with whether it holds
        for (i, rr) in c.reasons.iter().enumerate() {
            let holds = if r.reasons.contains(&i) {
                J::Bool(true)
            } else if r.possible_reasons.contains(&i) {
                J::Null
            } else {
                J::Bool(false)
            };
            let mut b = cite_json(p, &rr.cite);
            b.insert("reason".into(), J::String(rr.id.clone()));
            b.insert("holds".into(), holds);
            b.insert("rule".into(), J::String(rr.source.clone()));
            because.push(J::Object(b));
        }
        match &r.outcome {
            Outcome::Value(_) => {
                m.insert(
                    "value".into(),
                    J::Array(r.reasons.iter().map(reason).collect()),
                );
            }
            Outcome::Unknown(w) => {
                m.insert("value".into(), J::Null);
                m.insert(
                    "certain".into(),
                    J::Array(r.reasons.iter().map(reason).collect()),
                );
                m.insert(
                    "possible".into(),
                    J::Array(r.possible_reasons.iter().map(reason).collect()),
                );
                m.insert("waiting_on".into(), names(p, w));
            }
            other => outcome_extra(p, c, other, &mut m),
        }
    } else {
        match &r.outcome {
            Outcome::Value(v) => {
                m.insert("value".into(), value_json(p, v));
            }
            Outcome::Unknown(w) => {
                m.insert("value".into(), J::Null);
                m.insert("waiting_on".into(), names(p, w));
            }
            other => outcome_extra(p, c, other, &mut m),
        }
        if r.by_default {
            m.insert("default".into(), J::Bool(true));
        }
    }
    m.insert("because".into(), J::Array(because));
    if !r.facts_read.is_empty() {
        m.insert("facts".into(), facts_json(p, facts, &r.facts_read));
    }
    J::Object(m)
}

fn outcome_extra(p: &Program, c: &crate::ir::ConceptDef, o: &Outcome, m: &mut Map<String, J>) {
    m.insert("value".into(), J::Null);
    match o {
        Outcome::NotApplicable => {
            m.insert("applies".into(), J::Bool(false));
        }
        Outcome::Conflict(a, b) => {
            let script = &p.document.meta.script;
            m.insert(
                "conflict".into(),
                json!([
                    { "article": c.rules[*a].cite.article_heading(script), "rule": c.rules[*a].source },
                    { "article": c.rules[*b].cite.article_heading(script), "rule": c.rules[*b].source }
                ]),
            );
        }
        Outcome::Error(e) => {
            m.insert("error".into(), J::String(e.to_string()));
        }
        _ => {}
    }
}

fn obligation_json(p: &Program, r: &ObligationResult) -> J {
    let o = &p.obligations[r.obligation];
    let rule = &o.rules[r.rule];
    let mut m = Map::new();
    m.insert("id".into(), J::String(o.name.clone()));
    m.extend(cite_json(p, &rule.cite));
    if let Some(y) = r.year {
        m.insert("year".into(), json!(y));
    }
    m.insert(
        "due".into(),
        r.due.map(|d| J::String(d.to_string())).unwrap_or(J::Null),
    );
    if let Some(e) = r.earliest {
        m.insert("earliest".into(), J::String(e.to_string()));
    }
    match &r.status {
        Ok(s) => {
            m.insert("status".into(), J::String(s.as_str().into()));
        }
        Err(e) => {
            m.insert("status".into(), J::Null);
            m.insert("error".into(), J::String(e.to_string()));
        }
    }
    if let Some(d) = r.done_on {
        m.insert("done_on".into(), J::String(d.to_string()));
    }
    if r.early {
        m.insert("early".into(), J::Bool(true));
    }
    match r.applies {
        Some(false) => {
            m.insert("applies".into(), J::Bool(false));
        }
        None => {
            m.insert("applies".into(), J::Null);
        }
        Some(true) => {}
    }
    if !r.waiting_on.is_empty() {
        m.insert("waiting_on".into(), names(p, &r.waiting_on));
    }
    m.insert("rule".into(), J::String(rule.source.clone()));
    J::Object(m)
}

/// The whole verdict as JSON.
pub fn to_json(p: &Program, facts: &Facts, ev: &Evaluation) -> J {
    let meta = &p.document.meta;
    let mut policy = Map::new();
    policy.insert("id".into(), J::String(meta.id.clone()));
    policy.insert("title".into(), J::String(meta.title.clone()));
    policy.insert(
        "in_force".into(),
        ev.in_force.map(J::Bool).unwrap_or(J::Null),
    );
    if let Some(n) = &meta.number {
        policy.insert("number".into(), J::String(n.clone()));
    }
    if let Some(j) = &meta.jurisdiction {
        policy.insert("jurisdiction".into(), J::String(j.clone()));
    }
    let mut concepts = Map::new();
    let mut in_force = Map::new();
    in_force.insert("value".into(), ev.in_force.map(J::Bool).unwrap_or(J::Null));
    let article = meta
        .in_force_article
        .map(|n| J::String(crate::ir::article_heading(n, &meta.script)))
        .unwrap_or(J::Null);
    in_force.insert(
        "because".into(),
        json!([{ "article": article, "rule": in_force_rule(p) }]),
    );
    concepts.insert("in_force".into(), J::Object(in_force));
    for (i, r) in ev.concepts.iter().enumerate() {
        let c = &p.concepts[i];
        if !c.is_decided() || c.name == "in_force" {
            continue;
        }
        concepts.insert(c.name.clone(), concept_json(p, facts, i, r));
    }
    let obligations: Vec<J> = ev
        .obligations
        .iter()
        .map(|o| obligation_json(p, o))
        .collect();
    let notes: Vec<J> = notes(p)
        .into_iter()
        .map(|(article, note)| json!({ "article": article, "note": note }))
        .collect();
    json!({
        "schema": SCHEMA,
        "policy": J::Object(policy),
        "as_of": ev.as_of.to_string(),
        "concepts": J::Object(concepts),
        "obligations": obligations,
        "notes": notes,
    })
}

/// The notes a verdict carries: (article heading or None for the policy, text). The policy's
/// own notes, what is unknown about its dates, and every drafter's note on a reading.
pub fn notes(p: &Program) -> Vec<(Option<String>, String)> {
    let meta = &p.document.meta;
    let mut out: Vec<(Option<String>, String)> =
        meta.notes.iter().map(|n| (None, n.clone())).collect();
    if meta.in_force_from.is_none() {
        out.push((None, "the issue date is not given in the text, so whether the policy is in force is unknown; its rules are evaluated all the same".into()));
    }
    if let Some(src) = &meta.issued_source {
        out.push((None, format!("issue date from outside the text: {src}")));
    }
    for a in &p.document.articles {
        for n in &a.notes {
            out.push((
                Some(crate::ir::article_heading(a.number, &meta.script)),
                n.clone(),
            ));
        }
    }
    out
}

pub fn in_force_rule(p: &Program) -> String {
    let meta = &p.document.meta;
    let from = match (meta.in_force_from, meta.in_force_from_issue) {
        (Some(d), true) => format!("from issue ({d})"),
        (Some(d), false) => format!("from {d}"),
        (None, _) => "from issue (date unknown)".to_string(),
    };
    let end = match &meta.in_force_end {
        None => String::new(),
        Some(crate::ir::InForceEnd::Until(d)) => format!(" until {d}"),
        Some(crate::ir::InForceEnd::For(per)) => format!(" for {per}"),
    };
    format!("in_force {from}{end}")
}

/// A readable summary of the same verdict, in Chinese and English.
pub fn to_text(p: &Program, ev: &Evaluation) -> String {
    let meta = &p.document.meta;
    let mut out = String::new();
    out.push_str(&format!(
        "{} {}\n",
        meta.title,
        meta.number.as_deref().unwrap_or("")
    ));
    let in_force = match ev.in_force {
        Some(true) => "有效 in force",
        Some(false) => "无效 not in force",
        None => "是否有效未知 in force: unknown",
    };
    out.push_str(&format!(
        "as of {}: {in_force} ({})\n\n",
        ev.as_of,
        in_force_rule(p)
    ));
    // names in one column, measured in display width (Chinese names are two columns a character)
    let name_width = p
        .concepts
        .iter()
        .filter(|c| c.is_decided())
        .map(|c| c.name.width())
        .chain(p.obligations.iter().map(|o| o.name.width()))
        .max()
        .unwrap_or(0);
    out.push_str("概念 Concepts\n");
    for (i, r) in ev.concepts.iter().enumerate() {
        let c = &p.concepts[i];
        if !c.is_decided() || c.name == "in_force" {
            continue;
        }
        let label = c.doc.as_deref().unwrap_or("");
        let cites: Vec<String> = r
            .rules
            .iter()
            .map(|ri| citation_text(&c.rules[*ri].cite, &meta.script))
            .chain(
                r.reasons
                    .iter()
                    .map(|ri| citation_text(&c.reasons[*ri].cite, &meta.script)),
            )
            .collect();
        let value = match &r.outcome {
            Outcome::Value(v) if c.ty == Type::Reasons => {
                if r.reasons.is_empty() {
                    "none 无".to_string()
                } else {
                    r.reasons
                        .iter()
                        .map(|i| c.reasons[*i].id.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            }
            Outcome::Value(v) => match v {
                Value::Bool(true) => "yes 是".into(),
                Value::Bool(false) => "no 否".into(),
                Value::Money(m) => format_money(*m),
                Value::Percent(x) => format_percent(*x),
                other => p.show(other),
            },
            Outcome::Unknown(w) => format!(
                "unknown 未知 (needs {})",
                w.iter()
                    .map(|f| p.fact(*f).name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Outcome::NotApplicable => "not applicable 不适用".into(),
            Outcome::Conflict(a, b) => format!(
                "CONFLICT between {} and {}",
                citation_text(&c.rules[*a].cite, &meta.script),
                citation_text(&c.rules[*b].cite, &meta.script)
            ),
            Outcome::Error(e) => format!("error: {e}"),
        };
        let mut cites = cites;
        cites.dedup();
        let cite = if cites.is_empty() {
            String::new()
        } else {
            format!("  [{}]", cites.join("; "))
        };
        out.push_str(&format!(
            "  {} {} {label}{cite}\n",
            pad(&c.name, name_width),
            pad(&value, 16)
        ));
    }
    out.push_str("\n义务 Obligations\n");
    for o in &ev.obligations {
        let def = &p.obligations[o.obligation];
        let rule = &def.rules[o.rule];
        let status = match &o.status {
            Ok(s) => s.as_str().to_string(),
            Err(e) => format!("error: {e}"),
        };
        let due = o.due.map(|d| format!(" due {d}")).unwrap_or_default();
        let due = match o.year {
            Some(y) => format!(" ({y}){due}"),
            None => due,
        };
        let earliest = o.earliest.map(|d| format!(" from {d}")).unwrap_or_default();
        out.push_str(&format!(
            "  {} {} {}  [{}]\n",
            pad(&def.name, name_width),
            pad(&format!("{status}{earliest}{due}"), 16),
            def.doc.as_deref().unwrap_or(""),
            citation_text(&rule.cite, &meta.script)
        ));
    }
    let notes = notes(p);
    if !notes.is_empty() {
        out.push_str("\n说明 Notes\n");
        for (article, note) in notes {
            out.push_str(&format!(
                "  [{}] {note}\n",
                article.as_deref().unwrap_or("—")
            ));
        }
    }
    out
}

//! The verdict (contract `tiao.verdict/2`): what `tiao eval --format json` prints, and its text
//! summary. The README documents every field.
//!
//! ```json
//! { "schema": "tiao.verdict/2",
//!   "policy": { "id": "xinzhou", "title": "…", "in_force": true },
//!   "as_of": "2024-05-01",
//!   "concepts": { "technical_review_required": { "value": true, "because": [ { "article": "第七条", … } ] } },
//!   "obligations": [ { "id": "acceptance_application", "article": "第十六条", "due": "2024-12-31", "status": "pending" } ],
//!   "notes": [ … ] }
//! ```
//! Money values are decimal strings of yuan; reasons are arrays of `{id, article, text}`; an
//! unknown value is `null` with `waiting_on` listing the facts it needs.

use super::{
    Blocked, ConceptResult, Evaluation, Facts, Instance, ObligationResult, Outcome, Slot, Status,
    TimeJudgement,
};
use crate::ir::{Citation, FactId, Program, Type};
use crate::value::{Value, format_money, format_percent};
use serde_json::{Map, Value as J, json};
use unicode_width::UnicodeWidthStr;

/// `s` followed by spaces up to `width` display columns.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

pub const SCHEMA: &str = "tiao.verdict/2";

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

/// For a policy that extends or amends another: which policy's article a rule stands in, cited
/// in that document's script (`"policy": "jiangxi", "article": "第九條"`). Nothing otherwise.
fn lineage_cite(p: &Program, id: &crate::ir::RuleId, c: &Citation, m: &mut Map<String, J>) {
    if p.lineage.is_empty() {
        return;
    }
    let doc = p.doc(id.doc);
    let script = doc.meta.script;
    m.insert("policy".into(), J::String(doc.meta.id.clone()));
    m.insert("article".into(), J::String(c.article_heading(script)));
    m.insert("cite".into(), J::String(c.text(script)));
}

/// The lineage of a policy that extends or amends others: each document, and what was set
/// aside in it.
pub fn lineage_json(p: &Program) -> J {
    let docs: Vec<J> = std::iter::once((crate::ir::DocId(0), &p.document, None))
        .chain(p.lineage.iter().enumerate().map(|(k, a)| {
            (crate::ir::DocId(k as u32 + 1), &a.document, Some(a.relation))
        }))
        .map(|(id, d, relation)| {
            let set_aside: Vec<J> = p
                .set_aside
                .iter()
                .filter(|s| s.doc == id)
                .map(|s| {
                    let by = p.doc(s.by_doc);
                    let what = match &s.what {
                        crate::ir::SetAsideWhat::Article { number, replaced } => json!({
                            "article": crate::ir::article_heading(*number, d.meta.script),
                            "how": if *replaced { "replaced" } else { "repealed" },
                        }),
                        crate::ir::SetAsideWhat::Rules { name } => json!({ "rules_of": name, "how": "overridden" }),
                    };
                    json!({
                        "what": what,
                        "by": { "policy": by.meta.id, "cite": s.by.text(by.meta.script) },
                        "rules": s.rules.iter().map(|(c, src)| json!({ "cite": c.text(d.meta.script), "rule": src })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut m = Map::new();
            m.insert("id".into(), J::String(d.meta.id.clone()));
            m.insert("title".into(), J::String(d.meta.title.clone()));
            if let Some(j) = &d.meta.jurisdiction {
                m.insert("jurisdiction".into(), J::String(j.clone()));
            }
            if let Some(r) = relation {
                m.insert("builds_on_it".into(), J::String(r.word().into()));
            }
            m.insert("set_aside".into(), J::Array(set_aside));
            J::Object(m)
        })
        .collect();
    J::Array(docs)
}

fn cite_json(p: &Program, c: &Citation) -> Map<String, J> {
    let script = p.script();
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
    m.insert("cite".into(), J::String(c.text(script)));
    m
}

/// What the project says about a fact, as JSON (a presumed value when it was presumed).
fn fact_value(p: &Program, facts: &Facts, ev: &Evaluation, id: FactId) -> J {
    if ev.presumed.contains(&id) {
        if let Some((_, v)) = p.presumptions.iter().find(|(f, _)| *f == id) {
            return value_json(p, v);
        }
    }
    match facts.slot(id) {
        Slot::Known(v) => value_json(p, v),
        Slot::Happened => J::Bool(true),
        Slot::NotHappened => J::Bool(false),
        Slot::Unknown => J::Null,
    }
}

fn facts_json(p: &Program, facts: &Facts, ev: &Evaluation, ids: &super::FactSet) -> J {
    let mut m = Map::new();
    for id in ids.iter() {
        m.insert(p.fact(id).name.clone(), fact_value(p, facts, ev, id));
    }
    J::Object(m)
}

fn names(p: &Program, ids: &super::FactSet) -> J {
    J::Array(
        ids.iter()
            .map(|f| J::String(p.fact(f).name.clone()))
            .collect(),
    )
}

fn blocked_json(p: &Program, blocked: &[(crate::ir::ConceptId, Blocked)]) -> J {
    J::Array(
        blocked
            .iter()
            .map(|(c, why)| json!({ "concept": p.concept(*c).name, "why": why.word() }))
            .collect(),
    )
}

fn status_word(r: &ObligationResult) -> &'static str {
    r.status.single().map_or("unknown", Status::as_str)
}

/// The rules of `in_scope` that decided the scope, for a concept or duty out of scope.
fn scope_because(p: &Program, excluded_by: &[usize]) -> Vec<J> {
    let Some(scope) = p.scope else {
        return Vec::new();
    };
    let c = p.concept(scope);
    excluded_by
        .iter()
        .filter_map(|i| c.rules.get(*i))
        .map(|rule| {
            let mut b = cite_json(p, &rule.cite);
            b.insert("rule_id".into(), J::String(super::rule_key(p, &rule.id)));
            lineage_cite(p, &rule.id, &rule.cite, &mut b);
            b.insert("rule".into(), J::String(rule.source.clone()));
            b.insert("scope".into(), J::Bool(true));
            J::Object(b)
        })
        .collect()
}

fn concept_json(p: &Program, facts: &Facts, ev: &Evaluation, ci: usize, r: &ConceptResult) -> J {
    let c = &p.concepts[ci];
    let mut m = Map::new();
    let mut because = Vec::new();
    for &ri in &r.rules {
        let rule = &c.rules[ri];
        let mut b = cite_json(p, &rule.cite);
        b.insert("rule_id".into(), J::String(super::rule_key(p, &rule.id)));
        lineage_cite(p, &rule.id, &rule.cite, &mut b);
        b.insert("rule".into(), J::String(rule.source.clone()));
        if rule.exception {
            b.insert("exception".into(), J::Bool(true));
        }
        because.push(J::Object(b));
    }
    let reason = |i: &usize| {
        let rr = &c.reasons[*i];
        let mut o = Map::new();
        o.insert("id".into(), J::String(rr.reason.clone()));
        o.extend(cite_json(p, &rr.cite));
        lineage_cite(p, &rr.id, &rr.cite, &mut o);
        o.insert("text".into(), J::String(rr.text.clone()));
        J::Object(o)
    };
    let reasons = c.ty == Type::Reasons;
    if reasons && r.outcome != Outcome::OutOfScope {
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
            b.insert("reason".into(), J::String(rr.reason.clone()));
            b.insert("rule_id".into(), J::String(super::rule_key(p, &rr.id)));
            lineage_cite(p, &rr.id, &rr.cite, &mut b);
            b.insert("holds".into(), holds);
            b.insert("rule".into(), J::String(rr.source.clone()));
            because.push(J::Object(b));
        }
    }
    match &r.outcome {
        Outcome::Value(v) => {
            let value = if reasons {
                J::Array(r.reasons.iter().map(reason).collect())
            } else {
                value_json(p, v)
            };
            m.insert("value".into(), value);
        }
        Outcome::Unknown(w) => {
            m.insert("value".into(), J::Null);
            if reasons {
                m.insert(
                    "certain".into(),
                    J::Array(r.reasons.iter().map(reason).collect()),
                );
                m.insert(
                    "possible".into(),
                    J::Array(r.possible_reasons.iter().map(reason).collect()),
                );
            }
            m.insert("waiting_on".into(), names(p, &w.facts));
            if !w.blocked.is_empty() {
                m.insert("blocked_by".into(), blocked_json(p, &w.blocked));
            }
            if w.in_force_unknown {
                m.insert("in_force_unknown".into(), J::Bool(true));
            }
            if r.scope_open {
                m.insert("applies".into(), J::Null);
            }
            if let Some(v) = &r.if_in_scope {
                let shown = if reasons {
                    J::Array(r.reasons.iter().map(reason).collect())
                } else {
                    value_json(p, v)
                };
                m.insert("if_in_scope".into(), shown);
            }
        }
        Outcome::NotApplicable => {
            m.insert("value".into(), J::Null);
            m.insert("applies".into(), J::Bool(false));
        }
        Outcome::OutOfScope => {
            m.insert("value".into(), J::Null);
            m.insert("applies".into(), J::Bool(false));
            m.insert("out_of_scope".into(), J::Bool(true));
            because.extend(scope_because(p, &r.excluded_by));
        }
        Outcome::Conflict(a, b) => {
            m.insert("value".into(), J::Null);
            let side = |i: usize| {
                let rule = &c.rules[i];
                let mut o = cite_json(p, &rule.cite);
                o.insert("rule_id".into(), J::String(super::rule_key(p, &rule.id)));
                lineage_cite(p, &rule.id, &rule.cite, &mut o);
                o.insert("rule".into(), J::String(rule.source.clone()));
                J::Object(o)
            };
            m.insert("conflict".into(), J::Array(vec![side(*a), side(*b)]));
        }
        Outcome::Error(e) => {
            m.insert("value".into(), J::Null);
            m.insert("error".into(), J::String(e.describe(p)));
        }
    }
    if reasons && r.outcome != Outcome::OutOfScope {
        m.insert("holds".into(), r.holds.map(J::Bool).unwrap_or(J::Null));
    }
    if r.by_default {
        m.insert("default".into(), J::Bool(true));
    }
    m.insert("because".into(), J::Array(because));
    if !r.duties_read.is_empty() {
        let duties: Vec<J> = r
            .duties_read
            .iter()
            .flat_map(|o| {
                ev.obligations
                    .iter()
                    .filter(move |res| res.obligation == *o)
                    .map(|res| {
                        let def = p.obligation(res.obligation);
                        let mut d = Map::new();
                        d.insert("id".into(), J::String(def.name.clone()));
                        d.extend(cite_json(p, &def.rules[res.rule].cite));
                        d.insert("status".into(), J::String(status_word(res).into()));
                        J::Object(d)
                    })
            })
            .collect();
        m.insert("duties".into(), J::Array(duties));
    }
    if !r.facts_read.is_empty() {
        m.insert("facts".into(), facts_json(p, facts, ev, &r.facts_read));
    }
    J::Object(m)
}

/// The unique key of one obligation result in a verdict: its rule, then its instance.
pub fn obligation_key(p: &Program, r: &ObligationResult) -> String {
    let rule = &p.obligation(r.obligation).rules[r.rule];
    match r.instance {
        Instance::One => rule.id.to_string(),
        Instance::Year(y) => format!("{}/{y}", rule.id),
        Instance::Event { index, .. } => format!("{}/#{index}", rule.id),
    }
}

fn obligation_json(p: &Program, r: &ObligationResult) -> J {
    let o = p.obligation(r.obligation);
    let rule = &o.rules[r.rule];
    let mut m = Map::new();
    m.insert("id".into(), J::String(o.name.clone()));
    m.insert("key".into(), J::String(obligation_key(p, r)));
    m.extend(cite_json(p, &rule.cite));
    m.insert("rule_id".into(), J::String(super::rule_key(p, &rule.id)));
    lineage_cite(p, &rule.id, &rule.cite, &mut m);
    if let Some(b) = &rule.bearer {
        m.insert("bearer".into(), J::String(b.clone()));
    }
    match r.instance {
        Instance::One => {}
        Instance::Year(y) => {
            m.insert("year".into(), json!(y));
        }
        Instance::Event { index, date } => {
            m.insert(
                "event".into(),
                json!({ "index": index, "date": date.to_string() }),
            );
        }
    }
    if let Some(t) = r.trigger {
        m.insert("trigger".into(), J::String(t.to_string()));
    }
    m.insert(
        "due".into(),
        r.due.map(|d| J::String(d.to_string())).unwrap_or(J::Null),
    );
    if let Some(d) = r.due_not_before {
        m.insert("due_not_before".into(), J::String(d.to_string()));
    }
    if let Some(e) = r.earliest {
        m.insert("earliest".into(), J::String(e.to_string()));
    }
    m.insert("status".into(), J::String(status_word(r).into()));
    if r.status.single().is_none() {
        m.insert(
            "possible".into(),
            J::Array(
                r.status
                    .iter()
                    .map(|s| J::String(s.as_str().into()))
                    .collect(),
            ),
        );
    }
    if let Some(d) = r.done_on {
        m.insert("done_on".into(), J::String(d.to_string()));
    }
    if r.done_undated {
        m.insert("done".into(), J::Bool(true));
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
    if r.out_of_scope {
        m.insert("out_of_scope".into(), J::Bool(true));
        m.insert("because".into(), J::Array(scope_because(p, &r.excluded_by)));
    }
    if let Some(t) = r.time {
        m.insert("time".into(), J::String(t.word().into()));
        if let TimeJudgement::Transitional(reading) = t {
            m.insert("transitional".into(), J::String(reading.word().into()));
        }
    }
    if !r.waiting_on.is_empty() {
        m.insert("waiting_on".into(), names(p, &r.waiting_on));
    }
    if let Some(e) = &r.error {
        m.insert("error".into(), J::String(e.describe(p)));
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
    if let Some(l) = &meta.level {
        policy.insert("level".into(), J::String(l.clone()));
    }
    let mut concepts = Map::new();
    let mut in_force = Map::new();
    in_force.insert("value".into(), ev.in_force.map(J::Bool).unwrap_or(J::Null));
    let article = meta
        .in_force_article
        .map(|n| J::String(crate::ir::article_heading(n, meta.script)))
        .unwrap_or(J::Null);
    in_force.insert(
        "because".into(),
        json!([{ "article": article, "rule": meta.in_force_rule() }]),
    );
    concepts.insert("in_force".into(), J::Object(in_force));
    for (i, r) in ev.concepts.iter().enumerate() {
        let c = &p.concepts[i];
        if !c.is_decided() || c.name == "in_force" {
            continue;
        }
        concepts.insert(c.name.clone(), concept_json(p, facts, ev, i, r));
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
    let mut out = Map::new();
    out.insert("schema".into(), J::String(SCHEMA.into()));
    out.insert("policy".into(), J::Object(policy));
    out.insert("as_of".into(), J::String(ev.as_of.to_string()));
    if !ev.presumed.is_empty() {
        let mut pm = Map::new();
        for f in &ev.presumed {
            pm.insert(p.fact(*f).name.clone(), fact_value(p, facts, ev, *f));
        }
        out.insert("presumed".into(), J::Object(pm));
    }
    out.insert("concepts".into(), J::Object(concepts));
    out.insert("obligations".into(), J::Array(obligations));
    out.insert("notes".into(), J::Array(notes));
    if !p.lineage.is_empty() {
        out.insert("lineage".into(), lineage_json(p));
    }
    J::Object(out)
}

/// The notes a verdict carries: (article heading or None for the policy, text). The policy's
/// own notes, what is unknown about its dates, and every drafter's note on a reading.
pub fn notes(p: &Program) -> Vec<(Option<String>, String)> {
    let meta = &p.document.meta;
    let mut out: Vec<(Option<String>, String)> =
        meta.notes.iter().map(|n| (None, n.clone())).collect();
    if let crate::ir::IssueDate::Unknown { because, .. } = &meta.issued {
        if meta.in_force_date.is_none() {
            let mut n = "the issue date is not given in the text, so whether the policy is in force is unknown where its bounds do not decide it; its rules are evaluated all the same, and a duty whose trigger cannot be placed in the in-force period has `time: unknown`".to_string();
            if let Some(b) = because {
                n.push_str(&format!(" (bounds: {b})"));
            }
            out.push((None, n));
        }
    }
    if let Some(src) = &meta.issued_source {
        out.push((None, format!("issue date from outside the text: {src}")));
    }
    if let Some(b) = &meta.transitional_because {
        out.push((
            None,
            format!(
                "duties triggered before entry into force and due after it: {} ({b})",
                meta.transitional.word()
            ),
        ));
    }
    for a in &p.document.articles {
        for n in &a.notes {
            out.push((
                Some(crate::ir::article_heading(a.number, meta.script)),
                n.clone(),
            ));
        }
    }
    out
}

fn value_text(p: &Program, c: &crate::ir::ConceptDef, r: &ConceptResult) -> String {
    let shown = |v: &Value| match v {
        Value::Bool(true) => "yes 是".to_string(),
        Value::Bool(false) => "no 否".to_string(),
        Value::Money(m) => format_money(*m),
        Value::Percent(x) => format_percent(*x),
        other => p.show(other),
    };
    let reasons = |ids: &[usize]| {
        if ids.is_empty() {
            "none 无".to_string()
        } else {
            ids.iter()
                .map(|i| c.reasons[*i].reason.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    match &r.outcome {
        Outcome::Value(_) if c.ty == Type::Reasons => reasons(&r.reasons),
        Outcome::Value(v) => shown(v),
        Outcome::Unknown(w) => {
            let mut parts: Vec<String> = w.facts.iter().map(|f| p.fact(f).name.clone()).collect();
            parts.extend(
                w.blocked
                    .iter()
                    .map(|(b, why)| format!("{} ({})", p.concept(*b).name, why.word())),
            );
            if w.in_force_unknown {
                parts.push("the in-force dates".into());
            }
            let needs = if parts.is_empty() {
                String::new()
            } else {
                format!(" (needs {})", parts.join(", "))
            };
            let held = match (c.ty == Type::Reasons, r.holds) {
                (true, Some(true)) => format!(" — at least {}", reasons(&r.reasons)),
                _ => String::new(),
            };
            match &r.if_in_scope {
                Some(v) if c.ty != Type::Reasons => {
                    format!("unknown 未知{needs}; if in scope: {}", shown(v))
                }
                _ => format!("unknown 未知{needs}{held}"),
            }
        }
        Outcome::NotApplicable => "not applicable 不适用".into(),
        Outcome::OutOfScope => "out of scope 不适用本办法".into(),
        Outcome::Conflict(a, b) => {
            let (ra, rb) = (&c.rules[*a], &c.rules[*b]);
            let (ca, cb) = (ra.cite.text(p.script()), rb.cite.text(p.script()));
            if ca == cb {
                format!("CONFLICT within {ca}: `{}` and `{}`", ra.source, rb.source)
            } else {
                format!("CONFLICT between {ca} and {cb}")
            }
        }
        Outcome::Error(e) => format!("error: {}", e.describe(p)),
    }
}

/// A readable summary of the same verdict, in Chinese and English.
/// A citation for the text summary: with the policy it stands in when the program builds on
/// others (`jiangxi 第九條第一款`).
fn text_cite(
    p: &Program,
    id: &crate::ir::RuleId,
    c: &Citation,
    script: crate::ir::Script,
) -> String {
    if p.lineage.is_empty() {
        return c.text(script);
    }
    let doc = p.doc(id.doc);
    format!("{} {}", doc.meta.id, c.text(doc.meta.script))
}

pub fn to_text(p: &Program, ev: &Evaluation) -> String {
    let meta = &p.document.meta;
    let script = meta.script;
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
        "as of {}: {in_force} ({})\n",
        ev.as_of,
        meta.in_force_rule()
    ));
    for (f, v) in &p.presumptions {
        if ev.presumed.contains(f) {
            out.push_str(&format!(
                "presumed 推定: {} = {} (not given)\n",
                p.fact(*f).name,
                p.show(v)
            ));
        }
    }
    out.push('\n');
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
        let mut cites: Vec<String> = r
            .rules
            .iter()
            .map(|ri| text_cite(p, &c.rules[*ri].id, &c.rules[*ri].cite, script))
            .chain(
                r.reasons
                    .iter()
                    .map(|ri| text_cite(p, &c.reasons[*ri].id, &c.reasons[*ri].cite, script)),
            )
            .collect();
        cites.dedup();
        let cite = if cites.is_empty() {
            String::new()
        } else {
            format!("  [{}]", cites.join("; "))
        };
        out.push_str(&format!(
            "  {} {} {label}{cite}\n",
            pad(&c.name, name_width),
            pad(&value_text(p, c, r), 16)
        ));
    }
    let line = |o: &ObligationResult| {
        let def = p.obligation(o.obligation);
        let rule = &def.rules[o.rule];
        let mut status = status_word(o).to_string();
        if o.status.single().is_none() {
            status = format!(
                "unknown ({})",
                o.status
                    .iter()
                    .map(Status::as_str)
                    .collect::<Vec<_>>()
                    .join("/")
            );
        }
        if let Some(t) = o.time.filter(|t| *t != TimeJudgement::InForce) {
            status.push_str(&format!(" [{}]", t.word()));
        }
        if o.out_of_scope {
            status.push_str(" [out of scope]");
        }
        let due = match (o.due, o.due_not_before) {
            (Some(d), _) => format!(" due {d}"),
            (None, Some(d)) => format!(" due ≥ {d}"),
            _ => String::new(),
        };
        let inst = match o.instance {
            Instance::One => String::new(),
            Instance::Year(y) => format!(" ({y})"),
            Instance::Event { index, date } => format!(" (#{index} {date})"),
        };
        let earliest = o.earliest.map(|d| format!(" from {d}")).unwrap_or_default();
        format!(
            "  {} {} {}  [{}]\n",
            pad(&def.name, name_width),
            pad(&format!("{status}{inst}{earliest}{due}"), 16),
            def.doc.as_deref().unwrap_or(""),
            text_cite(p, &rule.id, &rule.cite, script)
        )
    };
    let (own, authorities): (Vec<&ObligationResult>, Vec<&ObligationResult>) = ev
        .obligations
        .iter()
        .partition(|o| p.obligation(o.obligation).rules[o.rule].bearer.is_none());
    out.push_str("\n义务 Obligations\n");
    for o in own {
        out.push_str(&line(o));
    }
    if !authorities.is_empty() {
        out.push_str("\n其他单位承担的时限 Deadlines borne by others\n");
        for o in authorities {
            let bearer = p.obligation(o.obligation).rules[o.rule]
                .bearer
                .clone()
                .unwrap_or_default();
            out.push_str(&format!("  {bearer}:\n"));
            out.push_str(&line(o));
        }
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

//! Scenario tests written as data: the drafter's workflow (`tiao test FILE…`).
//!
//! A scenario file is JSON: the policy it tests (a path relative to the scenario file) and a
//! list of cases, each with project facts, an as-of date, the expected concept values and
//! obligations, and the article every expectation rests on:
//!
//! ```json
//! { "policy": "../../policies/xinzhou.tiao",
//!   "cases": [ {
//!     "name": "20万元 exactly needs technical review",
//!     "as_of": "2024-05-06",
//!     "facts": { "total_investment": "20万元" },
//!     "expect": { "technical_review_required": { "value": true, "article": "第七条" } },
//!     "obligations": { "acceptance_application": { "status": "pending", "due": "2025-03-27", "article": "第十六条" } }
//!   } ] }
//! ```
//! `value` is compared with the verdict's JSON value (`null` for unknown; a list of reason ids
//! for a reasons concept, in any order). `article` must be among the articles the verdict gives
//! as the reason for the value, so a test also checks the explanation.

use crate::calendar::Calendar;
use crate::eval::{self, verdict};
use crate::ir::Program;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value as J;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub policy: String,
    #[serde(default)]
    pub description: Option<String>,
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub as_of: String,
    #[serde(default)]
    pub facts: serde_json::Map<String, J>,
    #[serde(default)]
    pub expect: BTreeMap<String, ExpectConcept>,
    #[serde(default)]
    pub obligations: BTreeMap<String, ExpectObligation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectConcept {
    pub value: J,
    /// The article the expected value follows from (`第七条`), required: a test cites the law.
    pub article: String,
    /// For a reasons concept: whether some reason holds (`true`, `false`, `null` for unknown).
    #[serde(default, deserialize_with = "present")]
    pub holds: Option<J>,
    /// `false` (not applicable) or `null` (unknown whether the policy applies).
    #[serde(default, deserialize_with = "present")]
    pub applies: Option<J>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectObligation {
    /// `met`, `late`, `pending`, `overdue`, `not_triggered`, `unknown`, or `error` for a deadline
    /// that cannot be computed (the verdict carries an `error`).
    pub status: String,
    /// For a yearly duty: which year's instance.
    #[serde(default)]
    pub year: Option<i32>,
    /// For a duty per event: which event's instance (1 = the earliest).
    #[serde(default)]
    pub event: Option<usize>,
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub due_not_before: Option<String>,
    #[serde(default)]
    pub earliest: Option<String>,
    /// For an unknown status: the statuses still possible, in any order.
    #[serde(default)]
    pub possible: Option<Vec<String>>,
    /// `in_force`, `before_in_force`, `after_expiry`, `transitional` or `unknown`.
    #[serde(default)]
    pub time: Option<String>,
    #[serde(default)]
    pub done_on: Option<String>,
    /// `false` (does not apply) or `null` (unknown whether it applies).
    #[serde(default, deserialize_with = "present")]
    pub applies: Option<J>,
    /// The authority the duty binds, as the verdict names it.
    #[serde(default)]
    pub bearer: Option<String>,
    /// The article the expectation rests on: the duty's own article, or for a duty out of scope
    /// the article that excluded the project.
    pub article: String,
}

/// A field that is present, whatever its value: `"applies": null` expects null, which a plain
/// `Option` would read as the field being absent.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<J>, D::Error> {
    J::deserialize(d).map(Some)
}

/// The outcome of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub name: String,
    pub failures: Vec<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// What a case tests, for `tiao coverage`: each concept and obligation it expects, with the
/// article it cites.
pub fn expectations(case: &Case) -> Vec<crate::analysis::coverage::Tested> {
    use crate::analysis::coverage::Tested;
    case.expect
        .iter()
        .map(|(name, e)| Tested {
            name: name.clone(),
            article: e.article.clone(),
            obligation: false,
        })
        .chain(case.obligations.iter().map(|(name, o)| Tested {
            name: name.clone(),
            article: o.article.clone(),
            obligation: true,
        }))
        .collect()
}

pub fn parse(text: &str) -> Result<ScenarioFile, String> {
    serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
}

fn same_value(expected: &J, actual: &J) -> bool {
    match (expected, actual) {
        // reasons: compare ids, order-insensitive
        (J::Array(e), J::Array(a))
            if a.iter().all(|x| x.get("id").is_some()) && e.iter().all(J::is_string) =>
        {
            let mut ids: Vec<&str> = a
                .iter()
                .filter_map(|x| x.get("id").and_then(J::as_str))
                .collect();
            let mut want: Vec<&str> = e.iter().filter_map(J::as_str).collect();
            ids.sort_unstable();
            want.sort_unstable();
            ids == want
        }
        (J::String(e), J::String(a)) => {
            e == a || crate::eval::facts::parse_money(e).is_some_and(|x| Some(x) == a.parse().ok())
        }
        _ => expected == actual,
    }
}

fn articles_of(entry: &J) -> Vec<String> {
    let mut out: Vec<String> = entry
        .get("because")
        .and_then(J::as_array)
        .map(|b| {
            b.iter()
                .filter_map(|x| x.get("article").and_then(J::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(J::Array(reasons)) = entry.get("value") {
        out.extend(
            reasons
                .iter()
                .filter_map(|x| x.get("article").and_then(J::as_str).map(str::to_string)),
        );
    }
    out
}

/// Run one case against a compiled program.
pub fn run_case(program: &Program, case: &Case) -> CaseResult {
    let mut failures = Vec::new();
    let fail = |failures: &mut Vec<String>, s: String| failures.push(s);
    let Ok(as_of) = NaiveDate::parse_from_str(&case.as_of, "%Y-%m-%d") else {
        return CaseResult {
            name: case.name.clone(),
            failures: vec![format!("as_of `{}` is not a date (YYYY-MM-DD)", case.as_of)],
        };
    };
    let facts_text = J::Object(case.facts.clone()).to_string();
    let facts = match eval::parse_facts(program, &facts_text) {
        Ok(f) => f,
        Err(errors) => {
            return CaseResult {
                name: case.name.clone(),
                failures: errors
                    .iter()
                    .map(|e| format!("facts: field `{}`: {}", e.field, e.message))
                    .collect(),
            };
        }
    };
    let evaluation = eval::evaluate(program, &facts, as_of, Calendar::official());
    let v = verdict::to_json(program, &facts, &evaluation);
    for (name, want) in &case.expect {
        let Some(entry) = v["concepts"].get(name) else {
            fail(
                &mut failures,
                format!(
                    "{} ({}): the policy does not decide `{name}`",
                    want.article, name
                ),
            );
            continue;
        };
        let actual = entry.get("value").cloned().unwrap_or(J::Null);
        if !same_value(&want.value, &actual) {
            let shown = match &actual {
                J::Array(items) => J::Array(
                    items
                        .iter()
                        .map(|x| x.get("id").cloned().unwrap_or(x.clone()))
                        .collect(),
                ),
                other => other.clone(),
            };
            let waiting = entry
                .get("waiting_on")
                .map(|w| format!(" (waiting on {w})"))
                .unwrap_or_default();
            fail(
                &mut failures,
                format!(
                    "{}: `{name}` expected {}, got {shown}{waiting}",
                    want.article, want.value
                ),
            );
            continue;
        }
        for (field, want_v) in [("holds", &want.holds), ("applies", &want.applies)] {
            if let Some(w) = want_v {
                let got = entry.get(field).cloned().unwrap_or(if field == "applies" {
                    J::Bool(true)
                } else {
                    J::Null
                });
                if &got != w {
                    fail(
                        &mut failures,
                        format!("{}: `{name}` {field} expected {w}, got {got}", want.article),
                    );
                }
            }
        }
        let cited = articles_of(entry);
        let default_without_rule = cited.is_empty() && entry.get("default").is_some();
        if !cited.contains(&want.article) && !default_without_rule {
            fail(
                &mut failures,
                format!(
                    "{}: `{name}` has the expected value but the verdict cites {:?}, not {}",
                    want.article, cited, want.article
                ),
            );
        }
    }
    let obligations = v["obligations"].as_array().cloned().unwrap_or_default();
    for (name, want) in &case.obligations {
        let candidates: Vec<&J> = obligations
            .iter()
            .filter(|o| o["id"] == J::String(name.clone()))
            .filter(|o| want.year.is_none_or(|y| o.get("year") == Some(&J::from(y))))
            .filter(|o| {
                want.event.is_none_or(|n| {
                    o.get("event").and_then(|e| e.get("index")) == Some(&J::from(n))
                })
            })
            .collect();
        let cites = |o: &J| {
            o["article"] == J::String(want.article.clone())
                || (o.get("out_of_scope") == Some(&J::Bool(true))
                    && o["because"].as_array().is_some_and(|b| {
                        b.iter()
                            .any(|x| x["article"] == J::String(want.article.clone()))
                    }))
        };
        let Some(o) = candidates.iter().find(|o| cites(o)).or(candidates.first()) else {
            fail(
                &mut failures,
                match want.year {
                    Some(y) => format!(
                        "{}: obligation `{name}` has no instance for {y}",
                        want.article
                    ),
                    None => format!("{}: the policy has no obligation `{name}`", want.article),
                },
            );
            continue;
        };
        if !cites(o) {
            fail(
                &mut failures,
                format!(
                    "{}: obligation `{name}` comes from {}, not {}",
                    want.article, o["article"], want.article
                ),
            );
        }
        // `"status": "error"` expects a deadline that cannot be computed (e.g. outside the calendar)
        let status_ok = if want.status == "error" {
            o.get("error").is_some()
        } else {
            o["status"] == J::String(want.status.clone())
        };
        if !status_ok {
            let err = o
                .get("error")
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            fail(
                &mut failures,
                format!(
                    "{}: obligation `{name}` status expected {}, got {}{err}",
                    want.article, want.status, o["status"]
                ),
            );
        }
        if let Some(due) = &want.due {
            if o["due"] != J::String(due.clone()) {
                fail(
                    &mut failures,
                    format!(
                        "{}: obligation `{name}` due expected {due}, got {}",
                        want.article, o["due"]
                    ),
                );
            }
        }
        if let Some(possible) = &want.possible {
            let mut got: Vec<String> = o
                .get("possible")
                .and_then(J::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let mut want_p = possible.clone();
            got.sort();
            want_p.sort();
            if got != want_p {
                fail(
                    &mut failures,
                    format!(
                        "{}: obligation `{name}` possible statuses expected {want_p:?}, got {got:?}",
                        want.article
                    ),
                );
            }
        }
        for (field, want_v) in [
            ("due_not_before", &want.due_not_before),
            ("time", &want.time),
            ("done_on", &want.done_on),
        ] {
            if let Some(w) = want_v {
                if o.get(field) != Some(&J::String(w.clone())) {
                    fail(
                        &mut failures,
                        format!(
                            "{}: obligation `{name}` {field} expected {w}, got {}",
                            want.article,
                            o.get(field).cloned().unwrap_or(J::Null)
                        ),
                    );
                }
            }
        }
        if let Some(b) = &want.bearer {
            if o.get("bearer") != Some(&J::String(b.clone())) {
                fail(
                    &mut failures,
                    format!(
                        "{}: obligation `{name}` bearer expected {b}, got {}",
                        want.article,
                        o.get("bearer").cloned().unwrap_or(J::Null)
                    ),
                );
            }
        }
        if let Some(w) = &want.applies {
            let got = o.get("applies").cloned().unwrap_or(J::Bool(true));
            if &got != w {
                fail(
                    &mut failures,
                    format!(
                        "{}: obligation `{name}` applies expected {w}, got {got}",
                        want.article
                    ),
                );
            }
        }
        if let Some(e) = &want.earliest {
            if o.get("earliest") != Some(&J::String(e.clone())) {
                fail(
                    &mut failures,
                    format!(
                        "{}: obligation `{name}` earliest expected {e}, got {:?}",
                        want.article,
                        o.get("earliest")
                    ),
                );
            }
        }
    }
    CaseResult {
        name: case.name.clone(),
        failures,
    }
}

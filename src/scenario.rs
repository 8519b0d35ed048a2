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
use crate::json::{self, Json, Member, Node, Pos};
use crate::value::shown;
use serde_json::Value as J;
use std::collections::BTreeMap;
use std::fmt;

/// A scenario file: the policy it tests and its cases.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub policy: String,
    pub description: Option<String>,
    pub cases: Vec<Case>,
}

/// One case: a project's facts, the evaluation date and what the verdict must say.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub as_of: String,
    /// The case's `facts` object as written, with the place of every key in the scenario file
    /// (an empty object when the case gives none), so that a bad fact is reported where it is.
    pub facts: Node,
    pub expect: BTreeMap<String, ExpectConcept>,
    pub obligations: BTreeMap<String, ExpectObligation>,
    /// Where the case starts in the scenario file.
    pub at: Pos,
}

#[derive(Debug, Clone)]
pub struct ExpectConcept {
    pub value: J,
    /// The article the expected value follows from (`第七条`), required: a test cites the law.
    pub article: String,
    /// For a reasons concept: whether some reason holds (`true`, `false`, `null` for unknown).
    /// `Some(null)` when written `"holds": null`, `None` when not written.
    pub holds: Option<J>,
    /// `false` (not applicable) or `null` (unknown whether the policy applies).
    pub applies: Option<J>,
}

#[derive(Debug, Clone)]
pub struct ExpectObligation {
    /// `met`, `late`, `pending`, `overdue`, `not_triggered`, `unknown`, or `error` for a deadline
    /// that cannot be computed (the verdict carries an `error`).
    pub status: String,
    /// For a yearly duty: which year's instance.
    pub year: Option<i32>,
    /// For a duty per event: which event's instance (1 = the earliest).
    pub event: Option<usize>,
    pub due: Option<String>,
    pub due_not_before: Option<String>,
    pub earliest: Option<String>,
    /// For an unknown status: the statuses still possible, in any order.
    pub possible: Option<Vec<String>>,
    /// `in_force`, `before_in_force`, `after_expiry`, `transitional` or `unknown`.
    pub time: Option<String>,
    pub done_on: Option<String>,
    /// `false` (does not apply) or `null` (unknown whether it applies).
    pub applies: Option<J>,
    /// The authority the duty binds, as the verdict names it.
    pub bearer: Option<String>,
    /// The article the expectation rests on: the duty's own article, or for a duty out of scope
    /// the article that excluded the project.
    pub article: String,
}

/// A problem with a scenario file: where (line and column in characters, 1-based), the JSON
/// path of the value (`cases[2].expect.total`, empty for the file as a whole), what is wrong and
/// how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl ScenarioError {
    /// The error as `FILE:LINE:COLUMN: PATH: message (hint: …)`.
    pub fn with_file(&self, file: &str) -> String {
        format!("{file}:{}:{}: {}", self.line, self.column, self.body())
    }
    fn body(&self) -> String {
        let mut s = String::new();
        if !self.path.is_empty() {
            s.push_str(&self.path);
            s.push_str(": ");
        }
        s.push_str(&self.message);
        if let Some(h) = &self.hint {
            s.push_str(&format!(" (hint: {h})"));
        }
        s
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line,
            self.column,
            self.body()
        )
    }
}

impl std::error::Error for ScenarioError {}

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

const FILE_FIELDS: &[&str] = &["policy", "description", "cases"];
const CASE_FIELDS: &[&str] = &["name", "as_of", "facts", "expect", "obligations"];
const CONCEPT_FIELDS: &[&str] = &["value", "article", "holds", "applies"];
const OBLIGATION_FIELDS: &[&str] = &[
    "status",
    "year",
    "event",
    "due",
    "due_not_before",
    "earliest",
    "possible",
    "time",
    "done_on",
    "applies",
    "bearer",
    "article",
];
/// The statuses a verdict gives, and `error` (a deadline that cannot be computed).
const STATUSES: &[&str] = &[
    "met",
    "late",
    "pending",
    "overdue",
    "not_triggered",
    "unknown",
    "error",
];
const TIMES: &[&str] = &[
    "in_force",
    "before_in_force",
    "after_expiry",
    "transitional",
    "unknown",
];

type Res<T> = Result<T, Box<ScenarioError>>;

fn error(path: &str, at: Pos, message: String, hint: Option<String>) -> Box<ScenarioError> {
    Box::new(ScenarioError {
        path: path.to_string(),
        line: at.line,
        column: at.column,
        message,
        hint,
    })
}

/// The members of an object that may hold only `allowed` fields (`what` names it for messages:
/// "a case").
fn object<'a>(node: &'a Node, path: &str, what: &str, allowed: &[&str]) -> Res<&'a [Member]> {
    let Some(members) = node.members() else {
        return Err(error(
            path,
            node.at,
            format!(
                "expected an object {{…}} ({what}), found {}",
                node.describe()
            ),
            None,
        ));
    };
    for m in members {
        json::add_ops(1);
        if !allowed.contains(&m.key.as_str()) {
            let suggestion = if m.key.chars().count() <= 64 {
                crate::diagnostic::did_you_mean(&m.key, allowed.iter().copied())
            } else {
                None
            };
            let list = allowed.join(", ");
            return Err(error(
                path,
                m.key_at,
                format!("unknown field `{}` in {what}", shown(&m.key)),
                Some(match suggestion {
                    Some(s) => format!("did you mean `{s}`? The fields of {what} are {list}"),
                    None => format!("the fields of {what} are {list}"),
                }),
            ));
        }
    }
    Ok(members)
}

/// The items of a member that must be a JSON array; `what` names the list in the error.
fn array<'a>(m: &'a Member, path: &str, what: &str) -> Res<&'a [Node]> {
    match &m.value.value {
        Json::Array(items) => Ok(items),
        _ => Err(error(
            path,
            m.value.at,
            format!("expected {what}, found {}", m.value.describe()),
            None,
        )),
    }
}

fn field<'a>(members: &'a [Member], name: &str) -> Option<&'a Member> {
    members.iter().find(|m| m.key == name)
}

fn required<'a>(
    members: &'a [Member],
    name: &str,
    node: &Node,
    path: &str,
    what: &str,
    hint: &str,
) -> Res<&'a Member> {
    field(members, name).ok_or_else(|| {
        error(
            path,
            node.at,
            format!("missing field `{name}` in {what}"),
            Some(hint.to_string()),
        )
    })
}

fn text(m: &Member, path: &str) -> Res<String> {
    match &m.value.value {
        Json::String(s) => Ok(s.clone()),
        _ => Err(error(
            &json::join_key(path, &m.key),
            m.value.at,
            format!(
                "expected a text in double quotes, found {}",
                m.value.describe()
            ),
            None,
        )),
    }
}

/// An optional field: absent is `None`; `null` is an error (it would read as "not checked",
/// which is not what `null` says).
fn not_null<'a>(m: Option<&'a Member>, path: &str) -> Res<Option<&'a Member>> {
    match m {
        Some(m) if m.value.is_null() => Err(error(
            &json::join_key(path, &m.key),
            m.value.at,
            format!("`{}` is null", m.key),
            Some("leave the field out when it is not checked".into()),
        )),
        other => Ok(other),
    }
}

fn date_field(m: &Member, path: &str) -> Res<String> {
    let s = text(m, path)?;
    match crate::value::parse_date(&s) {
        Ok(_) => Ok(s),
        Err(e) => Err(error(
            &json::join_key(path, &m.key),
            m.value.at,
            format!("\"{}\" {}", shown(&s), e.problem()),
            Some(match e.fixed() {
                Some(f) => format!("write \"{f}\""),
                None => "write dates as \"YYYY-MM-DD\", e.g. \"2024-03-15\"".into(),
            }),
        )),
    }
}

/// The evaluation date: a date within [`eval::AS_OF_YEARS`].
fn as_of_field(m: &Member, path: &str) -> Res<String> {
    let s = date_field(m, path)?;
    match crate::value::parse_date(&s).map(eval::check_as_of) {
        Ok(Err(why)) => Err(error(
            &json::join_key(path, &m.key),
            m.value.at,
            why,
            Some("evaluate on a date near the document's in-force period".into()),
        )),
        _ => Ok(s),
    }
}

fn one_of(m: &Member, path: &str, s: &str, allowed: &[&str], what: &str) -> Res<()> {
    if allowed.contains(&s) {
        return Ok(());
    }
    let list = allowed.join(", ");
    let suggestion = if s.chars().count() <= 64 {
        crate::diagnostic::did_you_mean(s, allowed.iter().copied())
    } else {
        None
    };
    Err(error(
        &json::join_key(path, &m.key),
        m.value.at,
        format!("\"{}\" is not {what}", shown(s)),
        Some(match suggestion {
            Some(x) => format!("did you mean \"{x}\"? ({list})"),
            None => format!("one of {list}"),
        }),
    ))
}

fn whole_number<T: std::str::FromStr>(m: &Member, path: &str, want: &str) -> Res<T> {
    match &m.value.value {
        Json::Number(n) => n.parse::<T>().map_err(|_| {
            error(
                &json::join_key(path, &m.key),
                m.value.at,
                format!("expected {want}, found the number {}", shown(n)),
                None,
            )
        }),
        _ => Err(error(
            &json::join_key(path, &m.key),
            m.value.at,
            format!("expected {want}, found {}", m.value.describe()),
            None,
        )),
    }
}

fn concept(node: &Node, path: &str) -> Res<ExpectConcept> {
    let what = "an expected concept";
    let members = object(node, path, what, CONCEPT_FIELDS)?;
    let value = required(
        members,
        "value",
        node,
        path,
        what,
        "add \"value\": the value the verdict must give (null for unknown)",
    )?;
    let article = required(
        members,
        "article",
        node,
        path,
        what,
        "add \"article\": the article the value follows from, e.g. \"第七条\"",
    )?;
    Ok(ExpectConcept {
        value: value.value.to_serde(),
        article: text(article, path)?,
        holds: field(members, "holds").map(|m| m.value.to_serde()),
        applies: field(members, "applies").map(|m| m.value.to_serde()),
    })
}

fn obligation(node: &Node, path: &str) -> Res<ExpectObligation> {
    let what = "an expected obligation";
    let members = object(node, path, what, OBLIGATION_FIELDS)?;
    let status_m = required(
        members,
        "status",
        node,
        path,
        what,
        "add \"status\": met, late, pending, overdue, not_triggered, unknown or error",
    )?;
    let status = text(status_m, path)?;
    one_of(status_m, path, &status, STATUSES, "a status")?;
    let article = required(
        members,
        "article",
        node,
        path,
        what,
        "add \"article\": the article the duty comes from, e.g. \"第十六条\"",
    )?;
    let opt = |name: &str| not_null(field(members, name), path);
    let date =
        |name: &str| -> Res<Option<String>> { opt(name)?.map(|m| date_field(m, path)).transpose() };
    let year = opt("year")?
        .map(|m| whole_number::<i32>(m, path, "a year such as 2024"))
        .transpose()?;
    let event = match opt("event")? {
        Some(m) => {
            let n = whole_number::<usize>(m, path, "the event's number (1 = the earliest)")?;
            if n == 0 {
                return Err(error(
                    &json::join_key(path, &m.key),
                    m.value.at,
                    "events are counted from 1 (the earliest)".into(),
                    None,
                ));
            }
            Some(n)
        }
        None => None,
    };
    let possible = match opt("possible")? {
        Some(m) => {
            let p = json::join_key(path, &m.key);
            let items = array(m, &p, "a list of statuses [\"met\", \"pending\"]")?;
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                json::add_ops(1);
                let item_path = json::join_index(&p, i);
                let Some(s) = item.as_str() else {
                    return Err(error(
                        &item_path,
                        item.at,
                        format!(
                            "expected a status in double quotes, found {}",
                            item.describe()
                        ),
                        None,
                    ));
                };
                if !STATUSES.contains(&s) || s == "error" {
                    let list = "met, late, pending, overdue, not_triggered";
                    return Err(error(
                        &item_path,
                        item.at,
                        format!("\"{}\" is not a possible status", shown(s)),
                        Some(format!("one of {list}")),
                    ));
                }
                out.push(s.to_string());
            }
            Some(out)
        }
        None => None,
    };
    let time = match opt("time")? {
        Some(m) => {
            let t = text(m, path)?;
            one_of(m, path, &t, TIMES, "a time")?;
            Some(t)
        }
        None => None,
    };
    Ok(ExpectObligation {
        status,
        year,
        event,
        due: date("due")?,
        due_not_before: date("due_not_before")?,
        earliest: date("earliest")?,
        possible,
        time,
        done_on: date("done_on")?,
        applies: field(members, "applies").map(|m| m.value.to_serde()),
        bearer: opt("bearer")?.map(|m| text(m, path)).transpose()?,
        article: text(article, path)?,
    })
}

fn expectations_map<T>(
    m: Option<&Member>,
    path: &str,
    what: &str,
    one: impl Fn(&Node, &str) -> Res<T>,
) -> Res<BTreeMap<String, T>> {
    let mut out = BTreeMap::new();
    let Some(m) = not_null(m, path)? else {
        return Ok(out);
    };
    let p = json::join_key(path, &m.key);
    let Some(members) = m.value.members() else {
        return Err(error(
            &p,
            m.value.at,
            format!(
                "expected an object of {what} by name, found {}",
                m.value.describe()
            ),
            None,
        ));
    };
    for e in members {
        json::add_ops(1);
        let v = one(&e.value, &json::join_key(&p, &e.key))?;
        out.insert(e.key.clone(), v);
    }
    Ok(out)
}

fn case(node: &Node, path: &str) -> Res<Case> {
    let what = "a case";
    let members = object(node, path, what, CASE_FIELDS)?;
    let name = required(
        members,
        "name",
        node,
        path,
        what,
        "add \"name\": what the case shows, e.g. \"20万元 exactly needs technical review\"",
    )?;
    let as_of = required(
        members,
        "as_of",
        node,
        path,
        what,
        "add \"as_of\": the evaluation date, e.g. \"2024-05-06\"",
    )?;
    let facts = match not_null(field(members, "facts"), path)? {
        Some(m) => {
            if m.value.members().is_none() {
                return Err(error(
                    &json::join_key(path, &m.key),
                    m.value.at,
                    format!(
                        "expected an object {{…}} (the project's facts), found {}",
                        m.value.describe()
                    ),
                    None,
                ));
            }
            m.value.clone()
        }
        None => Node::empty_object(node.at),
    };
    Ok(Case {
        name: text(name, path)?,
        as_of: as_of_field(as_of, path)?,
        facts,
        expect: expectations_map(field(members, "expect"), path, "expected concepts", concept)?,
        obligations: expectations_map(
            field(members, "obligations"),
            path,
            "expected obligations",
            obligation,
        )?,
        at: node.at,
    })
}

/// Read a scenario file. Everything is checked here, before any case runs: JSON syntax,
/// duplicate keys (at any depth, naming both places), unknown, missing and ill-typed fields,
/// dates (`YYYY-MM-DD`), statuses and times; the first problem in the file is returned with its
/// path, line and column. The facts of each case are checked against the policy when the case
/// runs ([`run_case`]), with their places in this file.
pub fn parse(text: &str) -> Result<ScenarioFile, ScenarioError> {
    let root = json::parse(text).map_err(|errors| {
        let e = errors.into_iter().next().unwrap_or(json::Error {
            kind: json::ErrorKind::Syntax,
            at: Pos::default(),
            path: json::Path::default(),
            message: "not valid JSON".into(),
            hint: None,
            first: None,
        });
        ScenarioError {
            path: e.path.to_string(),
            line: e.at.line,
            column: e.at.column,
            message: match (e.kind, e.first) {
                (json::ErrorKind::Syntax, _) => format!("not valid JSON: {}", e.message),
                (json::ErrorKind::DuplicateKey, Some(first)) => {
                    format!("given twice: first at {first}, again at {}", e.at)
                }
                _ => e.message,
            },
            hint: e.hint.or_else(|| {
                (e.kind == json::ErrorKind::Syntax && e.at.offset == 0).then(|| {
                    "a scenario file is one JSON object: {\"policy\": \"…\", \"cases\": [ … ]}"
                        .into()
                })
            }),
        }
    })?;
    read_file(&root).map_err(|e| *e)
}

fn read_file(root: &Node) -> Res<ScenarioFile> {
    let what = "a scenario file";
    let members = object(root, "", what, FILE_FIELDS)?;
    let policy = required(
        members,
        "policy",
        root,
        "",
        what,
        "add \"policy\": the policy file, relative to the scenario file",
    )?;
    let description = match field(members, "description") {
        Some(m) if m.value.is_null() => None,
        Some(m) => Some(text(m, "")?),
        None => None,
    };
    let cases_m = required(
        members,
        "cases",
        root,
        "",
        what,
        "add \"cases\": [ … ], the list of cases",
    )?;
    let items = array(cases_m, "cases", "a list of cases [ … ]")?;
    let mut cases = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        json::add_ops(1);
        cases.push(case(item, &json::join_index("cases", i))?);
    }
    Ok(ScenarioFile {
        policy: text(policy, "")?,
        description,
        cases,
    })
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
            e == a
                || crate::eval::facts::parse_money(e)
                    .is_ok_and(|x| Some(x) == a.parse::<rust_decimal::Decimal>().ok())
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
    let Ok(as_of) = crate::value::parse_date(&case.as_of) else {
        return CaseResult {
            name: case.name.clone(),
            failures: vec![format!("as_of `{}` is not a date (YYYY-MM-DD)", case.as_of)],
        };
    };
    let facts = match eval::facts::facts_from_json(program, &case.facts) {
        Ok(f) => f,
        Err(errors) => {
            return CaseResult {
                name: case.name.clone(),
                failures: errors
                    .iter()
                    .map(|e| {
                        let field = if e.field.is_empty() {
                            String::new()
                        } else {
                            format!("field `{}`: ", e.field)
                        };
                        let hint = e
                            .hint
                            .as_ref()
                            .map(|h| format!(" (hint: {h})"))
                            .unwrap_or_default();
                        format!(
                            "facts, line {}, column {}: {field}{}{hint}",
                            e.line, e.column, e.message
                        )
                    })
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

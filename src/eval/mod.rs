//! The reference interpreter: the specification of what a policy means.
//!
//! Missing facts are *unknown*, and unknown propagates in Kleene's three-valued logic: `false
//! and ?` is false, `true or ?` is true, anything else touching `?` is unknown and remembers
//! which facts it waits on. A concept's rules follow default logic: exceptions override base
//! definitions; two applicable rules of the same level that disagree are a conflict, reported
//! with both articles rather than settled by source order.
//!
//! Accepted: evaluating 新洲 Art. 7 with `{"total_investment": "20万元"}` gives
//! `technical_review_required = true` (20万元以上含本数). Rejected: evaluating with
//! `{"total_investment": "twenty"}` is a facts error naming the field.

pub mod facts;
pub mod verdict;

use crate::calendar::{Calendar, OutOfCalendar, add_period_unrolled, period_end};
use crate::ir::{
    Builtin, Citation, ConceptId, Deadline, Expr, ExprKind, FactId, InForceEnd, ObligationRule,
    Program, Type,
};
use crate::syntax::ast::BinOp;
use crate::value::Value;
use chrono::{Datelike, NaiveDate};
pub use facts::{FactError, Facts, parse_facts};
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use std::fmt;

/// A value, or unknown together with the facts it waits on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tri {
    Known(Value),
    Unknown(BTreeSet<FactId>),
}

impl Tri {
    fn waits(&self) -> BTreeSet<FactId> {
        match self {
            Tri::Known(_) => BTreeSet::new(),
            Tri::Unknown(w) => w.clone(),
        }
    }
    fn as_bool(&self) -> Option<bool> {
        match self {
            Tri::Known(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

/// A failure while evaluating (not a drafter's error: the policy checked, but these facts or this
/// date cannot be evaluated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    Calendar(OutOfCalendar),
    DivisionByZero { rule: String },
    Overflow { rule: String },
    BadDate { rule: String },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Calendar(e) => write!(f, "{e}"),
            EvalError::DivisionByZero { rule } => write!(f, "division by zero in `{rule}`"),
            EvalError::Overflow { rule } => write!(f, "an amount is too large in `{rule}`"),
            EvalError::BadDate { rule } => write!(f, "no such date in `{rule}`"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Exception,
    Base,
    Default,
}

/// How a concept came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Value(Value),
    /// Unknown: waits on these facts.
    Unknown(BTreeSet<FactId>),
    /// No rule applies and the concept has no default.
    NotApplicable,
    /// Two applicable rules (indices into the concept's rules) disagree.
    Conflict(usize, usize),
    Error(EvalError),
}

/// The result of one concept, with its explanation.
#[derive(Debug, Clone)]
pub struct ConceptResult {
    pub outcome: Outcome,
    /// Rules that decided the value (indices into `ConceptDef::rules`).
    pub rules: Vec<usize>,
    /// For reasons concepts: reasons that certainly hold, and those that may (unknown).
    pub reasons: Vec<usize>,
    pub possible_reasons: Vec<usize>,
    /// Facts read while deciding.
    pub facts_read: BTreeSet<FactId>,
    /// True when the value is the declared default because no rule applied.
    pub by_default: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    Late,
    Pending,
    Overdue,
    NotTriggered,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Late => "late",
            Status::Pending => "pending",
            Status::Overdue => "overdue",
            Status::NotTriggered => "not_triggered",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ObligationResult {
    pub obligation: usize,
    pub rule: usize,
    pub due: Option<NaiveDate>,
    pub earliest: Option<NaiveDate>,
    pub status: Result<Status, EvalError>,
    /// The act was done before the window opened (counts as not done).
    pub early: bool,
    /// Whether the rule's condition holds: None when unknown.
    pub applies: Option<bool>,
    pub waiting_on: BTreeSet<FactId>,
    pub done_on: Option<NaiveDate>,
    /// For a yearly duty: the year of this instance.
    pub year: Option<i32>,
}

/// Everything `eval` computes for one project.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub as_of: NaiveDate,
    /// None when the in-force period cannot be decided (e.g. the issue date is unknown).
    pub in_force: Option<bool>,
    pub concepts: Vec<ConceptResult>,
    pub obligations: Vec<ObligationResult>,
}

/// Evaluate a checked program on facts as of a date.
pub fn evaluate(
    program: &Program,
    facts: &Facts,
    as_of: NaiveDate,
    calendar: &Calendar,
) -> Evaluation {
    let mut ev = Evaluator {
        p: program,
        facts,
        as_of,
        cal: calendar,
        memo: vec![None; program.concepts.len()],
    };
    let concepts = (0..program.concepts.len())
        .map(|i| ev.concept(ConceptId(i as u32)).clone())
        .collect();
    let mut obligations = Vec::new();
    for (oi, o) in program.obligations.iter().enumerate() {
        for (ri, r) in o.rules.iter().enumerate() {
            obligations.extend(ev.obligation(oi, ri, r));
        }
    }
    Evaluation {
        as_of,
        in_force: in_force(program, as_of),
        concepts,
        obligations,
    }
}

/// Whether the policy is in force on `as_of`, from its metadata. A period `for 3年` from the
/// issue date ends on the corresponding day (《民法典》第201、202条: the first day is not counted).
pub fn in_force(program: &Program, as_of: NaiveDate) -> Option<bool> {
    let meta = &program.document.meta;
    let from = meta.in_force_from?;
    if as_of < from {
        return Some(false);
    }
    match meta.in_force_end {
        None => Some(true),
        Some(InForceEnd::Until(end)) => Some(as_of <= end),
        Some(InForceEnd::For(period)) => add_period_unrolled(from, period).map(|end| as_of <= end),
    }
}

struct Evaluator<'a> {
    p: &'a Program,
    facts: &'a Facts,
    as_of: NaiveDate,
    cal: &'a Calendar,
    memo: Vec<Option<ConceptResult>>,
}

fn union(a: &Tri, b: &Tri) -> BTreeSet<FactId> {
    let mut w = a.waits();
    w.extend(b.waits());
    w
}

impl<'a> Evaluator<'a> {
    /// The result of a concept, computed once.
    fn concept(&mut self, id: ConceptId) -> &ConceptResult {
        if self.memo[id.0 as usize].is_none() {
            let result = self.compute_concept(id);
            self.memo[id.0 as usize] = Some(result);
        }
        match &self.memo[id.0 as usize] {
            Some(r) => r,
            None => unreachable!("memoised just above"),
        }
    }

    fn compute_concept(&mut self, id: ConceptId) -> ConceptResult {
        let c = self.p.concept(id);
        let mut read = BTreeSet::new();
        let result = if c.ty == Type::Reasons {
            let mut certain = Vec::new();
            let mut possible = Vec::new();
            let mut waits = BTreeSet::new();
            let mut error = None;
            for (i, r) in c.reasons.iter().enumerate() {
                collect_facts(&r.when, &mut read);
                match self.expr(&r.when, &r.source) {
                    Ok(Tri::Known(Value::Bool(true))) => certain.push(i),
                    Ok(Tri::Known(_)) => {}
                    Ok(Tri::Unknown(w)) => {
                        possible.push(i);
                        waits.extend(w);
                    }
                    Err(e) => error = Some(e),
                }
            }
            let outcome = match error {
                Some(e) => Outcome::Error(e),
                None if !possible.is_empty() => Outcome::Unknown(waits),
                None => Outcome::Value(Value::Set(
                    certain
                        .iter()
                        .map(|i| Value::Text(c.reasons[*i].id.clone()))
                        .collect(),
                )),
            };
            ConceptResult {
                outcome,
                rules: Vec::new(),
                reasons: certain,
                possible_reasons: possible,
                facts_read: read,
                by_default: false,
            }
        } else {
            self.default_logic(id, &mut read)
        };
        // the facts read include those read through the concepts the rules name
        let mut result = result;
        let mut named = BTreeSet::new();
        for e in c
            .rules
            .iter()
            .flat_map(|r| std::iter::once(&r.value).chain(r.when.iter()))
            .chain(c.reasons.iter().map(|r| &r.when))
        {
            e.visit(&mut |x| {
                if let ExprKind::Concept(other) = x.kind {
                    named.insert(other);
                }
            });
        }
        for other in named {
            if other != id {
                let inner = &self.concept(other).facts_read;
                result.facts_read.extend(inner.iter().copied());
            }
        }
        result
    }

    /// Decide a concept from its rules: exceptions first, then base definitions, then the
    /// declared default.
    fn default_logic(&mut self, id: ConceptId, read: &mut BTreeSet<FactId>) -> ConceptResult {
        let (outcome, rules, by_default) = self.level(id, Level::Exception, read);
        ConceptResult {
            outcome,
            rules,
            reasons: Vec::new(),
            possible_reasons: Vec::new(),
            facts_read: read.clone(),
            by_default,
        }
    }

    /// The outcome of one level of a concept's rules, falling through to the level below when
    /// no rule of this level applies. Returns (outcome, deciding rules, value is the default).
    fn level(
        &mut self,
        id: ConceptId,
        level: Level,
        read: &mut BTreeSet<FactId>,
    ) -> (Outcome, Vec<usize>, bool) {
        let c = self.p.concept(id);
        let exception = match level {
            Level::Exception => true,
            Level::Base => false,
            Level::Default => {
                return match &c.default {
                    Some(d) => match self.expr(d, &c.name) {
                        Ok(Tri::Known(v)) => (Outcome::Value(v), Vec::new(), true),
                        Ok(Tri::Unknown(w)) => (Outcome::Unknown(w), Vec::new(), true),
                        Err(e) => (Outcome::Error(e), Vec::new(), true),
                    },
                    None => (Outcome::NotApplicable, Vec::new(), false),
                };
            }
        };
        let below = if exception {
            Level::Base
        } else {
            Level::Default
        };
        // rules of this level whose condition holds (with their value), or may hold
        let mut certain: Vec<(usize, Tri)> = Vec::new();
        let mut possible: Vec<(usize, BTreeSet<FactId>)> = Vec::new();
        for (i, r) in c
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.exception == exception)
        {
            let applies = match &r.when {
                None => Tri::Known(Value::Bool(true)),
                Some(w) => {
                    collect_facts(w, read);
                    match self.expr(w, &r.source) {
                        Ok(t) => t,
                        Err(e) => return (Outcome::Error(e), vec![i], false),
                    }
                }
            };
            match applies {
                Tri::Known(Value::Bool(true)) => {
                    collect_facts(&r.value, read);
                    match self.expr(&r.value, &r.source) {
                        Ok(v) => certain.push((i, v)),
                        Err(e) => return (Outcome::Error(e), vec![i], false),
                    }
                }
                Tri::Known(_) => {}
                Tri::Unknown(w) => possible.push((i, w)),
            }
        }
        if certain.is_empty() && possible.is_empty() {
            return self.level(id, below, read);
        }
        // two rules that certainly apply and disagree: a conflict, whatever else holds
        for (k, (i, vi)) in certain.iter().enumerate() {
            for (j, vj) in &certain[k + 1..] {
                if let (Tri::Known(a), Tri::Known(b)) = (vi, vj) {
                    if a != b {
                        return (Outcome::Conflict(*i, *j), vec![*i, *j], false);
                    }
                }
            }
        }
        let mut waits: BTreeSet<FactId> = possible
            .iter()
            .flat_map(|(_, w)| w.iter().copied())
            .collect();
        let mut rules: Vec<usize> = certain.iter().map(|(i, _)| *i).collect();
        // the candidate values: those of the certain rules, or else the level below's
        let mut values: BTreeSet<Value> = BTreeSet::new();
        let mut all_known = true;
        let mut by_default = false;
        if certain.is_empty() {
            let (lower, lower_rules, lower_default) = self.level(id, below, read);
            rules.extend(lower_rules);
            by_default = lower_default;
            match lower {
                Outcome::Value(v) => {
                    values.insert(v);
                }
                Outcome::Unknown(w) => {
                    waits.extend(w);
                    all_known = false;
                }
                // an uncertain rule over nothing: the value is this rule's or none at all
                Outcome::NotApplicable => all_known = false,
                other => return (other, rules, false),
            }
        } else {
            for (_, v) in &certain {
                match v {
                    Tri::Known(v) => {
                        values.insert(v.clone());
                    }
                    Tri::Unknown(w) => {
                        waits.extend(w.iter().copied());
                        all_known = false;
                    }
                }
            }
        }
        // an uncertain rule of this level that would give another value keeps the answer open
        for (pi, _) in &possible {
            let pr = &c.rules[*pi];
            collect_facts(&pr.value, read);
            match self.expr(&pr.value, &pr.source) {
                Ok(Tri::Known(v)) => {
                    values.insert(v);
                }
                Ok(Tri::Unknown(w)) => {
                    waits.extend(w);
                    all_known = false;
                }
                Err(e) => return (Outcome::Error(e), vec![*pi], false),
            }
            rules.push(*pi);
        }
        if all_known && values.len() == 1 {
            if let Some(v) = values.into_iter().next() {
                return (
                    Outcome::Value(v),
                    rules,
                    by_default && certain.is_empty() && possible.is_empty(),
                );
            }
        }
        (Outcome::Unknown(waits), rules, false)
    }

    /// The results of one obligation rule: one, or one per year for a yearly duty.
    fn obligation(&mut self, oi: usize, ri: usize, r: &ObligationRule) -> Vec<ObligationResult> {
        let mut res = ObligationResult {
            obligation: oi,
            rule: ri,
            due: None,
            earliest: None,
            status: Ok(Status::NotTriggered),
            early: false,
            applies: Some(true),
            waiting_on: BTreeSet::new(),
            done_on: None,
            year: None,
        };
        if let Some(w) = &r.when {
            match self.expr(w, &r.source) {
                Ok(Tri::Known(Value::Bool(false))) => {
                    res.applies = Some(false);
                    return vec![res];
                }
                Ok(Tri::Known(_)) => {}
                Ok(Tri::Unknown(waits)) => {
                    res.applies = None;
                    res.waiting_on.extend(waits);
                }
                Err(e) => {
                    res.status = Err(e);
                    return vec![res];
                }
            }
        }
        if let Deadline::Yearly {
            month,
            day,
            from,
            until,
        } = &r.deadline
        {
            return self.yearly(res, r, (*month, *day), from, until.as_ref());
        }
        let window = match &r.deadline {
            Deadline::Within { period, after } => self.window(None, period, after, &r.source),
            Deadline::Between { from, to, after } => self.window(Some(from), to, after, &r.source),
            Deadline::By { date } => match self.expr(date, &r.source) {
                Ok(Tri::Known(Value::Date(d))) => Ok(Some((None, d))),
                Ok(Tri::Unknown(w)) => {
                    res.waiting_on.extend(w);
                    Ok(None)
                }
                Ok(_) => Ok(None),
                Err(e) => Err(e),
            },
            Deadline::Yearly { .. } => Ok(None),
        };
        let (earliest, due) = match window {
            Err(e) => {
                res.status = Err(e);
                return vec![res];
            }
            Ok(None) => {
                // the triggering date is not known: the duty has not started
                if let Deadline::Within { after, .. } | Deadline::Between { after, .. } =
                    &r.deadline
                {
                    collect_facts(after, &mut res.waiting_on);
                }
                return vec![res];
            }
            Ok(Some(w)) => w,
        };
        res.due = Some(due);
        res.earliest = earliest;
        let done = match self.facts.get(r.act) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        };
        res.done_on = done;
        res.status = Ok(match done {
            Some(d) if earliest.is_some_and(|e| d < e) => {
                res.early = true;
                if self.as_of <= due {
                    Status::Pending
                } else {
                    Status::Overdue
                }
            }
            Some(d) if d <= due => Status::Met,
            Some(_) => Status::Late,
            None if self.as_of <= due => {
                res.waiting_on.insert(r.act);
                Status::Pending
            }
            None => Status::Overdue,
        });
        vec![res]
    }

    /// A yearly duty: one instance for each year whose due day falls on or after `from` and on
    /// or before `until` (up to the evaluation year while `until` is not known). An instance is
    /// met by an act dated within the year before its due day.
    fn yearly(
        &mut self,
        template: ObligationResult,
        r: &ObligationRule,
        (month, day): (u32, u32),
        from: &Expr,
        until: Option<&Expr>,
    ) -> Vec<ObligationResult> {
        let mut res = template;
        let start = match self.expr(from, &r.source) {
            // a start recorded for a later day has not happened yet on the evaluation date
            Ok(Tri::Known(Value::Date(d))) if d > self.as_of => return vec![res],
            Ok(Tri::Known(Value::Date(d))) => d,
            Ok(_) => {
                collect_facts(from, &mut res.waiting_on);
                return vec![res];
            }
            Err(e) => {
                res.status = Err(e);
                return vec![res];
            }
        };
        let end = match until.map(|u| self.expr(u, &r.source)) {
            Some(Ok(Tri::Known(Value::Date(d)))) => Some(d),
            Some(Err(e)) => {
                res.status = Err(e);
                return vec![res];
            }
            _ => None,
        };
        let acts: Vec<NaiveDate> = match self.facts.get(r.act) {
            Some(Value::Date(d)) => vec![*d],
            Some(Value::Set(items)) => items
                .iter()
                .filter_map(|v| {
                    if let Value::Date(d) = v {
                        Some(*d)
                    } else {
                        None
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for year in start.year()..=self.as_of.year() {
            let Some(due) = NaiveDate::from_ymd_opt(year, month, day) else {
                continue;
            };
            if due < start || end.is_some_and(|e| e < due) {
                continue;
            }
            let opens = NaiveDate::from_ymd_opt(year - 1, month, day).unwrap_or(due);
            let done = acts
                .iter()
                .copied()
                .filter(|a| *a > opens && *a <= due)
                .max();
            let mut inst = res.clone();
            inst.year = Some(year);
            inst.due = Some(due);
            inst.done_on = done;
            inst.status = Ok(match done {
                Some(_) => Status::Met,
                None if self.as_of <= due => {
                    inst.waiting_on.insert(r.act);
                    Status::Pending
                }
                None => Status::Overdue,
            });
            out.push(inst);
        }
        if out.is_empty() {
            out.push(res);
        }
        out
    }

    /// (earliest, due) of a deadline counted from a date, or None if that date is unknown.
    fn window(
        &mut self,
        from: Option<&Expr>,
        to: &Expr,
        after: &Expr,
        src: &str,
    ) -> Result<Option<(Option<NaiveDate>, NaiveDate)>, EvalError> {
        let start = match self.expr(after, src)? {
            Tri::Known(Value::Date(d)) => d,
            _ => return Ok(None),
        };
        let period =
            |this: &mut Self, e: &Expr| -> Result<Option<crate::calendar::Period>, EvalError> {
                Ok(match this.expr(e, src)? {
                    Tri::Known(Value::Duration(p)) => Some(p.to_period()),
                    _ => None,
                })
            };
        let Some(to_p) = period(self, to)? else {
            return Ok(None);
        };
        let due = period_end(self.cal, start, to_p).map_err(EvalError::Calendar)?;
        let earliest = match from {
            Some(f) => match period(self, f)? {
                Some(p) => Some(window_opening(self.cal, start, p)?),
                None => return Ok(None),
            },
            None => None,
        };
        Ok(Some((earliest, due)))
    }

    fn expr(&mut self, e: &Expr, src: &str) -> Result<Tri, EvalError> {
        use Tri::{Known, Unknown};
        Ok(match &e.kind {
            ExprKind::Const(v) => Known(v.clone()),
            ExprKind::AsOf => Known(Value::Date(self.as_of)),
            ExprKind::Fact(f) => match self.facts.get(*f) {
                Some(v) => Known(v.clone()),
                None => Unknown(BTreeSet::from([*f])),
            },
            ExprKind::Concept(c) => match &self.concept(*c).outcome {
                Outcome::Value(v) => Known(v.clone()),
                Outcome::Unknown(w) => Unknown(w.clone()),
                Outcome::Error(err) => return Err(err.clone()),
                Outcome::NotApplicable | Outcome::Conflict(..) => Unknown(BTreeSet::new()),
            },
            ExprKind::Field(base, i) => match self.expr(base, src)? {
                Known(Value::Record(fields)) => Known(
                    fields
                        .get(*i as usize)
                        .cloned()
                        .unwrap_or(Value::Bool(false)),
                ),
                other => other,
            },
            ExprKind::Not(x) => match self.expr(x, src)? {
                Known(Value::Bool(b)) => Known(Value::Bool(!b)),
                other => other,
            },
            ExprKind::Neg(x) => match self.expr(x, src)? {
                Known(v) => Known(match v {
                    Value::Int(i) => Value::Int(-i),
                    Value::Decimal(d) => Value::Decimal(-d),
                    Value::Money(d) => Value::Money(-d),
                    Value::Percent(d) => Value::Percent(-d),
                    other => other,
                }),
                u => u,
            },
            ExprKind::Binary(BinOp::And, a, b) => {
                let x = self.expr(a, src)?;
                if x.as_bool() == Some(false) {
                    return Ok(x);
                }
                let y = self.expr(b, src)?;
                match (x.as_bool(), y.as_bool()) {
                    (_, Some(false)) => y,
                    (Some(true), Some(true)) => y,
                    _ => Unknown(union(&x, &y)),
                }
            }
            ExprKind::Binary(BinOp::Or, a, b) => {
                let x = self.expr(a, src)?;
                if x.as_bool() == Some(true) {
                    return Ok(x);
                }
                let y = self.expr(b, src)?;
                match (x.as_bool(), y.as_bool()) {
                    (_, Some(true)) => y,
                    (Some(false), Some(false)) => y,
                    _ => Unknown(union(&x, &y)),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let x = self.expr(a, src)?;
                let y = self.expr(b, src)?;
                match (&x, &y) {
                    (Known(l), Known(r)) => Known(binary(*op, l, r, src)?),
                    _ => Unknown(union(&x, &y)),
                }
            }
            ExprKind::In {
                value,
                set,
                negated,
            } => {
                let v = self.expr(value, src)?;
                let Known(v) = v else { return Ok(v) };
                let mut waits = BTreeSet::new();
                let mut found = false;
                for s in set {
                    match self.expr(s, src)? {
                        Known(x) if x == v => found = true,
                        Known(_) => {}
                        Unknown(w) => waits.extend(w),
                    }
                }
                if found || waits.is_empty() {
                    Known(Value::Bool(found != *negated))
                } else {
                    Unknown(waits)
                }
            }
            ExprKind::Member {
                value,
                set,
                negated,
            } => {
                let v = self.expr(value, src)?;
                let s = self.expr(set, src)?;
                match (&v, &s) {
                    (Known(x), Known(Value::Set(items))) => {
                        Known(Value::Bool(items.contains(x) != *negated))
                    }
                    _ => Unknown(union(&v, &s)),
                }
            }
            ExprKind::If(c, t, f) => match self.expr(c, src)? {
                Known(Value::Bool(true)) => self.expr(t, src)?,
                Known(_) => self.expr(f, src)?,
                Unknown(w) => {
                    let a = self.expr(t, src)?;
                    let b = self.expr(f, src)?;
                    if a == b && matches!(a, Known(_)) {
                        a
                    } else {
                        let mut all = w;
                        all.extend(union(&a, &b));
                        Unknown(all)
                    }
                }
            },
            ExprKind::Call(b, args) => self.call(*b, args, src)?,
            ExprKind::SetLit(items) => {
                let mut out = Vec::new();
                let mut waits = BTreeSet::new();
                for x in items {
                    match self.expr(x, src)? {
                        Known(v) => out.push(v),
                        Unknown(w) => waits.extend(w),
                    }
                }
                if waits.is_empty() {
                    out.sort();
                    out.dedup();
                    Known(Value::Set(out))
                } else {
                    Unknown(waits)
                }
            }
        })
    }

    fn call(&mut self, b: Builtin, args: &[Expr], src: &str) -> Result<Tri, EvalError> {
        use Tri::{Known, Unknown};
        if b == Builtin::Known {
            return Ok(match args.first().map(|a| &a.kind) {
                Some(ExprKind::Fact(f)) => Known(Value::Bool(self.facts.get(*f).is_some())),
                Some(ExprKind::Concept(c)) => Known(Value::Bool(matches!(
                    &self.concept(*c).outcome,
                    Outcome::Value(_)
                ))),
                _ => Known(Value::Bool(false)),
            });
        }
        let mut vals = Vec::new();
        let mut waits = BTreeSet::new();
        for a in args {
            match self.expr(a, src)? {
                Known(v) => vals.push(v),
                Unknown(w) => waits.extend(w),
            }
        }
        if !waits.is_empty() {
            return Ok(Unknown(waits));
        }
        let bad = || EvalError::BadDate {
            rule: src.to_string(),
        };
        Ok(Known(match (b, vals.as_slice()) {
            (Builtin::EndOfYear, [Value::Date(d)]) => {
                Value::Date(NaiveDate::from_ymd_opt(d.year(), 12, 31).ok_or_else(bad)?)
            }
            (Builtin::Year, [Value::Date(d)]) => Value::Int(i64::from(d.year())),
            (Builtin::MakeDate, [Value::Int(y), Value::Int(m), Value::Int(d)]) => {
                let date = i32::try_from(*y)
                    .ok()
                    .zip(u32::try_from(*m).ok())
                    .zip(u32::try_from(*d).ok());
                Value::Date(
                    date.and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d))
                        .ok_or_else(bad)?,
                )
            }
            (Builtin::Min, [a, b]) => {
                if a <= b {
                    a.clone()
                } else {
                    b.clone()
                }
            }
            (Builtin::Max, [a, b]) => {
                if a >= b {
                    a.clone()
                } else {
                    b.clone()
                }
            }
            (Builtin::PeriodEnd, [Value::Date(d), Value::Duration(p)]) => {
                Value::Date(period_end(self.cal, *d, p.to_period()).map_err(EvalError::Calendar)?)
            }
            _ => Value::Bool(false),
        }))
    }
}

/// The first day of a window "between N and M after": the corresponding day N after the start
/// (not rolled: acting on a rest day inside the window is fine).
fn window_opening(
    cal: &Calendar,
    start: NaiveDate,
    p: crate::calendar::Period,
) -> Result<NaiveDate, EvalError> {
    match add_period_unrolled(start, p) {
        Some(d) => Ok(d),
        None => cal
            .add_working_days(start, p.amount)
            .map_err(EvalError::Calendar),
    }
}

fn binary(op: BinOp, l: &Value, r: &Value, src: &str) -> Result<Value, EvalError> {
    use Value::{Bool, Date, Duration, Int, Money, Percent};
    let overflow = || EvalError::Overflow {
        rule: src.to_string(),
    };
    let num = |v: &Value| -> Option<Decimal> {
        match v {
            Int(i) => Some(Decimal::from(*i)),
            Value::Decimal(d) | Money(d) | Percent(d) => Some(*d),
            _ => None,
        }
    };
    Ok(match op {
        BinOp::Eq => Bool(l == r || (num(l).is_some() && num(l) == num(r) && same_kind(l, r))),
        BinOp::Ne => Bool(!(l == r || (num(l).is_some() && num(l) == num(r) && same_kind(l, r)))),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let ord = match (num(l), num(r)) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => l.cmp(r),
            };
            Bool(match op {
                BinOp::Lt => ord.is_lt(),
                BinOp::Le => ord.is_le(),
                BinOp::Gt => ord.is_gt(),
                _ => ord.is_ge(),
            })
        }
        BinOp::Add | BinOp::Sub => match (l, r) {
            (Date(d), Duration(p)) => {
                let p = p.to_period();
                let shifted = if op == BinOp::Add {
                    add_period_unrolled(*d, p)
                } else {
                    None
                };
                Date(shifted.ok_or(EvalError::BadDate {
                    rule: src.to_string(),
                })?)
            }
            (Date(a), Date(b)) => Int((*a - *b).num_days()),
            (Int(a), Int(b)) => Int(if op == BinOp::Add {
                a.checked_add(*b)
            } else {
                a.checked_sub(*b)
            }
            .ok_or_else(overflow)?),
            _ => {
                let (a, b) = (num(l).unwrap_or_default(), num(r).unwrap_or_default());
                let v = if op == BinOp::Add {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                }
                .ok_or_else(overflow)?;
                rewrap(l, r, v)
            }
        },
        BinOp::Mul => match (l, r) {
            (Int(a), Int(b)) => Int(a.checked_mul(*b).ok_or_else(overflow)?),
            _ => {
                let v = num(l)
                    .unwrap_or_default()
                    .checked_mul(num(r).unwrap_or_default())
                    .ok_or_else(overflow)?;
                rewrap(l, r, v)
            }
        },
        BinOp::Div => {
            let b = num(r).unwrap_or_default();
            if b.is_zero() {
                return Err(EvalError::DivisionByZero {
                    rule: src.to_string(),
                });
            }
            let v = num(l)
                .unwrap_or_default()
                .checked_div(b)
                .ok_or_else(overflow)?;
            match (l, r) {
                (Money(_), Money(_)) => Percent(v),
                (Money(_), _) => Money(v),
                _ => Value::Decimal(v),
            }
        }
        BinOp::And | BinOp::Or => Bool(false),
    })
}

fn same_kind(l: &Value, r: &Value) -> bool {
    std::mem::discriminant(l) == std::mem::discriminant(r)
        || matches!(
            (l, r),
            (Value::Int(_), Value::Decimal(_)) | (Value::Decimal(_), Value::Int(_))
        )
}

/// The unit of an arithmetic result: money wins, then percent, then decimal.
fn rewrap(l: &Value, r: &Value, v: Decimal) -> Value {
    match (l, r) {
        (Value::Money(_), _) | (_, Value::Money(_)) => Value::Money(v),
        (Value::Percent(_), _) | (_, Value::Percent(_)) => Value::Percent(v),
        _ => Value::Decimal(v),
    }
}

/// Facts an expression reads directly (not through concepts).
pub fn collect_facts(e: &Expr, out: &mut BTreeSet<FactId>) {
    e.visit(&mut |x| {
        if let ExprKind::Fact(f) = x.kind {
            out.insert(f);
        }
    });
}

/// `第七条第一款第(一)项` style citation text.
pub fn citation_text(c: &Citation, script: &crate::ir::Script) -> String {
    let mut s = c.article_heading(script);
    if let Some(p) = c.paragraph {
        s.push_str(&format!("第{}款", crate::ir::chinese_number(p)));
    }
    if let Some(i) = &c.item {
        let label = i.trim_end_matches(['.', '、', '．']);
        let xiang = if *script == crate::ir::Script::Traditional {
            "項"
        } else {
            "项"
        };
        s.push_str(&format!("第{label}{xiang}"));
        if let Some(sub) = &c.sub_item {
            let label = sub.trim_end_matches(['.', '、', '．']);
            s.push_str(&format!("第{label}目"));
        }
    }
    s
}

//! The reference interpreter: the specification of what a policy means. A second backend must
//! give the same [`Evaluation`] on every input (a differential test compares them).
//!
//! # Operational semantics
//!
//! ## Values and unknowns
//!
//! An expression evaluates to a [`Tri`]: a known [`Value`], or *unknown* together with
//! [`Why`] — the facts it waits on, the concepts that block it (a conflict, a concept that does
//! not apply), and for a date what is known about it (`lo ≤ date ≤ hi`).
//!
//! | facts say | reads as | example |
//! |---|---|---|
//! | `"accepted_on": "2024-03-01"` | that date | |
//! | `"accepted_on": true` | unknown, `≤ as_of` (happened, date not given) | `happened(accepted_on)` is true |
//! | `"accepted_on": false` | unknown, `> as_of` (has not happened, or never will) | `happened(accepted_on)` is false; `accepted_on > approved_on` is true when approved_on ≤ as_of |
//! | missing or `null` | unknown, waits on `accepted_on` | `happened(accepted_on)` is unknown |
//!
//! The absence of a fact is never read as a fact: there is no `known()`. A value computed from
//! some facts stays the same when more facts are given (monotonicity, property-tested on every
//! bundled policy), with one documented presumption: `jurisdiction_level`, when not given, is
//! the policy's own level, and the verdict says so (`presumed`).
//!
//! ## Three-valued logic (Kleene)
//!
//! | `a` | `b` | `a and b` | `a or b` | `not a` |
//! |---|---|---|---|---|
//! | true | ? | ? | true | false |
//! | false | ? | false | ? | true |
//! | ? | ? | ? | ? | ? |
//!
//! Any other operator with an unknown operand is unknown, waiting on the union of what the
//! operands wait on — except that a comparison of dates is decided by the bounds when they suffice
//! (a date `> 2024-06-01` is certainly after 2024-05-01). `if c then a else b` with `c` unknown is
//! `a` when both branches are the same known value. Waits over-approximate: a fact listed may
//! turn out not to matter, a fact not listed never does.
//!
//! ## Default logic (原则上…除外)
//!
//! A concept's rules form levels: exceptions over base definitions over the declared default.
//! Within a level:
//!
//! | rules of the level | outcome |
//! |---|---|
//! | none applies (every `when` false) | the level below |
//! | two apply with different known values | conflict (both articles) |
//! | those that apply agree, none is uncertain | their value |
//! | some are uncertain (`when` unknown) | their value if every candidate — the certain rules' values, or else the level below's — is the same known value; otherwise unknown |
//!
//! So 新洲 Art. 7 with 25万元 needs technical review whether or not an exception's condition is
//! known, because every candidate says true. No rule of any level and no default: *not
//! applicable* (`"applies": false`). A concept read while it conflicts or does not apply makes the
//! reader unknown, *blocked by* it — never unknown waiting on nothing.
//!
//! ## Applicability (scope)
//!
//! When the policy decides `in_scope`, every other concept and every duty is decided only where
//! the policy applies:
//!
//! | `in_scope` | a concept | a duty |
//! |---|---|---|
//! | true | decided by its rules | judged |
//! | false | not applicable, `out_of_scope`, citing the rule that excluded the project | not triggered, `out_of_scope` |
//! | unknown | unknown, waiting also on what scope waits on; `if_in_scope` gives the value it would have | `applies: null`; `not_triggered` is among its possible statuses |
//!
//! Exempt: the concepts `in_scope` is decided from, and rules written `regardless of scope`.
//!
//! ## Duties
//!
//! A duty (obligation rule) is triggered by an event (`after contract_signed_on`), by each event
//! of a set (`after each …`), by a fixed date (`by date(…)`) or once a year (`every year by
//! 12-31 from … until …`). Its act is the date it was done; a date after `as_of` has not happened
//! yet as of the evaluation.
//!
//! | the act | before the due date | after it |
//! |---|---|---|
//! | done on or before the due date (and not before the window opens) | met | met |
//! | done after the due date | — | late |
//! | `false` (not done), or done before the window opens (`early`) | pending | overdue |
//! | `true` (done, date not given) | met | met or late |
//! | not given | met or pending | met, late or overdue |
//!
//! A status that is not certain is reported as `unknown` with the `possible` statuses; it stays
//! useful through the tests `O is overdue | late | met | pending | breached | done | outstanding |
//! triggered`, which are true when every possible status satisfies them, false when none does, and
//! unknown otherwise. A trigger not given leaves every status possible; a trigger `false` (the
//! event has not happened) is *not triggered*.
//!
//! Acts are matched to instances in two passes. First each instance takes an act inside its own
//! window: a yearly instance the latest report dated after the previous year's due day and on or
//! before its own (the one closest to the year end), an event the first act on or after it and on
//! or before its due day. Then each act left over goes, oldest first, to the earliest instance
//! still without one whose due day it follows: it is that instance's act, *late*. So with reports
//! of 2024-01-10 and 2024-12-20, the 2024 report is met and the 2023 one late; with one report of
//! 2026-12-18, the 2026 report is met and the 2025 one overdue.
//!
//! ## Time: which duties a policy judges
//!
//! A duty is judged under a policy only for events in its time (《立法法》第104条: no
//! retroactive effect), taking the trigger (for `by` and yearly duties, the due day):
//!
//! | the trigger | the due day | `time` | status |
//! |---|---|---|---|
//! | in the in-force period | any | `in_force` | judged |
//! | before entry into force | before entry into force (or it cannot be placed, and the reading is the default `not_judged`) | `before_in_force` | not triggered |
//! | before entry into force | on or after it | `transitional` | the policy's reading: `not_judged` (default: not triggered), `continues` (judged), `from_in_force` (the period starts on the day of entry into force) |
//! | after expiry | — | `after_expiry` | not triggered |
//! | cannot be placed (the in-force dates are unknown) | — | `unknown` | `applies: null` |
//!
//! A duty triggered in force whose deadline runs past the expiry is judged: it arose under the
//! policy. Whether the policy itself is in force on the evaluation date is reported beside the
//! verdict (`in_force`) and does not change the concepts.
//!
//! ## The calendar
//!
//! A due day that needs a year the working-day calendar does not cover is not guessed: `due` is
//! `null` and `due_not_before` gives the earliest day it can be (rolling only moves a day
//! forward), with the calendar error; every status that follows from that bound is still given.
//!
//! Accepted: evaluating 新洲 Art. 7 with `{"total_investment": "20万元"}` gives
//! `technical_review_required = true` (20万元以上含本数). Rejected: evaluating with
//! `{"total_investment": "twenty"}` is a facts error naming the field.

mod duty;
mod expr;
pub mod facts;
mod factset;
pub mod verdict;

use crate::calendar::{Calendar, OutOfCalendar, Period};
use crate::ir::{ConceptId, ObligationId, Program, RuleId, ScopeRole, Transitional, Type};
use crate::value::Value;
use chrono::NaiveDate;
pub use facts::{FactError, Facts, Slot, parse_facts};
pub use factset::FactSet;
use std::fmt;

/// A value, or unknown together with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tri {
    Known(Value),
    Unknown(Why),
}

/// Why a value is unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Why {
    /// Facts that, once given, could decide it.
    pub facts: FactSet,
    /// Concepts it reads that have no value (a conflict, not applicable, out of scope).
    pub blocked: Vec<(ConceptId, Blocked)>,
    /// For a date: it is on or after this day.
    pub lo: Option<NaiveDate>,
    /// For a date: it is on or before this day.
    pub hi: Option<NaiveDate>,
    /// A duty read is unknown because whether the policy was in force at its trigger is unknown
    /// (the in-force dates are not known): no fact of the project can decide it.
    pub in_force_unknown: bool,
}

impl Why {
    pub fn fact(f: crate::ir::FactId) -> Why {
        Why {
            facts: FactSet::one(f),
            ..Why::default()
        }
    }
    /// Both reasons together (date bounds are dropped: they describe one value).
    pub fn union(&self, other: &Why) -> Why {
        let mut facts = self.facts.clone();
        facts.union_with(&other.facts);
        let mut blocked = self.blocked.clone();
        for b in &other.blocked {
            if !blocked.contains(b) {
                blocked.push(*b);
            }
        }
        Why {
            facts,
            blocked,
            lo: None,
            hi: None,
            in_force_unknown: self.in_force_unknown || other.in_force_unknown,
        }
    }
    pub fn without_bounds(mut self) -> Why {
        self.lo = None;
        self.hi = None;
        self
    }
}

/// Why a concept read by another has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocked {
    Conflict,
    NotApplicable,
    OutOfScope,
}

impl Blocked {
    pub fn word(self) -> &'static str {
        match self {
            Blocked::Conflict => "conflict",
            Blocked::NotApplicable => "not_applicable",
            Blocked::OutOfScope => "out_of_scope",
        }
    }
}

/// Which rule an evaluation error comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleRef {
    Concept(ConceptId, usize),
    Default(ConceptId),
    Reason(ConceptId, usize),
    Obligation(ObligationId, usize),
}

/// A failure while evaluating (not a drafter's error: the policy checked, but these facts or this
/// date cannot be evaluated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    Calendar(OutOfCalendar),
    DivisionByZero {
        at: RuleRef,
    },
    /// A result beyond the 28 significant digits of an exact decimal; `operation` shows the
    /// operands (`9000000000000000000000000000元 + 1000000000元`).
    Overflow {
        at: RuleRef,
        operation: String,
    },
    BadDate {
        at: RuleRef,
    },
    /// Two durations without a legal order (`30日` and `1个月`).
    Incomparable {
        at: RuleRef,
        a: Period,
        b: Period,
    },
    /// A value of a shape the checker rules out: a defect of tiao.
    Internal {
        at: RuleRef,
        what: &'static str,
    },
}

impl EvalError {
    /// The message, naming the rule as written.
    pub fn describe(&self, p: &Program) -> String {
        let rule = |at: &RuleRef| -> String {
            match at {
                RuleRef::Concept(c, i) => p.concept(*c).rules[*i].source.clone(),
                RuleRef::Default(c) => format!("the default of `{}`", p.concept(*c).name),
                RuleRef::Reason(c, i) => p.concept(*c).reasons[*i].source.clone(),
                RuleRef::Obligation(o, i) => p.obligation(*o).rules[*i].source.clone(),
            }
        };
        match self {
            EvalError::Calendar(e) => e.to_string(),
            EvalError::DivisionByZero { at } => format!("division by zero in `{}`", rule(at)),
            EvalError::Overflow { at, operation } => format!(
                "{operation} is too large to compute exactly (more than 28 digits) in `{}`",
                rule(at)
            ),
            EvalError::BadDate { at } => format!("no such date in `{}`", rule(at)),
            EvalError::Incomparable { at, a, b } => format!(
                "{a} and {b} cannot be compared (a month has no fixed number of days) in `{}`",
                rule(at)
            ),
            EvalError::Internal { at, what } => {
                format!(
                    "internal error ({what}) in `{}`: please report it",
                    rule(at)
                )
            }
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Calendar(e) => write!(f, "{e}"),
            EvalError::DivisionByZero { .. } => write!(f, "division by zero"),
            EvalError::Overflow { .. } => write!(f, "an amount is too large"),
            EvalError::BadDate { .. } => write!(f, "no such date"),
            EvalError::Incomparable { a, b, .. } => write!(f, "{a} and {b} cannot be compared"),
            EvalError::Internal { what, .. } => write!(f, "internal error: {what}"),
        }
    }
}

/// How a concept came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Value(Value),
    Unknown(Why),
    /// No rule applies and the concept has no default.
    NotApplicable,
    /// The policy does not apply to the project (its scope is false).
    OutOfScope,
    /// Two applicable rules (indices into the concept's rules) disagree.
    Conflict(usize, usize),
    Error(EvalError),
}

/// The result of one concept, with its explanation.
#[derive(Debug, Clone)]
pub struct ConceptResult {
    pub outcome: Outcome,
    /// Rules that explain the value: those that apply and those that may (indices into
    /// `ConceptDef::rules`).
    pub rules: Vec<usize>,
    /// The rules that certainly apply and give the value.
    pub decisive: Vec<usize>,
    /// For reasons concepts: reasons that certainly hold, and those that may (unknown).
    pub reasons: Vec<usize>,
    pub possible_reasons: Vec<usize>,
    /// For reasons concepts: whether any reason holds.
    pub holds: Option<bool>,
    /// Facts read while deciding, also through the concepts and duties read.
    pub facts_read: FactSet,
    /// Duties whose status the rules read (`contract_filing is overdue`).
    pub duties_read: Vec<ObligationId>,
    /// True when the value is the declared default because no rule applied.
    pub by_default: bool,
    /// Whether the policy applies is unknown (the value waits on the scope too).
    pub scope_open: bool,
    /// When the scope is unknown: the value the concept has if the policy applies.
    pub if_in_scope: Option<Value>,
    /// When out of scope: the rules of `in_scope` that excluded the project.
    pub excluded_by: Vec<usize>,
}

impl ConceptResult {
    fn of(outcome: Outcome) -> ConceptResult {
        ConceptResult {
            outcome,
            rules: Vec::new(),
            decisive: Vec::new(),
            reasons: Vec::new(),
            possible_reasons: Vec::new(),
            holds: None,
            facts_read: FactSet::new(),
            duties_read: Vec::new(),
            by_default: false,
            scope_open: false,
            if_in_scope: None,
            excluded_by: Vec::new(),
        }
    }
}

pub use duty::{Instance, ObligationResult, Status, StatusSet, TimeJudgement};

/// Everything `eval` computes for one project.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub as_of: NaiveDate,
    /// None when the in-force period cannot be decided (e.g. the issue date is unknown).
    pub in_force: Option<bool>,
    pub concepts: Vec<ConceptResult>,
    pub obligations: Vec<ObligationResult>,
    /// Facts not given and presumed (`jurisdiction_level`: the policy's own level).
    pub presumed: Vec<crate::ir::FactId>,
}

impl Evaluation {
    /// A test on a duty (`O is overdue`) over its results: true if some instance certainly
    /// satisfies it, false if no instance can, None when unknown. The same answer the expression
    /// `O is …` gives inside the policy.
    pub fn duty_test(&self, o: ObligationId, t: crate::ir::DutyTest) -> Option<bool> {
        let mut open = false;
        for r in self.obligations.iter().filter(|r| r.obligation == o) {
            match r.status.test(t) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => open = true,
            }
        }
        (!open).then_some(false)
    }
}

/// Evaluate a checked program on facts as of a date.
pub fn evaluate(
    program: &Program,
    facts: &Facts,
    as_of: NaiveDate,
    calendar: &Calendar,
) -> Evaluation {
    let mut effective = facts.clone();
    let mut presumed = Vec::new();
    for (f, v) in &program.presumptions {
        if matches!(facts.slot(*f), Slot::Unknown) {
            effective.set(*f, Slot::Known(v.clone()));
            presumed.push(*f);
        }
    }
    let mut ev = Evaluator::new(program, &effective, as_of, calendar, false);
    let concepts = (0..program.concepts.len())
        .map(|i| ev.concept(ConceptId(i as u32)).clone())
        .collect();
    let mut obligations = Vec::new();
    for i in 0..program.obligations.len() {
        obligations.extend(ev.duty(ObligationId(i as u32)).iter().cloned());
    }
    Evaluation {
        as_of,
        in_force: in_force(program, as_of),
        concepts,
        obligations,
        presumed,
    }
}

/// One concept alone, as an analysis needs it when it evaluates many partial projects (`diff`
/// explores the fact space with it): the concepts and duties it reads are computed, nothing
/// else. No presumption is applied (the caller states every fact it means), and with
/// `assume_in_scope` the concept is decided as if the policy applied (the `if_in_scope` reading).
pub fn concept_alone(
    program: &Program,
    facts: &Facts,
    as_of: NaiveDate,
    calendar: &Calendar,
    id: ConceptId,
    assume_in_scope: bool,
) -> ConceptResult {
    let mut ev = Evaluator::new(program, facts, as_of, calendar, assume_in_scope);
    ev.concept(id).clone()
}

/// One duty alone (every rule and instance), like [`concept_alone`].
pub fn obligation_alone(
    program: &Program,
    facts: &Facts,
    as_of: NaiveDate,
    calendar: &Calendar,
    id: ObligationId,
    assume_in_scope: bool,
) -> Vec<ObligationResult> {
    let mut ev = Evaluator::new(program, facts, as_of, calendar, assume_in_scope);
    ev.duty(id).clone()
}

/// Whether the policy is in force on `as_of`, from its metadata; None when the text does not
/// allow one to say (an unknown issue date, unless its bounds decide it).
pub fn in_force(program: &Program, as_of: NaiveDate) -> Option<bool> {
    let span = program.document.meta.in_force_span();
    if span.start_lo.is_some_and(|lo| as_of < lo) {
        return Some(false);
    }
    if span.ends && span.end_hi.is_some_and(|hi| as_of > hi) {
        return Some(false);
    }
    let started = span.start_hi.is_some_and(|hi| as_of >= hi);
    let not_ended = !span.ends || span.end_lo.is_some_and(|lo| as_of <= lo);
    (started && not_ended).then_some(true)
}

pub(crate) struct Evaluator<'a> {
    p: &'a Program,
    facts: &'a Facts,
    as_of: NaiveDate,
    cal: &'a Calendar,
    memo: Vec<Option<ConceptResult>>,
    duties: Vec<Option<Vec<ObligationResult>>>,
    /// Evaluate as if the policy applied (for `if_in_scope`).
    assume_in_scope: bool,
    /// The same evaluation with the scope assumed true, made when a scope is unknown.
    in_scope_twin: Option<Box<Evaluator<'a>>>,
}

/// What the scope says for a gated concept or duty.
enum ScopeState {
    In,
    Out(Vec<usize>),
    Unknown(Why),
    /// The scope itself could not be evaluated.
    Failed(EvalError),
}

/// How one level of default logic came out.
struct Decided {
    outcome: Outcome,
    /// Every rule consulted (applicable or possibly applicable).
    rules: Vec<usize>,
    /// The rules that certainly apply and give the value.
    decisive: Vec<usize>,
    by_default: bool,
}

impl Decided {
    fn new(outcome: Outcome, rules: Vec<usize>, by_default: bool) -> Decided {
        Decided {
            outcome,
            rules,
            decisive: Vec::new(),
            by_default,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Exception,
    Base,
    Default,
}

impl<'a> Evaluator<'a> {
    fn new(
        p: &'a Program,
        facts: &'a Facts,
        as_of: NaiveDate,
        cal: &'a Calendar,
        assume_in_scope: bool,
    ) -> Evaluator<'a> {
        Evaluator {
            p,
            facts,
            as_of,
            cal,
            memo: vec![None; p.concepts.len()],
            duties: vec![None; p.obligations.len()],
            assume_in_scope,
            in_scope_twin: None,
        }
    }

    /// The value a concept has if the policy applies.
    fn if_in_scope(&mut self, id: ConceptId) -> Option<Value> {
        let (p, facts, as_of, cal) = (self.p, self.facts, self.as_of, self.cal);
        let twin = self
            .in_scope_twin
            .get_or_insert_with(|| Box::new(Evaluator::new(p, facts, as_of, cal, true)));
        match &twin.concept(id).outcome {
            Outcome::Value(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// The result of a concept, computed once.
    fn concept(&mut self, id: ConceptId) -> &ConceptResult {
        if self.memo[id.0 as usize].is_none() {
            // concepts may depend on each other in long chains (a generated policy): each step
            // gets more stack when it runs low, so depth is bounded by memory, not by the stack
            let result = grow(|| self.compute_concept(id));
            self.memo[id.0 as usize] = Some(result);
        }
        match &self.memo[id.0 as usize] {
            Some(r) => r,
            None => unreachable!("memoised just above"),
        }
    }

    /// Whether the policy applies, for a concept or duty that is gated by scope.
    fn scope_state(&mut self, gated: bool) -> ScopeState {
        let Some(scope) = self.p.scope.filter(|_| gated && !self.assume_in_scope) else {
            return ScopeState::In;
        };
        let r = self.concept(scope);
        match &r.outcome {
            Outcome::Value(Value::Bool(true)) => ScopeState::In,
            Outcome::Value(_) | Outcome::NotApplicable | Outcome::OutOfScope => {
                ScopeState::Out(r.decisive.clone())
            }
            Outcome::Unknown(w) => ScopeState::Unknown(w.clone().without_bounds()),
            Outcome::Conflict(..) => ScopeState::Unknown(Why {
                blocked: vec![(scope, Blocked::Conflict)],
                ..Why::default()
            }),
            Outcome::Error(e) => ScopeState::Failed(e.clone()),
        }
    }

    fn compute_concept(&mut self, id: ConceptId) -> ConceptResult {
        let c = self.p.concept(id);
        let gated = c.scope == ScopeRole::Gated && self.p.scope != Some(id);
        let scope = self.scope_state(gated);
        let scope_facts = self
            .p
            .scope
            .filter(|_| gated)
            .map(|s| self.concept(s).facts_read.clone())
            .unwrap_or_default();
        match scope {
            ScopeState::Out(excluded_by) => {
                let mut r = ConceptResult::of(Outcome::OutOfScope);
                r.excluded_by = excluded_by;
                r.facts_read = scope_facts;
                r
            }
            ScopeState::In => self.decide(id),
            ScopeState::Failed(e) => ConceptResult::of(Outcome::Error(e)),
            ScopeState::Unknown(w) => {
                let mut r = self.decide(id);
                r.facts_read.union_with(&scope_facts);
                r.scope_open = true;
                r.if_in_scope = self.if_in_scope(id);
                r.outcome = match std::mem::replace(&mut r.outcome, Outcome::NotApplicable) {
                    Outcome::Value(_) => Outcome::Unknown(w),
                    Outcome::Unknown(own) => Outcome::Unknown(w.union(&own)),
                    Outcome::NotApplicable | Outcome::OutOfScope => Outcome::Unknown(w),
                    other => other,
                };
                // whether a reason holds under this policy waits on the scope too
                r.holds = None;
                r
            }
        }
    }

    /// A concept decided by its rules (the policy applies).
    fn decide(&mut self, id: ConceptId) -> ConceptResult {
        let c = self.p.concept(id);
        let mut result = if c.ty == Type::Reasons {
            self.reasons(id)
        } else {
            self.default_logic(id)
        };
        // what the rules read: facts directly, and through the concepts and duties they name
        let mut named = Vec::new();
        let mut duties = Vec::new();
        for e in c
            .rules
            .iter()
            .flat_map(|r| std::iter::once(&r.value).chain(r.when.iter()))
            .chain(c.reasons.iter().map(|r| &r.when))
            .chain(c.default.iter())
        {
            e.visit(&mut |x| match x.kind {
                crate::ir::ExprKind::Fact(f) => result.facts_read.insert(f),
                crate::ir::ExprKind::Concept(other) if other != id => named.push(other),
                crate::ir::ExprKind::Duty(o, _) if !duties.contains(&o) => duties.push(o),
                _ => {}
            });
        }
        for other in named {
            let inner = self.concept(other).facts_read.clone();
            result.facts_read.union_with(&inner);
        }
        for o in &duties {
            let inner = duty::facts_of(self.p, *o);
            result.facts_read.union_with(&inner);
        }
        result.duties_read = duties;
        result
    }

    fn reasons(&mut self, id: ConceptId) -> ConceptResult {
        let c = self.p.concept(id);
        let mut certain = Vec::new();
        let mut possible = Vec::new();
        let mut waits = Why::default();
        let mut error = None;
        for (i, r) in c.reasons.iter().enumerate() {
            match self.expr(&r.when, &RuleRef::Reason(id, i)) {
                Ok(Tri::Known(Value::Bool(true))) => certain.push(i),
                Ok(Tri::Known(Value::Bool(false))) => {}
                Ok(Tri::Known(_)) => {
                    error = Some(EvalError::Internal {
                        at: RuleRef::Reason(id, i),
                        what: "a condition that is not true or false",
                    })
                }
                Ok(Tri::Unknown(w)) => {
                    possible.push(i);
                    waits = waits.union(&w);
                }
                Err(e) => error = Some(e),
            }
        }
        let holds = if !certain.is_empty() {
            Some(true)
        } else if possible.is_empty() {
            Some(false)
        } else {
            None
        };
        let outcome = match error {
            Some(e) => Outcome::Error(e),
            None if !possible.is_empty() => Outcome::Unknown(waits),
            None => Outcome::Value(Value::Set(
                certain
                    .iter()
                    .map(|i| Value::Text(c.reasons[*i].reason.clone()))
                    .collect(),
            )),
        };
        let mut r = ConceptResult::of(outcome);
        r.reasons = certain;
        r.possible_reasons = possible;
        r.holds = holds;
        r
    }

    /// Decide a concept from its rules: exceptions first, then base definitions, then the
    /// declared default.
    fn default_logic(&mut self, id: ConceptId) -> ConceptResult {
        let d = self.level(id, Level::Exception);
        let not_applicable = d.outcome == Outcome::NotApplicable;
        let mut r = ConceptResult::of(d.outcome);
        r.rules = d.rules;
        if not_applicable {
            // no rule applies: the explanation is every rule, none of whose conditions holds
            r.rules = (0..self.p.concept(id).rules.len()).collect();
        }
        r.decisive = d.decisive;
        r.by_default = d.by_default;
        r
    }

    /// The outcome of one level of a concept's rules, falling through to the level below when
    /// no rule of this level applies.
    fn level(&mut self, id: ConceptId, level: Level) -> Decided {
        let c = self.p.concept(id);
        let exception = match level {
            Level::Exception => true,
            Level::Base => false,
            Level::Default => {
                return match &c.default {
                    Some(d) => match self.expr(d, &RuleRef::Default(id)) {
                        Ok(Tri::Known(v)) => Decided::new(Outcome::Value(v), Vec::new(), true),
                        Ok(Tri::Unknown(w)) => Decided::new(Outcome::Unknown(w), Vec::new(), true),
                        Err(e) => Decided::new(Outcome::Error(e), Vec::new(), true),
                    },
                    None => Decided::new(Outcome::NotApplicable, Vec::new(), false),
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
        let mut possible: Vec<(usize, Why)> = Vec::new();
        for (i, r) in c
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.exception == exception)
        {
            let at = RuleRef::Concept(id, i);
            let applies = match &r.when {
                None => Tri::Known(Value::Bool(true)),
                Some(w) => match self.expr(w, &at) {
                    Ok(t) => t,
                    Err(e) => return Decided::new(Outcome::Error(e), vec![i], false),
                },
            };
            match applies {
                Tri::Known(Value::Bool(true)) => match self.expr(&r.value, &at) {
                    Ok(v) => certain.push((i, v)),
                    Err(e) => return Decided::new(Outcome::Error(e), vec![i], false),
                },
                Tri::Known(Value::Bool(false)) => {}
                Tri::Known(_) => {
                    return Decided::new(
                        Outcome::Error(EvalError::Internal {
                            at,
                            what: "a condition that is not true or false",
                        }),
                        vec![i],
                        false,
                    );
                }
                Tri::Unknown(w) => possible.push((i, w)),
            }
        }
        if certain.is_empty() && possible.is_empty() {
            return self.level(id, below);
        }
        // two rules that certainly apply and disagree: a conflict, whatever else holds
        for (k, (i, vi)) in certain.iter().enumerate() {
            for (j, vj) in &certain[k + 1..] {
                if let (Tri::Known(a), Tri::Known(b)) = (vi, vj) {
                    if a != b {
                        return Decided::new(Outcome::Conflict(*i, *j), vec![*i, *j], false);
                    }
                }
            }
        }
        let mut waits = Why::default();
        for (_, w) in &possible {
            waits = waits.union(w);
        }
        let mut rules: Vec<usize> = certain.iter().map(|(i, _)| *i).collect();
        // the candidate values: those of the certain rules, or else the level below's
        let mut values: Vec<Value> = Vec::new();
        let mut all_known = true;
        let mut by_default = false;
        let mut decisive: Vec<usize> = certain.iter().map(|(i, _)| *i).collect();
        if certain.is_empty() {
            let lower = self.level(id, below);
            rules.extend(lower.rules);
            decisive = lower.decisive;
            by_default = lower.by_default;
            match lower.outcome {
                Outcome::Value(v) => values.push(v),
                Outcome::Unknown(w) => {
                    waits = waits.union(&w);
                    all_known = false;
                }
                // an uncertain rule over nothing: the value is this rule's or none at all
                Outcome::NotApplicable => all_known = false,
                other => return Decided::new(other, rules, false),
            }
        } else {
            for (_, v) in &certain {
                match v {
                    Tri::Known(v) => {
                        if !values.contains(v) {
                            values.push(v.clone())
                        }
                    }
                    Tri::Unknown(w) => {
                        waits = waits.union(w);
                        all_known = false;
                    }
                }
            }
        }
        // an uncertain rule of this level that would give another value keeps the answer open
        for (pi, _) in &possible {
            let pr = &c.rules[*pi];
            match self.expr(&pr.value, &RuleRef::Concept(id, *pi)) {
                Ok(Tri::Known(v)) => {
                    if !values.contains(&v) {
                        values.push(v)
                    }
                }
                Ok(Tri::Unknown(w)) => {
                    waits = waits.union(&w);
                    all_known = false;
                }
                Err(e) => return Decided::new(Outcome::Error(e), vec![*pi], false),
            }
            rules.push(*pi);
        }
        if all_known && values.len() == 1 {
            if let Some(v) = values.pop() {
                return Decided {
                    outcome: Outcome::Value(v),
                    rules,
                    decisive,
                    by_default: by_default && certain.is_empty() && possible.is_empty(),
                };
            }
        }
        Decided::new(Outcome::Unknown(waits), rules, false)
    }
}

/// The transitional reading a policy states, with its default.
pub fn transitional(p: &Program) -> Transitional {
    p.document.meta.transitional
}

/// The id of a rule as a verdict names it: `xinzhou/7/technical_review_required/1`.
pub fn rule_key(p: &Program, id: &RuleId) -> String {
    format!("{}/{id}", p.doc(id.doc).meta.id)
}

/// Run `f` with at least 256 KiB of stack left, growing the stack on the heap (4 MiB at a time)
/// when less is left: evaluation recurses once per dependency between concepts and duties.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, f)
}

/// The years an evaluation date may fall in. A yearly duty has one instance per year up to the
/// evaluation date, so a date centuries away would list thousands of instances that no law
/// meant; the command line and scenario files reject an evaluation date outside these years.
pub const AS_OF_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Whether `d` may be an evaluation date (see [`AS_OF_YEARS`]); the error says why not.
pub fn check_as_of(d: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if AS_OF_YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!(
            "{d} is outside the years an evaluation date may fall in ({}–{})",
            AS_OF_YEARS.start(),
            AS_OF_YEARS.end()
        ))
    }
}

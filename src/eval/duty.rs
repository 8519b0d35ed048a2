//! Duties: triggers, windows, the act, the status, and the time a policy judges.
//!
//! The semantics are the tables in the module docs of [`crate::eval`]; this file follows them
//! case by case.

use super::facts::Slot;
use super::{EvalError, Evaluator, FactSet, RuleRef, ScopeState, Tri};
use crate::calendar::{Period, PeriodUnit, add_period_unrolled, period_end};
use crate::ir::{
    Deadline, DutyTest, ExprKind, ObligationId, ObligationRule, Program, Transitional, Trigger,
};
use crate::value::Value;
use chrono::{Datelike, Days, NaiveDate};

/// The status of one instance of a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Met,
    Late,
    Pending,
    Overdue,
    NotTriggered,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Met,
        Status::Late,
        Status::Pending,
        Status::Overdue,
        Status::NotTriggered,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Late => "late",
            Status::Pending => "pending",
            Status::Overdue => "overdue",
            Status::NotTriggered => "not_triggered",
        }
    }
    fn bit(self) -> u8 {
        1 << (self as u8)
    }
    /// Whether a duty in this status satisfies a test.
    pub fn satisfies(self, t: DutyTest) -> bool {
        use Status::*;
        match t {
            DutyTest::Met => self == Met,
            DutyTest::Late => self == Late,
            DutyTest::Pending => self == Pending,
            DutyTest::Overdue => self == Overdue,
            DutyTest::Breached => matches!(self, Late | Overdue),
            DutyTest::Done => matches!(self, Met | Late),
            DutyTest::Outstanding => matches!(self, Pending | Overdue),
            DutyTest::Triggered => self != NotTriggered,
        }
    }
}

/// The statuses an instance may be in: one when it is certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusSet(u8);

impl StatusSet {
    pub const ALL: StatusSet = StatusSet(0b1_1111);
    pub const NONE: StatusSet = StatusSet(0);
    pub fn one(s: Status) -> StatusSet {
        StatusSet(s.bit())
    }
    pub fn of(statuses: &[Status]) -> StatusSet {
        StatusSet(statuses.iter().fold(0, |acc, s| acc | s.bit()))
    }
    pub fn with(self, s: Status) -> StatusSet {
        StatusSet(self.0 | s.bit())
    }
    pub fn union(self, other: StatusSet) -> StatusSet {
        StatusSet(self.0 | other.0)
    }
    pub fn contains(self, s: Status) -> bool {
        self.0 & s.bit() != 0
    }
    pub fn iter(self) -> impl Iterator<Item = Status> {
        Status::ALL.into_iter().filter(move |s| self.contains(*s))
    }
    /// The status when it is certain.
    pub fn single(self) -> Option<Status> {
        let mut it = self.iter();
        match (it.next(), it.next()) {
            (Some(s), None) => Some(s),
            _ => None,
        }
    }
    /// Whether the test holds: Some(true) if every possible status satisfies it, Some(false) if
    /// none does, None otherwise.
    pub fn test(self, t: DutyTest) -> Option<bool> {
        let all = self.iter().all(|s| s.satisfies(t));
        let none = self.iter().all(|s| !s.satisfies(t));
        match (all, none) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            // an empty set (an error) decides nothing
            _ => None,
        }
    }
}

/// Which instance of a duty a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instance {
    /// The duty has one instance.
    One,
    /// The instance of a yearly duty due in this year.
    Year(i32),
    /// The instance for the n-th event (1-based) of an `after each` duty, on this date.
    Event { index: usize, date: NaiveDate },
}

/// Whether the policy judges the duty, by the time of its trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeJudgement {
    InForce,
    BeforeInForce,
    AfterExpiry,
    Transitional(Transitional),
    Unknown,
}

impl TimeJudgement {
    pub fn word(self) -> &'static str {
        match self {
            TimeJudgement::InForce => "in_force",
            TimeJudgement::BeforeInForce => "before_in_force",
            TimeJudgement::AfterExpiry => "after_expiry",
            TimeJudgement::Transitional(_) => "transitional",
            TimeJudgement::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ObligationResult {
    pub obligation: ObligationId,
    pub rule: usize,
    pub instance: Instance,
    /// The day the period counts from.
    pub trigger: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    /// When the due day needs a calendar year that is not covered: the earliest it can be.
    pub due_not_before: Option<NaiveDate>,
    pub earliest: Option<NaiveDate>,
    /// The possible statuses (one when certain).
    pub status: StatusSet,
    /// A part of the answer that could not be computed (e.g. the calendar does not cover a year).
    pub error: Option<EvalError>,
    /// The act was done before the window opened (counts as not done).
    pub early: bool,
    /// Whether the duty applies (scope and condition): None when unknown.
    pub applies: Option<bool>,
    /// The policy does not apply to the project.
    pub out_of_scope: bool,
    /// When out of scope: the rules of `in_scope` that excluded the project.
    pub excluded_by: Vec<usize>,
    /// Whether the policy judges the duty, by the time of its trigger (None: not triggered).
    pub time: Option<TimeJudgement>,
    pub waiting_on: FactSet,
    pub done_on: Option<NaiveDate>,
    /// Done, date not given.
    pub done_undated: bool,
}

impl ObligationResult {
    fn new(obligation: ObligationId, rule: usize) -> ObligationResult {
        ObligationResult {
            obligation,
            rule,
            instance: Instance::One,
            trigger: None,
            due: None,
            due_not_before: None,
            earliest: None,
            status: StatusSet::one(Status::NotTriggered),
            error: None,
            early: false,
            applies: Some(true),
            out_of_scope: false,
            excluded_by: Vec::new(),
            time: None,
            waiting_on: FactSet::new(),
            done_on: None,
            done_undated: false,
        }
    }
}

/// What is known about the act of one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Done(NaiveDate),
    DoneUndated,
    NotDone,
    Unknown,
}

/// A due day: exact, or (outside the calendar) only a lower bound.
#[derive(Debug, Clone, Copy)]
enum Due {
    Exact(NaiveDate),
    AtLeast(NaiveDate),
}

impl Due {
    fn lower(self) -> NaiveDate {
        match self {
            Due::Exact(d) | Due::AtLeast(d) => d,
        }
    }
    /// Whether `as_of` is past the due day: None when the bound does not tell.
    fn past(self, as_of: NaiveDate) -> Option<bool> {
        match self {
            Due::Exact(d) => Some(as_of > d),
            Due::AtLeast(l) if as_of <= l => Some(false),
            Due::AtLeast(_) => None,
        }
    }
    /// Whether an act on `d` is on time: None when the bound does not tell.
    fn on_time(self, d: NaiveDate) -> Option<bool> {
        match self {
            Due::Exact(due) => Some(d <= due),
            Due::AtLeast(l) if d <= l => Some(true),
            Due::AtLeast(_) => None,
        }
    }
}

/// The statuses an instance may have, from its act, its window and the evaluation date.
fn status_of(
    act: Act,
    earliest: Option<NaiveDate>,
    due: Due,
    as_of: NaiveDate,
) -> (StatusSet, bool) {
    use Status::*;
    let not_done = match due.past(as_of) {
        Some(false) => StatusSet::one(Pending),
        Some(true) => StatusSet::one(Overdue),
        None => StatusSet::of(&[Pending, Overdue]),
    };
    let undated = {
        // done by as_of: on time if as_of is not past the due day
        let done = match due.past(as_of) {
            Some(false) => StatusSet::one(Met),
            _ => StatusSet::of(&[Met, Late]),
        };
        // with a window, the act may have been too early, which counts as not done
        if earliest.is_some() {
            done.union(not_done)
        } else {
            done
        }
    };
    match act {
        Act::Done(d) if earliest.is_some_and(|e| d < e) => (not_done, true),
        Act::Done(d) => (
            match due.on_time(d) {
                Some(true) => StatusSet::one(Met),
                Some(false) => StatusSet::one(Late),
                None => StatusSet::of(&[Met, Late]),
            },
            false,
        ),
        Act::DoneUndated => (undated, false),
        Act::NotDone => (not_done, false),
        Act::Unknown => (not_done.union(undated), false),
    }
}

/// The facts a duty reads: its act, its trigger, its condition and its deadline.
pub(crate) fn facts_of(p: &Program, o: ObligationId) -> FactSet {
    let mut out = FactSet::new();
    for r in &p.obligation(o).rules {
        out.insert(r.act);
        let mut exprs: Vec<&crate::ir::Expr> = r.when.iter().collect();
        exprs.extend(r.deadline.exprs());
        for e in exprs {
            e.visit(&mut |x| {
                if let ExprKind::Fact(f) = x.kind {
                    out.insert(f)
                }
            });
        }
    }
    out
}

/// The window of a duty counted from `start`.
struct Window {
    earliest: Option<NaiveDate>,
    due: Option<Due>,
    error: Option<EvalError>,
}

impl Evaluator<'_> {
    /// The results of a duty (all its rules and instances), computed once.
    pub(super) fn duty(&mut self, o: ObligationId) -> &Vec<ObligationResult> {
        if self.duties[o.0 as usize].is_none() {
            let mut out = Vec::new();
            for ri in 0..self.p.obligation(o).rules.len() {
                out.extend(super::grow(|| self.rule_results(o, ri)));
            }
            self.duties[o.0 as usize] = Some(out);
        }
        match &self.duties[o.0 as usize] {
            Some(r) => r,
            None => unreachable!("computed just above"),
        }
    }

    /// `O is overdue` and the other tests: true if some instance certainly satisfies the test,
    /// false if every instance certainly does not, unknown otherwise.
    pub(super) fn duty_test(&mut self, o: ObligationId, t: DutyTest) -> Result<Tri, EvalError> {
        let results = self.duty(o).clone();
        let mut waits = super::Why::default();
        let mut open = false;
        let mut error = None;
        for r in &results {
            match r.status.test(t) {
                Some(true) => return Ok(Tri::Known(Value::Bool(true))),
                Some(false) => {}
                None => {
                    open = true;
                    waits.facts.union_with(&r.waiting_on);
                    waits.in_force_unknown |= r.time == Some(TimeJudgement::Unknown);
                    if error.is_none() {
                        error = r.error.clone();
                    }
                }
            }
        }
        match (open, error) {
            (false, _) => Ok(Tri::Known(Value::Bool(false))),
            (true, Some(e)) if waits.facts.is_empty() && !waits.in_force_unknown => Err(e),
            (true, _) => Ok(Tri::Unknown(waits)),
        }
    }

    fn rule_results(&mut self, o: ObligationId, ri: usize) -> Vec<ObligationResult> {
        let p = self.p;
        let r: &ObligationRule = &p.obligation(o).rules[ri];
        let at = RuleRef::Obligation(o, ri);
        let mut res = ObligationResult::new(o, ri);
        match self.scope_state(!r.regardless) {
            ScopeState::Out(excluded_by) => {
                res.applies = Some(false);
                res.out_of_scope = true;
                res.excluded_by = excluded_by;
                return vec![res];
            }
            ScopeState::Unknown(w) => {
                res.applies = None;
                res.waiting_on.union_with(&w.facts);
            }
            ScopeState::Failed(e) => return vec![self.failed(res, e)],
            ScopeState::In => {}
        }
        if let Some(w) = &r.when {
            match self.expr(w, &at) {
                Ok(Tri::Known(Value::Bool(false))) => {
                    res.applies = Some(false);
                    return vec![res];
                }
                Ok(Tri::Known(Value::Bool(true))) => {}
                Ok(Tri::Known(_)) => {
                    return vec![self.failed(
                        res,
                        EvalError::Internal {
                            at,
                            what: "a condition that is not true or false",
                        },
                    )];
                }
                Ok(Tri::Unknown(w)) => {
                    res.applies = None;
                    res.waiting_on.union_with(&w.facts);
                }
                Err(e) => return vec![self.failed(res, e)],
            }
        }
        match &r.deadline {
            Deadline::Within { period, after } => self.periodic(res, r, &at, None, period, after),
            Deadline::Between { from, to, after } => {
                self.periodic(res, r, &at, Some(from), to, after)
            }
            Deadline::By { date } => vec![self.by_date(res, r, &at, date)],
            Deadline::Yearly {
                month,
                day,
                from,
                until,
            } => self.yearly(res, r, &at, (*month, *day), from, until.as_ref()),
        }
    }

    fn failed(&self, mut res: ObligationResult, e: EvalError) -> ObligationResult {
        res.status = StatusSet::ALL;
        res.error = Some(e);
        res
    }

    fn open(&self, mut res: ObligationResult, waits: &FactSet) -> ObligationResult {
        res.status = StatusSet::ALL;
        res.waiting_on.union_with(waits);
        res
    }

    fn period_value(
        &mut self,
        e: &crate::ir::Expr,
        at: &RuleRef,
    ) -> Result<Result<Period, FactSet>, EvalError> {
        Ok(match self.expr(e, at)? {
            Tri::Known(Value::Duration(p)) => Ok(p),
            Tri::Known(_) => {
                return Err(EvalError::Internal {
                    at: at.clone(),
                    what: "a period that is not a duration",
                });
            }
            Tri::Unknown(w) => Err(w.facts),
        })
    }

    /// `within` and `between` duties, counted from one event or from each event of a set.
    fn periodic(
        &mut self,
        res: ObligationResult,
        r: &ObligationRule,
        at: &RuleRef,
        from: Option<&crate::ir::Expr>,
        to: &crate::ir::Expr,
        after: &Trigger,
    ) -> Vec<ObligationResult> {
        let to = match self.period_value(to, at) {
            Ok(Ok(p)) => p,
            Ok(Err(w)) => return vec![self.open(res, &w)],
            Err(e) => return vec![self.failed(res, e)],
        };
        let from = match from.map(|f| self.period_value(f, at)) {
            None => None,
            Some(Ok(Ok(p))) => Some(p),
            Some(Ok(Err(w))) => return vec![self.open(res, &w)],
            Some(Err(e)) => return vec![self.failed(res, e)],
        };
        match after {
            Trigger::One(t) => {
                let trigger = match self.expr(t, at) {
                    Ok(t) => t,
                    Err(e) => return vec![self.failed(res, e)],
                };
                let act = self.act_of(r);
                let mut res = res;
                if matches!(act, Act::Unknown | Act::DoneUndated) {
                    res.waiting_on.insert(r.act);
                }
                vec![self.instance(res, trigger, from, to, act)]
            }
            Trigger::Each(set) => {
                let events = match self.expr(set, at) {
                    Ok(Tri::Known(Value::Set(items))) => dates_up_to(&items, self.as_of),
                    Ok(Tri::Known(_)) => {
                        return vec![self.failed(
                            res,
                            EvalError::Internal {
                                at: at.clone(),
                                what: "events that are not a set of dates",
                            },
                        )];
                    }
                    Ok(Tri::Unknown(w)) => return vec![self.open(res, &w.facts)],
                    Err(e) => return vec![self.failed(res, e)],
                };
                if events.is_empty() {
                    // the set lists every event: none has happened
                    return vec![res];
                }
                // each event's window first, so that acts can be matched to events
                let windows: Vec<(NaiveDate, NaiveDate)> = events
                    .iter()
                    .map(|e| {
                        let due = self.window(*e, from, to).due.map_or(*e, Due::lower);
                        (*e, due)
                    })
                    .collect();
                let matched = self
                    .acts_of(r)
                    .map(|acts| match_acts(&acts, &windows, Pick::Earliest, true));
                let mut out = Vec::new();
                for (i, e) in events.iter().enumerate() {
                    let mut inst = res.clone();
                    inst.instance = Instance::Event {
                        index: i + 1,
                        date: *e,
                    };
                    let act = match &matched {
                        None => {
                            inst.waiting_on.insert(r.act);
                            Act::Unknown
                        }
                        Some(m) => m[i].map_or(Act::NotDone, Act::Done),
                    };
                    out.push(self.instance(inst, Tri::Known(Value::Date(*e)), from, to, act));
                }
                out
            }
        }
    }

    /// One instance of a periodic duty, from its trigger.
    fn instance(
        &mut self,
        mut res: ObligationResult,
        trigger: Tri,
        from: Option<Period>,
        to: Period,
        act: Act,
    ) -> ObligationResult {
        let t = match trigger {
            // an event dated after the evaluation date has not happened yet
            Tri::Known(Value::Date(d)) if d > self.as_of => {
                res.status = StatusSet::one(Status::NotTriggered);
                return res;
            }
            Tri::Known(Value::Date(d)) => d,
            Tri::Known(_) => {
                let at = RuleRef::Obligation(res.obligation, res.rule);
                return self.failed(
                    res,
                    EvalError::Internal {
                        at,
                        what: "a trigger that is not a date",
                    },
                );
            }
            Tri::Unknown(w) if w.lo.is_some_and(|lo| lo > self.as_of) => {
                // the event has not happened as of the evaluation date
                res.status = StatusSet::one(Status::NotTriggered);
                return res;
            }
            Tri::Unknown(w) if w.hi.is_some_and(|hi| hi <= self.as_of) => {
                // the event has happened, its date is not given: the window cannot be placed, nor
                // the trigger in the in-force period; what the act says still narrows the status
                use Status::*;
                let done = StatusSet::of(&[Met, Late]);
                let not_done = StatusSet::of(&[Pending, Overdue]);
                let by_act = match act {
                    Act::Done(_) | Act::DoneUndated if from.is_none() => done,
                    Act::NotDone => not_done,
                    _ => done.union(not_done),
                };
                res.waiting_on.union_with(&w.facts);
                res.time = Some(TimeJudgement::Unknown);
                res.applies = None;
                res.status = by_act.with(NotTriggered);
                if let Act::Done(d) = act {
                    res.done_on = Some(d);
                }
                res.done_undated = act == Act::DoneUndated;
                return res;
            }
            Tri::Unknown(w) => return self.open(res, &w.facts),
        };
        res.trigger = Some(t);
        let mut win = self.window(t, from, to);
        let time = self.judge_time(
            t,
            win.due.map(Due::lower),
            win.due.is_some_and(|d| matches!(d, Due::Exact(_))),
        );
        res.time = Some(time);
        match time {
            TimeJudgement::BeforeInForce
            | TimeJudgement::AfterExpiry
            | TimeJudgement::Transitional(Transitional::NotJudged) => {
                self.place(&mut res, &win);
                res.status = StatusSet::one(Status::NotTriggered);
                return res;
            }
            TimeJudgement::Transitional(Transitional::FromInForce) => {
                match self.p.document.meta.in_force_span().start_hi {
                    Some(f) => win = self.window(f, from, to),
                    None => return self.open(res, &FactSet::new()),
                }
            }
            _ => {}
        }
        self.place(&mut res, &win);
        let Some(due) = win.due else {
            res.status = StatusSet::ALL;
            return res;
        };
        if time == TimeJudgement::Unknown {
            res.applies = None;
        }
        self.settle(&mut res, act, due);
        res
    }

    /// The status from the act, and the marks that come with it.
    fn settle(&self, res: &mut ObligationResult, act: Act, due: Due) {
        let (status, early) = status_of(act, res.earliest, due, self.as_of);
        res.status = status;
        res.early = early;
        match act {
            Act::Done(d) => res.done_on = Some(d),
            Act::DoneUndated => res.done_undated = true,
            Act::NotDone | Act::Unknown => {}
        }
        if res.applies.is_none() {
            res.status = res.status.with(Status::NotTriggered);
        }
    }

    fn place(&self, res: &mut ObligationResult, win: &Window) {
        res.earliest = win.earliest;
        match win.due {
            Some(Due::Exact(d)) => res.due = Some(d),
            Some(Due::AtLeast(d)) => res.due_not_before = Some(d),
            None => {}
        }
        if res.error.is_none() {
            res.error = win.error.clone();
        }
    }

    /// The window counted from `start`: its opening day (for `between`) and its due day.
    fn window(&self, start: NaiveDate, from: Option<Period>, to: Period) -> Window {
        let mut error = None;
        let due = match period_end(self.cal, start, to) {
            Ok(d) => Some(Due::Exact(d)),
            Err(e) => {
                error = Some(EvalError::Calendar(e));
                self.due_lower_bound(start, to).map(Due::AtLeast)
            }
        };
        let earliest = from.and_then(|p| match add_period_unrolled(start, p) {
            Some(d) => Some(d),
            None => match self.cal.add_working_days(start, p.amount) {
                Ok(d) => Some(d),
                Err(e) => {
                    error.get_or_insert(EvalError::Calendar(e));
                    None
                }
            },
        });
        Window {
            earliest,
            due,
            error,
        }
    }

    /// The earliest day a period's end can be when the calendar does not cover it: the
    /// corresponding day (rolling only moves it forward), or for working days the days that are
    /// certainly needed.
    fn due_lower_bound(&self, start: NaiveDate, p: Period) -> Option<NaiveDate> {
        match p.unit {
            PeriodUnit::WorkingDays => {
                let mut counted = 0u32;
                let mut day = start;
                loop {
                    day = day.succ_opt()?;
                    match self.cal.is_working_day(day) {
                        Ok(true) => {
                            counted += 1;
                            if counted == p.amount {
                                return Some(day);
                            }
                        }
                        Ok(false) => {}
                        Err(_) => {
                            // `day` is the first uncovered day: the rest are on or after it
                            let rest = u64::from(p.amount - counted);
                            let by_rest =
                                day.checked_add_days(Days::new(rest.saturating_sub(1)))?;
                            let by_count =
                                start.checked_add_days(Days::new(u64::from(p.amount)))?;
                            return Some(by_rest.max(by_count));
                        }
                    }
                }
            }
            _ => add_period_unrolled(start, p),
        }
    }

    /// Whether the policy judges a duty triggered on `t` with its due day at least `due_lo`.
    fn judge_time(
        &self,
        t: NaiveDate,
        due_lo: Option<NaiveDate>,
        due_exact: bool,
    ) -> TimeJudgement {
        let span = self.p.document.meta.in_force_span();
        let after_expiry = if !span.ends {
            Some(false)
        } else if span.end_hi.is_some_and(|hi| t > hi) {
            Some(true)
        } else if span.end_lo.is_some_and(|lo| t <= lo) {
            Some(false)
        } else {
            None
        };
        let before = if span.start_lo.is_some_and(|lo| t < lo) {
            Some(true)
        } else if span.start_hi.is_some_and(|hi| t >= hi) {
            Some(false)
        } else {
            None
        };
        match (before, after_expiry) {
            (_, Some(true)) => TimeJudgement::AfterExpiry,
            (Some(true), _) => {
                let reading = self.p.document.meta.transitional;
                match (due_lo, span.start_lo, span.start_hi) {
                    (Some(d), Some(lo), _) if due_exact && d < lo => TimeJudgement::BeforeInForce,
                    (Some(d), _, Some(hi)) if d >= hi => TimeJudgement::Transitional(reading),
                    // due before entry into force or transitional, it is not known which; under
                    // the default reading both leave the duty unjudged
                    _ if reading == Transitional::NotJudged => TimeJudgement::BeforeInForce,
                    _ => TimeJudgement::Unknown,
                }
            }
            (Some(false), Some(false)) => TimeJudgement::InForce,
            _ => TimeJudgement::Unknown,
        }
    }

    /// A duty due on a fixed day (`by`), or one yearly instance: judged by its due day.
    fn judge_fixed(&self, due: NaiveDate) -> TimeJudgement {
        match self.judge_time(due, Some(due), true) {
            TimeJudgement::Transitional(_) => TimeJudgement::InForce,
            other => other,
        }
    }

    fn act_of(&self, r: &ObligationRule) -> Act {
        match self.facts.slot(r.act) {
            Slot::Known(Value::Date(d)) if *d <= self.as_of => Act::Done(*d),
            Slot::Known(_) | Slot::NotHappened => Act::NotDone,
            Slot::Happened => Act::DoneUndated,
            Slot::Unknown => Act::Unknown,
        }
    }

    /// The acts of a per-instance duty, oldest first (None when not given).
    fn acts_of(&self, r: &ObligationRule) -> Option<Vec<NaiveDate>> {
        match self.facts.slot(r.act) {
            Slot::Known(Value::Set(items)) => Some(dates_up_to(items, self.as_of)),
            _ => None,
        }
    }

    fn by_date(
        &mut self,
        mut res: ObligationResult,
        r: &ObligationRule,
        at: &RuleRef,
        date: &crate::ir::Expr,
    ) -> ObligationResult {
        let due = match self.expr(date, at) {
            Ok(Tri::Known(Value::Date(d))) => d,
            Ok(Tri::Known(_)) => {
                return self.failed(
                    res,
                    EvalError::Internal {
                        at: at.clone(),
                        what: "a due date that is not a date",
                    },
                );
            }
            Ok(Tri::Unknown(w)) => return self.open(res, &w.facts),
            Err(e) => return self.failed(res, e),
        };
        let time = self.judge_fixed(due);
        res.time = Some(time);
        res.due = Some(due);
        if matches!(
            time,
            TimeJudgement::BeforeInForce | TimeJudgement::AfterExpiry
        ) {
            res.status = StatusSet::one(Status::NotTriggered);
            return res;
        }
        let act = self.act_of(r);
        if matches!(act, Act::Unknown | Act::DoneUndated) {
            res.waiting_on.insert(r.act);
        }
        self.settle(&mut res, act, Due::Exact(due));
        if time == TimeJudgement::Unknown {
            res.applies = None;
            res.status = res.status.with(Status::NotTriggered);
        }
        res
    }

    /// A yearly duty: one instance for each year whose due day falls on or after `from` and on
    /// or before `until`, up to the evaluation year, each judged by its due day. Acts are matched
    /// to instances oldest first.
    fn yearly(
        &mut self,
        res: ObligationResult,
        r: &ObligationRule,
        at: &RuleRef,
        (month, day): (u32, u32),
        from: &crate::ir::Expr,
        until: Option<&crate::ir::Expr>,
    ) -> Vec<ObligationResult> {
        let start = match self.expr(from, at) {
            Ok(Tri::Known(Value::Date(d))) if d > self.as_of => return vec![res],
            Ok(Tri::Known(Value::Date(d))) => d,
            Ok(Tri::Unknown(w)) if w.lo.is_some_and(|lo| lo > self.as_of) => return vec![res],
            Ok(Tri::Unknown(w)) => return vec![self.open(res, &w.facts)],
            Ok(Tri::Known(_)) => {
                return vec![self.failed(
                    res,
                    EvalError::Internal {
                        at: at.clone(),
                        what: "a start that is not a date",
                    },
                )];
            }
            Err(e) => return vec![self.failed(res, e)],
        };
        // the end: known, not yet (ongoing), or unknown
        let (end, end_unknown) = match until.map(|u| self.expr(u, at)) {
            None => (None, None),
            Some(Ok(Tri::Known(Value::Date(d)))) if d <= self.as_of => (Some(d), None),
            Some(Ok(Tri::Known(Value::Date(_)))) => (None, None),
            Some(Ok(Tri::Unknown(w))) if w.lo.is_some_and(|lo| lo > self.as_of) => (None, None),
            Some(Ok(Tri::Unknown(w))) => (None, Some(w.facts)),
            Some(Ok(Tri::Known(_))) => {
                return vec![self.failed(
                    res,
                    EvalError::Internal {
                        at: at.clone(),
                        what: "an end that is not a date",
                    },
                )];
            }
            Some(Err(e)) => return vec![self.failed(res, e)],
        };
        // the instances: each year whose due day lies in the construction period; those the
        // policy does not judge (due before entry into force or after expiry) are listed as such
        let mut years = Vec::new();
        let mut unjudged = Vec::new();
        for year in start.year()..=self.as_of.year() {
            let Some(due) = NaiveDate::from_ymd_opt(year, month, day) else {
                continue;
            };
            if due < start || end.is_some_and(|e| e < due) {
                continue;
            }
            let time = self.judge_fixed(due);
            if matches!(
                time,
                TimeJudgement::BeforeInForce | TimeJudgement::AfterExpiry
            ) {
                let mut inst = res.clone();
                inst.instance = Instance::Year(year);
                inst.due = Some(due);
                inst.time = Some(time);
                inst.status = StatusSet::one(Status::NotTriggered);
                unjudged.push(inst);
                continue;
            }
            let opens = NaiveDate::from_ymd_opt(year - 1, month, day).unwrap_or(start);
            years.push((year, opens, due, time));
        }
        let windows: Vec<(NaiveDate, NaiveDate)> =
            years.iter().map(|(_, o, d, _)| (*o, *d)).collect();
        // while the end is unknown, which years exist is unknown, and so is which report belongs to
        // which year: the acts are not matched
        let matched = self
            .acts_of(r)
            .filter(|_| end_unknown.is_none())
            .map(|acts| match_acts(&acts, &windows, Pick::Latest, false));
        let mut out = unjudged;
        for (i, (year, _, due, time)) in years.into_iter().enumerate() {
            let mut inst = res.clone();
            inst.instance = Instance::Year(year);
            inst.due = Some(due);
            inst.time = Some(time);
            let act = match &matched {
                None => {
                    inst.waiting_on.insert(r.act);
                    Act::Unknown
                }
                Some(m) => m[i].map_or(Act::NotDone, Act::Done),
            };
            if time == TimeJudgement::Unknown {
                inst.applies = None;
            }
            self.settle(&mut inst, act, Due::Exact(due));
            if let Some(w) = &end_unknown {
                // the construction may have ended before this year's due day
                inst.applies = None;
                inst.waiting_on.union_with(w);
                inst.status = inst.status.with(Status::NotTriggered);
            }
            out.push(inst);
        }
        out.sort_by_key(|o| match o.instance {
            Instance::Year(y) => y,
            _ => 0,
        });
        if out.is_empty() {
            out.push(res);
        }
        out
    }
}

/// The dates of a set that have happened by the evaluation date, oldest first.
fn dates_up_to(items: &[Value], as_of: NaiveDate) -> Vec<NaiveDate> {
    let mut ds: Vec<NaiveDate> = items
        .iter()
        .filter_map(|v| match v {
            Value::Date(d) if *d <= as_of => Some(*d),
            _ => None,
        })
        .collect();
    ds.sort();
    ds
}

/// Which act an instance takes when several fall in its own window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// Events: the first filing after the event is its filing.
    Earliest,
    /// Yearly reports: the report closest to the year end is that year's report; an earlier one
    /// in the same window is most likely the previous year's, handed in late.
    Latest,
}

/// Acts matched to instances, each instance with its window `(opens, due)` (oldest first).
/// Pass 1: each instance takes an unused act inside its own window — after `opens` (on it too
/// when `opens_inclusive`) and on or before `due`. Pass 2: the acts left over go, oldest first,
/// to the earliest instance still without an act whose due day they follow: late acts.
fn match_acts(
    acts: &[NaiveDate],
    windows: &[(NaiveDate, NaiveDate)],
    pick: Pick,
    opens_inclusive: bool,
) -> Vec<Option<NaiveDate>> {
    let mut used = vec![false; acts.len()];
    let mut out = vec![None; windows.len()];
    for (i, (opens, due)) in windows.iter().enumerate() {
        let inside = |a: NaiveDate| (a > *opens || (opens_inclusive && a == *opens)) && a <= *due;
        let candidates = acts
            .iter()
            .enumerate()
            .filter(|(k, a)| !used[*k] && inside(**a));
        let chosen = match pick {
            Pick::Earliest => candidates.min_by_key(|(_, a)| **a),
            Pick::Latest => candidates.max_by_key(|(_, a)| **a),
        }
        .map(|(k, _)| k);
        if let Some(k) = chosen {
            used[k] = true;
            out[i] = Some(acts[k]);
        }
    }
    for (k, a) in acts.iter().enumerate() {
        if used[k] {
            continue;
        }
        if let Some(i) = (0..windows.len()).find(|i| out[*i].is_none() && *a > windows[*i].1) {
            used[k] = true;
            out[i] = Some(*a);
        }
    }
    out
}

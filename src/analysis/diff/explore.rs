//! The search: split the fact space fact by fact, evaluating both programs with the interpreter at
//! each step, until both decide.
//!
//! A node is a partial project (some facts given). Both programs are evaluated on it with the
//! reference interpreter; a program that decides the concept there decides it the same way on
//! every completion of the node, because more facts never change a known value (monotonicity,
//! `eval`'s module docs, property-tested). Otherwise one of the facts it waits on is split into its
//! cells ([`super::space`]), and each cell is explored. A leaf is a set of projects (a cube: one
//! cell per fact split on the way) on which both programs decide: the same, or differently. With
//! exact facts only, every project of a leaf is decided like the leaf's representative; a leaf
//! that split a sampled fact holds only for the values tried.

use super::space::{
    Cell, FactKind, Profile, Root, SampleValue, Space, assign, candidates, exact_cells, unassign,
};
use crate::calendar::Calendar;
use crate::eval::{self, ConceptResult, Facts, ObligationResult, Outcome, Status};
use crate::ir::{ConceptId, ObligationId, Program, Type};
use crate::value::Value;
use chrono::NaiveDate;

/// What one program decides for one concept or duty on a set of projects, in a form that
/// compares across programs: `key` is compared, `shown` is what a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub key: String,
    pub shown: String,
}

/// What is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Concept(Option<ConceptId>, Option<ConceptId>),
    Obligation(Option<ObligationId>, Option<ObligationId>),
}

/// A set of projects on which both programs decide.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// One cell per fact (joint index) split on the way here.
    pub cube: Vec<(usize, Cell)>,
    pub a: Decision,
    pub b: Decision,
}

impl Leaf {
    pub fn differs(&self) -> bool {
        self.a.key != self.b.key
    }
    /// Whether every cell is exact (the leaf holds for every project in it).
    pub fn exact(&self) -> bool {
        self.cube.iter().all(|(_, c)| !matches!(c, Cell::Sample(_)))
    }
}

/// Normalised value for comparison: durations in their legal units (12个月 = 1年), enums by
/// name, sets sorted.
pub fn norm(p: &Program, v: &Value) -> String {
    use crate::calendar::PeriodUnit::*;
    match v {
        Value::Bool(b) => format!("b:{b}"),
        Value::Int(i) => format!("n:{i}"),
        Value::Decimal(d) => format!("n:{}", d.normalize()),
        Value::Money(d) => format!("y:{}", d.normalize()),
        Value::Percent(d) => format!("p:{}", d.normalize()),
        Value::Date(d) => format!("t:{d}"),
        Value::Duration(per) => match per.unit {
            Months => format!("m:{}", per.amount),
            Years => format!("m:{}", u64::from(per.amount) * 12),
            Days => format!("d:{}", per.amount),
            WorkingDays => format!("w:{}", per.amount),
        },
        Value::Text(s) => format!("s:{s}"),
        Value::Enum(..) => format!("e:{}", p.show(v)),
        Value::Record(fs) => format!(
            "r:[{}]",
            fs.iter().map(|x| norm(p, x)).collect::<Vec<_>>().join(",")
        ),
        Value::Set(items) => {
            let mut ks: Vec<String> = items.iter().map(|x| norm(p, x)).collect();
            ks.sort();
            format!("{{{}}}", ks.join(","))
        }
    }
}

/// A concept's outcome as a decision, or the program's facts it still waits on.
pub fn concept_decision(
    p: &Program,
    id: ConceptId,
    r: &ConceptResult,
) -> Result<Decision, Vec<crate::ir::FactId>> {
    let c = p.concept(id);
    let reasons = c.ty == Type::Reasons;
    let reason_list = |ids: &[usize]| -> String {
        ids.iter()
            .map(|i| {
                let rr = &c.reasons[*i];
                format!("{} ({})", rr.reason, rr.cite.text(p.script()))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let d = |key: &str, shown: String| Decision {
        key: key.to_string(),
        shown,
    };
    match &r.outcome {
        Outcome::Value(_) if reasons => Ok(if r.holds == Some(true) || !r.reasons.is_empty() {
            d("holds:true", format!("yes: {}", reason_list(&r.reasons)))
        } else {
            d("holds:false", "no reason holds".into())
        }),
        Outcome::Value(v) => {
            let mut shown = p.show(v);
            if r.by_default {
                shown.push_str(" (default)");
            }
            Ok(Decision {
                key: norm(p, v),
                shown,
            })
        }
        Outcome::Unknown(_) if reasons && r.holds == Some(true) => {
            Ok(d("holds:true", format!("yes: {}", reason_list(&r.reasons))))
        }
        Outcome::Unknown(w) => {
            let facts: Vec<crate::ir::FactId> = w.facts.iter().collect();
            if facts.is_empty() {
                let why = if w.in_force_unknown {
                    "unknown: the policy's in-force dates cannot place the duty it reads"
                } else if !w.blocked.is_empty() {
                    "unknown: it reads a concept without a value"
                } else {
                    "unknown"
                };
                Ok(d("unknown", why.into()))
            } else {
                Err(facts)
            }
        }
        Outcome::NotApplicable => Ok(d("n/a", "no rule applies (no value)".into())),
        Outcome::OutOfScope => Ok(d("out_of_scope", "does not apply (out of scope)".into())),
        Outcome::Conflict(i, j) => Ok(d(
            "conflict",
            format!(
                "conflict between {} and {}",
                c.rules[*i].cite.text(p.script()),
                c.rules[*j].cite.text(p.script())
            ),
        )),
        Outcome::Error(e) => Ok(d("error", format!("cannot be computed: {}", e.describe(p)))),
    }
}

/// A duty's results as a decision: the status of every instance.
pub fn duty_decision(
    results: &[ObligationResult],
    waits_left: impl Fn(&ObligationResult) -> bool,
) -> Result<Decision, Vec<crate::ir::FactId>> {
    let mut keys = Vec::new();
    let mut shown = Vec::new();
    let mut waits = Vec::new();
    for r in results {
        let inst = match &r.instance {
            eval::Instance::One => String::new(),
            other => format!("{other:?} "),
        };
        let statuses: Vec<&str> = r.status.iter().map(Status::as_str).collect();
        if statuses.len() > 1 && waits_left(r) {
            waits.extend(r.waiting_on.iter());
        }
        let st = statuses.join("|");
        keys.push(format!("{inst}{st}"));
        let mut s = format!("{inst}{st}");
        if let Some(due) = r.due {
            s.push_str(&format!(" (due {due})"));
        } else if let Some(d) = r.due_not_before {
            s.push_str(&format!(" (due not before {d})"));
        }
        shown.push(s);
    }
    if !waits.is_empty() {
        return Err(waits);
    }
    if keys.is_empty() {
        keys.push("none".into());
        shown.push("no rule".into());
    }
    Ok(Decision {
        key: keys.join(", "),
        shown: shown.join(", "),
    })
}

/// The exploration of one target.
pub struct Explorer<'s> {
    pub space: &'s Space,
    pub profile: Profile,
    pub a: &'s Program,
    pub b: &'s Program,
    pub as_of: NaiveDate,
    pub cal: &'s Calendar,
    pub target: Target,
    /// Decide gated concepts as if the policy applied.
    pub assume_in_scope: bool,
    facts: [Facts; 2],
    assigned: Vec<(usize, Cell)>,
    pub leaves: Vec<Leaf>,
    pub budget: usize,
    pub truncated: bool,
    pub evaluations: usize,
}

impl<'s> Explorer<'s> {
    pub fn new(
        space: &'s Space,
        a: &'s Program,
        b: &'s Program,
        as_of: NaiveDate,
        cal: &'s Calendar,
        target: Target,
        assume_in_scope: bool,
    ) -> Explorer<'s> {
        let roots = |side: usize| -> Vec<Root> {
            match target {
                Target::Concept(x, y) => if side == 0 { x } else { y }
                    .map(Root::Concept)
                    .into_iter()
                    .collect(),
                Target::Obligation(x, y) => if side == 0 { x } else { y }
                    .map(Root::Obligation)
                    .into_iter()
                    .collect(),
            }
        };
        let (ra, rb) = (roots(0), roots(1));
        let profile = space.profile([(a, &ra), (b, &rb)]);
        Explorer {
            space,
            profile,
            a,
            b,
            as_of,
            cal,
            target,
            assume_in_scope,
            facts: [Facts::empty(a), Facts::empty(b)],
            assigned: Vec::new(),
            leaves: Vec::new(),
            budget: 20_000,
            truncated: false,
            evaluations: 0,
        }
    }

    fn program(&self, side: usize) -> &'s Program {
        if side == 0 { self.a } else { self.b }
    }

    /// Start from a partial project (a cube).
    pub fn with(mut self, cube: &[(usize, Cell)]) -> Self {
        for (j, cell) in cube {
            self.set(*j, cell.clone());
        }
        self
    }

    fn set(&mut self, j: usize, cell: Cell) {
        for side in 0..2 {
            let p = self.program(side);
            assign(self.space, side, p, &mut self.facts[side], j, &cell);
        }
        self.assigned.push((j, cell));
    }

    fn unset(&mut self) {
        if let Some((j, _)) = self.assigned.pop() {
            for side in 0..2 {
                unassign(self.space, side, &mut self.facts[side], j);
            }
        }
    }

    fn is_assigned(&self, j: usize) -> bool {
        self.assigned.iter().any(|(k, _)| *k == j)
    }

    /// Evaluate one side: its decision, or the joint facts it waits on that are not yet given.
    fn eval(&mut self, side: usize) -> Result<Decision, Vec<usize>> {
        self.evaluations += 1;
        let p = self.program(side);
        let facts = &self.facts[side];
        let (as_of, cal, assume) = (self.as_of, self.cal, self.assume_in_scope);
        let raw = match self.target {
            Target::Concept(ca, cb) => {
                let Some(id) = (if side == 0 { ca } else { cb }) else {
                    return Ok(Decision {
                        key: "absent".into(),
                        shown: "not decided by this policy".into(),
                    });
                };
                let r = eval::concept_alone(p, facts, as_of, cal, id, assume);
                concept_decision(p, id, &r)
            }
            Target::Obligation(oa, ob) => {
                let Some(id) = (if side == 0 { oa } else { ob }) else {
                    return Ok(Decision {
                        key: "absent".into(),
                        shown: "not decided by this policy".into(),
                    });
                };
                let rs = eval::obligation_alone(p, facts, as_of, cal, id, assume);
                duty_decision(&rs, |_| true)
            }
        };
        match raw {
            Ok(d) => Ok(d),
            Err(waits) => {
                let mut js: Vec<usize> = waits
                    .iter()
                    .filter_map(|f| self.space.joint_of(p, *f))
                    .filter(|j| !self.is_assigned(*j))
                    .filter(|j| self.space.facts[*j].kind != FactKind::Other)
                    .collect();
                js.sort();
                js.dedup();
                if js.is_empty() {
                    // nothing left to give: what it is now is what it is
                    let rs = match self.target {
                        Target::Obligation(oa, ob) => {
                            let id = if side == 0 { oa } else { ob };
                            id.map(|id| eval::obligation_alone(p, facts, as_of, cal, id, assume))
                        }
                        Target::Concept(..) => None,
                    };
                    Ok(match rs {
                        Some(rs) => duty_decision(&rs, |_| false).unwrap_or(Decision {
                            key: "unknown".into(),
                            shown: "unknown".into(),
                        }),
                        None => Decision {
                            key: "unknown".into(),
                            shown: "unknown with every fact it reads given".into(),
                        },
                    })
                } else {
                    Err(js)
                }
            }
        }
    }

    /// Explore from the current node.
    pub fn run(&mut self) {
        self.step(None, None);
    }

    fn step(&mut self, known_a: Option<Decision>, known_b: Option<Decision>) {
        if self.leaves.len() >= self.budget {
            self.truncated = true;
            return;
        }
        let da = match known_a {
            Some(d) => Ok(d),
            None => self.eval(0),
        };
        let db = match known_b {
            Some(d) => Ok(d),
            None => self.eval(1),
        };
        let (wa, wb) = match (&da, &db) {
            (Ok(a), Ok(b)) => {
                self.leaves.push(Leaf {
                    cube: self.assigned.clone(),
                    a: a.clone(),
                    b: b.clone(),
                });
                return;
            }
            (Err(w), Ok(_)) => (w.clone(), Vec::new()),
            (Ok(_), Err(w)) => (Vec::new(), w.clone()),
            (Err(x), Err(y)) => (x.clone(), y.clone()),
        };
        let j = self.choose(&wa, &wb);
        let f = &self.space.facts[j];
        let cells = if self.profile.exact[j] {
            exact_cells(f, &self.profile.constants[j])
        } else {
            let chosen: Vec<NaiveDate> = self
                .assigned
                .iter()
                .filter_map(|(_, c)| match c {
                    Cell::Sample(SampleValue::Date(d)) => Some(*d),
                    _ => None,
                })
                .collect();
            candidates(
                &f.kind,
                &self.profile.constants[j],
                &self.profile.periods,
                &chosen,
                self.as_of,
                self.cal,
            )
        };
        let (ka, kb) = (da.ok(), db.ok());
        for cell in cells {
            self.set(j, cell);
            self.step(ka.clone(), kb.clone());
            self.unset();
            if self.truncated {
                return;
            }
        }
    }

    /// The fact to split: one both sides wait on, exact before sampled, then by order.
    fn choose(&self, wa: &[usize], wb: &[usize]) -> usize {
        let mut all: Vec<usize> = wa.iter().chain(wb.iter()).copied().collect();
        all.sort();
        all.dedup();
        let score = |j: &usize| {
            let both = wa.contains(j) && wb.contains(j);
            (!self.profile.exact[*j], !both, *j)
        };
        all.into_iter().min_by_key(score).unwrap_or(0)
    }
}

/// What a goal says about the current node of a search.
enum Probe {
    Yes,
    No,
    /// Undecided: split one of these facts (preferred first).
    Open(Vec<usize>),
}

/// The end of a witness search.
#[derive(Debug, Clone)]
pub enum Found {
    /// A project (the cube split to reach it).
    Yes(Vec<(usize, Cell)>),
    /// No project: every cell was tried.
    No,
    /// The search stopped at its budget, or sampled values (dates) were tried: none found.
    NotFound,
}

impl<'s> Explorer<'s> {
    /// A project on which reason `ri` of concept `cx` holds in program `side` (so the concept
    /// holds there) and no reason of `cy` holds in the other program, such that each program
    /// whose concept is gated applies (`need`, with the scope concepts).
    #[allow(clippy::too_many_arguments)]
    pub fn reason_witness(
        &mut self,
        side: usize,
        cx: ConceptId,
        ri: usize,
        cy: ConceptId,
        scopes: (Option<ConceptId>, Option<ConceptId>),
        need: (bool, bool),
        limit: usize,
    ) -> Found {
        let own: Vec<usize> = {
            let p = self.program(side);
            let mut v = Vec::new();
            let (exprs, _) = super::space::cone(p, &[Root::Concept(cx)]);
            let r = &p.concept(cx).reasons[ri];
            let mut add = |e: &crate::ir::Expr| {
                e.visit(&mut |x| {
                    if let crate::ir::ExprKind::Fact(f) = x.kind {
                        if let Some(j) = self.space.joint_of(p, f) {
                            if !v.contains(&j) {
                                v.push(j);
                            }
                        }
                    }
                })
            };
            add(&r.when);
            let _ = exprs;
            v
        };
        let mut sampled = false;
        let mut budget = limit;
        let found = self.dfs_reason(
            side,
            cx,
            ri,
            cy,
            &own,
            scopes,
            need,
            &mut budget,
            &mut sampled,
        );
        match found {
            Some(c) => Found::Yes(c),
            None if sampled || budget == 0 => Found::NotFound,
            None => Found::No,
        }
    }

    fn probe_reason(
        &mut self,
        side: usize,
        cx: ConceptId,
        ri: usize,
        cy: ConceptId,
        own: &[usize],
    ) -> Probe {
        let (as_of, cal, assume) = (self.as_of, self.cal, self.assume_in_scope);
        self.evaluations += 2;
        let px = self.program(side);
        let py = self.program(1 - side);
        let rx = eval::concept_alone(px, &self.facts[side], as_of, cal, cx, assume);
        let ry = eval::concept_alone(py, &self.facts[1 - side], as_of, cal, cy, assume);
        let x_holds = if rx.reasons.contains(&ri) {
            Some(true)
        } else if rx.possible_reasons.contains(&ri)
            || matches!(rx.outcome, Outcome::Unknown(_))
                && rx.possible_reasons.is_empty()
                && rx.reasons.is_empty()
        {
            None
        } else {
            Some(false)
        };
        let y_holds = ry.holds;
        if x_holds == Some(false) || y_holds == Some(true) {
            return Probe::No;
        }
        if !matches!(rx.outcome, Outcome::Value(_) | Outcome::Unknown(_))
            || !matches!(ry.outcome, Outcome::Value(_) | Outcome::Unknown(_))
        {
            return Probe::No;
        }
        if x_holds == Some(true) && y_holds == Some(false) {
            return Probe::Yes;
        }
        let waits = |r: &ConceptResult, p: &Program| -> Vec<usize> {
            match &r.outcome {
                Outcome::Unknown(w) => w
                    .facts
                    .iter()
                    .filter_map(|f| self.space.joint_of(p, f))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let mut open: Vec<usize> = Vec::new();
        if x_holds.is_none() {
            let wx = waits(&rx, px);
            // the reason's own facts first, then the rest of what it waits on
            open.extend(
                own.iter()
                    .copied()
                    .filter(|j| wx.contains(j) || !self.is_assigned(*j)),
            );
            open.extend(wx);
        }
        if y_holds.is_none() {
            open.extend(waits(&ry, py));
        }
        let mut seen = Vec::new();
        open.retain(|j| {
            let keep = !self.is_assigned(*j)
                && !seen.contains(j)
                && self.space.facts[*j].kind != FactKind::Other;
            seen.push(*j);
            keep
        });
        if open.is_empty() {
            Probe::No
        } else {
            Probe::Open(open)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn dfs_reason(
        &mut self,
        side: usize,
        cx: ConceptId,
        ri: usize,
        cy: ConceptId,
        own: &[usize],
        scopes: (Option<ConceptId>, Option<ConceptId>),
        need: (bool, bool),
        budget: &mut usize,
        sampled: &mut bool,
    ) -> Option<Vec<(usize, Cell)>> {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        match self.probe_reason(side, cx, ri, cy, own) {
            Probe::No => None,
            Probe::Yes => {
                let cube = self.assigned.clone();
                if !need.0 && !need.1 {
                    return Some(cube);
                }
                let target =
                    Target::Concept(scopes.0.filter(|_| need.0), scopes.1.filter(|_| need.1));
                let mut ex = Explorer::new(
                    self.space, self.a, self.b, self.as_of, self.cal, target, false,
                )
                .with(&cube);
                ex.budget = 256;
                ex.run();
                self.evaluations += ex.evaluations;
                let ok = |d: &Decision| d.key == "b:true" || d.key == "absent";
                ex.leaves
                    .iter()
                    .find(|l| ok(&l.a) && ok(&l.b))
                    .map(|l| l.cube.clone())
            }
            Probe::Open(open) => {
                let j = open[0];
                let f = &self.space.facts[j];
                let cells = if self.profile.exact[j] {
                    exact_cells(f, &self.profile.constants[j])
                } else {
                    *sampled = true;
                    let chosen: Vec<NaiveDate> = self
                        .assigned
                        .iter()
                        .filter_map(|(_, c)| match c {
                            Cell::Sample(SampleValue::Date(d)) => Some(*d),
                            _ => None,
                        })
                        .collect();
                    candidates(
                        &f.kind,
                        &self.profile.constants[j],
                        &self.profile.periods,
                        &chosen,
                        self.as_of,
                        self.cal,
                    )
                };
                for cell in cells {
                    self.set(j, cell);
                    let r = self.dfs_reason(side, cx, ri, cy, own, scopes, need, budget, sampled);
                    self.unset();
                    if r.is_some() {
                        return r;
                    }
                    if *budget == 0 {
                        return None;
                    }
                }
                None
            }
        }
    }
}

//! `tiao diff A B`: two policies aligned on the shared vocabulary, concept by concept and duty by
//! duty, with the regions of the fact space where they decide differently and a witness project
//! for each.
//!
//! # Method
//!
//! For each concept both policies decide, the fact space is split fact by fact ([`explore`]):
//! both programs are evaluated with the reference interpreter on the partial project, and a fact
//! one of them still waits on is split into its cells ([`space`]) until both decide. A leaf where
//! they decide differently is a *difference region*. The regions are merged into as few cubes as
//! the cells allow (adjacent intervals, several variants of one enum), and each gets a witness:
//! the leaf's representative project, completed so that both policies apply, with an evaluation
//! date. Every witness is re-evaluated with both whole programs before it is reported.
//!
//! - **Exact**: where every fact split is a bool, an enum, an amount only compared with constants,
//!   or a date only asked whether it happened, each cell is decided like its representative, so
//!   the regions are exactly the projects decided differently (for concepts, where both policies
//!   apply), and a concept without a region is equivalent.
//! - **Searched, not proven**: where a date is compared with another date or counted from, a duty's
//!   status is read, an amount is computed with, or a year is used, the values tried are the days
//!   before, on and after the end of every period the rules count (from the dates already chosen,
//!   and back from the evaluation date), plus "not happened"; the result says so.
//!
//! Applicability is part of the answer. Concepts are compared where both policies apply (the
//! `if_in_scope` reading of a gated concept); the projects where one applies and the other does
//! not are the regions of `in_scope`, reported once as the applicability regions, and every gated
//! concept differs on them (out of scope is a value of its own). Duties are compared as written,
//! as if both policies were in force on the trigger (the in-force periods are compared once, at
//! the top). No presumption is used: a witness states `jurisdiction_level` when a rule reads it.

pub mod explore;
pub mod forms;
pub mod report;
pub mod space;

use crate::calendar::Calendar;
use crate::ir::{ConceptId, ObligationId, Program, ScopeRole, Type};
use crate::value::{format_money, format_percent};
use chrono::NaiveDate;
use explore::{Decision, Explorer, Leaf, Target};
use forms::{Change, RuleView};
use rust_decimal::Decimal;
use serde_json::{Map, Value as J, json};
use space::{Cell, FactKind, SampleValue, Space};

/// Nodes a search for one reason's witness visits before it gives up (and says so).
const REASON_BUDGET: usize = 500;
/// Leaves a duty's search explores before it stops (and says so): duties are searched over
/// dates, never proven.
const DUTY_BUDGET: usize = 2_500;

/// The schema of `tiao diff --format json`.
pub const SCHEMA: &str = "tiao.diff/1";

/// How a concept or duty compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Same rules (in form), no difference where both apply.
    Same,
    /// The rules differ in form, but no project is decided differently where both apply.
    Equivalent,
    /// Some project is decided differently (a region with a witness).
    Changed,
    OnlyInA,
    OnlyInB,
}

impl Status {
    pub fn word(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Equivalent => "equivalent",
            Status::Changed => "changed",
            Status::OnlyInA => "only_in_a",
            Status::OnlyInB => "only_in_b",
        }
    }
}

/// One condition of a region, on one fact.
#[derive(Debug, Clone)]
pub struct Condition {
    pub fact: String,
    pub cell: Cell,
    /// The cell's value as the facts JSON writes it (its representative), and for an enum cell
    /// the variants it allows.
    pub json: J,
    pub variants: Vec<String>,
    /// `500万元 ≤ construction_investment < 1000万元`.
    pub text: String,
}

/// A concrete project: facts (by name, as `tiao eval` reads them) and an evaluation date.
#[derive(Debug, Clone)]
pub struct Witness {
    pub facts: Map<String, J>,
    pub as_of: NaiveDate,
    /// Facts only one of the policies reads (leave them out when evaluating the other).
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
}

/// A set of projects both policies decide, differently.
#[derive(Debug, Clone)]
pub struct Region {
    /// The region is the union of these cubes (each a conjunction of conditions).
    pub cubes: Vec<Vec<Condition>>,
    /// The conditions every cube shares.
    pub common: Vec<Condition>,
    pub a: Decision,
    pub b: Decision,
    /// Exact (every project in it is decided so) or searched (the values tried).
    pub exact: bool,
    pub witness: Witness,
    pub kind: RegionKind,
    /// Whether the witness is a project both policies apply to. When the scopes never meet
    /// there (a county's measures and a county-level city's), the regions compare the rules as
    /// if both applied (each concept's `if_in_scope` value) and say so.
    pub both_apply: bool,
}

/// How a region is described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionKind {
    /// The union of its cubes.
    Cubes,
    /// For a list of reasons: the projects on which reason `rule` (an index into the concept's
    /// reasons in policy `side`, 0 = A) holds and no reason of the other policy does. The union
    /// of these regions is exactly where one policy finds a reason and the other none.
    Reason {
        side: usize,
        rule: usize,
        reason: String,
        cite: String,
        condition: String,
    },
}

/// How sure the regions of one concept or duty are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// Every cell decided: the regions are exactly the differences.
    Exact,
    /// Some fact was sampled: the regions are what the search found.
    Searched { how: String },
}

/// One concept or duty compared.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub doc: Option<String>,
    pub obligation: bool,
    pub status: Status,
    pub a: Vec<RuleView>,
    pub b: Vec<RuleView>,
    pub changes: Vec<Change>,
    pub regions: Vec<Region>,
    pub proof: Proof,
    /// Whether the concept is decided only where the policy applies, in A and in B.
    pub gated: (bool, bool),
    /// The search stopped at its budget.
    pub truncated: bool,
    /// Evaluations of one concept or duty this entry took (the search, witnesses, scope).
    pub evaluations: usize,
}

/// A policy as the report names it.
#[derive(Debug, Clone)]
pub struct PolicyRef {
    pub id: String,
    pub title: String,
    pub jurisdiction: Option<String>,
    pub level: Option<String>,
    pub number: Option<String>,
    pub in_force: String,
    pub script: crate::ir::Script,
}

impl PolicyRef {
    pub fn of(p: &Program) -> PolicyRef {
        let m = &p.document.meta;
        PolicyRef {
            id: m.id.clone(),
            title: m.title.clone(),
            jurisdiction: m.jurisdiction.clone(),
            level: m.level.clone(),
            number: m.number.clone(),
            in_force: m.in_force_rule(),
            script: m.script,
        }
    }
    /// A short label: the jurisdiction, else the id.
    pub fn label(&self) -> String {
        self.jurisdiction.clone().unwrap_or_else(|| self.id.clone())
    }
}

/// The whole comparison of two policies.
#[derive(Debug, Clone)]
pub struct Diff {
    pub a: PolicyRef,
    pub b: PolicyRef,
    pub as_of: NaiveDate,
    /// Where each policy is in force and the other is not (as-of dates).
    pub in_force: Vec<String>,
    /// The regions of `in_scope`: projects one policy applies to and the other does not.
    pub applicability: Option<Entry>,
    pub concepts: Vec<Entry>,
    pub obligations: Vec<Entry>,
    /// Evaluations of a single concept or duty made by the search.
    pub evaluations: usize,
}

/// Options of a diff.
#[derive(Debug, Clone)]
pub struct Options {
    /// The evaluation date of every witness.
    pub as_of: NaiveDate,
    /// Leaves explored per concept before the search stops (and says so).
    pub budget: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            as_of: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
            budget: 20_000,
        }
    }
}

/// The evaluation date a diff uses when none is given: 2025-12-31, or the latest day either policy
/// enters into force if that is later (so that both have entered into force where possible).
pub fn default_as_of(programs: &[&Program]) -> NaiveDate {
    let base = Options::default().as_of;
    programs
        .iter()
        .filter_map(|p| p.document.meta.in_force_span().start_hi)
        .fold(base, NaiveDate::max)
}

fn gated(p: &Program, c: ConceptId) -> bool {
    p.scope.is_some_and(|s| s != c) && p.concept(c).scope == ScopeRole::Gated
}

/// The program with its in-force period opened (from 1900, no end) and no presumption: duties
/// are compared on it as written (the in-force periods are compared on their own).
pub fn timeless(p: &Program) -> Program {
    let mut q = p.clone();
    let start = NaiveDate::from_ymd_opt(1900, 1, 1);
    q.document.meta.in_force_date = start;
    q.document.meta.in_force_end = None;
    if let Some(d) = start {
        q.document.meta.issued = crate::ir::IssueDate::Known(d);
    }
    q.presumptions.clear();
    q
}

fn without_presumptions(p: &Program) -> Program {
    let mut q = p.clone();
    q.presumptions.clear();
    q
}

/// Compare two programs.
pub fn diff(a: &Program, b: &Program, opts: &Options) -> Diff {
    let cal = Calendar::official();
    let (pa, pb) = (without_presumptions(a), without_presumptions(b));
    let space = Space::new(&[&pa, &pb]);
    let mut evaluations = 0;
    let mut names: Vec<String> = Vec::new();
    for p in [&pa, &pb] {
        for c in &p.concepts {
            if c.is_decided() && c.name != "in_force" && !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    let scope_a = pa.scope;
    let scope_b = pb.scope;
    let mut ctx = Ctx {
        space: &space,
        a: &pa,
        b: &pb,
        as_of: opts.as_of,
        cal,
        budget: opts.budget,
        evaluations: 0,
    };
    let mut concepts = Vec::new();
    let mut applicability = None;
    for name in &names {
        let ca = pa.concept_id(name).filter(|c| pa.concept(*c).is_decided());
        let cb = pb.concept_id(name).filter(|c| pb.concept(*c).is_decided());
        let is_scope = name == "in_scope";
        let before = ctx.evaluations;
        let mut entry = ctx.concept(name, ca, cb, (scope_a, scope_b), is_scope);
        entry.evaluations = ctx.evaluations - before;
        if is_scope {
            applicability = Some(entry);
        } else {
            concepts.push(entry);
        }
    }
    evaluations += ctx.evaluations;
    // duties, as written: in-force periods opened
    let (ta, tb) = (timeless(a), timeless(b));
    let tspace = Space::new(&[&ta, &tb]);
    let mut tctx = Ctx {
        space: &tspace,
        a: &ta,
        b: &tb,
        as_of: opts.as_of,
        cal,
        budget: opts.budget,
        evaluations: 0,
    };
    let mut onames: Vec<String> = Vec::new();
    for p in [&ta, &tb] {
        for o in &p.obligations {
            if !o.rules.is_empty() && !onames.contains(&o.name) {
                onames.push(o.name.clone());
            }
        }
    }
    let obligations = onames
        .iter()
        .map(|n| {
            let oa = ta
                .obligation_id(n)
                .filter(|o| !ta.obligation(*o).rules.is_empty());
            let ob = tb
                .obligation_id(n)
                .filter(|o| !tb.obligation(*o).rules.is_empty());
            let before = tctx.evaluations;
            let mut e = tctx.obligation(n, oa, ob);
            e.evaluations = tctx.evaluations - before;
            e
        })
        .collect();
    evaluations += tctx.evaluations;
    Diff {
        a: PolicyRef::of(a),
        b: PolicyRef::of(b),
        as_of: opts.as_of,
        in_force: in_force_comparison(a, b),
        applicability,
        concepts,
        obligations,
        evaluations,
    }
}

/// The in-force periods side by side, with the dates where only one is in force.
fn in_force_comparison(a: &Program, b: &Program) -> Vec<String> {
    let (ma, mb) = (&a.document.meta, &b.document.meta);
    let mut out = vec![
        format!("{}: {}", ma.id, ma.in_force_rule()),
        format!("{}: {}", mb.id, mb.in_force_rule()),
    ];
    let (sa, sb) = (ma.in_force_span(), mb.in_force_span());
    let fmt = |d: Option<NaiveDate>| d.map_or("?".to_string(), |d| d.to_string());
    let end = |s: &crate::ir::InForceSpan| {
        if s.ends {
            fmt(s.end_hi)
        } else {
            "no end".into()
        }
    };
    let overlap_start = match (sa.start_hi, sb.start_hi) {
        (Some(x), Some(y)) => Some(x.max(y)),
        _ => None,
    };
    let ends_a = if sa.ends { sa.end_lo } else { None };
    let ends_b = if sb.ends { sb.end_lo } else { None };
    let overlap_end = match (ends_a, ends_b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (Some(x), None) | (None, Some(x)) => Some(x),
        (None, None) => None,
    };
    match (overlap_start, overlap_end) {
        (Some(s), Some(e)) if s > e => out.push(format!(
            "never both in force: {} {}–{}, {} {}–{}",
            ma.id,
            fmt(sa.start_lo),
            end(&sa),
            mb.id,
            fmt(sb.start_lo),
            end(&sb)
        )),
        (Some(s), e) => out.push(format!(
            "both in force from {s}{}",
            e.map_or(String::new(), |e| format!(" until {e}"))
        )),
        _ => out.push(
            "whether both are in force at once cannot be said (an issue date is unknown)".into(),
        ),
    }
    out
}

struct Ctx<'s> {
    space: &'s Space,
    a: &'s Program,
    b: &'s Program,
    as_of: NaiveDate,
    cal: &'s Calendar,
    budget: usize,
    evaluations: usize,
}

impl<'s> Ctx<'s> {
    fn explorer(&self, target: Target, assume: bool) -> Explorer<'s> {
        let mut e = Explorer::new(
            self.space, self.a, self.b, self.as_of, self.cal, target, assume,
        );
        e.budget = self.budget;
        e
    }

    fn concept(
        &mut self,
        name: &str,
        ca: Option<ConceptId>,
        cb: Option<ConceptId>,
        scopes: (Option<ConceptId>, Option<ConceptId>),
        is_scope: bool,
    ) -> Entry {
        let (a, b) = (self.a, self.b);
        let doc = ca
            .map(|c| a.concept(c))
            .or(cb.map(|c| b.concept(c)))
            .and_then(|c| c.doc.clone());
        let rules_a = ca.map(|c| forms::concept_rules(a, c)).unwrap_or_default();
        let rules_b = cb.map(|c| forms::concept_rules(b, c)).unwrap_or_default();
        let g = (
            ca.is_some_and(|c| gated(a, c)),
            cb.is_some_and(|c| gated(b, c)),
        );
        let mut entry = Entry {
            name: name.to_string(),
            doc,
            obligation: false,
            status: Status::Same,
            changes: Vec::new(),
            regions: Vec::new(),
            proof: Proof::Exact,
            gated: g,
            truncated: false,
            evaluations: 0,
            a: rules_a,
            b: rules_b,
        };
        let (Some(ca), Some(cb)) = (ca, cb) else {
            entry.status = if ca.is_some() {
                Status::OnlyInA
            } else {
                Status::OnlyInB
            };
            return entry;
        };
        entry.changes = forms::concept_changes(a, ca, b, cb);
        if a.concept(ca).ty == Type::Reasons && b.concept(cb).ty == Type::Reasons {
            return self.reasons_concept(entry, ca, cb, scopes, g);
        }
        let mut ex = self.explorer(Target::Concept(Some(ca), Some(cb)), !is_scope);
        ex.run();
        self.evaluations += ex.evaluations;
        entry.truncated = ex.truncated;
        let leaves = std::mem::take(&mut ex.leaves);
        let sampled: Vec<String> = sampled_facts(self.space, &leaves);
        drop(ex);
        let differing: Vec<(Leaf, Vec<(usize, Cell)>)> = leaves
            .into_iter()
            .filter(Leaf::differs)
            .map(|l| (l, Vec::new()))
            .collect();
        let need = if is_scope { (false, false) } else { g };
        entry.regions = self.regions(
            differing,
            Target::Concept(Some(ca), Some(cb)),
            !is_scope,
            (scopes, need),
        );
        entry.status = if !entry.regions.is_empty() {
            Status::Changed
        } else if forms::canonical(&entry.a) == forms::canonical(&entry.b) {
            Status::Same
        } else {
            Status::Equivalent
        };
        if !sampled.is_empty() || entry.truncated {
            entry.proof = Proof::Searched {
                how: searched_how(&sampled, self.as_of, entry.truncated),
            };
        }
        entry
    }

    /// Two lists of reasons: where one policy finds a reason and the other none, reason by
    /// reason, each with a witness (compared by whether some reason holds).
    fn reasons_concept(
        &mut self,
        mut entry: Entry,
        ca: ConceptId,
        cb: ConceptId,
        scopes: (Option<ConceptId>, Option<ConceptId>),
        need: (bool, bool),
    ) -> Entry {
        let target = Target::Concept(Some(ca), Some(cb));
        // a project both policies apply to, to start the search from when the first witness
        // found is one only one of them applies to
        let base = self.scope_witness(&[], scopes, need);
        let mut incomplete = Vec::new();
        let mut sampled_any = false;
        for (side, cx, cy) in [(0usize, ca, cb), (1usize, cb, ca)] {
            let p = if side == 0 { self.a } else { self.b };
            let mut done: Vec<(String, String)> = Vec::new();
            for (ri, rr) in p.concept(cx).reasons.iter().enumerate() {
                let condition = forms::reason_condition(&rr.source);
                if done.contains(&(rr.reason.clone(), condition.clone())) {
                    continue;
                }
                done.push((rr.reason.clone(), condition.clone()));
                let mut ex = self.explorer(target, true);
                let found =
                    ex.reason_witness(side, cx, ri, cy, scopes, (false, false), REASON_BUDGET);
                self.evaluations += ex.evaluations;
                drop(ex);
                match found {
                    explore::Found::Yes(mut cube) => {
                        let mut both_apply = self.complete_scope(&mut cube, scopes, need);
                        if let (false, Some(base)) = (both_apply, &base) {
                            // look again, this time among projects both policies apply to
                            let mut ex = self.explorer(target, true).with(base);
                            let again =
                                ex.reason_witness(side, cx, ri, cy, scopes, need, REASON_BUDGET);
                            self.evaluations += ex.evaluations;
                            if let explore::Found::Yes(c) = again {
                                cube = c;
                                both_apply = true;
                            }
                        }
                        let (wa, wb) = self.decide_at(&cube, target, true);
                        let (Some(wa), Some(wb)) = (wa, wb) else {
                            continue;
                        };
                        if wa.key == wb.key {
                            continue;
                        }
                        let exact = cube.iter().all(|(_, c)| !matches!(c, Cell::Sample(_)));
                        sampled_any |= !exact;
                        let cite = rr.cite.text(p.script());
                        entry.regions.push(Region {
                            cubes: Vec::new(),
                            common: Vec::new(),
                            a: wa,
                            b: wb,
                            exact: true,
                            witness: self.witness(&cube),
                            kind: RegionKind::Reason {
                                side,
                                rule: ri,
                                reason: rr.reason.clone(),
                                cite,
                                condition,
                            },
                            both_apply,
                        });
                    }
                    explore::Found::No => {}
                    explore::Found::NotFound => incomplete.push(rr.reason.clone()),
                }
            }
        }
        entry.status = if !entry.regions.is_empty() {
            Status::Changed
        } else if forms::canonical(&entry.a) == forms::canonical(&entry.b) {
            Status::Same
        } else {
            Status::Equivalent
        };
        if !incomplete.is_empty() {
            entry.proof = Proof::Searched {
                how: format!(
                    "searched, not proven: for {} no witness was found among the values tried (dates: the day before, on and after the end of every period the rules count, and not happened), and none is claimed",
                    incomplete.join(", ")
                ),
            };
        } else if sampled_any {
            entry.proof = Proof::Exact;
        }
        entry
    }

    fn obligation(
        &mut self,
        name: &str,
        oa: Option<ObligationId>,
        ob: Option<ObligationId>,
    ) -> Entry {
        let (a, b) = (self.a, self.b);
        let doc = oa
            .map(|o| a.obligation(o))
            .or(ob.map(|o| b.obligation(o)))
            .and_then(|o| o.doc.clone());
        let mut entry = Entry {
            name: name.to_string(),
            doc,
            obligation: true,
            status: Status::Same,
            a: oa
                .map(|o| forms::obligation_rules(a, o))
                .unwrap_or_default(),
            b: ob
                .map(|o| forms::obligation_rules(b, o))
                .unwrap_or_default(),
            changes: Vec::new(),
            regions: Vec::new(),
            proof: Proof::Exact,
            gated: (a.scope.is_some(), b.scope.is_some()),
            truncated: false,
            evaluations: 0,
        };
        let (Some(oa), Some(ob)) = (oa, ob) else {
            entry.status = if oa.is_some() {
                Status::OnlyInA
            } else {
                Status::OnlyInB
            };
            return entry;
        };
        entry.changes = forms::obligation_changes(a, oa, b, ob);
        let target = Target::Obligation(Some(oa), Some(ob));
        let mut ex = self.explorer(target, true);
        ex.budget = ex.budget.min(DUTY_BUDGET);
        ex.run();
        self.evaluations += ex.evaluations;
        entry.truncated = ex.truncated;
        let leaves = std::mem::take(&mut ex.leaves);
        let sampled = sampled_facts(self.space, &leaves);
        drop(ex);
        let differing: Vec<(Leaf, Vec<(usize, Cell)>)> = leaves
            .into_iter()
            .filter(Leaf::differs)
            .map(|l| (l, Vec::new()))
            .collect();
        entry.regions = self.regions(differing, target, true, ((None, None), (false, false)));
        entry.status = if !entry.regions.is_empty() {
            Status::Changed
        } else if forms::canonical(&entry.a) == forms::canonical(&entry.b) {
            Status::Same
        } else {
            Status::Equivalent
        };
        if !sampled.is_empty() || entry.truncated {
            entry.proof = Proof::Searched {
                how: searched_how(&sampled, self.as_of, entry.truncated),
            };
        }
        entry
    }

    /// Complete a witness with facts under which each policy whose concept is gated applies;
    /// false when no such completion exists.
    fn complete_scope(
        &mut self,
        cube: &mut Vec<(usize, Cell)>,
        scopes: (Option<ConceptId>, Option<ConceptId>),
        need: (bool, bool),
    ) -> bool {
        match self.scope_witness(cube, scopes, need) {
            Some(extra) => {
                cube.extend(extra);
                true
            }
            None => false,
        }
    }

    /// Facts completing `cube` so that each policy whose concept is gated applies: `None` when no
    /// such project exists (the region is empty where both apply).
    fn scope_witness(
        &mut self,
        cube: &[(usize, Cell)],
        scopes: (Option<ConceptId>, Option<ConceptId>),
        need: (bool, bool),
    ) -> Option<Vec<(usize, Cell)>> {
        if !need.0 && !need.1 {
            return Some(Vec::new());
        }
        let target = Target::Concept(scopes.0.filter(|_| need.0), scopes.1.filter(|_| need.1));
        let mut ex = self.explorer(target, false).with(cube);
        ex.run();
        self.evaluations += ex.evaluations;
        let ok = |d: &Decision| d.key == "b:true" || d.key == "absent";
        ex.leaves
            .iter()
            .find(|l| ok(&l.a) && ok(&l.b))
            .map(|l| l.cube[cube.len()..].to_vec())
    }

    /// Merge differing leaves into regions and give each a witness.
    fn regions(
        &mut self,
        differing: Vec<(Leaf, Vec<(usize, Cell)>)>,
        target: Target,
        assume: bool,
        (scopes, need): ((Option<ConceptId>, Option<ConceptId>), (bool, bool)),
    ) -> Vec<Region> {
        // group by the pair of decisions; sampled values are not conditions (the witness shows
        // them), so leaves that differ only in them are one region; then merge cubes that differ
        // in one fact only
        let mut groups: Vec<(Decision, Decision, Vec<Completed>)> = Vec::new();
        for (leaf, scope) in differing {
            let (exact_part, sampled): Completed = leaf
                .cube
                .iter()
                .cloned()
                .partition(|(_, c)| !matches!(c, Cell::Sample(_)));
            let mut extra = sampled;
            extra.extend(scope);
            let cube = sorted(exact_part);
            match groups
                .iter_mut()
                .find(|(a, b, _)| a.key == leaf.a.key && b.key == leaf.b.key)
            {
                Some(g) => {
                    if !g.2.iter().any(|(c, _)| *c == cube) {
                        g.2.push((cube, extra))
                    }
                }
                None => groups.push((leaf.a, leaf.b, vec![(cube, extra)])),
            }
        }
        let mut out = Vec::new();
        for (_, _, cubes) in groups {
            let mut merged = merge(self.space, cubes);
            // keep the cubes some project both policies apply to lies in, when there are any
            // (otherwise the region compares the rules as if both applied)
            if need.0 || need.1 {
                let ok: Vec<bool> = merged
                    .iter()
                    .map(|(c, extra)| {
                        expansions(c).into_iter().any(|mut all| {
                            all.extend(extra.iter().cloned());
                            self.scope_witness(&all, scopes, need).is_some()
                        })
                    })
                    .collect();
                if ok.iter().any(|x| *x) {
                    let mut it = ok.iter();
                    merged.retain(|_| *it.next().unwrap_or(&false));
                }
            }
            let exact = merged
                .iter()
                .all(|(_, extra)| extra.iter().all(|(_, c)| !matches!(c, Cell::Sample(_))));
            // the witness: a representative of some cube that, re-evaluated, still differs —
            // one both policies apply to when there is one
            let mut found: Option<(Decision, Decision, Cube, bool)> = None;
            'search: for (cube, extra) in &merged {
                for cand in expansions(cube) {
                    let mut all = cand;
                    all.extend(extra.iter().cloned());
                    let (Some(x), Some(y)) = self.decide_at(&all, target, assume) else {
                        continue;
                    };
                    if x.key == y.key {
                        continue;
                    }
                    let both = self.complete_scope(&mut all, scopes, need);
                    let better = found.as_ref().is_none_or(|f| both && !f.3);
                    if better {
                        found = Some((x, y, all, both));
                    }
                    if both {
                        break 'search;
                    }
                }
            }
            let Some((wa, wb, all, both_apply)) = found else {
                continue;
            };
            let cubes: Vec<Vec<Condition>> = merged
                .iter()
                .map(|(c, _)| c.iter().map(|(j, x)| self.condition(*j, x)).collect())
                .collect();
            let common: Vec<Condition> = cubes
                .first()
                .map(|first| {
                    first
                        .iter()
                        .filter(|c| {
                            cubes
                                .iter()
                                .all(|k| k.iter().any(|x| x.fact == c.fact && x.cell == c.cell))
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            out.push(Region {
                cubes,
                common,
                a: wa,
                b: wb,
                exact,
                witness: self.witness(&all),
                kind: RegionKind::Cubes,
                both_apply,
            });
        }
        out
    }

    fn condition(&self, j: usize, c: &Cell) -> Condition {
        let f = &self.space.facts[j];
        Condition {
            fact: f.name.clone(),
            cell: c.clone(),
            json: cell_json(f, c),
            variants: match (&f.kind, c) {
                (FactKind::Enum(names), Cell::Enum(vs)) => {
                    vs.iter().filter_map(|v| names.get(*v).cloned()).collect()
                }
                _ => Vec::new(),
            },
            text: describe(f, c),
        }
    }

    /// Both decisions on one project.
    fn decide_at(
        &mut self,
        cube: &[(usize, Cell)],
        target: Target,
        assume: bool,
    ) -> (Option<Decision>, Option<Decision>) {
        let mut ex = self.explorer(target, assume).with(cube);
        ex.budget = 64;
        ex.run();
        self.evaluations += ex.evaluations;
        match ex.leaves.first() {
            Some(l) if ex.leaves.len() == 1 => (Some(l.a.clone()), Some(l.b.clone())),
            _ => (None, None),
        }
    }

    fn witness(&self, cube: &[(usize, Cell)]) -> Witness {
        let mut facts = Map::new();
        let mut only_a = Vec::new();
        let mut only_b = Vec::new();
        for (j, c) in cube {
            let f = &self.space.facts[*j];
            facts.insert(f.name.clone(), cell_json(f, c));
            match (f.a.is_some(), f.b.is_some()) {
                (true, false) => only_a.push(f.name.clone()),
                (false, true) => only_b.push(f.name.clone()),
                _ => {}
            }
        }
        Witness {
            facts,
            as_of: self.as_of,
            only_a,
            only_b,
        }
    }
}

/// The projects to try as a cube's witness: its representative, and one per variant of each
/// enum cell that allows several (at most 24).
fn expansions(cube: &[(usize, Cell)]) -> Vec<Cube> {
    let mut out: Vec<Cube> = vec![Vec::new()];
    for (j, c) in cube {
        let options: Vec<Cell> = match c {
            Cell::Enum(vs) if vs.len() > 1 => vs.iter().map(|v| Cell::Enum(vec![*v])).collect(),
            other => vec![other.clone()],
        };
        let mut next = Vec::new();
        for prefix in &out {
            for o in &options {
                if next.len() >= 24 {
                    break;
                }
                let mut x = prefix.clone();
                x.push((*j, o.clone()));
                next.push(x);
            }
        }
        out = next;
    }
    out
}

/// A cube: one cell per joint fact.
type Cube = Vec<(usize, Cell)>;
/// A cube with the facts that complete its witness (sampled values, scope).
type Completed = (Cube, Cube);

fn sorted(mut cube: Vec<(usize, Cell)>) -> Vec<(usize, Cell)> {
    cube.sort_by_key(|(j, _)| *j);
    cube
}

fn sampled_facts(space: &Space, leaves: &[Leaf]) -> Vec<String> {
    let mut v: Vec<String> = leaves
        .iter()
        .flat_map(|l| l.cube.iter())
        .filter(|(_, c)| matches!(c, Cell::Sample(_)))
        .map(|(j, _)| space.facts[*j].name.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn searched_how(sampled: &[String], as_of: NaiveDate, truncated: bool) -> String {
    let mut s = format!(
        "searched, not proven: {} took the values tried — for a date, the day before, on and after the end of every period the rules count (from the dates already chosen, or back from the evaluation date {as_of}), and not happened; for a year, {} and the years around it; for an amount computed with, the cells at the constants",
        sampled.join(", "),
        chrono::Datelike::year(&as_of)
    );
    if truncated {
        s.push_str("; the search stopped at its budget");
    }
    s
}

/// Merge cubes that are equal except in one fact whose cells join (adjacent intervals, variants
/// of an enum, both values of a bool), until nothing merges.
fn merge(space: &Space, mut cubes: Vec<Completed>) -> Vec<Completed> {
    loop {
        let mut merged = false;
        'outer: for i in 0..cubes.len() {
            for k in i + 1..cubes.len() {
                if let Some(m) = join(space, &cubes[i].0, &cubes[k].0) {
                    cubes[i].0 = m;
                    cubes.remove(k);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            break;
        }
    }
    cubes
}

fn join(space: &Space, x: &[(usize, Cell)], y: &[(usize, Cell)]) -> Option<Vec<(usize, Cell)>> {
    if x.len() != y.len() || x.iter().zip(y).any(|((a, _), (b, _))| a != b) {
        return None;
    }
    let diff: Vec<usize> = (0..x.len()).filter(|i| x[*i].1 != y[*i].1).collect();
    if diff.len() != 1 {
        return None;
    }
    let i = diff[0];
    let j = x[i].0;
    let joined = join_cells(&space.facts[j].kind, &x[i].1, &y[i].1)?;
    let mut out = x.to_vec();
    match joined {
        Some(c) => out[i].1 = c,
        None => {
            out.remove(i);
        }
    }
    Some(out)
}

/// The union of two cells of one fact when it is a cell again: `Some(None)` for the whole
/// domain (the condition disappears).
fn join_cells(kind: &FactKind, a: &Cell, b: &Cell) -> Option<Option<Cell>> {
    match (a, b) {
        (Cell::Bool(x), Cell::Bool(y)) if x != y => Some(None),
        (Cell::Happened(x), Cell::Happened(y)) if x != y => Some(None),
        (Cell::Enum(x), Cell::Enum(y)) => {
            let mut v = x.clone();
            for e in y {
                if !v.contains(e) {
                    v.push(*e);
                }
            }
            v.sort();
            let all = matches!(kind, FactKind::Enum(names) if names.len() == v.len());
            Some(if all { None } else { Some(Cell::Enum(v)) })
        }
        (
            Cell::Num {
                lo: l1,
                hi: h1,
                rep: r1,
            },
            Cell::Num {
                lo: l2,
                hi: h2,
                rep: r2,
            },
        ) => {
            let touch = |h: &Option<(Decimal, bool)>, l: &Option<(Decimal, bool)>| match (h, l) {
                (Some((hv, hi)), Some((lv, li))) => hv == lv && (hi ^ li),
                _ => false,
            };
            let whole = |lo: &Option<(Decimal, bool)>, hi: &Option<(Decimal, bool)>| {
                hi.is_none() && matches!(lo, Some((z, true)) if z.is_zero())
            };
            let (lo, hi, rep) = if touch(h1, l2) {
                (*l1, *h2, *r1)
            } else if touch(h2, l1) {
                (*l2, *h1, *r2)
            } else {
                return None;
            };
            Some(if whole(&lo, &hi) {
                None
            } else {
                Some(Cell::Num { lo, hi, rep })
            })
        }
        _ => None,
    }
}

fn amount(kind: &FactKind, d: Decimal) -> String {
    match kind {
        FactKind::Num(crate::ir::NumKind::Money) => format_money(d),
        FactKind::Num(crate::ir::NumKind::Percent) => format_percent(d),
        _ => d.normalize().to_string(),
    }
}

/// A condition in words: `500万元 ≤ construction_investment < 1000万元`.
pub fn describe(f: &space::JointFact, c: &Cell) -> String {
    let n = &f.name;
    match c {
        Cell::Bool(true) => n.clone(),
        Cell::Bool(false) => format!("not {n}"),
        Cell::Enum(vs) => {
            let FactKind::Enum(names) = &f.kind else {
                return n.clone();
            };
            let vs: Vec<&str> = vs
                .iter()
                .filter_map(|v| names.get(*v))
                .map(String::as_str)
                .collect();
            if vs.len() == 1 {
                format!("{n} = {}", vs[0])
            } else {
                format!("{n} ∈ {{{}}}", vs.join(", "))
            }
        }
        Cell::Num { lo, hi, .. } => {
            let k = &f.kind;
            match (lo, hi) {
                (Some((l, true)), Some((h, true))) if l == h => format!("{n} = {}", amount(k, *l)),
                (Some((l, li)), Some((h, hi))) if !(l.is_zero() && *li) => format!(
                    "{} {} {n} {} {}",
                    amount(k, *l),
                    if *li { "≤" } else { "<" },
                    if *hi { "≤" } else { "<" },
                    amount(k, *h)
                ),
                (_, Some((h, hi))) => {
                    format!("{n} {} {}", if *hi { "≤" } else { "<" }, amount(k, *h))
                }
                (Some((l, li)), None) => {
                    format!("{n} {} {}", if *li { "≥" } else { ">" }, amount(k, *l))
                }
                (None, None) => n.clone(),
            }
        }
        Cell::Happened(true) => format!("{n} happened"),
        Cell::Happened(false) => format!("{n} has not happened"),
        Cell::Sample(s) => match s {
            SampleValue::Date(d) => format!("{n} = {d} (tried)"),
            SampleValue::NotHappened => format!("{n}: not happened (tried)"),
            SampleValue::Int(i) => format!("{n} = {i} (tried)"),
            SampleValue::Amount(d) => format!("{n} = {} (tried)", amount(&f.kind, *d)),
            SampleValue::Dates(ds) => format!(
                "{n} = [{}] (tried)",
                ds.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}

/// A cell's representative as `tiao eval` reads it.
pub fn cell_json(f: &space::JointFact, c: &Cell) -> J {
    let num = |d: Decimal| -> J {
        match &f.kind {
            FactKind::Num(crate::ir::NumKind::Money) => J::String(format_money(d)),
            FactKind::Num(crate::ir::NumKind::Percent) => J::String(format_percent(d)),
            FactKind::Num(crate::ir::NumKind::Int) => json!(i64::try_from(d.trunc()).unwrap_or(0)),
            _ => J::String(d.normalize().to_string()),
        }
    };
    match c {
        Cell::Bool(b) => J::Bool(*b),
        Cell::Enum(vs) => match &f.kind {
            FactKind::Enum(names) => vs
                .first()
                .and_then(|v| names.get(*v))
                .map_or(J::Null, |n| J::String(n.clone())),
            _ => J::Null,
        },
        Cell::Num { rep, .. } => num(*rep),
        Cell::Happened(b) => J::Bool(*b),
        Cell::Sample(s) => match s {
            SampleValue::Date(d) => J::String(d.to_string()),
            SampleValue::NotHappened => J::Bool(false),
            SampleValue::Int(i) => json!(i),
            SampleValue::Amount(d) => num(*d),
            SampleValue::Dates(ds) => {
                J::Array(ds.iter().map(|d| J::String(d.to_string())).collect())
            }
        },
    }
}

impl Diff {
    /// Entries that differ (changed, only in one).
    pub fn changed(&self) -> impl Iterator<Item = &Entry> {
        self.concepts
            .iter()
            .chain(self.obligations.iter())
            .filter(|e| e.status != Status::Same && e.status != Status::Equivalent)
    }

    /// Every region of the report with the entry it belongs to (applicability first).
    pub fn all_regions(&self) -> Vec<(&Entry, &Region)> {
        self.applicability
            .iter()
            .chain(self.concepts.iter())
            .chain(self.obligations.iter())
            .flat_map(|e| e.regions.iter().map(move |r| (e, r)))
            .collect()
    }

    /// The entry of a concept or duty by name.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.applicability
            .iter()
            .chain(self.concepts.iter())
            .chain(self.obligations.iter())
            .find(|e| e.name == name)
    }
}

/// Whether a project (facts by name, as `tiao eval` reads them) lies in a region's cube.
pub fn in_region(region: &Region, facts: &Map<String, J>) -> bool {
    region.cubes.iter().any(|cube| in_cube(cube, facts))
}

/// Whether a project lies in one cube.
pub fn in_cube(cube: &[Condition], facts: &Map<String, J>) -> bool {
    cube.iter().all(|c| {
        let Some(v) = facts.get(&c.fact) else {
            return false;
        };
        match &c.cell {
            Cell::Bool(b) => v.as_bool() == Some(*b),
            Cell::Happened(b) => match v {
                J::Bool(x) => x == b,
                J::String(_) => *b,
                _ => false,
            },
            Cell::Enum(_) => v
                .as_str()
                .is_some_and(|s| c.variants.iter().any(|x| x == s)),
            Cell::Num { lo, hi, .. } => json_amount(v).is_some_and(|d| {
                lo.is_none_or(|(l, inc)| if inc { d >= l } else { d > l })
                    && hi.is_none_or(|(h, inc)| if inc { d <= h } else { d < h })
            }),
            Cell::Sample(_) => *v == c.json,
        }
    })
}

/// An amount as the facts JSON writes it (`"500万元"`, `"15%"`, a number).
pub fn json_amount(v: &J) -> Option<Decimal> {
    match v {
        J::Number(n) => n.to_string().parse().ok(),
        J::String(s) => crate::eval::facts::parse_money(s)
            .or_else(|_| crate::eval::facts::parse_percent(s))
            .ok()
            .or_else(|| s.parse().ok()),
        _ => None,
    }
}

/// The JSON of a diff (`tiao.diff/1`).
pub fn to_json(d: &Diff) -> J {
    let pol = |p: &PolicyRef| json!({ "id": p.id, "title": p.title, "jurisdiction": p.jurisdiction, "level": p.level, "number": p.number, "in_force": p.in_force });
    json!({
        "schema": SCHEMA,
        "a": pol(&d.a),
        "b": pol(&d.b),
        "as_of": d.as_of.to_string(),
        "in_force": d.in_force,
        "applicability": d.applicability.as_ref().map(entry_json),
        "concepts": d.concepts.iter().map(entry_json).collect::<Vec<_>>(),
        "obligations": d.obligations.iter().map(entry_json).collect::<Vec<_>>(),
    })
}

fn rule_json(r: &RuleView) -> J {
    json!({ "rule_id": r.rule_id, "policy": r.policy, "article": r.article, "cite": r.cite, "kind": r.kind, "rule": r.source, "short": r.short, "text": r.text })
}

pub fn entry_json(e: &Entry) -> J {
    let mut m = Map::new();
    m.insert("name".into(), J::String(e.name.clone()));
    m.insert(
        "kind".into(),
        J::String(
            if e.obligation {
                "obligation"
            } else {
                "concept"
            }
            .into(),
        ),
    );
    if let Some(d) = &e.doc {
        m.insert("doc".into(), J::String(d.clone()));
    }
    m.insert("status".into(), J::String(e.status.word().into()));
    m.insert("a".into(), J::Array(e.a.iter().map(rule_json).collect()));
    m.insert("b".into(), J::Array(e.b.iter().map(rule_json).collect()));
    m.insert(
        "changes".into(),
        J::Array(
            e.changes
                .iter()
                .map(|c| json!({ "what": c.what, "a": c.a, "b": c.b, "text": c.text() }))
                .collect(),
        ),
    );
    if !e.obligation {
        m.insert("gated".into(), json!({ "a": e.gated.0, "b": e.gated.1 }));
    }
    m.insert(
        "proof".into(),
        match &e.proof {
            Proof::Exact => json!({ "exact": true }),
            Proof::Searched { how } => json!({ "exact": false, "how": how }),
        },
    );
    m.insert(
        "regions".into(),
        J::Array(
            e.regions
                .iter()
                .map(|r| {
                    json!({
                        "cubes": r.cubes.iter().map(|k| k.iter().map(|c| c.text.clone()).collect::<Vec<_>>()).collect::<Vec<_>>(),
                        "common": r.common.iter().map(|c| c.text.clone()).collect::<Vec<_>>(),
                        "a": { "key": r.a.key, "shown": r.a.shown },
                        "b": { "key": r.b.key, "shown": r.b.shown },
                        "exact": r.exact,
                        "both_apply": r.both_apply,
                        "witness": { "facts": r.witness.facts, "as_of": r.witness.as_of.to_string(), "only_a": r.witness.only_a, "only_b": r.witness.only_b },
                    })
                })
                .collect(),
        ),
    );
    if e.truncated {
        m.insert("truncated".into(), J::Bool(true));
    }
    J::Object(m)
}

/// Whether a concept collects reasons (compared by whether some reason holds).
pub fn is_reasons(p: &Program, name: &str) -> bool {
    p.concept_id(name)
        .is_some_and(|c| p.concept(c).ty == Type::Reasons)
}

//! `ir::validate`: the invariants every backend may rely on, checked on a whole program.
//!
//! The checker guarantees them; this pass re-checks them independently (in debug builds after
//! every check, and in the test suite on every bundled policy), so that a hole in the checker is
//! found as a named violation rather than as a wrong verdict in some backend.
//!
//! - every id (fact, concept, obligation, enum, record, field) is in range;
//! - every expression's type is the one its operator produces from its operands' types;
//! - every constant's value has the expression's type;
//! - a rule's value has its concept's type, every condition is a bool, every deadline counts a
//!   duration from a date, and an act is a date fact (a set of dates for per-instance duties).

use super::*;
use crate::source::Span;

/// Every violation found, with the span of the offending node.
pub fn validate(p: &Program) -> Vec<(Span, String)> {
    let mut v = Validator {
        p,
        problems: Vec::new(),
    };
    for c in &p.concepts {
        if let Some(d) = &c.default {
            v.expr(d);
            v.want(d, &c.ty, "a default");
        }
        for r in &c.rules {
            v.expr(&r.value);
            v.want(&r.value, &c.ty, "a definition's value");
            if let Some(w) = &r.when {
                v.expr(w);
                v.want(w, &Type::Bool, "a condition");
            }
        }
        if !c.reasons.is_empty() && c.ty != Type::Reasons {
            v.problems.push((
                c.span,
                format!("reasons for `{}`, which is not a reasons concept", c.name),
            ));
        }
        for r in &c.reasons {
            v.expr(&r.when);
            v.want(&r.when, &Type::Bool, "a reason's condition");
        }
    }
    for o in &p.obligations {
        for r in &o.rules {
            v.obligation(r);
        }
    }
    if let Some(s) = p.scope {
        if p.concepts
            .get(s.0 as usize)
            .is_none_or(|c| c.ty != Type::Bool)
        {
            v.problems.push((
                Span::default(),
                "the scope concept is not a bool concept".into(),
            ));
        }
    }
    for (f, val) in &p.presumptions {
        match p.facts.get(f.0 as usize) {
            Some(def) if v.value_has_type(val, &def.ty) => {}
            _ => v
                .problems
                .push((Span::default(), "a presumption of the wrong type".into())),
        }
    }
    v.problems
}

struct Validator<'p> {
    p: &'p Program,
    problems: Vec<(Span, String)>,
}

fn num_type(k: NumKind) -> Type {
    match k {
        NumKind::Int => Type::Int,
        NumKind::Decimal => Type::Decimal,
        NumKind::Money => Type::Money,
        NumKind::Percent => Type::Percent,
    }
}

impl Validator<'_> {
    fn want(&mut self, e: &Expr, ty: &Type, what: &str) {
        if &e.ty != ty {
            self.problems.push((
                e.span,
                format!("{what} of type {:?} where {:?} is required", e.ty, ty),
            ));
        }
    }

    fn value_has_type(&self, v: &Value, ty: &Type) -> bool {
        match (v, ty) {
            (Value::Bool(_), Type::Bool)
            | (Value::Int(_), Type::Int)
            | (Value::Decimal(_), Type::Decimal)
            | (Value::Money(_), Type::Money)
            | (Value::Percent(_), Type::Percent)
            | (Value::Date(_), Type::Date)
            | (Value::Duration(_), Type::Duration)
            | (Value::Text(_), Type::Text) => true,
            (Value::Enum(e, i), Type::Enum(id)) => {
                *e == id.0
                    && self
                        .p
                        .enums
                        .get(*e as usize)
                        .is_some_and(|d| (*i as usize) < d.variants.len())
            }
            (Value::Set(items), Type::Set(t)) => items.iter().all(|x| self.value_has_type(x, t)),
            (Value::Record(fields), Type::Record(r)) => {
                self.p.records.get(r.0 as usize).is_some_and(|d| {
                    d.fields.len() == fields.len()
                        && d.fields
                            .iter()
                            .zip(fields)
                            .all(|((_, t), x)| self.value_has_type(x, t))
                })
            }
            _ => false,
        }
    }

    fn cmp_kind_matches(&self, k: CmpKind, ty: &Type) -> bool {
        match k {
            CmpKind::Num(n) => num_type(n) == *ty,
            CmpKind::Date => *ty == Type::Date,
            CmpKind::Duration => *ty == Type::Duration,
            CmpKind::Bool => *ty == Type::Bool,
            CmpKind::Text => *ty == Type::Text,
            CmpKind::Enum => matches!(ty, Type::Enum(_)),
            CmpKind::Set => matches!(ty, Type::Set(_)),
            CmpKind::Record => matches!(ty, Type::Record(_)),
        }
    }

    fn obligation(&mut self, r: &ObligationRule) {
        let Some(act) = self.p.facts.get(r.act.0 as usize) else {
            self.problems
                .push((r.span, "an act fact out of range".into()));
            return;
        };
        let per_instance = match &r.deadline {
            Deadline::Yearly { .. } => true,
            Deadline::Within { after, .. } | Deadline::Between { after, .. } => {
                matches!(after, Trigger::Each(_))
            }
            Deadline::By { .. } => false,
        };
        let act_ty = if per_instance {
            Type::Set(Box::new(Type::Date))
        } else {
            Type::Date
        };
        if act.ty != act_ty {
            self.problems.push((
                r.span,
                format!("an act of type {:?}, expected {act_ty:?}", act.ty),
            ));
        }
        if let Some(w) = &r.when {
            self.expr(w);
            self.want(w, &Type::Bool, "a duty's condition");
        }
        let trigger = |this: &mut Self, t: &Trigger| match t {
            Trigger::One(e) => {
                this.expr(e);
                this.want(e, &Type::Date, "a trigger");
            }
            Trigger::Each(e) => {
                this.expr(e);
                this.want(e, &Type::Set(Box::new(Type::Date)), "an `each` trigger");
            }
        };
        match &r.deadline {
            Deadline::Within { period, after } => {
                self.expr(period);
                self.want(period, &Type::Duration, "a period");
                trigger(self, after);
            }
            Deadline::Between { from, to, after } => {
                for e in [from, to] {
                    self.expr(e);
                    self.want(e, &Type::Duration, "a period");
                }
                trigger(self, after);
            }
            Deadline::By { date } => {
                self.expr(date);
                self.want(date, &Type::Date, "a due date");
            }
            Deadline::Yearly {
                month,
                day,
                from,
                until,
            } => {
                if NaiveDate::from_ymd_opt(2023, *month, *day).is_none() {
                    self.problems.push((
                        r.span,
                        format!("a yearly due day {month}-{day} that is not in every year"),
                    ));
                }
                for e in std::iter::once(from).chain(until.iter()) {
                    self.expr(e);
                    self.want(e, &Type::Date, "a yearly duty's start or end");
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        use ExprKind as K;
        let bad = |this: &mut Self, what: String| this.problems.push((e.span, what));
        match &e.kind {
            K::Const(v) => {
                if !self.value_has_type(v, &e.ty) {
                    bad(self, format!("a constant {v} typed {:?}", e.ty));
                }
            }
            K::Fact(f) => match self.p.facts.get(f.0 as usize) {
                Some(d) if d.ty == e.ty => {}
                Some(_) => bad(self, "a fact read with another type".into()),
                None => bad(self, "a fact out of range".into()),
            },
            K::Concept(c) => match self.p.concepts.get(c.0 as usize) {
                Some(d) if d.ty == e.ty => {}
                Some(_) => bad(self, "a concept read with another type".into()),
                None => bad(self, "a concept out of range".into()),
            },
            K::AsOf => {
                if e.ty != Type::Date {
                    bad(self, "as_of not typed date".into());
                }
            }
            K::Field(base, i) => {
                self.expr(base);
                let ok = match &base.ty {
                    Type::Record(r) => self
                        .p
                        .records
                        .get(r.0 as usize)
                        .and_then(|d| d.fields.get(*i as usize))
                        .is_some_and(|(_, t)| *t == e.ty),
                    _ => false,
                };
                if !ok {
                    bad(
                        self,
                        "a record field of the wrong type or out of range".into(),
                    );
                }
            }
            K::Not(x) => {
                self.expr(x);
                self.want(x, &Type::Bool, "the operand of `not`");
                self.want(e, &Type::Bool, "`not`");
            }
            K::And(a, b) | K::Or(a, b) => {
                self.expr(a);
                self.expr(b);
                self.want(a, &Type::Bool, "an operand of `and`/`or`");
                self.want(b, &Type::Bool, "an operand of `and`/`or`");
                self.want(e, &Type::Bool, "`and`/`or`");
            }
            K::Neg(k, x) => {
                self.expr(x);
                let t = num_type(*k);
                self.want(x, &t, "the operand of `-`");
                self.want(e, &t, "`-`");
            }
            K::Cmp(op, kind, a, b) => {
                self.expr(a);
                self.expr(b);
                if !self.cmp_kind_matches(*kind, &a.ty) || a.ty != b.ty {
                    bad(
                        self,
                        format!("a comparison {kind:?} of {:?} and {:?}", a.ty, b.ty),
                    );
                }
                if op.ordered()
                    && !matches!(kind, CmpKind::Num(_) | CmpKind::Date | CmpKind::Duration)
                {
                    bad(self, format!("an ordered comparison of {kind:?}"));
                }
                self.want(e, &Type::Bool, "a comparison");
            }
            K::Arith(op, a, b) => {
                self.expr(a);
                self.expr(b);
                let (l, r, out) = match op {
                    ArithOp::Add(k) | ArithOp::Sub(k) => (num_type(*k), num_type(*k), num_type(*k)),
                    ArithOp::Mul(k) => (num_type(*k), num_type(*k), num_type(*k)),
                    ArithOp::DivDecimal => (Type::Decimal, Type::Decimal, Type::Decimal),
                    ArithOp::MoneyTimesPercent => (Type::Money, Type::Percent, Type::Money),
                    ArithOp::MoneyTimesDecimal => (Type::Money, Type::Decimal, Type::Money),
                    ArithOp::PercentTimesDecimal => (Type::Percent, Type::Decimal, Type::Percent),
                    ArithOp::MoneyDivMoney => (Type::Money, Type::Money, Type::Percent),
                    ArithOp::MoneyDivDecimal => (Type::Money, Type::Decimal, Type::Money),
                    ArithOp::DateAddPeriod => (Type::Date, Type::Duration, Type::Date),
                    ArithOp::DateSubDate => (Type::Date, Type::Date, Type::Int),
                };
                if matches!(op, ArithOp::Mul(k) if matches!(k, NumKind::Money | NumKind::Percent)) {
                    bad(self, "a product of two amounts".into());
                }
                self.want(a, &l, "a left operand");
                self.want(b, &r, "a right operand");
                self.want(e, &out, "an arithmetic result");
            }
            K::ToDecimal(x) => {
                self.expr(x);
                self.want(x, &Type::Int, "a conversion's operand");
                self.want(e, &Type::Decimal, "a conversion");
            }
            K::InList { value, set, .. } => {
                self.expr(value);
                for x in set {
                    self.expr(x);
                    self.want(x, &value.ty, "an element of a listed set");
                }
                self.want(e, &Type::Bool, "`in`");
            }
            K::InSet { value, set, .. } => {
                self.expr(value);
                self.expr(set);
                self.want(
                    set,
                    &Type::Set(Box::new(value.ty.clone())),
                    "the set of `in`",
                );
                self.want(e, &Type::Bool, "`in`");
            }
            K::If(c, t, f) => {
                self.expr(c);
                self.expr(t);
                self.expr(f);
                self.want(c, &Type::Bool, "a condition of `if`");
                self.want(t, &e.ty, "the `then` branch");
                self.want(f, &e.ty, "the `else` branch");
            }
            K::Call(b, args) => {
                for a in args {
                    self.expr(a);
                }
                let sig: (Vec<Type>, Type) = match b {
                    Builtin::Happened => (vec![Type::Date], Type::Bool),
                    Builtin::EndOfYear => (vec![Type::Date], Type::Date),
                    Builtin::Year => (vec![Type::Date], Type::Int),
                    Builtin::MakeDate => (vec![Type::Int, Type::Int, Type::Int], Type::Date),
                    Builtin::PeriodEnd => (vec![Type::Date, Type::Duration], Type::Date),
                    Builtin::Min(k) | Builtin::Max(k) => {
                        let t = match k {
                            CmpKind::Num(n) => num_type(*n),
                            CmpKind::Date => Type::Date,
                            CmpKind::Duration => Type::Duration,
                            _ => {
                                bad(self, format!("min/max of {k:?}"));
                                return;
                            }
                        };
                        (vec![t.clone(), t.clone()], t)
                    }
                };
                if *b == Builtin::Happened
                    && !matches!(args.first().map(|a| &a.kind), Some(K::Fact(_)))
                {
                    bad(self, "happened() of something other than a fact".into());
                }
                if args.len() != sig.0.len() {
                    bad(self, format!("{b:?} with {} arguments", args.len()));
                    return;
                }
                for (a, t) in args.iter().zip(&sig.0) {
                    self.want(a, t, "an argument");
                }
                self.want(e, &sig.1, "a call's result");
            }
            K::SetLit(items) => match &e.ty {
                Type::Set(t) => {
                    for x in items {
                        self.expr(x);
                        self.want(x, t, "an element of a set");
                    }
                }
                _ => bad(self, "a set literal not typed as a set".into()),
            },
            K::Duty(o, _) => {
                if self.p.obligations.get(o.0 as usize).is_none() {
                    bad(self, "a duty out of range".into());
                }
                self.want(e, &Type::Bool, "a duty test");
            }
        }
    }
}

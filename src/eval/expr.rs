//! Evaluating one expression: the operator table of the IR over three-valued values.

use super::facts::Slot;
use super::{Blocked, EvalError, Evaluator, Outcome, RuleRef, Tri, Why};
use crate::calendar::{add_period_unrolled, period_end};
use crate::ir::{ArithOp, Builtin, CmpKind, CmpOp, Expr, ExprKind, NumKind};
use crate::value::{Value, period_cmp};
use chrono::{Datelike, Days, NaiveDate};
use rust_decimal::Decimal;
use std::cmp::Ordering;

type R = Result<Tri, EvalError>;

fn internal(at: &RuleRef, what: &'static str) -> EvalError {
    EvalError::Internal {
        at: at.clone(),
        what,
    }
}

fn why(t: &Tri) -> Why {
    match t {
        Tri::Known(_) => Why::default(),
        Tri::Unknown(w) => w.clone(),
    }
}

fn union(a: &Tri, b: &Tri) -> Why {
    why(a).union(&why(b))
}

/// What is known about a date: `lo ≤ d ≤ hi` (None: unbounded).
type Range = (Option<NaiveDate>, Option<NaiveDate>);

fn date_range(t: &Tri) -> Option<Range> {
    match t {
        Tri::Known(Value::Date(d)) => Some((Some(*d), Some(*d))),
        Tri::Unknown(w) => Some((w.lo, w.hi)),
        Tri::Known(_) => None,
    }
}

/// A comparison of two dates decided from what is known of them, if that suffices.
fn decide_dates(op: CmpOp, (xlo, xhi): Range, (ylo, yhi): Range) -> Option<bool> {
    let lt = |a: Option<NaiveDate>, b: Option<NaiveDate>| a.zip(b).map(|(a, b)| a < b);
    let le = |a: Option<NaiveDate>, b: Option<NaiveDate>| a.zip(b).map(|(a, b)| a <= b);
    // x entirely before y, entirely after, or neither
    let before = lt(xhi, ylo) == Some(true);
    let before_or_touch = le(xhi, ylo) == Some(true);
    let after = lt(yhi, xlo) == Some(true);
    let after_or_touch = le(yhi, xlo) == Some(true);
    match op {
        CmpOp::Lt if before => Some(true),
        CmpOp::Lt if after_or_touch => Some(false),
        CmpOp::Le if before_or_touch => Some(true),
        CmpOp::Le if after => Some(false),
        CmpOp::Gt if after => Some(true),
        CmpOp::Gt if before_or_touch => Some(false),
        CmpOp::Ge if after_or_touch => Some(true),
        CmpOp::Ge if before => Some(false),
        CmpOp::Eq if before || after => Some(false),
        CmpOp::Ne if before || after => Some(true),
        _ => None,
    }
}

fn bounded(w: Why, lo: Option<NaiveDate>, hi: Option<NaiveDate>) -> Tri {
    match (lo, hi) {
        (Some(a), Some(b)) if a == b => Tri::Known(Value::Date(a)),
        _ => Tri::Unknown(Why { lo, hi, ..w }),
    }
}

fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::Decimal(d) | Value::Money(d) | Value::Percent(d) => Some(*d),
        _ => None,
    }
}

fn rewrap(k: NumKind, d: Decimal) -> Value {
    match k {
        NumKind::Money => Value::Money(d),
        NumKind::Percent => Value::Percent(d),
        NumKind::Decimal | NumKind::Int => Value::Decimal(d),
    }
}

/// The order of two known values of one comparison kind.
fn order(kind: CmpKind, a: &Value, b: &Value, at: &RuleRef) -> Result<Option<Ordering>, EvalError> {
    Ok(match (kind, a, b) {
        (CmpKind::Num(NumKind::Int), Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (CmpKind::Num(_), x, y) => match (dec(x), dec(y)) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => return Err(internal(at, "a number of the wrong kind")),
        },
        (CmpKind::Date, Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (CmpKind::Duration, Value::Duration(x), Value::Duration(y)) => period_cmp(*x, *y),
        (CmpKind::Date | CmpKind::Duration, _, _) => {
            return Err(internal(at, "a comparison of values of the wrong kind"));
        }
        // equality only
        (_, x, y) => Some(if x == y {
            Ordering::Equal
        } else {
            Ordering::Less
        }),
    })
}

impl Evaluator<'_> {
    pub(super) fn expr(&mut self, e: &Expr, at: &RuleRef) -> R {
        use Tri::{Known, Unknown};
        Ok(match &e.kind {
            ExprKind::Const(v) => Known(v.clone()),
            ExprKind::AsOf => Known(Value::Date(self.as_of)),
            ExprKind::Fact(f) => match self.facts.slot(*f) {
                Slot::Known(v) => Known(v.clone()),
                Slot::Unknown => Unknown(Why::fact(*f)),
                // happened, date not given: on or before the evaluation date
                Slot::Happened => Unknown(Why {
                    hi: Some(self.as_of),
                    ..Why::fact(*f)
                }),
                // not happened as of the evaluation date: after it, or never
                Slot::NotHappened => Unknown(Why {
                    lo: self.as_of.checked_add_days(Days::new(1)),
                    ..Why::fact(*f)
                }),
            },
            ExprKind::Concept(c) => {
                let id = *c;
                match &self.concept(id).outcome {
                    Outcome::Value(v) => Known(v.clone()),
                    Outcome::Unknown(w) => Unknown(w.clone().without_bounds()),
                    Outcome::Error(err) => return Err(err.clone()),
                    Outcome::NotApplicable => Unknown(Why {
                        blocked: vec![(id, Blocked::NotApplicable)],
                        ..Why::default()
                    }),
                    Outcome::OutOfScope => Unknown(Why {
                        blocked: vec![(id, Blocked::OutOfScope)],
                        ..Why::default()
                    }),
                    Outcome::Conflict(..) => Unknown(Why {
                        blocked: vec![(id, Blocked::Conflict)],
                        ..Why::default()
                    }),
                }
            }
            ExprKind::Field(base, i) => match self.expr(base, at)? {
                Known(Value::Record(fields)) => match fields.get(*i as usize) {
                    Some(v) => Known(v.clone()),
                    None => return Err(internal(at, "a record field out of range")),
                },
                Known(_) => return Err(internal(at, "a field of something not a record")),
                u => u,
            },
            ExprKind::Not(x) => match self.expr(x, at)? {
                Known(Value::Bool(b)) => Known(Value::Bool(!b)),
                Known(_) => return Err(internal(at, "`not` of something not true or false")),
                Unknown(w) => Unknown(w.without_bounds()),
            },
            ExprKind::And(a, b) => self.logic(a, b, false, at)?,
            ExprKind::Or(a, b) => self.logic(a, b, true, at)?,
            ExprKind::Neg(k, x) => match self.expr(x, at)? {
                Known(v) => Known(match (k, v) {
                    (NumKind::Int, Value::Int(i)) => Value::Int(
                        i.checked_neg()
                            .ok_or(EvalError::Overflow {
                                at: at.clone(),
                                operation: format!("-({i})"),
                            })?,
                    ),
                    (k, v) => match dec(&v) {
                        Some(d) => rewrap(*k, -d),
                        None => return Err(internal(at, "`-` of something not a number")),
                    },
                }),
                u => u,
            },
            ExprKind::ToDecimal(x) => match self.expr(x, at)? {
                Known(Value::Int(i)) => Known(Value::Decimal(Decimal::from(i))),
                Known(_) => return Err(internal(at, "a conversion of something not an int")),
                u => u,
            },
            ExprKind::Cmp(op, kind, a, b) => {
                let x = self.expr(a, at)?;
                let y = self.expr(b, at)?;
                match (&x, &y) {
                    (Known(l), Known(r)) => {
                        let holds = match order(*kind, l, r, at)? {
                            Some(ord) => op.holds(ord),
                            None if !op.ordered() => *op == CmpOp::Ne,
                            None => {
                                let (Value::Duration(a), Value::Duration(b)) = (l, r) else {
                                    return Err(internal(at, "an unordered comparison"));
                                };
                                return Err(EvalError::Incomparable {
                                    at: at.clone(),
                                    a: *a,
                                    b: *b,
                                });
                            }
                        };
                        Known(Value::Bool(holds))
                    }
                    _ => {
                        let decided = match (kind, date_range(&x), date_range(&y)) {
                            (CmpKind::Date, Some(rx), Some(ry)) => decide_dates(*op, rx, ry),
                            _ => None,
                        };
                        match decided {
                            Some(b) => Known(Value::Bool(b)),
                            None => Unknown(union(&x, &y)),
                        }
                    }
                }
            }
            ExprKind::Arith(op, a, b) => {
                let x = self.expr(a, at)?;
                let y = self.expr(b, at)?;
                match (&x, &y) {
                    (Known(l), Known(r)) => Known(arith(*op, l, r, at)?),
                    (Unknown(w), Known(Value::Duration(p))) if *op == ArithOp::DateAddPeriod => {
                        // a date known only by its bounds keeps them, shifted
                        let shift =
                            |d: Option<NaiveDate>| d.and_then(|d| add_period_unrolled(d, *p));
                        bounded(w.clone(), shift(w.lo), shift(w.hi))
                    }
                    _ => Unknown(union(&x, &y)),
                }
            }
            ExprKind::InList {
                value,
                set,
                negated,
            } => {
                let v = self.expr(value, at)?;
                let Known(v) = v else {
                    return Ok(Unknown(why(&v).without_bounds()));
                };
                let mut waits = Why::default();
                let mut open = false;
                let mut found = false;
                for s in set {
                    match self.expr(s, at)? {
                        Known(x) => {
                            found |= x == v
                                || matches!((&x, &v), (Value::Duration(a), Value::Duration(b))
                                    if period_cmp(*a, *b) == Some(Ordering::Equal));
                        }
                        Unknown(w) => {
                            waits = waits.union(&w);
                            open = true;
                        }
                    }
                }
                if found || !open {
                    Known(Value::Bool(found != *negated))
                } else {
                    Unknown(waits)
                }
            }
            ExprKind::InSet {
                value,
                set,
                negated,
            } => {
                let v = self.expr(value, at)?;
                let s = self.expr(set, at)?;
                match (&v, &s) {
                    (Known(x), Known(Value::Set(items))) => {
                        Known(Value::Bool(items.contains(x) != *negated))
                    }
                    (Known(_), Known(_)) => {
                        return Err(internal(at, "membership in something not a set"));
                    }
                    _ => Unknown(union(&v, &s)),
                }
            }
            ExprKind::If(c, t, f) => match self.expr(c, at)? {
                Known(Value::Bool(true)) => self.expr(t, at)?,
                Known(Value::Bool(false)) => self.expr(f, at)?,
                Known(_) => return Err(internal(at, "an `if` on something not true or false")),
                Unknown(w) => {
                    let a = self.expr(t, at)?;
                    let b = self.expr(f, at)?;
                    if a == b && matches!(a, Known(_)) {
                        a
                    } else {
                        let all = w.union(&union(&a, &b));
                        // both branches dates: the result lies between their bounds
                        match (date_range(&a), date_range(&b)) {
                            (Some((alo, ahi)), Some((blo, bhi))) => {
                                let lo = alo.zip(blo).map(|(x, y)| x.min(y));
                                let hi = ahi.zip(bhi).map(|(x, y)| x.max(y));
                                bounded(all, lo, hi)
                            }
                            _ => Unknown(all),
                        }
                    }
                }
            },
            ExprKind::Call(b, args) => self.call(*b, args, at)?,
            ExprKind::SetLit(items) => {
                let mut out = Vec::new();
                let mut waits = Why::default();
                let mut open = false;
                for x in items {
                    match self.expr(x, at)? {
                        Known(v) => out.push(v),
                        Unknown(w) => {
                            waits = waits.union(&w);
                            open = true;
                        }
                    }
                }
                if open {
                    Unknown(waits)
                } else {
                    out.sort();
                    out.dedup();
                    Known(Value::Set(out))
                }
            }
            ExprKind::Duty(o, test) => self.duty_test(*o, *test)?,
        })
    }

    /// Kleene `and` (`absorbing` false) and `or` (`absorbing` true).
    fn logic(&mut self, a: &Expr, b: &Expr, absorbing: bool, at: &RuleRef) -> R {
        let x = self.expr(a, at)?;
        let as_bool = |t: &Tri| match t {
            Tri::Known(Value::Bool(v)) => Ok(Some(*v)),
            Tri::Known(_) => Err(internal(at, "`and`/`or` of something not true or false")),
            Tri::Unknown(_) => Ok(None),
        };
        if as_bool(&x)? == Some(absorbing) {
            return Ok(x);
        }
        let y = self.expr(b, at)?;
        Ok(match (as_bool(&x)?, as_bool(&y)?) {
            (_, Some(v)) if v == absorbing => y,
            (Some(_), Some(_)) => y,
            _ => Tri::Unknown(union(&x, &y)),
        })
    }

    fn call(&mut self, b: Builtin, args: &[Expr], at: &RuleRef) -> R {
        use Tri::{Known, Unknown};
        if b == Builtin::Happened {
            let Some(ExprKind::Fact(f)) = args.first().map(|a| &a.kind) else {
                return Err(internal(at, "happened() of something not a fact"));
            };
            return Ok(match self.facts.slot(*f) {
                Slot::Known(Value::Date(d)) => Known(Value::Bool(*d <= self.as_of)),
                Slot::Known(_) => return Err(internal(at, "happened() of a fact not a date")),
                Slot::Happened => Known(Value::Bool(true)),
                Slot::NotHappened => Known(Value::Bool(false)),
                Slot::Unknown => Unknown(Why::fact(*f)),
            });
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.expr(a, at)?);
        }
        if let (Builtin::Min(CmpKind::Date) | Builtin::Max(CmpKind::Date), [x, y]) =
            (b, vals.as_slice())
        {
            if matches!(x, Unknown(_)) || matches!(y, Unknown(_)) {
                return Ok(min_max_dates(b, x, y));
            }
        }
        if vals.iter().any(|v| matches!(v, Unknown(_))) {
            let mut w = Why::default();
            for v in &vals {
                w = w.union(&why(v));
            }
            return Ok(Unknown(w));
        }
        let known: Vec<Value> = vals
            .into_iter()
            .filter_map(|v| match v {
                Known(v) => Some(v),
                Unknown(_) => None,
            })
            .collect();
        let bad = || EvalError::BadDate { at: at.clone() };
        Ok(Known(match (b, known.as_slice()) {
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
            (Builtin::Min(k) | Builtin::Max(k), [x, y]) => {
                let ord = match order(k, x, y, at)? {
                    Some(o) => o,
                    None => {
                        let (Value::Duration(a), Value::Duration(b)) = (x, y) else {
                            return Err(internal(at, "min/max of values without an order"));
                        };
                        return Err(EvalError::Incomparable {
                            at: at.clone(),
                            a: *a,
                            b: *b,
                        });
                    }
                };
                let first = if matches!(b, Builtin::Min(_)) {
                    ord.is_le()
                } else {
                    ord.is_ge()
                };
                if first { x.clone() } else { y.clone() }
            }
            (Builtin::PeriodEnd, [Value::Date(d), Value::Duration(p)]) => {
                Value::Date(period_end(self.cal, *d, *p).map_err(EvalError::Calendar)?)
            }
            _ => {
                return Err(internal(
                    at,
                    "a built-in called with arguments of the wrong kind",
                ));
            }
        }))
    }
}

/// `min`/`max` of dates where one or both are known only by bounds.
fn min_max_dates(b: Builtin, x: &Tri, y: &Tri) -> Tri {
    let (Some((xlo, xhi)), Some((ylo, yhi))) = (date_range(x), date_range(y)) else {
        return Tri::Unknown(union(x, y));
    };
    let w = union(x, y);
    let max_opt = |a: Option<NaiveDate>, b: Option<NaiveDate>, unbounded_wins: bool| match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (Some(a), None) | (None, Some(a)) if !unbounded_wins => Some(a),
        _ => None,
    };
    let min_opt = |a: Option<NaiveDate>, b: Option<NaiveDate>, unbounded_wins: bool| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (Some(a), None) | (None, Some(a)) if !unbounded_wins => Some(a),
        _ => None,
    };
    match b {
        // max(x, y) ≥ max(lo) and ≤ max(hi) (unbounded above if either is)
        Builtin::Max(_) => bounded(w, max_opt(xlo, ylo, false), max_opt(xhi, yhi, true)),
        // min(x, y) ≥ min(lo) (unbounded below if either is) and ≤ min(hi)
        _ => bounded(w, min_opt(xlo, ylo, true), min_opt(xhi, yhi, false)),
    }
}

fn arith(op: ArithOp, l: &Value, r: &Value, at: &RuleRef) -> Result<Value, EvalError> {
    let overflow = || EvalError::Overflow {
        at: at.clone(),
        operation: format!("{l} {} {r}", op.symbol()),
    };
    let zero = || EvalError::DivisionByZero { at: at.clone() };
    let wrong = || internal(at, "an arithmetic operand of the wrong kind");
    let d = |v: &Value| dec(v).ok_or_else(wrong);
    Ok(match op {
        ArithOp::Add(NumKind::Int) | ArithOp::Sub(NumKind::Int) | ArithOp::Mul(NumKind::Int) => {
            let (Value::Int(a), Value::Int(b)) = (l, r) else {
                return Err(wrong());
            };
            Value::Int(
                match op {
                    ArithOp::Add(_) => a.checked_add(*b),
                    ArithOp::Sub(_) => a.checked_sub(*b),
                    _ => a.checked_mul(*b),
                }
                .ok_or_else(overflow)?,
            )
        }
        ArithOp::Add(k) => rewrap(k, d(l)?.checked_add(d(r)?).ok_or_else(overflow)?),
        ArithOp::Sub(k) => rewrap(k, d(l)?.checked_sub(d(r)?).ok_or_else(overflow)?),
        ArithOp::Mul(k) => rewrap(k, d(l)?.checked_mul(d(r)?).ok_or_else(overflow)?),
        ArithOp::DivDecimal | ArithOp::MoneyDivMoney | ArithOp::MoneyDivDecimal => {
            let b = d(r)?;
            if b.is_zero() {
                return Err(zero());
            }
            let v = d(l)?.checked_div(b).ok_or_else(overflow)?;
            match op {
                ArithOp::MoneyDivMoney => Value::Percent(v),
                ArithOp::MoneyDivDecimal => Value::Money(v),
                _ => Value::Decimal(v),
            }
        }
        ArithOp::MoneyTimesPercent | ArithOp::MoneyTimesDecimal => {
            Value::Money(d(l)?.checked_mul(d(r)?).ok_or_else(overflow)?)
        }
        ArithOp::PercentTimesDecimal => {
            Value::Percent(d(l)?.checked_mul(d(r)?).ok_or_else(overflow)?)
        }
        ArithOp::DateAddPeriod => {
            let (Value::Date(a), Value::Duration(p)) = (l, r) else {
                return Err(wrong());
            };
            Value::Date(add_period_unrolled(*a, *p).ok_or(EvalError::BadDate { at: at.clone() })?)
        }
        ArithOp::DateSubDate => {
            let (Value::Date(a), Value::Date(b)) = (l, r) else {
                return Err(wrong());
            };
            Value::Int((*a - *b).num_days())
        }
    })
}

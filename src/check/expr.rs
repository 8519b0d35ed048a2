//! Typing expressions: every operator of the syntax becomes an IR operator specialised by the
//! types of its operands (`>=` on money is `Cmp(Ge, Num(Money))`, `*` of money by a percent is
//! `MoneyTimesPercent`), and an int used as a decimal gets an explicit `ToDecimal`.

use super::{CheckError, Checker, Env};
use crate::ir::{
    self, ArithOp, BUILTINS, Builtin, CmpKind, CmpOp, ConceptId, DutyTest, EnumId, FactId, NumKind,
    ObligationId, Type,
};
use crate::resolve::Symbol;
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, ExprKind, UnOp};
use crate::value::Value;

fn mk(kind: ir::ExprKind, ty: Type, span: Span) -> ir::Expr {
    ir::Expr { kind, ty, span }
}

fn num_kind(t: &Type) -> Option<NumKind> {
    Some(match t {
        Type::Int => NumKind::Int,
        Type::Decimal => NumKind::Decimal,
        Type::Money => NumKind::Money,
        Type::Percent => NumKind::Percent,
        _ => return None,
    })
}

fn cmp_kind(t: &Type) -> Option<CmpKind> {
    Some(match t {
        Type::Int | Type::Decimal | Type::Money | Type::Percent => CmpKind::Num(num_kind(t)?),
        Type::Date => CmpKind::Date,
        Type::Duration => CmpKind::Duration,
        Type::Bool => CmpKind::Bool,
        Type::Text => CmpKind::Text,
        Type::Enum(_) => CmpKind::Enum,
        Type::Set(_) => CmpKind::Set,
        Type::Record(_) => CmpKind::Record,
        Type::Reasons => return None,
    })
}

fn is_plain_number(t: &Type) -> bool {
    matches!(t, Type::Int | Type::Decimal)
}

fn to_decimal(e: ir::Expr) -> ir::Expr {
    if e.ty == Type::Int {
        let span = e.span;
        mk(ir::ExprKind::ToDecimal(Box::new(e)), Type::Decimal, span)
    } else {
        e
    }
}

fn cmp_op(op: BinOp) -> Option<CmpOp> {
    Some(match op {
        BinOp::Eq => CmpOp::Eq,
        BinOp::Ne => CmpOp::Ne,
        BinOp::Lt => CmpOp::Lt,
        BinOp::Le => CmpOp::Le,
        BinOp::Gt => CmpOp::Gt,
        BinOp::Ge => CmpOp::Ge,
        _ => return None,
    })
}

impl Checker<'_, '_> {
    /// Type an expression. `hint` is the type the context wants (used for bare enum variants
    /// and for number literals).
    pub(super) fn expr(&mut self, env: &Env, e: &ast::Expr, hint: Option<&Type>) -> ir::Expr {
        use ir::ExprKind as K;
        let span = e.span;
        match &e.kind {
            ExprKind::Bool(b) => mk(K::Const(Value::Bool(*b)), Type::Bool, span),
            ExprKind::Number(n) => {
                let as_int = (n.fract().is_zero() && hint != Some(&Type::Decimal))
                    .then(|| i64::try_from(*n).ok())
                    .flatten();
                match as_int {
                    Some(i) => mk(K::Const(Value::Int(i)), Type::Int, span),
                    None => mk(K::Const(Value::Decimal(*n)), Type::Decimal, span),
                }
            }
            ExprKind::Money(m) => mk(K::Const(Value::Money(*m)), Type::Money, span),
            ExprKind::Percent(p) => mk(K::Const(Value::Percent(*p)), Type::Percent, span),
            ExprKind::Date(d) => mk(K::Const(Value::Date(*d)), Type::Date, span),
            ExprKind::Duration(p) => mk(K::Const(Value::Duration(*p)), Type::Duration, span),
            ExprKind::Str(s) => mk(K::Const(Value::Text(s.clone())), Type::Text, span),
            ExprKind::Name(id) => self.name(env, id, hint),
            ExprKind::Field(base, field) => self.field(env, base, field, span),
            ExprKind::Unary(UnOp::Not, x) => {
                let x = self.condition(env, x);
                mk(K::Not(Box::new(x)), Type::Bool, span)
            }
            ExprKind::Unary(UnOp::Neg, x) => {
                let x = self.expr(env, x, hint);
                let ty = x.ty.clone();
                match num_kind(&x.ty) {
                    Some(k) => mk(K::Neg(k, Box::new(x)), ty, span),
                    None => {
                        if !self.poisoned.contains(&x.span) {
                            let t = self.tw(&x.ty);
                            self.errors.push(CheckError::BadOperands {
                                span,
                                op: "-",
                                left: "nothing".into(),
                                right: t,
                            });
                        }
                        self.placeholder(span, ty)
                    }
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(env, *op, a, b, span),
            ExprKind::Member {
                value,
                set,
                negated,
            } => self.in_set(env, value, set, *negated, span),
            ExprKind::In {
                value,
                set,
                negated,
            } => {
                let v = self.expr(env, value, None);
                let items: Vec<ir::Expr> = set
                    .iter()
                    .map(|x| {
                        let xi = self.expr(env, x, Some(&v.ty));
                        let want = v.ty.clone();
                        self.coerce(xi, &want, "an element of the set")
                    })
                    .collect();
                mk(
                    K::InList {
                        value: Box::new(v),
                        set: items,
                        negated: *negated,
                    },
                    Type::Bool,
                    span,
                )
            }
            ExprKind::If(c, t, f) => {
                let c = self.condition(env, c);
                let t = self.expr(env, t, hint);
                let f = self.expr(env, f, Some(&t.ty));
                let want = t.ty.clone();
                let f = self.coerce(
                    f,
                    &want,
                    "the `else` branch (it must match the `then` branch)",
                );
                mk(K::If(Box::new(c), Box::new(t), Box::new(f)), want, span)
            }
            ExprKind::Call(name, args) => self.call(env, name, args, span),
            ExprKind::Set(items) => {
                let inner_hint = match hint {
                    Some(Type::Set(t)) => Some((**t).clone()),
                    _ => None,
                };
                let xs: Vec<ir::Expr> = items
                    .iter()
                    .map(|x| self.expr(env, x, inner_hint.as_ref()))
                    .collect();
                let ty = xs
                    .first()
                    .map(|x| x.ty.clone())
                    .or(inner_hint)
                    .unwrap_or(Type::Bool);
                let xs = xs
                    .into_iter()
                    .map(|x| self.coerce(x, &ty, "an element of the set"))
                    .collect();
                mk(K::SetLit(xs), Type::Set(Box::new(ty)), span)
            }
            ExprKind::DutyTest {
                duty,
                negated,
                test,
            } => {
                let Some(Symbol::Obligation(o)) = self.r.names.get(&duty.name).copied() else {
                    // resolve reported the name
                    return self.placeholder(span, Type::Bool);
                };
                let Some(t) = DutyTest::ALL
                    .iter()
                    .find(|(w, _)| *w == test.name)
                    .map(|(_, t)| *t)
                else {
                    return self.internal(span, "a duty status the grammar does not produce");
                };
                let e = mk(K::Duty(ObligationId(o), t), Type::Bool, span);
                if *negated {
                    mk(K::Not(Box::new(e)), Type::Bool, span)
                } else {
                    e
                }
            }
        }
    }

    fn field(&mut self, env: &Env, base: &ast::Expr, field: &ast::Ident, span: Span) -> ir::Expr {
        use ir::ExprKind as K;
        if let ExprKind::Name(b) = &base.kind {
            if let Some(Symbol::Enum(eid)) = self.r.names.get(&b.name).copied() {
                return match self.enums[eid as usize]
                    .variants
                    .iter()
                    .position(|(n, _)| *n == field.name)
                {
                    Some(v) => mk(
                        K::Const(Value::Enum(eid, v as u32)),
                        Type::Enum(EnumId(eid)),
                        span,
                    ),
                    // resolve reported the unknown variant
                    None => self.placeholder(span, Type::Enum(EnumId(eid))),
                };
            }
        }
        let b = self.expr(env, base, None);
        match &b.ty {
            Type::Record(rid) => {
                let rec = &self.records[rid.0 as usize];
                match rec.fields.iter().position(|(n, _)| *n == field.name) {
                    Some(i) => {
                        let ty = rec.fields[i].1.clone();
                        mk(K::Field(Box::new(b), i as u32), ty, span)
                    }
                    None => {
                        let record = rec.name.clone();
                        self.errors.push(CheckError::NoSuchField {
                            span: field.span,
                            record,
                            field: field.name.clone(),
                        });
                        self.placeholder(span, Type::Bool)
                    }
                }
            }
            other => {
                let found = self.tw(other);
                self.errors.push(CheckError::NoSuchField {
                    span: field.span,
                    record: found,
                    field: field.name.clone(),
                });
                self.placeholder(span, Type::Bool)
            }
        }
    }

    fn in_set(
        &mut self,
        env: &Env,
        value: &ast::Expr,
        set: &ast::Expr,
        negated: bool,
        span: Span,
    ) -> ir::Expr {
        let s = self.expr(env, set, None);
        let element = match &s.ty {
            Type::Set(t) => Some((**t).clone()),
            _ => None,
        };
        let v = self.expr(env, value, element.as_ref());
        let v = match element {
            Some(t) => self.coerce(v, &t, "an element tested for membership"),
            None => {
                if !self.poisoned.contains(&s.span) {
                    let found = self.tw(&s.ty);
                    let expected = format!("a set of {}", self.tw(&v.ty));
                    self.errors.push(CheckError::TypeMismatch {
                        span: s.span,
                        expected,
                        found,
                        context: "the right side of `in`",
                    });
                }
                v
            }
        };
        mk(
            ir::ExprKind::InSet {
                value: Box::new(v),
                set: Box::new(s),
                negated,
            },
            Type::Bool,
            span,
        )
    }

    fn name(&mut self, env: &Env, id: &ast::Ident, hint: Option<&Type>) -> ir::Expr {
        use ir::ExprKind as K;
        if id.name == "as_of" && !self.r.names.contains_key("as_of") {
            return mk(K::AsOf, Type::Date, id.span);
        }
        match self.r.names.get(&id.name).copied() {
            Some(Symbol::Fact(f)) => mk(
                K::Fact(FactId(f)),
                env.facts[f as usize].ty.clone(),
                id.span,
            ),
            Some(Symbol::Concept(c)) => mk(
                K::Concept(ConceptId(c)),
                env.concepts_ty[c as usize].clone(),
                id.span,
            ),
            Some(other) => {
                self.errors.push(CheckError::TypeMismatch {
                    span: id.span,
                    expected: "a value".into(),
                    found: other.kind_word().into(),
                    context: match other {
                        Symbol::Obligation(_) => {
                            "an obligation used as a value (test it: `NAME is overdue`)"
                        }
                        _ => "a name used as a value",
                    },
                });
                self.placeholder(id.span, Type::Bool)
            }
            None => {
                let candidates = self.r.variants.get(&id.name).cloned().unwrap_or_default();
                let chosen = match (hint, candidates.as_slice()) {
                    (Some(Type::Enum(want)), _) => {
                        candidates.iter().find(|(e, _)| *e == want.0).copied()
                    }
                    // unambiguous without a hint (resolve rejected ambiguous bare variants)
                    (_, [only]) => Some(*only),
                    _ => None,
                };
                match chosen {
                    Some((e, v)) => mk(K::Const(Value::Enum(e, v)), Type::Enum(EnumId(e)), id.span),
                    // unknown names were reported by the resolver
                    None => self.placeholder(id.span, Type::Bool),
                }
            }
        }
    }

    fn binary(
        &mut self,
        env: &Env,
        op: BinOp,
        a: &ast::Expr,
        b: &ast::Expr,
        span: Span,
    ) -> ir::Expr {
        use ir::ExprKind as K;
        if matches!(op, BinOp::And | BinOp::Or) {
            let x = self.condition(env, a);
            let y = self.condition(env, b);
            let kind = if op == BinOp::And {
                K::And(Box::new(x), Box::new(y))
            } else {
                K::Or(Box::new(x), Box::new(y))
            };
            return mk(kind, Type::Bool, span);
        }
        let x = self.expr(env, a, None);
        let y = self.expr(env, b, Some(&x.ty));
        if self.poisoned.contains(&x.span) || self.poisoned.contains(&y.span) {
            let ty = if cmp_op(op).is_some() {
                Type::Bool
            } else {
                x.ty.clone()
            };
            return self.placeholder(span, ty);
        }
        if let Some(cop) = cmp_op(op) {
            return self.comparison(cop, x, y, span);
        }
        let (arith, x, y, ty) = match (op, &x.ty, &y.ty) {
            (BinOp::Add | BinOp::Sub, Type::Money, Type::Money)
            | (BinOp::Add | BinOp::Sub, Type::Percent, Type::Percent)
            | (BinOp::Add | BinOp::Sub, Type::Int, Type::Int) => {
                let k = num_kind(&x.ty).unwrap_or(NumKind::Int);
                let ty = x.ty.clone();
                let a = if op == BinOp::Add {
                    ArithOp::Add(k)
                } else {
                    ArithOp::Sub(k)
                };
                (a, x, y, ty)
            }
            (BinOp::Add | BinOp::Sub, l, r) if is_plain_number(l) && is_plain_number(r) => {
                let a = if op == BinOp::Add {
                    ArithOp::Add(NumKind::Decimal)
                } else {
                    ArithOp::Sub(NumKind::Decimal)
                };
                (a, to_decimal(x), to_decimal(y), Type::Decimal)
            }
            (BinOp::Add, Type::Date, Type::Duration) => (ArithOp::DateAddPeriod, x, y, Type::Date),
            (BinOp::Sub, Type::Date, Type::Date) => (ArithOp::DateSubDate, x, y, Type::Int),
            (BinOp::Mul, Type::Int, Type::Int) => (ArithOp::Mul(NumKind::Int), x, y, Type::Int),
            (BinOp::Mul, l, r) if is_plain_number(l) && is_plain_number(r) => (
                ArithOp::Mul(NumKind::Decimal),
                to_decimal(x),
                to_decimal(y),
                Type::Decimal,
            ),
            (BinOp::Mul, Type::Money, Type::Percent) => {
                (ArithOp::MoneyTimesPercent, x, y, Type::Money)
            }
            (BinOp::Mul, Type::Percent, Type::Money) => {
                (ArithOp::MoneyTimesPercent, y, x, Type::Money)
            }
            (BinOp::Mul, Type::Money, r) if is_plain_number(r) => {
                (ArithOp::MoneyTimesDecimal, x, to_decimal(y), Type::Money)
            }
            (BinOp::Mul, l, Type::Money) if is_plain_number(l) => {
                (ArithOp::MoneyTimesDecimal, y, to_decimal(x), Type::Money)
            }
            (BinOp::Mul, Type::Percent, r) if is_plain_number(r) => (
                ArithOp::PercentTimesDecimal,
                x,
                to_decimal(y),
                Type::Percent,
            ),
            (BinOp::Mul, l, Type::Percent) if is_plain_number(l) => (
                ArithOp::PercentTimesDecimal,
                y,
                to_decimal(x),
                Type::Percent,
            ),
            (BinOp::Div, Type::Money, Type::Money) => (ArithOp::MoneyDivMoney, x, y, Type::Percent),
            (BinOp::Div, Type::Money, r) if is_plain_number(r) => {
                (ArithOp::MoneyDivDecimal, x, to_decimal(y), Type::Money)
            }
            (BinOp::Div, l, r) if is_plain_number(l) && is_plain_number(r) => (
                ArithOp::DivDecimal,
                to_decimal(x),
                to_decimal(y),
                Type::Decimal,
            ),
            _ => {
                let ty = x.ty.clone();
                self.bad(op.symbol(), &x, &y, span);
                return self.placeholder(span, ty);
            }
        };
        mk(K::Arith(arith, Box::new(x), Box::new(y)), ty, span)
    }

    fn comparison(&mut self, op: CmpOp, x: ir::Expr, y: ir::Expr, span: Span) -> ir::Expr {
        let (x, y) = if x.ty != y.ty && is_plain_number(&x.ty) && is_plain_number(&y.ty) {
            (to_decimal(x), to_decimal(y))
        } else {
            (x, y)
        };
        if x.ty != y.ty {
            if x.ty == Type::Money && y.ty == Type::Percent {
                self.errors
                    .push(CheckError::PercentWhereMoney { span: y.span });
            } else if y.ty == Type::Money && x.ty == Type::Percent {
                self.errors
                    .push(CheckError::PercentWhereMoney { span: x.span });
            } else if is_plain_number(&y.ty)
                && matches!(x.ty, Type::Money | Type::Percent | Type::Duration)
            {
                let expected = self.tw(&x.ty);
                self.errors.push(CheckError::NumberWithoutUnit {
                    span: y.span,
                    expected,
                });
            } else {
                self.bad(op.symbol(), &x, &y, span);
            }
            return self.placeholder(span, Type::Bool);
        }
        let kind = match cmp_kind(&x.ty) {
            Some(k @ (CmpKind::Num(_) | CmpKind::Date | CmpKind::Duration)) => k,
            Some(k) if !op.ordered() => k,
            _ => {
                self.bad(op.symbol(), &x, &y, span);
                return self.placeholder(span, Type::Bool);
            }
        };
        mk(
            ir::ExprKind::Cmp(op, kind, Box::new(x), Box::new(y)),
            Type::Bool,
            span,
        )
    }

    fn bad(&mut self, op: &'static str, x: &ir::Expr, y: &ir::Expr, span: Span) {
        if x.ty == Type::Money && is_plain_number(&y.ty) && matches!(op, "+" | "-") {
            self.errors.push(CheckError::NumberWithoutUnit {
                span: y.span,
                expected: "money".into(),
            });
        } else {
            let (l, r) = (self.tw(&x.ty), self.tw(&y.ty));
            self.errors.push(CheckError::BadOperands {
                span,
                op,
                left: l,
                right: r,
            });
        }
    }

    fn call(&mut self, env: &Env, name: &ast::Ident, args: &[ast::Expr], span: Span) -> ir::Expr {
        use ir::ExprKind as K;
        let Some(&(_, arity, _)) = BUILTINS.iter().find(|(n, _, _)| *n == name.name) else {
            // resolve reported it
            return self.placeholder(span, Type::Bool);
        };
        let result = |n: &str| match n {
            "end_of_year" | "date" | "period_end" => Type::Date,
            "year" => Type::Int,
            _ => Type::Bool,
        };
        if args.len() != arity {
            self.errors.push(CheckError::WrongArity {
                span,
                name: name.name.clone(),
                expected: arity,
                found: args.len(),
            });
            // keep the call's own result type so that no second error follows from this one
            return self.placeholder(span, result(&name.name));
        }
        match name.name.as_str() {
            "happened" => {
                let x = self.expr(env, &args[0], None);
                let is_date_fact = matches!(x.kind, K::Fact(_)) && x.ty == Type::Date;
                if !is_date_fact && !self.poisoned.contains(&x.span) {
                    self.errors
                        .push(CheckError::HappenedNeedsDateFact { span: args[0].span });
                }
                mk(K::Call(Builtin::Happened, vec![x]), Type::Bool, span)
            }
            "end_of_year" => {
                let x = self.date_expr(env, &args[0]);
                mk(K::Call(Builtin::EndOfYear, vec![x]), Type::Date, span)
            }
            "year" => {
                let x = self.date_expr(env, &args[0]);
                mk(K::Call(Builtin::Year, vec![x]), Type::Int, span)
            }
            "date" => {
                let xs: Vec<ir::Expr> = args
                    .iter()
                    .map(|a| {
                        let x = self.expr(env, a, Some(&Type::Int));
                        self.coerce(x, &Type::Int, "an argument of date(year, month, day)")
                    })
                    .collect();
                mk(K::Call(Builtin::MakeDate, xs), Type::Date, span)
            }
            "period_end" => {
                let d = self.date_expr(env, &args[0]);
                let p = self.period(env, &args[1]);
                mk(K::Call(Builtin::PeriodEnd, vec![d, p]), Type::Date, span)
            }
            "min" | "max" => {
                let x = self.expr(env, &args[0], None);
                let y = self.expr(env, &args[1], Some(&x.ty));
                let (x, y) = if x.ty != y.ty && is_plain_number(&x.ty) && is_plain_number(&y.ty) {
                    (to_decimal(x), to_decimal(y))
                } else {
                    (x, y)
                };
                let want = x.ty.clone();
                let y = self.coerce(y, &want, "the second argument (it must match the first)");
                let kind = match cmp_kind(&want) {
                    Some(k @ (CmpKind::Num(_) | CmpKind::Date | CmpKind::Duration)) => k,
                    _ => {
                        if !self.poisoned.contains(&x.span) {
                            let t = self.tw(&want);
                            self.errors.push(CheckError::BadOperands {
                                span,
                                op: if name.name == "min" { "min" } else { "max" },
                                left: t.clone(),
                                right: t,
                            });
                        }
                        return self.placeholder(span, want);
                    }
                };
                let b = if name.name == "min" {
                    Builtin::Min(kind)
                } else {
                    Builtin::Max(kind)
                };
                mk(K::Call(b, vec![x, y]), want, span)
            }
            _ => self.internal(
                span,
                "a built-in function the table lists but the checker does not know",
            ),
        }
    }

    pub(super) fn condition(&mut self, env: &Env, e: &ast::Expr) -> ir::Expr {
        let x = self.expr(env, e, Some(&Type::Bool));
        if x.ty != Type::Bool && !self.poisoned.contains(&x.span) {
            let found = self.tw(&x.ty);
            self.errors.push(CheckError::ConditionNotBool {
                span: x.span,
                found,
            });
            return self.placeholder(x.span, Type::Bool);
        }
        x
    }

    pub(super) fn date_expr(&mut self, env: &Env, e: &ast::Expr) -> ir::Expr {
        let x = self.expr(env, e, Some(&Type::Date));
        if x.ty != Type::Date && !self.poisoned.contains(&x.span) {
            let found = self.tw(&x.ty);
            self.errors.push(CheckError::DeadlineNotDate {
                span: x.span,
                found,
            });
            return self.placeholder(x.span, Type::Date);
        }
        x
    }

    pub(super) fn period(&mut self, env: &Env, e: &ast::Expr) -> ir::Expr {
        let x = self.expr(env, e, Some(&Type::Duration));
        if x.ty != Type::Duration && !self.poisoned.contains(&x.span) {
            if is_plain_number(&x.ty) && matches!(x.kind, ir::ExprKind::Const(_)) {
                self.errors.push(CheckError::NumberWithoutUnit {
                    span: x.span,
                    expected: "duration".into(),
                });
            } else {
                let found = self.tw(&x.ty);
                self.errors.push(CheckError::PeriodNotDuration {
                    span: x.span,
                    found,
                });
            }
            return self.placeholder(x.span, Type::Duration);
        }
        x
    }

    /// `e` as a value of type `want`: an int where a decimal is wanted is converted; anything
    /// else of the wrong type is an error (reported once, then a placeholder of the right type).
    pub(super) fn coerce(&mut self, e: ir::Expr, want: &Type, context: &'static str) -> ir::Expr {
        if &e.ty == want {
            return e;
        }
        if *want == Type::Decimal && e.ty == Type::Int {
            return to_decimal(e);
        }
        if self.poisoned.contains(&e.span) {
            return self.placeholder(e.span, want.clone());
        }
        if *want == Type::Money && e.ty == Type::Percent {
            self.errors
                .push(CheckError::PercentWhereMoney { span: e.span });
        } else if matches!(
            e.kind,
            ir::ExprKind::Const(Value::Int(_)) | ir::ExprKind::Const(Value::Decimal(_))
        ) && matches!(want, Type::Money | Type::Percent | Type::Duration)
        {
            self.errors.push(CheckError::NumberWithoutUnit {
                span: e.span,
                expected: self.tw(want),
            });
        } else {
            let (expected, found) = (self.tw(want), self.tw(&e.ty));
            self.errors.push(CheckError::TypeMismatch {
                span: e.span,
                expected,
                found,
                context,
            });
        }
        self.placeholder(e.span, want.clone())
    }
}

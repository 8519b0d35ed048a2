//! From text to AST: pest does the parsing (grammar/tiao.pest), this file builds the tree.
//!
//! Literal checking that needs no context happens here: a date that does not exist
//! (`2022-02-30`), a malformed escape. Everything about names and types is left to later phases.

use super::SyntaxError;
use super::ast::*;
use crate::calendar::Period;
use crate::source::{FileId, Span};
use chrono::NaiveDate;
use pest::Parser;
use pest::iterators::Pair;
use rust_decimal::Decimal;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/tiao.pest"]
struct TiaoParser;

/// How deep an expression may nest (brackets, `if`, `not`, calls, and one level per operator of a
/// chain such as `a or b or c`). Laws need a handful; the limit keeps every phase's recursion far
/// from the stack's end.
pub const MAX_EXPR_DEPTH: usize = 256;

/// Parse one source file.
pub fn parse(file: FileId, text: &str) -> Result<Module, Vec<SyntaxError>> {
    // the mistakes a first look names better than the grammar would
    let scanned = super::scan::scan(file, text, 20);
    if !scanned.is_empty() {
        return Err(scanned);
    }
    pest::set_error_detail(true);
    let pairs = match TiaoParser::parse(Rule::file, text) {
        Ok(p) => p,
        Err(e) => return Err(vec![pest_error(file, text, e)]),
    };
    let mut b = Builder {
        file,
        errors: Vec::new(),
        depth: 0,
    };
    let mut items = Vec::new();
    for pair in pairs {
        if pair.as_rule() == Rule::file {
            for p in pair.into_inner() {
                if p.as_rule() != Rule::EOI {
                    if let Some(item) = b.top_item(p) {
                        items.push(item);
                    }
                }
            }
        }
    }
    if b.errors.is_empty() {
        Ok(Module { file, items })
    } else {
        Err(b.errors)
    }
}

fn pest_error(file: FileId, text: &str, e: pest::error::Error<Rule>) -> SyntaxError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let positives: Vec<Rule> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    // the literal tokens the grammar would have taken here (pest's error detail)
    let literals: Vec<String> = e
        .parse_attempts()
        .map(|a| a.expected_tokens())
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.to_string())
        .filter(|t| !t.contains("..") && t != "BUILTIN_RULE")
        .filter(|t| !t.trim().is_empty() && t != "//" && t != "\u{3000}" && t != "\u{feff}")
        .collect();
    // the whole token found there, not one character
    let toks = super::lexer::tokens(text);
    let found_tok = toks
        .iter()
        .find(|t| t.span.end > pos && !matches!(t.kind, super::lexer::TokenKind::Whitespace))
        .cloned();
    let (span, found) = match &found_tok {
        Some(t) => {
            let start = t.span.start.max(pos);
            (Span::new(file, start, t.span.end), Some(text[start..t.span.end].to_string()))
        }
        None => (Span::new(file, text.len(), text.len()), None),
    };
    let punctuation: Vec<String> = literals
        .iter()
        .filter(|t| ["=", ":", "{", "}", "(", ")", ",", "=>"].contains(&t.as_str()))
        .cloned()
        .collect();
    // a bracket that could open here (a call, a set) begins a value: name the value instead
    let punctuation: Vec<String> = punctuation
        .into_iter()
        .filter(|t| t != "(" && t != "{")
        .collect();
    let found_closer = found
        .as_deref()
        .and_then(|f| f.chars().next().filter(|c| *c == ')' || *c == '}'));
    // a closing bracket with nothing open to close
    if let Some(close) = found_closer {
        let open = if close == ')' { '(' } else { '{' };
        if unclosed_opener(text, &toks, pos, open).is_none() {
            return SyntaxError::StrayCloser { span, close };
        }
    }
    // the word that completes a construct begun before (`if … then … else`, `within … after`)
    let completion = ["then", "else", "after"]
        .into_iter()
        .find(|k| literals.iter().any(|t| t == k));
    let mut expected: Vec<String> = if let Some(k) = completion {
        vec![format!("`{k}`")]
    } else if !punctuation.is_empty() && punctuation.len() <= 2 {
        let mut v: Vec<String> = punctuation.iter().map(|t| format!("`{t}`")).collect();
        // a keyword that may also stand here (`of` before the `:` of an obligation)
        v.extend(
            literals
                .iter()
                .filter(|t| ["of", "for", "when"].contains(&t.as_str()))
                .map(|t| format!("`{t}`")),
        );
        v
    } else {
        positives
            .iter()
            .filter_map(|r| describe_rule(*r))
            .map(str::to_string)
            .collect()
    };
    expected.sort();
    expected.dedup();
    // a closing bracket expected where the file ends, another bracket closes or a new article
    // begins: name the bracket left open
    let runs_on = match found.as_deref() {
        None => true,
        Some(f) => {
            found_closer.is_some() || ["article", "chapter", "policy"].contains(&f)
        }
    };
    let opener = punctuation
        .iter()
        .find(|t| *t == ")" || *t == "}")
        .filter(|_| runs_on)
        .and_then(|close| unclosed_opener(text, &toks, pos, if close == ")" { '(' } else { '{' }))
        .map(|at| Span::new(file, at, at + 1));
    SyntaxError::Unexpected {
        span,
        found,
        expected,
        opener,
    }
}

/// The innermost `open` bracket before `pos` that is not closed before it (strings and comments
/// are tokens of their own, so their brackets do not count).
fn unclosed_opener(
    text: &str,
    toks: &[super::lexer::Token],
    pos: usize,
    open: char,
) -> Option<usize> {
    let close = if open == '(' { ')' } else { '}' };
    let mut stack = Vec::new();
    for t in toks.iter().take_while(|t| t.span.start < pos) {
        if t.kind != super::lexer::TokenKind::Punct {
            continue;
        }
        match text[t.span.clone()].chars().next() {
            Some(c) if c == open => stack.push(t.span.start),
            Some(c) if c == close => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// A drafter-facing name for a grammar rule, or None for rules that would only add noise.
fn describe_rule(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::ident => "a name",
        Rule::string => "a quoted text",
        Rule::number => "a number",
        Rule::date_lit => "a date (YYYY-MM-DD)",
        Rule::money_lit => "an amount such as 20万元",
        Rule::percent_lit => "a percentage such as 15%",
        Rule::duration_lit => "a duration such as 5个工作日 or 半年",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::add_expr
        | Rule::mul_expr
        | Rule::unary
        | Rule::postfix => "a value (a name, a number, an amount such as 20万元, …)",
        Rule::cmp_op => "a comparison (==, <, >=, …)",
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::k_and => "`and`",
        Rule::k_or => "`or`",
        Rule::k_when => "`when`",
        Rule::k_after => "`after`",
        Rule::k_for => "`for`",
        Rule::k_in => "`in`",
        Rule::k_then => "`then`",
        Rule::k_else => "`else`",
        Rule::k_because => "`because`",
        Rule::deadline => "a deadline (`within …`, `between … and …`, `by …`)",
        Rule::duty_word => {
            "a duty's status (met, late, pending, overdue, breached, done, outstanding, triggered)"
        }
        Rule::k_is => "`is`",
        Rule::regardless => "`regardless of scope`",
        Rule::policy_block => "`policy`",
        Rule::chapter => "`chapter`",
        Rule::article => "`article`",
        Rule::para => "`para`",
        Rule::item => "`item`",
        Rule::rule | Rule::define_rule => "a rule (`define`, `exception`, `reason`, `obligation`)",
        Rule::obligation_rule => "`obligation`",
        Rule::repair => "`repair`",
        Rule::descriptive => "`descriptive`",
        Rule::note => "`note`",
        Rule::enum_decl
        | Rule::record_decl
        | Rule::fact_decl
        | Rule::concept_decl
        | Rule::obligation_decl => "a declaration (`fact`, `concept`, `enum`, `record`)",
        Rule::type_expr => "a type",
        Rule::variant => "an enum variant",
        Rule::EOI => "end of file",
        _ => return None,
    })
}

struct Builder {
    file: FileId,
    errors: Vec<SyntaxError>,
    /// The current expression nesting depth.
    depth: usize,
}

type P<'a> = Pair<'a, Rule>;

impl Builder {
    /// The span of a node without the whitespace and comment lines pest lets it swallow at
    /// its end (an optional clause that did not match still consumes the blank before it).
    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        let mut text = s.as_str().trim_end();
        loop {
            match text.rfind('\n') {
                Some(nl) if text[nl + 1..].trim_start().starts_with("//") => {
                    text = text[..nl].trim_end()
                }
                _ => break,
            }
        }
        Span::new(self.file, s.start(), s.start() + text.len())
    }

    fn ident(&self, p: P) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn string(&mut self, p: P) -> Str {
        let span = self.span(&p);
        let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some('"') => value.push('"'),
                Some('\\') => value.push('\\'),
                Some('u') => {
                    let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => value.push(ch),
                        None => self.errors.push(SyntaxError::BadEscape {
                            span,
                            escape: format!("\\u{{{hex}}}"),
                        }),
                    }
                }
                other => self.errors.push(SyntaxError::BadEscape {
                    span,
                    escape: format!("\\{}", other.map(String::from).unwrap_or_default()),
                }),
            }
        }
        Str { value, span }
    }

    fn date(&mut self, p: P) -> Option<NaiveDate> {
        let span = self.span(&p);
        let text = p.as_str();
        let mut parts = text.split('-').map(|x| x.parse::<u32>().ok());
        let (y, m, d) = (
            parts.next().flatten(),
            parts.next().flatten(),
            parts.next().flatten(),
        );
        let date = match (y, m, d) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        };
        if date.is_none() {
            self.errors.push(SyntaxError::BadDate {
                span,
                text: text.to_string(),
            });
        }
        date
    }

    fn number(&mut self, p: &P) -> Decimal {
        match p.as_str().parse::<Decimal>() {
            Ok(d) => d,
            Err(_) => {
                self.errors.push(SyntaxError::NumberTooLarge {
                    span: self.span(p),
                    text: p.as_str().to_string(),
                });
                Decimal::ZERO
            }
        }
    }

    fn duration(&mut self, p: P) -> Option<Period> {
        let span = self.span(&p);
        let inner = p.into_inner().next()?;
        match inner.as_rule() {
            Rule::half_year => Some(Period::half_year()),
            Rule::duration_cn | Rule::duration_en => {
                let mut it = inner.into_inner();
                let num = it.next()?;
                let unit = it.next()?;
                let amount = match num.as_str().parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => {
                        self.errors.push(SyntaxError::BadDuration {
                            span,
                            text: num.as_str().to_string(),
                        });
                        return None;
                    }
                };
                let Some(unit) = crate::value::duration_unit(
                    &unit
                        .as_str()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                ) else {
                    self.errors.push(SyntaxError::Internal {
                        span,
                        what: "a duration unit the units table does not know",
                    });
                    return None;
                };
                Some(Period { amount, unit })
            }
            _ => None,
        }
    }

    fn top_item(&mut self, p: P) -> Option<TopItem> {
        Some(match p.as_rule() {
            Rule::policy_block => TopItem::Policy(self.policy(p)),
            Rule::enum_decl => TopItem::Enum(self.enum_decl(p)),
            Rule::record_decl => TopItem::Record(self.record_decl(p)),
            Rule::fact_decl => TopItem::Fact(self.fact_decl(p)),
            Rule::concept_decl => TopItem::Concept(self.concept_decl(p)),
            Rule::obligation_decl => TopItem::Obligation(self.obligation_decl(p)),
            Rule::chapter => TopItem::Chapter(self.chapter(p)),
            Rule::article => TopItem::Article(self.article(p)),
            Rule::rule | Rule::obligation_rule => TopItem::Rule(self.rule(p)?),
            Rule::stray_text => TopItem::StrayText(self.string(p.into_inner().next()?)),
            _ => return None,
        })
    }

    fn policy(&mut self, p: P) -> PolicyHeader {
        let span = self.span(&p);
        let mut it = p.into_inner();
        it.next(); // keyword
        let name = it.next().map(|i| self.ident(i)).unwrap_or(Ident {
            name: String::new(),
            span,
        });
        let mut header = PolicyHeader {
            name,
            fields: Vec::new(),
            repairs: Vec::new(),
            notes: Vec::new(),
            span,
        };
        for entry in it {
            let espan = self.span(&entry);
            let kind = entry.as_rule();
            let mut inner = entry.into_inner();
            let field = match kind {
                Rule::repair => {
                    header.repairs.push(self.repair_from(espan, inner));
                    continue;
                }
                Rule::note => {
                    if let Some(s) = inner.nth(1) {
                        let s = self.string(s);
                        header.notes.push(s);
                    }
                    continue;
                }
                Rule::meta_title => inner.next().map(|s| MetaField::Title(self.string(s))),
                Rule::meta_number => inner.next().map(|s| MetaField::Number(self.string(s))),
                Rule::meta_issuer => inner.next().map(|s| MetaField::Issuer(self.string(s))),
                Rule::meta_replaces => inner.next().map(|s| MetaField::Replaces(self.string(s))),
                Rule::meta_based_on => inner.next().map(|s| MetaField::BasedOn(self.string(s))),
                Rule::meta_script => inner.next().map(|s| MetaField::Script(self.ident(s))),
                Rule::meta_jurisdiction => {
                    let name = inner.next().map(|s| self.string(s));
                    let level = inner.next().map(|s| self.ident(s));
                    match (name, level) {
                        (Some(name), Some(level)) => Some(MetaField::Jurisdiction { name, level }),
                        _ => None,
                    }
                }
                Rule::meta_issued => {
                    let mut field = MetaField::Issued {
                        date: None,
                        source: None,
                        not_before: None,
                        not_after: None,
                        because: None,
                        span: espan,
                    };
                    if let MetaField::Issued {
                        date,
                        source,
                        not_before,
                        not_after,
                        because,
                        ..
                    } = &mut field
                    {
                        for x in inner {
                            match x.as_rule() {
                                Rule::date_lit => *date = self.date(x),
                                Rule::issued_source => {
                                    *source = x.into_inner().next().map(|s| self.string(s))
                                }
                                Rule::issued_not_before => {
                                    *not_before = x.into_inner().next().and_then(|d| self.date(d))
                                }
                                Rule::issued_not_after => {
                                    *not_after = x.into_inner().next().and_then(|d| self.date(d))
                                }
                                Rule::issued_because => {
                                    *because = x.into_inner().nth(1).map(|s| self.string(s))
                                }
                                _ => {}
                            }
                        }
                    }
                    Some(field)
                }
                Rule::meta_transitional => {
                    let reading = inner.next().map(|i| self.ident(i));
                    let because = inner.nth(1).map(|s| self.string(s));
                    reading.map(|reading| MetaField::Transitional {
                        reading,
                        because,
                        span: espan,
                    })
                }
                Rule::meta_in_force => {
                    let mut from = InForceStart::Issued;
                    let mut end = None;
                    let mut article = None;
                    for x in inner {
                        match x.as_rule() {
                            Rule::date_lit => {
                                if let Some(d) = self.date(x) {
                                    from = InForceStart::Date(d);
                                }
                            }
                            Rule::in_force_until => {
                                if let Some(d) = x.into_inner().next().and_then(|d| self.date(d)) {
                                    end = Some(InForceEnd::Until(d));
                                }
                            }
                            Rule::in_force_article => {
                                if let Some(n) = x.into_inner().nth(1) {
                                    let span = self.span(&n);
                                    match n.as_str().parse::<u32>() {
                                        Ok(v) => article = Some((v, span)),
                                        Err(_) => self.errors.push(SyntaxError::BadArticleNumber {
                                            span,
                                            text: n.as_str().to_string(),
                                        }),
                                    }
                                }
                            }
                            Rule::in_force_for => {
                                if let Some(d) =
                                    x.into_inner().next().and_then(|d| self.duration(d))
                                {
                                    end = Some(InForceEnd::For(d));
                                }
                            }
                            _ => {}
                        }
                    }
                    Some(MetaField::InForce {
                        from,
                        end,
                        article,
                        span: espan,
                    })
                }
                Rule::meta_lineage => self.meta_lineage(espan, inner),
                Rule::meta_unknown => inner.next().map(|n| MetaField::Unknown {
                    name: self.ident(n),
                    span: espan,
                }),
                _ => None,
            };
            if let Some(f) = field {
                header.fields.push(f);
            }
        }
        header
    }

    /// `extends PARENT [from "PATH"]` / `amends EARLIER [from "PATH"]`.
    fn meta_lineage(
        &mut self,
        span: Span,
        mut inner: pest::iterators::Pairs<Rule>,
    ) -> Option<MetaField> {
        let amends = inner.next()?.as_rule() == Rule::k_amends;
        let parent = self.ident(inner.next()?);
        let from = inner
            .next()
            .and_then(|f| f.into_inner().nth(1))
            .map(|s| self.string(s));
        Some(MetaField::Lineage {
            parent,
            from,
            amends,
            span,
        })
    }

    /// `repeal article N`, `replace article N`, `override C`.
    fn lineage_rule(&mut self, p: P) -> Option<RuleKind> {
        let p = p.into_inner().next()?;
        let kind = p.as_rule();
        let mut numbers = Vec::new();
        let mut names = Vec::new();
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::number => {
                    let span = self.span(&x);
                    match x.as_str().parse::<u32>() {
                        Ok(n) => numbers.push((n, span)),
                        Err(_) => self.errors.push(SyntaxError::BadArticleNumber {
                            span,
                            text: x.as_str().to_string(),
                        }),
                    }
                }
                Rule::ident => names.push(self.ident(x)),
                _ => {}
            }
        }
        Some(match kind {
            Rule::repeal_rule => RuleKind::Repeal { articles: numbers },
            Rule::replace_rule => RuleKind::Replace {
                article: numbers.into_iter().next()?,
            },
            _ => RuleKind::Override { targets: names },
        })
    }

    fn repair_from(&mut self, span: Span, mut inner: pest::iterators::Pairs<Rule>) -> Repair {
        inner.next(); // keyword
        let empty = Str {
            value: String::new(),
            span,
        };
        let from = inner
            .next()
            .map(|s| self.string(s))
            .unwrap_or(empty.clone());
        let to = inner
            .next()
            .map(|s| self.string(s))
            .unwrap_or(empty.clone());
        inner.next(); // because
        let reason = inner.next().map(|s| self.string(s)).unwrap_or(empty);
        Repair {
            from,
            to,
            reason,
            span,
        }
    }

    fn enum_decl(&mut self, p: P) -> EnumDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = it.next().map(|i| self.ident(i)).unwrap_or(Ident {
            name: String::new(),
            span,
        });
        let mut doc = None;
        let mut variants = Vec::new();
        for x in it {
            match x.as_rule() {
                Rule::string => doc = Some(self.string(x)),
                Rule::variant => {
                    let mut v = x.into_inner();
                    if let Some(n) = v.next() {
                        let n = self.ident(n);
                        let d = v.next().map(|s| self.string(s));
                        variants.push((n, d));
                    }
                }
                _ => {}
            }
        }
        EnumDecl {
            name,
            doc,
            variants,
            span,
        }
    }

    fn record_decl(&mut self, p: P) -> RecordDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = it.next().map(|i| self.ident(i)).unwrap_or(Ident {
            name: String::new(),
            span,
        });
        let mut doc = None;
        let mut fields = Vec::new();
        for x in it {
            match x.as_rule() {
                Rule::string => doc = Some(self.string(x)),
                Rule::field_decl => {
                    let mut v = x.into_inner();
                    if let (Some(n), Some(t)) = (v.next(), v.next()) {
                        let n = self.ident(n);
                        let t = self.type_expr(t);
                        fields.push((n, t));
                    }
                }
                _ => {}
            }
        }
        RecordDecl {
            name,
            doc,
            fields,
            span,
        }
    }

    fn type_expr(&mut self, p: P) -> TypeExpr {
        let span = self.span(&p);
        let inner = p.into_inner().next();
        match inner {
            Some(x) if x.as_rule() == Rule::set_type => {
                let n = x
                    .into_inner()
                    .nth(2)
                    .map(|i| self.ident(i))
                    .unwrap_or(Ident {
                        name: String::new(),
                        span,
                    });
                TypeExpr::SetOf(n, span)
            }
            Some(x) => TypeExpr::Named(self.ident(x)),
            None => TypeExpr::Named(Ident {
                name: String::new(),
                span,
            }),
        }
    }

    fn fact_decl(&mut self, p: P) -> FactDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = it.next().map(|i| self.ident(i)).unwrap_or(Ident {
            name: String::new(),
            span,
        });
        let ty = it
            .next()
            .map(|t| self.type_expr(t))
            .unwrap_or(TypeExpr::Named(Ident {
                name: String::new(),
                span,
            }));
        let doc = it.next().map(|s| self.string(s));
        FactDecl {
            name,
            ty,
            doc,
            span,
        }
    }

    fn concept_decl(&mut self, p: P) -> ConceptDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = it.next().map(|i| self.ident(i)).unwrap_or(Ident {
            name: String::new(),
            span,
        });
        let ty = it
            .next()
            .map(|t| self.type_expr(t))
            .unwrap_or(TypeExpr::Named(Ident {
                name: String::new(),
                span,
            }));
        let mut default = None;
        let mut doc = None;
        for x in it {
            match x.as_rule() {
                Rule::expr => default = Some(self.expr(x)),
                Rule::string => doc = Some(self.string(x)),
                _ => {}
            }
        }
        ConceptDecl {
            name,
            ty,
            default,
            doc,
            span,
        }
    }

    fn obligation_decl(&mut self, p: P) -> ObligationDecl {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let name = it.next().map(|i| self.ident(i)).unwrap_or(Ident {
            name: String::new(),
            span,
        });
        let doc = it.next().map(|s| self.string(s));
        ObligationDecl { name, doc, span }
    }

    fn chapter(&mut self, p: P) -> Chapter {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let heading = it.next().map(|s| self.string(s)).unwrap_or(Str {
            value: String::new(),
            span,
        });
        let mut ch = Chapter {
            heading,
            articles: Vec::new(),
            stray_rules: Vec::new(),
            stray_text: Vec::new(),
            span,
        };
        for x in it {
            match x.as_rule() {
                Rule::article => ch.articles.push(self.article(x)),
                Rule::rule | Rule::obligation_rule => {
                    if let Some(r) = self.rule(x) {
                        ch.stray_rules.push(r);
                    }
                }
                Rule::stray_text => {
                    if let Some(s) = x.into_inner().next() {
                        let s = self.string(s);
                        ch.stray_text.push(s);
                    }
                }
                _ => {}
            }
        }
        ch
    }

    fn article(&mut self, p: P) -> Article {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let (number, number_span) = match it.next() {
            Some(n) => {
                let s = self.span(&n);
                match n.as_str().parse::<u32>() {
                    Ok(v) => (v, s),
                    Err(_) => {
                        self.errors.push(SyntaxError::BadArticleNumber {
                            span: s,
                            text: n.as_str().to_string(),
                        });
                        (0, s)
                    }
                }
            }
            None => (0, span),
        };
        let mut a = Article {
            number,
            number_span,
            parts: Vec::new(),
            rules: Vec::new(),
            repairs: Vec::new(),
            descriptive: None,
            notes: Vec::new(),
            facts: Vec::new(),
            concepts: Vec::new(),
            span,
        };
        for x in it {
            let xspan = self.span(&x);
            match x.as_rule() {
                Rule::para => {
                    let para = self.para(x);
                    a.parts.push(Part::Para(para));
                }
                Rule::item => {
                    let item = self.item(x);
                    a.parts.push(Part::Item(item));
                }
                Rule::repair => {
                    let r = self.repair_from(xspan, x.into_inner());
                    a.repairs.push(r);
                }
                Rule::descriptive => {
                    if let Some(s) = x.into_inner().nth(1) {
                        let s = self.string(s);
                        if a.descriptive.is_some() {
                            self.errors.push(SyntaxError::Repeated {
                                span: xspan,
                                what: "descriptive",
                            });
                        }
                        a.descriptive = Some(s);
                    }
                }
                Rule::note => {
                    if let Some(s) = x.into_inner().nth(1) {
                        let s = self.string(s);
                        a.notes.push(s);
                    }
                }
                Rule::fact_decl => {
                    let f = self.fact_decl(x);
                    a.facts.push(f);
                }
                Rule::concept_decl => {
                    let c = self.concept_decl(x);
                    a.concepts.push(c);
                }
                Rule::rule | Rule::obligation_rule => {
                    if let Some(r) = self.rule(x) {
                        a.rules.push(r);
                    }
                }
                _ => {}
            }
        }
        a
    }

    fn para(&mut self, p: P) -> Para {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let text = it.next().map(|s| self.string(s)).unwrap_or(Str {
            value: String::new(),
            span,
        });
        let mut para = Para {
            text,
            items: Vec::new(),
            rules: Vec::new(),
            notes: Vec::new(),
            span,
        };
        if let Some(block) = it.next() {
            for x in block.into_inner() {
                match x.as_rule() {
                    Rule::item => {
                        let item = self.item(x);
                        para.items.push(item);
                    }
                    Rule::note => {
                        if let Some(s) = x.into_inner().nth(1) {
                            let s = self.string(s);
                            para.notes.push(s);
                        }
                    }
                    Rule::rule | Rule::obligation_rule => {
                        if let Some(r) = self.rule(x) {
                            para.rules.push(r);
                        }
                    }
                    _ => {}
                }
            }
        }
        para
    }

    /// An item (项); `depth` 1 is a sub-item (目), below which nothing may nest.
    fn item(&mut self, p: P) -> Item {
        self.item_at(p, 0)
    }

    fn item_at(&mut self, p: P, depth: u8) -> Item {
        let span = self.span(&p);
        let mut it = p.into_inner().skip(1);
        let text = it.next().map(|s| self.string(s)).unwrap_or(Str {
            value: String::new(),
            span,
        });
        let mut item = Item {
            text,
            rules: Vec::new(),
            notes: Vec::new(),
            items: Vec::new(),
            span,
        };
        if let Some(block) = it.next() {
            for x in block.into_inner() {
                match x.as_rule() {
                    Rule::item if depth == 0 => {
                        let sub = self.item_at(x, 1);
                        item.items.push(sub);
                    }
                    Rule::item => {
                        let nested = self.item_at(x, 1);
                        self.errors
                            .push(SyntaxError::NestedItem { span: nested.span });
                    }
                    Rule::note => {
                        if let Some(s) = x.into_inner().nth(1) {
                            let s = self.string(s);
                            item.notes.push(s);
                        }
                    }
                    Rule::rule | Rule::obligation_rule => {
                        if let Some(r) = self.rule(x) {
                            item.rules.push(r);
                        }
                    }
                    _ => {}
                }
            }
        }
        item
    }

    fn rule(&mut self, p: P) -> Option<Rule_> {
        let whole = self.span(&p);
        let (p, regardless) = if p.as_rule() == Rule::rule {
            let mut inner = p.into_inner();
            let first = inner.next()?;
            let regardless = inner.next().map(|r| self.span(&r));
            (first, regardless)
        } else {
            (p, None)
        };
        let span = if p.as_rule() == Rule::obligation_rule {
            self.span(&p)
        } else {
            whole
        };
        let kind = p.as_rule();
        if kind == Rule::lineage_rule {
            let kind = self.lineage_rule(p)?;
            return Some(Rule_ {
                kind,
                regardless: None,
                span,
            });
        }
        let mut regardless = regardless;
        let mut it = p.into_inner().skip(1).peekable();
        let kind = match kind {
            Rule::define_rule => {
                let concept = self.ident(it.next()?);
                let value = self.expr(it.next()?);
                let when = it.nth(1).map(|w| self.expr(w));
                RuleKind::Define {
                    concept,
                    value,
                    when,
                }
            }
            Rule::exception_rule => {
                let concept = self.ident(it.next()?);
                let value = self.expr(it.next()?);
                let when = self.expr(it.nth(1)?);
                RuleKind::Exception {
                    concept,
                    value,
                    when,
                }
            }
            Rule::reason_rule => {
                let id = self.ident(it.next()?);
                let mut concepts = Vec::new();
                let mut when = None;
                for x in it {
                    match x.as_rule() {
                        Rule::ident => concepts.push(self.ident(x)),
                        Rule::expr => when = Some(self.expr(x)),
                        _ => {}
                    }
                }
                RuleKind::Reason {
                    id,
                    concepts,
                    when: when?,
                }
            }
            Rule::obligation_rule => {
                let name = self.ident(it.next()?);
                let bearer = match it.peek().map(|x| x.as_rule()) {
                    Some(Rule::bearer) => it
                        .next()
                        .and_then(|b| b.into_inner().nth(1))
                        .map(|s| self.string(s)),
                    _ => None,
                };
                let act = self.ident(it.next()?);
                let dl = it.next()?.into_inner().next()?;
                let deadline = Box::new(self.deadline(dl)?);
                let mut when = None;
                for x in it {
                    match x.as_rule() {
                        Rule::expr => when = Some(self.expr(x)),
                        Rule::regardless => regardless = Some(self.span(&x)),
                        _ => {}
                    }
                }
                RuleKind::Obligation {
                    name,
                    bearer,
                    act,
                    deadline,
                    when,
                }
            }
            _ => return None,
        };
        Some(Rule_ {
            kind,
            regardless,
            span,
        })
    }

    fn deadline(&mut self, dl: P) -> Option<Deadline> {
        let dl_rule = dl.as_rule();
        let mut d = dl.into_inner().skip(1);
        Some(match dl_rule {
            Rule::within_deadline => {
                let period = self.expr(d.next()?);
                let (after, each) = self.trigger(d)?;
                Deadline::Within {
                    period,
                    after,
                    each,
                }
            }
            Rule::between_deadline => {
                let from = self.expr(d.next()?);
                let to = self.expr(d.nth(1)?);
                let (after, each) = self.trigger(d)?;
                Deadline::Between {
                    from,
                    to,
                    after,
                    each,
                }
            }
            Rule::yearly_deadline => {
                // skip `year` and `by`
                let md = d.nth(2)?;
                let md_span = self.span(&md);
                let mut parts = md.as_str().split('-').map(|x| x.parse::<u32>().ok());
                let (month, day) = (parts.next().flatten()?, parts.next().flatten()?);
                // a day that exists in every year (02-29 does not)
                if NaiveDate::from_ymd_opt(2023, month, day).is_none() {
                    self.errors.push(SyntaxError::BadDate {
                        span: md_span,
                        text: md.as_str().to_string(),
                    });
                }
                let from = self.expr(d.nth(1)?);
                let until = d.nth(1).map(|u| self.expr(u));
                Deadline::Yearly {
                    month,
                    day,
                    from,
                    until,
                }
            }
            _ => Deadline::By {
                date: self.expr(d.next()?),
            },
        })
    }

    /// `after [each] T`: the trigger and whether it counts from each date of a set.
    fn trigger<'i>(&mut self, mut d: impl Iterator<Item = P<'i>>) -> Option<(Expr, bool)> {
        d.next(); // after
        let mut each = false;
        let mut after = None;
        for x in d {
            match x.as_rule() {
                Rule::k_each => each = true,
                _ => after = Some(self.expr(x)),
            }
        }
        Some((after?, each))
    }

    /// A stand-in for a node the grammar guarantees but the tree lacks: reported as an internal
    /// error, never passed on as a value.
    fn missing(&mut self, span: Span) -> Expr {
        self.errors.push(SyntaxError::Internal {
            span,
            what: "an expression shape the grammar does not produce",
        });
        Expr {
            kind: ExprKind::Bool(false),
            span,
        }
    }

    /// Whether a chain of `ops` operators fits under the depth limit here: each operator of
    /// `a or b or c` is one level of the tree every later phase walks. Reports the chain once.
    fn room(&mut self, ops: usize, span: Span, op: &'static str) -> bool {
        if self.depth + ops < MAX_EXPR_DEPTH {
            return true;
        }
        if !self.errors.iter().any(|e| matches!(e, SyntaxError::TooLong { .. })) {
            self.errors.push(SyntaxError::TooLong {
                span,
                terms: ops + 1,
                op,
                limit: MAX_EXPR_DEPTH,
            });
        }
        false
    }

    fn expr(&mut self, p: P) -> Expr {
        let span = self.span(&p);
        if self.depth >= MAX_EXPR_DEPTH {
            if !self.errors.iter().any(|e| matches!(e, SyntaxError::TooDeep { .. })) {
                self.errors.push(SyntaxError::TooDeep {
                    span,
                    limit: MAX_EXPR_DEPTH,
                });
            }
            return Expr {
                kind: ExprKind::Bool(false),
                span,
            };
        }
        // wrappers with one child (`expr` → `or_expr` → … → `primary`) add no depth
        let p = descend(p);
        self.depth += 1;
        let e = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_node(p, span));
        self.depth -= 1;
        e
    }

    fn expr_node(&mut self, p: P, span: Span) -> Expr {
        match p.as_rule() {
            Rule::expr | Rule::paren => match p.into_inner().next() {
                Some(x) => self.expr(x),
                None => self.missing(span),
            },
            Rule::or_expr | Rule::and_expr => {
                let op = if p.as_rule() == Rule::or_expr {
                    BinOp::Or
                } else {
                    BinOp::And
                };
                let terms: Vec<P> = p
                    .into_inner()
                    .filter(|x| !matches!(x.as_rule(), Rule::k_or | Rule::k_and))
                    .collect();
                let word = if op == BinOp::Or { "or" } else { "and" };
                if !self.room(terms.len().saturating_sub(1), span, word) {
                    return Expr {
                        kind: ExprKind::Bool(false),
                        span,
                    };
                }
                let mut it = terms.into_iter();
                let first = it.next();
                let mut acc = match first {
                    Some(f) => self.expr(f),
                    None => return self.missing(span),
                };
                for x in it {
                    let rhs = self.expr(x);
                    let s = acc.span.to(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                        span: s,
                    };
                }
                acc
            }
            Rule::not_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return self.missing(span);
                };
                if first.as_rule() == Rule::k_not {
                    let inner = it.next().map(|x| self.expr(x));
                    match inner {
                        Some(e) => Expr {
                            kind: ExprKind::Unary(UnOp::Not, Box::new(e)),
                            span,
                        },
                        None => self.missing(span),
                    }
                } else {
                    self.expr(first)
                }
            }
            Rule::cmp_expr => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return self.missing(span);
                };
                let lhs = self.expr(first);
                let Some(next) = it.next() else { return lhs };
                match next.as_rule() {
                    Rule::cmp_op => {
                        let op = match next.as_str() {
                            "==" => BinOp::Eq,
                            "!=" => BinOp::Ne,
                            "<=" => BinOp::Le,
                            ">=" => BinOp::Ge,
                            "<" => BinOp::Lt,
                            _ => BinOp::Gt,
                        };
                        let rhs = match it.next() {
                            Some(r) => self.expr(r),
                            None => return lhs,
                        };
                        Expr {
                            kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                            span,
                        }
                    }
                    Rule::duty_test => {
                        let ExprKind::Name(duty) = lhs.kind else {
                            self.errors
                                .push(SyntaxError::DutyTestOnExpression { span: lhs.span });
                            return lhs;
                        };
                        let mut negated = false;
                        let mut test = None;
                        for x in next.into_inner() {
                            match x.as_rule() {
                                Rule::k_not => negated = true,
                                Rule::duty_word => test = Some(self.ident(x)),
                                _ => {}
                            }
                        }
                        let Some(test) = test else {
                            return self.missing(span);
                        };
                        Expr {
                            kind: ExprKind::DutyTest {
                                duty,
                                negated,
                                test,
                            },
                            span,
                        }
                    }
                    Rule::k_not | Rule::k_in => {
                        let negated = next.as_rule() == Rule::k_not;
                        let Some(set) =
                            it.find(|x| matches!(x.as_rule(), Rule::set_lit | Rule::add_expr))
                        else {
                            return lhs;
                        };
                        if set.as_rule() == Rule::add_expr {
                            let set = self.expr(set);
                            return Expr {
                                kind: ExprKind::Member {
                                    value: Box::new(lhs),
                                    set: Box::new(set),
                                    negated,
                                },
                                span,
                            };
                        }
                        let items = set.into_inner().map(|x| self.expr(x)).collect();
                        Expr {
                            kind: ExprKind::In {
                                value: Box::new(lhs),
                                set: items,
                                negated,
                            },
                            span,
                        }
                    }
                    _ => lhs,
                }
            }
            Rule::add_expr | Rule::mul_expr => {
                let word = if p.as_rule() == Rule::add_expr { "+ or -" } else { "* or /" };
                if !self.room(p.clone().into_inner().count() / 2, span, word) {
                    return Expr {
                        kind: ExprKind::Bool(false),
                        span,
                    };
                }
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return self.missing(span);
                };
                let mut acc = self.expr(first);
                while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        _ => BinOp::Div,
                    };
                    let rhs = self.expr(rhs);
                    let s = acc.span.to(rhs.span);
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
                        span: s,
                    };
                }
                acc
            }
            Rule::unary => {
                let parts: Vec<P> = p.into_inner().collect();
                let negs = parts.iter().filter(|x| x.as_rule() == Rule::neg).count();
                if !self.room(negs, span, "-") {
                    return Expr {
                        kind: ExprKind::Bool(false),
                        span,
                    };
                }
                let Some(last) = parts.into_iter().last() else {
                    return self.missing(span);
                };
                let mut e = self.expr(last);
                for _ in 0..negs {
                    e = Expr {
                        kind: ExprKind::Unary(UnOp::Neg, Box::new(e)),
                        span,
                    };
                }
                e
            }
            Rule::postfix => {
                let mut it = p.into_inner();
                let Some(first) = it.next() else {
                    return self.missing(span);
                };
                let mut e = self.expr(first);
                for f in it {
                    let f = self.ident(f);
                    let s = e.span.to(f.span);
                    e = Expr {
                        kind: ExprKind::Field(Box::new(e), f),
                        span: s,
                    };
                }
                e
            }
            Rule::if_expr => {
                let mut it = p.into_inner().filter(|x| x.as_rule() == Rule::expr);
                let c = it.next().map(|x| self.expr(x));
                let t = it.next().map(|x| self.expr(x));
                let e = it.next().map(|x| self.expr(x));
                match (c, t, e) {
                    (Some(c), Some(t), Some(e)) => Expr {
                        kind: ExprKind::If(Box::new(c), Box::new(t), Box::new(e)),
                        span,
                    },
                    _ => self.missing(span),
                }
            }
            Rule::call => {
                let mut it = p.into_inner();
                let name = match it.next() {
                    Some(n) => self.ident(n),
                    None => return self.missing(span),
                };
                let args = it.map(|x| self.expr(x)).collect();
                Expr {
                    kind: ExprKind::Call(name, args),
                    span,
                }
            }
            Rule::set_lit => Expr {
                kind: ExprKind::Set(p.into_inner().map(|x| self.expr(x)).collect()),
                span,
            },
            Rule::ident => Expr {
                kind: ExprKind::Name(self.ident(p)),
                span,
            },
            Rule::bool_lit => Expr {
                kind: ExprKind::Bool(p.as_str().starts_with('t')),
                span,
            },
            Rule::string => {
                let s = self.string(p);
                Expr {
                    kind: ExprKind::Str(s.value),
                    span,
                }
            }
            Rule::number => Expr {
                kind: ExprKind::Number(self.number(&p)),
                span,
            },
            Rule::date_lit => match self.date(p) {
                Some(d) => Expr {
                    kind: ExprKind::Date(d),
                    span,
                },
                None => Expr {
                    kind: ExprKind::Bool(false),
                    span,
                },
            },
            Rule::percent_lit => {
                let n = p
                    .into_inner()
                    .next()
                    .map(|n| self.number(&n))
                    .unwrap_or_default();
                Expr {
                    kind: ExprKind::Percent(n / Decimal::ONE_HUNDRED),
                    span,
                }
            }
            Rule::money_lit => {
                let literal = p.as_str().to_string();
                let mut it = p.into_inner();
                let n = it.next().map(|n| self.number(&n)).unwrap_or_default();
                let factor = it
                    .next()
                    .and_then(|u| crate::value::money_factor(u.as_str()))
                    .unwrap_or(Decimal::ONE);
                match n.checked_mul(factor) {
                    Some(v) => Expr {
                        kind: ExprKind::Money(v),
                        span,
                    },
                    None => {
                        self.errors.push(SyntaxError::NumberTooLarge {
                            span,
                            text: literal,
                        });
                        Expr {
                            kind: ExprKind::Money(Decimal::ZERO),
                            span,
                        }
                    }
                }
            }
            Rule::duration_lit => match self.duration(p) {
                Some(d) => Expr {
                    kind: ExprKind::Duration(d),
                    span,
                },
                None => Expr {
                    kind: ExprKind::Bool(false),
                    span,
                },
            },
            _ => self.missing(span),
        }
    }
}

/// The innermost node of a chain of wrapper rules that have exactly one child and add nothing:
/// `expr`, or an `or_expr` of one `and_expr`, … down to the node that does something.
fn descend(mut p: P) -> P {
    loop {
        let passes = matches!(
            p.as_rule(),
            Rule::expr
                | Rule::or_expr
                | Rule::and_expr
                | Rule::not_expr
                | Rule::unary
                | Rule::cmp_expr
                | Rule::add_expr
                | Rule::mul_expr
                | Rule::postfix
        );
        if !passes {
            return p;
        }
        let mut inner = p.clone().into_inner();
        match (inner.next(), inner.next()) {
            (Some(only), None) => p = only,
            _ => return p,
        }
    }
}

type Rule_ = super::ast::Rule;

/// Byte ranges of the names, keywords and literals pest recognises in `text` (None if it does
/// not parse). Used to keep the logos lexer in step with the grammar.
pub fn token_spans(text: &str) -> Option<Vec<std::ops::Range<usize>>> {
    fn walk(p: Pair<Rule>, out: &mut Vec<std::ops::Range<usize>>) {
        let span = p.as_span();
        let range = span.start()..span.end();
        let name = format!("{:?}", p.as_rule());
        match p.as_rule() {
            // whole literals: one token each, do not look inside
            Rule::string
            | Rule::date_lit
            | Rule::money_lit
            | Rule::percent_lit
            | Rule::half_year
            | Rule::duration_cn
            | Rule::month_day
            | Rule::number
            | Rule::duty_word
            | Rule::ident => out.push(range),
            // `5 working days` is several tokens
            Rule::duration_en => {}
            _ if name.starts_with("k_") => out.push(range),
            _ => {
                for inner in p.into_inner() {
                    walk(inner, out);
                }
            }
        }
    }
    let pairs = TiaoParser::parse(Rule::file, text).ok()?;
    let mut out = Vec::new();
    for p in pairs {
        walk(p, &mut out);
    }
    Some(out)
}

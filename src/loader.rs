//! Compiling a policy together with the policies it extends or amends.
//!
//! A policy that says `extends jiangxi` (or `amends county_v1 from "county-v1.tiao"`) is compiled
//! with its parent, the parent's parent, and so on: every file is parsed, the chain is resolved
//! and checked as a whole ([`crate::resolve::resolve_lineage`]), and the program keeps each
//! ancestor's document so that every rule cites its own policy's article. The core stays pure:
//! a [`Loader`] supplies the texts. [`Bundled`] knows the five bundled policies (`extends
//! jiangxi` without `from`); the `tiao` binary adds the files named by `from`, relative to the
//! file that names them.
//!
//! Accepted: `extends jiangxi` (the bundled 江西 measures). Rejected: `extends hubei` (E0123: no
//! such policy), `extends jiangxi from "yantai.tiao"` (E0124: that file is `yantai`), a chain that
//! comes back to itself (E0123).

use crate::diagnostic::Diagnostic;
use crate::source::{SourceMap, Span};
use crate::syntax::ast::{MetaField, Module, TopItem};
use crate::{Compiled, check, resolve, syntax};

/// The bundled policies by id: `(id, file name, text)`.
pub const BUNDLED: &[(&str, &str, &str)] = &[
    (
        "xinzhou",
        "policies/xinzhou.tiao",
        include_str!("../policies/xinzhou.tiao"),
    ),
    (
        "yantai",
        "policies/yantai.tiao",
        include_str!("../policies/yantai.tiao"),
    ),
    (
        "tengzhou",
        "policies/tengzhou.tiao",
        include_str!("../policies/tengzhou.tiao"),
    ),
    (
        "jingle",
        "policies/jingle.tiao",
        include_str!("../policies/jingle.tiao"),
    ),
    (
        "jiangxi",
        "policies/jiangxi.tiao",
        include_str!("../policies/jiangxi.tiao"),
    ),
];

/// Supplies the text of a parent policy.
pub trait Loader {
    /// The file name and text of policy `id`, named by the file `by` (as its name was given)
    /// with `from` (a path as written, if any); or why it cannot be had.
    fn load(&self, by: &str, id: &str, from: Option<&str>) -> Result<(String, String), String>;
}

/// The bundled policies, by id; reads no files.
pub struct Bundled;

impl Loader for Bundled {
    fn load(&self, _by: &str, id: &str, from: Option<&str>) -> Result<(String, String), String> {
        if let Some(path) = from {
            return Err(format!(
                "this compilation reads no files (`from \"{path}\"`); `tiao` reads it from the file system, or leave `from` out for a bundled policy"
            ));
        }
        bundled(id).ok_or_else(|| {
            format!(
                "there is no bundled policy `{id}`; the bundled ones are {}; a policy of your own is named with `from \"file.tiao\"`",
                BUNDLED.iter().map(|(i, _, _)| *i).collect::<Vec<_>>().join(", ")
            )
        })
    }
}

/// A bundled policy's file name and text.
pub fn bundled(id: &str) -> Option<(String, String)> {
    BUNDLED
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(_, n, t)| (n.to_string(), t.to_string()))
}

/// What can go wrong while loading the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The parent cannot be had (no such file or bundled policy), or the chain loops.
    CannotLoad { span: Span, id: String, why: String },
    /// The file named holds another policy.
    WrongId {
        span: Span,
        id: String,
        found: String,
    },
}

impl LoadError {
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            LoadError::CannotLoad { span, id, why } => Diagnostic::error(
                "E0123",
                format!("cannot load the policy `{id}` this one builds on"),
            )
            .with_label(*span, "named here")
            .with_help(why.clone()),
            LoadError::WrongId { span, id, found } => Diagnostic::error(
                "E0124",
                format!("the file named for `{id}` holds the policy `{found}`"),
            )
            .with_label(*span, format!("expected the policy `{id}`"))
            .with_help(format!("write `{found}` here, or name the file of `{id}`")),
        }
    }
}

/// The `extends`/`amends` clause of a module: the parent's id, the path written, the span.
pub fn parent_clause(m: &Module) -> Option<(String, Option<String>, Span)> {
    m.items.iter().find_map(|i| match i {
        TopItem::Policy(h) => h.fields.iter().find_map(|f| match f {
            MetaField::Lineage {
                parent, from, span, ..
            } => Some((
                parent.name.clone(),
                from.as_ref().map(|s| s.value.clone()),
                *span,
            )),
            _ => None,
        }),
        _ => None,
    })
}

fn policy_id(m: &Module) -> Option<String> {
    m.items.iter().find_map(|i| match i {
        TopItem::Policy(h) => Some(h.name.name.clone()),
        _ => None,
    })
}

/// The longest chain followed (a policy extending a policy extending …).
const MAX_DEPTH: usize = 16;

/// Compile a policy file with the policies it builds on, loaded by `loader`.
pub fn compile_with_loader(
    name: &str,
    text: &str,
    loader: &dyn Loader,
    conflicts: bool,
) -> Compiled {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut stdlib = Vec::new();
    for (n, t) in crate::STDLIB {
        let id = sources.add(*n, *t);
        match syntax::parse(id, t) {
            Ok(m) => stdlib.push(m),
            Err(errs) => diagnostics.extend(errs.iter().map(syntax::SyntaxError::diagnostic)),
        }
    }
    let fail = |sources, diagnostics| Compiled {
        sources,
        program: None,
        diagnostics,
    };
    let file = sources.add(name, text);
    let module = match syntax::parse(file, text) {
        Ok(m) => m,
        Err(errs) => {
            diagnostics.extend(errs.iter().map(syntax::SyntaxError::diagnostic));
            return fail(sources, diagnostics);
        }
    };
    // the chain of parents, nearest first
    let mut ancestors: Vec<Module> = Vec::new();
    let mut seen: Vec<String> = policy_id(&module).into_iter().collect();
    let mut by_name = name.to_string();
    loop {
        let current = ancestors.last().unwrap_or(&module);
        let Some((id, from, span)) = parent_clause(current) else {
            break;
        };
        if seen.contains(&id) || ancestors.len() >= MAX_DEPTH {
            diagnostics.push(
                LoadError::CannotLoad {
                    span,
                    id: id.clone(),
                    why: format!(
                        "the chain of policies comes back to `{id}` ({}): a policy cannot build on itself",
                        seen.join(" → ")
                    ),
                }
                .diagnostic(),
            );
            return fail(sources, diagnostics);
        }
        let (pname, ptext) = match loader.load(&by_name, &id, from.as_deref()) {
            Ok(x) => x,
            Err(why) => {
                diagnostics.push(LoadError::CannotLoad { span, id, why }.diagnostic());
                return fail(sources, diagnostics);
            }
        };
        let pfile = sources.add(pname.clone(), ptext.clone());
        let parsed = match syntax::parse(pfile, &ptext) {
            Ok(m) => m,
            Err(errs) => {
                diagnostics.extend(errs.iter().map(syntax::SyntaxError::diagnostic));
                return fail(sources, diagnostics);
            }
        };
        let found = policy_id(&parsed).unwrap_or_default();
        if found != id {
            diagnostics.push(LoadError::WrongId { span, id, found }.diagnostic());
            return fail(sources, diagnostics);
        }
        seen.push(id);
        by_name = pname;
        ancestors.push(parsed);
    }
    let (resolved, errors) = resolve::resolve_lineage(&stdlib, &ancestors, &module);
    let fatal = errors.iter().any(resolve::ResolveError::is_error);
    diagnostics.extend(errors.iter().map(resolve::ResolveError::diagnostic));
    if fatal {
        return fail(sources, diagnostics);
    }
    match check::check_with(&resolved, &sources, conflicts) {
        Ok(program) => Compiled {
            sources,
            program: Some(program),
            diagnostics,
        },
        Err(errors) => {
            diagnostics.extend(errors.iter().map(check::CheckError::diagnostic));
            fail(sources, diagnostics)
        }
    }
}

//! # tiao (条): regulations as code
//!
//! `tiao` compiles policy files — the articles of a regulation with their verbatim text and the
//! rules they contain — to a typed program, and evaluates it on a project's facts. The pipeline
//! is split by phase, each in its own module with its own error type:
//!
//! ```text
//! text ─syntax─▶ AST ─resolve─▶ names ─check─▶ typed IR (ir) ─eval─▶ verdict
//!                                                         └─analysis─▶ render
//! ```
//!
//! ## Embedding
//!
//! Compile a policy, read a project's facts from JSON, evaluate as of a date:
//!
//! ```
//! use tiao::{compile, eval, calendar::Calendar};
//!
//! let policy = r#"
//! policy demo {
//!   title "示例办法"
//!   in_force from 2022-06-21
//! }
//! article 7 {
//!   para "投资20万元以上(含本数,下同)的由区大数据中心负责技术审查。" {
//!     define technical_review_required = total_investment >= 20万元
//!   }
//! }
//! "#;
//! let compiled = compile("demo.tiao", policy);
//! let program = compiled.program.expect("the policy checks");
//! let facts = eval::parse_facts(&program, r#"{"total_investment": "20万元"}"#).expect("valid facts");
//! let as_of = chrono::NaiveDate::from_ymd_opt(2024, 5, 6).expect("a date");
//! let evaluation = eval::evaluate(&program, &facts, as_of, Calendar::official());
//! let verdict = eval::verdict::to_json(&program, &facts, &evaluation);
//! assert_eq!(verdict["concepts"]["technical_review_required"]["value"], true);
//! assert_eq!(verdict["concepts"]["technical_review_required"]["because"][0]["article"], "第七条");
//! ```
//!
//! Diagnostics render for a terminal with [`diagnostic::render`] or as JSON with
//! [`diagnostic::to_json`]; nothing in the library prints or touches files.

pub mod analysis;
pub mod calendar;
pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod input;
pub mod ir;
pub mod json;
pub mod loader;
pub mod resolve;
pub mod scenario;
pub mod source;
pub mod syntax;
pub mod value;

use diagnostic::Diagnostic;
use source::SourceMap;

/// The shared vocabulary and helpers, compiled into every policy.
pub const STDLIB: &[(&str, &str)] = &[(
    "stdlib/vocabulary.tiao",
    include_str!("../stdlib/vocabulary.tiao"),
)];

/// The result of compiling one policy: its sources (for rendering diagnostics), the program if
/// it has no errors, and every diagnostic (warnings included).
#[derive(Debug)]
pub struct Compiled {
    pub sources: SourceMap,
    pub program: Option<ir::Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
    /// Diagnostics rendered as a drafter sees them.
    pub fn render_diagnostics(&self) -> String {
        diagnostic::render(&self.sources, &self.diagnostics)
    }
}

/// Compile a policy given its file name and text, against the bundled standard library.
pub fn compile(name: &str, text: &str) -> Compiled {
    compile_with(name, text, true)
}

/// Compile without the static conflict check (E0211), so that the program exists even when two
/// rules provably conflict: for analyses and tests that evaluate such rules.
pub fn compile_for_analysis(name: &str, text: &str) -> Compiled {
    compile_with(name, text, false)
}

fn compile_with(name: &str, text: &str, conflicts: bool) -> Compiled {
    // a policy that extends or amends another is compiled with it (the bundled policies)
    if text.contains("extends") || text.contains("amends") {
        let probe = syntax::parse(source::FileId(0), text);
        if probe
            .as_ref()
            .is_ok_and(|m| loader::parent_clause(m).is_some())
        {
            return loader::compile_with_loader(name, text, &loader::Bundled, conflicts);
        }
    }
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut stdlib = Vec::new();
    for (n, t) in STDLIB {
        let id = sources.add(*n, *t);
        match syntax::parse(id, t) {
            Ok(m) => stdlib.push(m),
            Err(errs) => diagnostics.extend(errs.iter().map(syntax::SyntaxError::diagnostic)),
        }
    }
    let file = sources.add(name, text);
    let module = match syntax::parse(file, text) {
        Ok(m) => m,
        Err(errs) => {
            diagnostics.extend(errs.iter().map(syntax::SyntaxError::diagnostic));
            return Compiled {
                sources,
                program: None,
                diagnostics,
            };
        }
    };
    let (resolved, errors) = resolve::resolve(&stdlib, &module);
    let fatal = errors.iter().any(resolve::ResolveError::is_error);
    diagnostics.extend(errors.iter().map(resolve::ResolveError::diagnostic));
    if fatal {
        return Compiled {
            sources,
            program: None,
            diagnostics,
        };
    }
    match check::check_with(&resolved, &sources, conflicts) {
        Ok(program) => {
            if conflicts {
                diagnostics.extend(check::conflict::not_compared_warnings(&program));
            }
            Compiled {
                sources,
                program: Some(program),
                diagnostics,
            }
        }
        Err(errors) => {
            diagnostics.extend(errors.iter().map(check::CheckError::diagnostic));
            Compiled {
                sources,
                program: None,
                diagnostics,
            }
        }
    }
}

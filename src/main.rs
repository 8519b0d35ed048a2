//! The `tiao` command line: the only place that reads files and prints.
//!
//! Exit codes: 0 success; 1 the policy has errors (or `test` had failures); 2 bad input (a
//! facts file, a date, a missing file); 3 evaluation found a conflict or could not compute a
//! value (e.g. a date outside the working-day calendar).

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;

/// Write to stdout; when the reader has gone (`tiao lint … | head`), stop quietly instead of
/// panicking as `println!` would.
fn emit(args: std::fmt::Arguments) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_fmt(args) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(2);
    }
}

macro_rules! out {
    ($($t:tt)*) => { emit(format_args!($($t)*)) };
}

macro_rules! outln {
    () => { emit(format_args!("\n")) };
    ($($t:tt)*) => {{ emit(format_args!($($t)*)); emit(format_args!("\n")); }};
}
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "cli/analysis.rs"]
mod analysis_cli;
use tiao::calendar::Calendar;
use tiao::eval::{self, Outcome};

#[derive(Parser)]
#[command(
    name = "tiao",
    version,
    about = "tiao (条): regulations as code — check, evaluate and render policy files"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ErrorFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum OutputFormat {
    Json,
    Text,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files: syntax, names, types, conflicts. Exit 0 when clean.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value = "human")]
        error_format: ErrorFormat,
        /// Treat warnings (e.g. articles not yet encoded) as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Evaluate a policy on a project's facts and print the verdict.
    Eval {
        policy: PathBuf,
        /// The project's facts: a flat JSON object keyed by fact name.
        #[arg(long)]
        facts: PathBuf,
        /// The date to evaluate on (YYYY-MM-DD); today if omitted.
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value = "json")]
        format: OutputFormat,
        #[arg(long, value_enum, default_value = "human")]
        error_format: ErrorFormat,
        /// An official working-day calendar to use instead of the bundled one (same format as
        /// data/calendar/cn-workdays.txt), e.g. once the State Council publishes a new year.
        #[arg(long)]
        calendar: Option<PathBuf>,
    },
    /// Print the document back, article by article.
    Render {
        policy: PathBuf,
        /// Print only this article.
        #[arg(long)]
        article: Option<u32>,
    },
    /// List the facts a policy reads, with their types.
    Facts { policy: PathBuf },
    /// List how each threshold rule reads the boundary words of its text (以上, 以下, 超过, 不满…)
    /// and flag readings that differ from 《民法典》第1259条.
    Lint {
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// List every reading, not only those that differ.
        #[arg(long)]
        all: bool,
    },
    /// Print the lossless token stream of a file as JSON (for editors' highlighting); works on
    /// files that do not parse.
    Tokens { file: PathBuf },
    /// Measure compiling a policy and evaluating it (with the JSON verdict) on one project.
    Bench {
        policy: PathBuf,
        #[arg(long)]
        facts: PathBuf,
        #[arg(long, default_value = "2025-01-15")]
        as_of: String,
        /// Evaluations to time (1 to 1000000).
        #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        iterations: u32,
    },
    /// Run scenario files (JSON: facts, as-of date, expected values with their articles).
    Test {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Compare the policy's article text with its raw source document after the policy's repairs.
    SourceCheck {
        policy: PathBuf,
        /// The raw source; default `sources/<policy id>.txt` next to the policy.
        #[arg(long)]
        source: Option<PathBuf>,
    },
    /// Compare two policies concept by concept: same, changed, only in one; for a changed concept
    /// the regions of projects decided differently, each with a witness project.
    Diff {
        a: PathBuf,
        b: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: analysis_cli::ReportFormat,
        /// The evaluation date of the witnesses (default 2025-12-31).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// The matrix of several policies: rows concepts and duties, columns jurisdictions, cells the
    /// rules with their articles, agreeing cells grouped.
    Compare {
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: analysis_cli::ReportFormat,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Per document: articles encoded, descriptive (with the reason) or missing, and the
    /// provisions no scenario tests.
    Coverage {
        #[arg(required = true)]
        policies: Vec<PathBuf>,
        /// Folder searched (recursively) for scenario files.
        #[arg(long, default_value = "tests/scenarios")]
        scenarios: PathBuf,
        /// Print the summary table in Markdown (for the README).
        #[arg(long)]
        markdown: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            files,
            error_format,
            deny_warnings,
        } => check(&files, error_format, deny_warnings),
        Command::Eval {
            policy,
            facts,
            as_of,
            format,
            error_format,
            calendar,
        } => {
            let calendar = match load_calendar(calendar.as_deref()) {
                Ok(c) => c,
                Err(code) => return code,
            };
            run_eval(
                &policy,
                &facts,
                as_of.as_deref(),
                format,
                error_format,
                &calendar,
            )
        }
        Command::Render { policy, article } => render(&policy, article),
        Command::Facts { policy } => list_facts(&policy),
        Command::Test { files } => run_tests(&files),
        Command::Lint { policies, all } => lint(&policies, all),
        Command::Tokens { file } => tokens(&file),
        Command::Bench {
            policy,
            facts,
            as_of,
            iterations,
        } => bench(&policy, &facts, &as_of, iterations),
        Command::SourceCheck { policy, source } => source_check(&policy, source.as_deref()),
        Command::Coverage {
            policies,
            scenarios,
            markdown,
        } => coverage(&policies, &scenarios, markdown),
        Command::Diff {
            a,
            b,
            format,
            as_of,
        } => analysis_cli::run_diff(&a, &b, format, as_of.as_deref()),
        Command::Compare {
            policies,
            format,
            as_of,
        } => analysis_cli::run_compare(&policies, format, as_of.as_deref()),
    }
}

/// The calendar to evaluate with: the bundled official one, or a file in the same format. A file
/// that disagrees with the bundled calendar on a day both cover is used, with a warning naming
/// the first such day.
fn load_calendar(path: Option<&Path>) -> Result<std::borrow::Cow<'static, Calendar>, ExitCode> {
    let Some(path) = path else {
        return Ok(std::borrow::Cow::Borrowed(Calendar::official()));
    };
    let text = read(path)?;
    let calendar = Calendar::parse(&text).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        eprintln!("  hint: the format is that of data/calendar/cn-workdays.txt: `year YYYY`, then `holiday FROM TO NAME` and `workday DATE NAME` lines, each year citing its notice");
        ExitCode::from(2)
    })?;
    let official = Calendar::official();
    let first = calendar.first_year().max(official.first_year());
    let last = calendar.last_year().min(official.last_year());
    if let Some(day) = (first..=last)
        .filter_map(|y| chrono::NaiveDate::from_ymd_opt(y, 1, 1))
        .flat_map(|d| {
            d.iter_days()
                .take_while(move |x| chrono::Datelike::year(x) == chrono::Datelike::year(&d))
        })
        .find(|d| calendar.is_working_day(*d).ok() != official.is_working_day(*d).ok())
    {
        eprintln!(
            "warning: {} disagrees with the bundled official calendar on {day}; using {}",
            path.display(),
            path.display()
        );
    }
    Ok(std::borrow::Cow::Owned(calendar))
}

/// Read a text file: at most `tiao::input::MAX_INPUT_BYTES`, UTF-8 (a byte-order mark is
/// skipped); another encoding is named with the command that converts it.
fn read(path: &Path) -> Result<String, ExitCode> {
    read_text(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })
}

/// [`read`], the error as a message.
fn read_text(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let fail = |e: &std::io::Error| format!("cannot read {}: {}", path.display(), io_words(path, e));
    if path.is_dir() {
        return Err(format!("cannot read {}: it is a folder, not a file", path.display()));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let limit = tiao::input::MAX_INPUT_BYTES;
    // one byte more than the limit tells a file that is too large, without reading all of it
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(&e))?;
    tiao::input::decode_text(&bytes, &path.display().to_string(), limit).map_err(|e| e.to_string())
}

/// `--as-of`: the date grammar of facts files (docs/input.md).
fn parse_as_of(s: &str) -> Result<chrono::NaiveDate, ExitCode> {
    let d = tiao::value::parse_date(s).map_err(|e| {
        let fix = e
            .fixed()
            .map_or("write YYYY-MM-DD, e.g. --as-of 2024-05-06".to_string(), |f| {
                format!("write --as-of {f}")
            });
        eprintln!("error: --as-of `{s}` {}; {fix}", e.problem());
        ExitCode::from(2)
    })?;
    eval::check_as_of(d).map_err(|why| {
        eprintln!("error: --as-of: {why}");
        ExitCode::from(2)
    })
}

/// An input/output error in the user's words.
fn io_words(path: &Path, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "there is no such file".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ if path.is_dir() => "it is a folder, not a file".into(),
        _ => e.to_string(),
    }
}

/// Parents named with `from "PATH"` are read relative to the file that names them; without
/// `from`, a bundled policy.
struct FsLoader;

impl tiao::loader::Loader for FsLoader {
    fn load(&self, by: &str, id: &str, from: Option<&str>) -> Result<(String, String), String> {
        let Some(p) = from else {
            return tiao::loader::Bundled.load(by, id, None);
        };
        let path = Path::new(by).parent().unwrap_or(Path::new(".")).join(p);
        read_text(&path).map(|t| (path.display().to_string(), t))
    }
}

/// Compile a policy file, with the policies it extends or amends.
fn compile_text(name: &str, text: &str) -> tiao::Compiled {
    tiao::loader::compile_with_loader(name, text, &FsLoader, true)
}

fn compile(path: &Path, error_format: ErrorFormat) -> Result<tiao::ir::Program, ExitCode> {
    let text = read(path)?;
    let compiled = compile_text(&path.display().to_string(), &text);
    if compiled.has_errors() {
        print_diagnostics(&compiled, error_format);
        return Err(ExitCode::from(1));
    }
    compiled.program.ok_or(ExitCode::from(1))
}

fn print_diagnostics(compiled: &tiao::Compiled, error_format: ErrorFormat) {
    match error_format {
        ErrorFormat::Human => eprint!("{}", compiled.render_diagnostics()),
        ErrorFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&tiao::diagnostic::to_json(
                &compiled.sources,
                &compiled.diagnostics
            ))
            .unwrap_or_default()
        ),
    }
}

fn check(files: &[PathBuf], error_format: ErrorFormat, deny_warnings: bool) -> ExitCode {
    let mut failed = false;
    let mut all_json = Vec::new();
    for f in files {
        let text = match read(f) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let compiled = compile_text(&f.display().to_string(), &text);
        let warnings = compiled
            .diagnostics
            .iter()
            .filter(|d| !d.is_error())
            .count();
        if compiled.has_errors() || (deny_warnings && warnings > 0) {
            failed = true;
        }
        match error_format {
            ErrorFormat::Human => {
                eprint!("{}", compiled.render_diagnostics());
                let errors = compiled.diagnostics.len() - warnings;
                if errors == 0 {
                    eprintln!("{}: ok ({warnings} warning(s))", f.display());
                } else {
                    eprintln!("{}: {errors} error(s), {warnings} warning(s)", f.display());
                }
            }
            ErrorFormat::Json => {
                if let serde_json::Value::Array(items) =
                    tiao::diagnostic::to_json(&compiled.sources, &compiled.diagnostics)
                {
                    all_json.extend(items);
                }
            }
        }
    }
    if error_format == ErrorFormat::Json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&all_json).unwrap_or_default()
        );
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn today() -> chrono::NaiveDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

fn run_eval(
    policy: &Path,
    facts_path: &Path,
    as_of: Option<&str>,
    format: OutputFormat,
    error_format: ErrorFormat,
    calendar: &Calendar,
) -> ExitCode {
    let program = match compile(policy, error_format) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let as_of = match as_of.map(parse_as_of) {
        None => today(),
        Some(Ok(d)) => d,
        Some(Err(code)) => return code,
    };
    let text = match read(facts_path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let facts = match eval::parse_facts(&program, &text) {
        Ok(f) => f,
        Err(errors) => {
            match error_format {
                ErrorFormat::Human => {
                    for e in &errors {
                        eprintln!("error: {}:{e}", facts_path.display());
                    }
                }
                ErrorFormat::Json => {
                    let items: Vec<serde_json::Value> = errors
                        .iter()
                        .map(|e| {
                            let mut v = serde_json::to_value(e).unwrap_or_default();
                            v["file"] = serde_json::Value::String(facts_path.display().to_string());
                            v
                        })
                        .collect();
                    outln!(
                        "{}",
                        serde_json::to_string_pretty(&items).unwrap_or_default()
                    );
                }
            }
            return ExitCode::from(2);
        }
    };
    let evaluation = eval::evaluate(&program, &facts, as_of, calendar);
    match format {
        OutputFormat::Json => {
            let v = eval::verdict::to_json(&program, &facts, &evaluation);
            outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        OutputFormat::Text => out!("{}", eval::verdict::to_text(&program, &evaluation)),
    }
    let trouble = evaluation
        .concepts
        .iter()
        .any(|c| matches!(c.outcome, Outcome::Conflict(..) | Outcome::Error(_)))
        || evaluation.obligations.iter().any(|o| o.error.is_some());
    if trouble {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

fn render(policy: &Path, article: Option<u32>) -> ExitCode {
    let program = match compile(policy, ErrorFormat::Human) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let doc = &program.document;
    match article {
        None => out!("{}", tiao::analysis::render::render(doc)),
        Some(n) => match doc.article(n) {
            Some(a) => {
                for line in tiao::analysis::render::article_lines(doc, a) {
                    outln!("{line}");
                }
            }
            None => {
                eprintln!("error: {} has no article {n}", policy.display());
                return ExitCode::from(2);
            }
        },
    }
    ExitCode::SUCCESS
}

fn list_facts(policy: &Path) -> ExitCode {
    let program = match compile(policy, ErrorFormat::Human) {
        Ok(p) => p,
        Err(code) => return code,
    };
    for f in &program.facts {
        let ty = program.type_name(&f.ty);
        let origin = match f.origin {
            tiao::ir::Origin::Local => "local",
            tiao::ir::Origin::Stdlib => "shared",
            tiao::ir::Origin::Inherited => "inherited",
        };
        outln!(
            "{:<40} {:<18} {:<7} {}",
            f.name,
            ty,
            origin,
            f.doc.as_deref().unwrap_or("")
        );
    }
    ExitCode::SUCCESS
}

fn run_tests(files: &[PathBuf]) -> ExitCode {
    let (mut passed, mut failed) = (0usize, 0usize);
    for f in files {
        let text = match read(f) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let scenario = match tiao::scenario::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {}", e.with_file(&f.display().to_string()));
                return ExitCode::from(2);
            }
        };
        let policy_path = f.parent().unwrap_or(Path::new(".")).join(&scenario.policy);
        let program = match compile(&policy_path, ErrorFormat::Human) {
            Ok(p) => p,
            Err(code) => return code,
        };
        outln!("{} ({})", f.display(), program.document.meta.title);
        for case in &scenario.cases {
            let r = tiao::scenario::run_case(&program, case);
            if r.passed() {
                passed += 1;
                outln!("  ok    {}", r.name);
            } else {
                failed += 1;
                outln!("  FAIL  {}", r.name);
                for m in &r.failures {
                    outln!("        {m}");
                }
            }
        }
    }
    outln!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn source_check(policy: &Path, source: Option<&Path>) -> ExitCode {
    let program = match compile(policy, ErrorFormat::Human) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let default = policy
        .parent()
        .unwrap_or(Path::new("."))
        .join("sources")
        .join(format!("{}.txt", program.document.meta.id));
    let source = source.unwrap_or(&default);
    let raw = match read(source) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mismatches = tiao::analysis::sources::compare(&program.document, &raw);
    for m in &mismatches {
        outln!("{}: {}", policy.display(), m.message);
    }
    if mismatches.is_empty() {
        outln!(
            "{}: all {} articles match {} after {} repairs",
            policy.display(),
            program.document.articles.len(),
            source.display(),
            program.document.meta.repairs.len()
                + program
                    .document
                    .articles
                    .iter()
                    .map(|a| a.repairs.len())
                    .sum::<usize>()
        );
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The scenario files (`*.json`) under `dir`, in path order. A folder reached twice (a symbolic
/// link back up the tree) is read once; entries that cannot be read are reported, not skipped.
fn scenario_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let canonical = std::fs::canonicalize(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if !seen.insert(canonical) {
            continue;
        }
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths = Vec::new();
        for e in entries {
            paths.push(e.map_err(|e| format!("{}: {e}", dir.display()))?.path());
        }
        paths.sort();
        let mut dirs = Vec::new();
        for p in paths {
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
        // depth first, in path order
        stack.extend(dirs.into_iter().rev());
    }
    out.sort();
    Ok(())
}

fn coverage(policies: &[PathBuf], scenarios_dir: &Path, markdown: bool) -> ExitCode {
    if !scenarios_dir.is_dir() {
        eprintln!(
            "error: the scenarios folder {} does not exist or is not a folder (give the folder of the scenario files with --scenarios)",
            scenarios_dir.display()
        );
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    if let Err(e) = scenario_files(scenarios_dir, &mut files) {
        eprintln!("error: cannot read the scenarios folder: {e}");
        return ExitCode::from(2);
    }
    let mut scenarios = Vec::new();
    for f in &files {
        let text = match read(f) {
            Ok(t) => t,
            Err(code) => return code,
        };
        match tiao::scenario::parse(&text) {
            Ok(s) => {
                let target = f.parent().unwrap_or(Path::new(".")).join(&s.policy);
                scenarios.push((std::fs::canonicalize(&target).unwrap_or(target), s));
            }
            Err(e) => {
                eprintln!("error: {}", e.with_file(&f.display().to_string()));
                return ExitCode::from(2);
            }
        }
    }
    let mut rows = Vec::new();
    let mut any_missing = false;
    for p in policies {
        let program = match compile(p, ErrorFormat::Human) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let canon = std::fs::canonicalize(p).unwrap_or(p.clone());
        let tested: Vec<tiao::analysis::coverage::Tested> = scenarios
            .iter()
            .filter(|(t, _)| *t == canon)
            .flat_map(|(_, s)| s.cases.iter())
            .flat_map(tiao::scenario::expectations)
            .collect();
        let report = tiao::analysis::coverage::coverage(&program, &tested);
        any_missing |= report.missing > 0;
        if !markdown {
            out!("{}", report.text());
        }
        rows.push(report);
    }
    if markdown {
        outln!("{}", tiao::analysis::coverage::Coverage::MARKDOWN_HEADER);
        for r in &rows {
            outln!("{}", r.markdown_row());
        }
    }
    if any_missing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn lint(policies: &[PathBuf], all: bool) -> ExitCode {
    for path in policies {
        let text = match read(path) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let compiled = compile_text(&path.display().to_string(), &text);
        let Some(program) = compiled.program.as_ref() else {
            print_diagnostics(&compiled, ErrorFormat::Human);
            return ExitCode::from(1);
        };
        let script = program.document.meta.script;
        let readings = tiao::analysis::boundaries::boundary_readings(program, |e| {
            compiled.sources.slice(e.span).to_string()
        });
        let differing = readings.iter().filter(|r| !r.follows_civil_code).count();
        outln!(
            "{}: {} threshold readings, {differing} differ from 《民法典》第1259条",
            path.display(),
            readings.len()
        );
        for r in readings.iter().filter(|r| all || !r.follows_civil_code) {
            let mark = if r.follows_civil_code {
                "follows"
            } else {
                "DIFFERS"
            };
            let law = if r.text_includes {
                "includes"
            } else {
                "excludes"
            };
            outln!(
                "  {mark:<7} {}: «{}» {law} the amount under 第1259条; rule: {}",
                r.cite.text(script),
                r.phrase,
                r.comparison
            );
        }
    }
    ExitCode::SUCCESS
}

fn bench(policy: &Path, facts_path: &Path, as_of: &str, iterations: u32) -> ExitCode {
    use std::time::Instant;
    let (text, facts_text) = match (read(policy), read(facts_path)) {
        (Ok(t), Ok(f)) => (t, f),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let as_of = match parse_as_of(as_of) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let name = policy.display().to_string();
    let mut compile_times = Vec::new();
    let mut program = None;
    for _ in 0..20 {
        let start = Instant::now();
        let compiled = tiao::compile(&name, &text);
        compile_times.push(start.elapsed());
        program = compiled.program;
    }
    let Some(program) = program else {
        eprintln!("error: {name} does not check; run `tiao check {name}`");
        return ExitCode::from(1);
    };
    let facts = match eval::parse_facts(&program, &facts_text) {
        Ok(f) => f,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {}:{e}", facts_path.display());
            }
            return ExitCode::from(2);
        }
    };
    let iterations = iterations.max(1);
    let mut eval_times = Vec::with_capacity(iterations as usize);
    let mut verdict_times = Vec::with_capacity(iterations as usize);
    for _ in 0..iterations {
        let start = Instant::now();
        let ev = std::hint::black_box(eval::evaluate(
            &program,
            &facts,
            as_of,
            Calendar::official(),
        ));
        eval_times.push(start.elapsed());
        let start = Instant::now();
        std::hint::black_box(eval::verdict::to_json(&program, &facts, &ev));
        verdict_times.push(start.elapsed());
    }
    let median = |v: &mut Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let rules: usize = program
        .concepts
        .iter()
        .map(|c| c.rules.len() + c.reasons.len())
        .sum::<usize>()
        + program
            .obligations
            .iter()
            .map(|o| o.rules.len())
            .sum::<usize>();
    outln!(
        "{name}: {} articles, {rules} rules",
        program.document.articles.len()
    );
    outln!(
        "  compile (parse + resolve + check, with the stdlib): median {:?} over 20 runs",
        median(&mut compile_times)
    );
    outln!(
        "  evaluate one project: median {:?} over {iterations} runs",
        median(&mut eval_times)
    );
    outln!(
        "  build the JSON verdict: median {:?} over {iterations} runs",
        median(&mut verdict_times)
    );
    ExitCode::SUCCESS
}

fn tokens(path: &Path) -> ExitCode {
    let text = match read(path) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let sources = {
        let mut m = tiao::source::SourceMap::new();
        m.add(path.display().to_string(), text.clone());
        m
    };
    let items: Vec<serde_json::Value> = tiao::syntax::lexer::tokens(&text)
        .into_iter()
        .map(|t| {
            let (line, column) = sources.line_col(tiao::source::FileId(0), t.span.start);
            serde_json::json!({
                "kind": t.kind,
                "start": t.span.start,
                "end": t.span.end,
                "line": line,
                "column": column,
                "text": &text[t.span.clone()],
            })
        })
        .collect();
    outln!(
        "{}",
        serde_json::to_string_pretty(&items).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

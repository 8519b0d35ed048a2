//! A small JSON reader that keeps the place of everything it reads, for the facts and scenario
//! files (docs/input.md).
//!
//! `serde_json` keeps the last of two equal keys and forgets where a value was written, so the
//! readers of user input parse with this module instead:
//!
//! - one pass over the text, linear in its length: positions (line, column in characters) are
//!   counted incrementally as the reader moves forward, never by rescanning from the start;
//! - every object key and every value carries its [`Pos`] (byte offset, 1-based line and
//!   1-based column in characters); object members keep their order;
//! - a key given twice in the same object is an error naming both places and the key's path
//!   (`cases[3].expect.technical_review_required`); all duplicates of a file are reported (at
//!   most [`MAX_ERRORS`]);
//! - nesting deeper than [`MAX_DEPTH`] arrays or objects is an error at the place where the
//!   limit is crossed, so no input can exhaust the stack;
//! - syntax errors say what was expected and what was found in plain words, with a hint for the
//!   usual mistakes (single or typographic quotes, full-width punctuation, trailing commas,
//!   comments, invisible characters, `500万元` without quotes);
//! - numbers are kept as their source text (the readers use exact decimals); the number grammar
//!   is JSON's own (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`);
//! - a byte order mark (U+FEFF) at the very start is skipped, as `input::decode_text` does;
//!   columns are counted from the character after it.
//!
//! The parser is recursive descent; the depth limit bounds the recursion.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;

/// The deepest nesting of arrays and objects accepted. Facts files nest three levels at most
/// (a set of records), scenario files six.
pub const MAX_DEPTH: usize = 128;

/// At most this many duplicate-key errors are listed; the rest are counted in a last error.
pub const MAX_ERRORS: usize = 100;

/// A place in the text: byte offset, 1-based line, 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// A JSON value and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub at: Pos,
    pub value: Json,
}

/// A JSON value; numbers are their source text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// An object member: the key, where the key starts (its opening quote), and the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_at: Pos,
    pub value: Node,
}

impl Node {
    /// An empty object at `at` (for an optional object that is not given).
    pub fn empty_object(at: Pos) -> Node {
        Node {
            at,
            value: Json::Object(Vec::new()),
        }
    }
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Json::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self.value, Json::Null)
    }
    /// The member named `key` of an object (the first; a parsed tree has no duplicates).
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().find(|m| m.key == key)
    }
    /// What the value is, in words, for a message: `the text "abc"`, `the number 5`, `an array`.
    pub fn describe(&self) -> String {
        match &self.value {
            Json::Null => "null".into(),
            Json::Bool(b) => format!("the boolean {b}"),
            Json::Number(n) => format!("the number {}", crate::value::shown(n)),
            Json::String(s) => format!("the text \"{}\"", crate::value::shown(s)),
            Json::Array(_) => "an array".into(),
            Json::Object(_) => "an object".into(),
        }
    }
    /// The value as `serde_json` would have read it (numbers exact: `arbitrary_precision`).
    pub fn to_serde(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Json::Null => J::Null,
            Json::Bool(b) => J::Bool(*b),
            // the text passed this module's number grammar, which is JSON's
            Json::Number(n) => n
                .parse::<serde_json::Number>()
                .map(J::Number)
                .unwrap_or_else(|_| J::String(n.clone())),
            Json::String(s) => J::String(s.clone()),
            Json::Array(items) => J::Array(items.iter().map(Node::to_serde).collect()),
            Json::Object(members) => J::Object(
                members
                    .iter()
                    .map(|m| (m.key.clone(), m.value.to_serde()))
                    .collect(),
            ),
        }
    }
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path into a document, printed as `cases[3].expect.technical_review_required`; a key that is
/// not a plain name is printed quoted (`facts["a b"]`). Indices count from 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(pub Vec<Seg>);

/// Whether a key prints bare in a path.
fn plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Append `key` to a printed path.
pub fn push_key(path: &mut String, key: &str) {
    if plain_key(key) {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        path.push('[');
        path.push_str(&serde_json::Value::String(crate::value::shown(key)).to_string());
        path.push(']');
    }
}

/// `path` followed by `key`.
pub fn join_key(path: &str, key: &str) -> String {
    let mut p = path.to_string();
    push_key(&mut p, key);
    p
}

/// `path` followed by `[index]`.
pub fn join_index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

impl Path {
    /// The first key, if the path starts with one (a fact's name in a facts file).
    pub fn first_key(&self) -> Option<&str> {
        match self.0.first() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => push_key(&mut s, k),
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        f.write_str(&s)
    }
}

/// What kind of problem an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not JSON.
    Syntax,
    /// A key given twice in one object.
    DuplicateKey,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The count of duplicate keys not listed (after [`MAX_ERRORS`]).
    More,
}

/// A problem with the text: where, the path of the enclosing value, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub at: Pos,
    /// For a duplicate key, the key's path; otherwise the path of the value being read.
    pub path: Path,
    pub message: String,
    pub hint: Option<String>,
    /// For a duplicate key: where it was first given.
    pub first: Option<Pos>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

thread_local! {
    static OPS: Cell<u64> = const { Cell::new(0) };
}

/// Work done by the input readers on this thread since [`reset_ops`]: bytes scanned, positions
/// counted, keys hashed, members converted. For the linear-time test (tests/input_strict.rs);
/// not a stable interface.
#[doc(hidden)]
pub fn ops() -> u64 {
    OPS.with(Cell::get)
}

#[doc(hidden)]
pub fn reset_ops() {
    OPS.with(|c| c.set(0));
}

/// Count `n` units of work (see [`ops`]).
pub(crate) fn add_ops(n: u64) {
    OPS.with(|c| c.set(c.get().saturating_add(n)));
}

/// Parse a whole text as one JSON value. On failure: the duplicate keys found (in order), and
/// the syntax or depth error that stopped the reader, if any; never empty.
pub fn parse(text: &str) -> Result<Node, Vec<Error>> {
    let mut p = Parser::new(text);
    let result = p.document();
    add_ops(p.ops);
    match result {
        Ok(node) if p.errors.is_empty() => Ok(node),
        Ok(_) => Err(p.finish_errors()),
        Err(e) => {
            let mut errors = p.finish_errors();
            errors.push(*e);
            Err(errors)
        }
    }
}

type Res<T> = Result<T, Box<Error>>;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    // the position of `counted`, advanced lazily and only forward
    counted: usize,
    line: usize,
    column: usize,
    ops: u64,
    depth: usize,
    path: Vec<Seg>,
    errors: Vec<Error>,
    more: usize,
    // items and members of the arrays and objects being read, innermost last: each container
    // takes its own off the top when it closes, at its exact size
    items: Vec<Node>,
    members: Vec<Member>,
}

/// A character named for a message: printable ones as themselves, others by code point and name.
pub fn name_char(c: char) -> String {
    let name = match c {
        '\u{0}' => Some("NUL"),
        '\t' => Some("TAB"),
        '\n' => Some("LINE FEED"),
        '\r' => Some("CARRIAGE RETURN"),
        '\u{A0}' => Some("NO-BREAK SPACE"),
        '\u{AD}' => Some("SOFT HYPHEN"),
        '\u{200B}' => Some("ZERO WIDTH SPACE"),
        '\u{200C}' => Some("ZERO WIDTH NON-JOINER"),
        '\u{200D}' => Some("ZERO WIDTH JOINER"),
        '\u{200E}' => Some("LEFT-TO-RIGHT MARK"),
        '\u{200F}' => Some("RIGHT-TO-LEFT MARK"),
        '\u{2028}' => Some("LINE SEPARATOR"),
        '\u{2029}' => Some("PARAGRAPH SEPARATOR"),
        '\u{2060}' => Some("WORD JOINER"),
        '\u{3000}' => Some("IDEOGRAPHIC SPACE (a full-width space)"),
        '\u{FEFF}' => Some("ZERO WIDTH NO-BREAK SPACE (byte order mark)"),
        _ => None,
    };
    match name {
        Some(n) => format!("U+{:04X} {n}", c as u32),
        None if c.is_control() => format!("U+{:04X} (a control character)", c as u32),
        None => format!("`{c}`"),
    }
}

/// Whether a character is invisible or a space JSON does not allow, so that it is named.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{A0}' | '\u{AD}' | '\u{200B}'
            ..='\u{200F}' | '\u{2028}' | '\u{2029}' | '\u{2060}' | '\u{3000}' | '\u{FEFF}'
    ) || c.is_control()
}

/// A hint for a character that cannot start or continue a value here.
fn char_hint(c: char) -> Option<String> {
    Some(match c {
        '\'' => "JSON texts are in double quotes: \"…\", not '…'".into(),
        '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '＂' => {
            format!("`{c}` is a typographic quote; JSON needs the ASCII double quote \"")
        }
        '：' => "`：` is a full-width colon; JSON needs the ASCII `:`".into(),
        '，' => "`，` is a full-width comma; JSON needs the ASCII `,`".into(),
        '｛' | '｝' | '［' | '］' => format!(
            "`{c}` is a full-width bracket; JSON needs the ASCII `{}`",
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        ),
        '/' | '#' => "JSON has no comments; remove the comment".into(),
        '\u{3000}' | '\u{A0}' => "replace it with an ordinary space".into(),
        c if invisible(c) => {
            "delete it (invisible characters often come in with pasted text)".into()
        }
        c if c.is_alphabetic() => "a text is written in double quotes, e.g. \"500万元\"".into(),
        _ => return None,
    })
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        Parser {
            text,
            bytes: text.as_bytes(),
            i: start,
            counted: start,
            line: 1,
            column: 1,
            ops: 0,
            depth: 0,
            path: Vec::new(),
            errors: Vec::new(),
            more: 0,
            items: Vec::new(),
            members: Vec::new(),
        }
    }

    /// The position of byte `offset`, counted forward from the last position asked for.
    fn pos_of(&mut self, offset: usize) -> Pos {
        if offset < self.counted {
            // not reached by the reader (positions are asked for in order); count again
            self.counted = 0;
            self.line = 1;
            self.column = 1;
        }
        let end = offset.min(self.bytes.len());
        for &b in self.bytes.get(self.counted..end).unwrap_or(&[]) {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.ops += (end - self.counted.min(end)) as u64;
        self.counted = end;
        Pos {
            offset,
            line: self.line,
            column: self.column,
        }
    }

    fn pos(&mut self) -> Pos {
        self.pos_of(self.i)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.text.get(self.i..).and_then(|s| s.chars().next())
    }

    fn path(&self) -> Path {
        Path(self.path.clone())
    }

    fn error(&mut self, kind: ErrorKind, message: String, hint: Option<String>) -> Box<Error> {
        let at = self.pos();
        Box::new(Error {
            kind,
            at,
            path: self.path(),
            message,
            hint,
            first: None,
        })
    }

    fn syntax(&mut self, message: impl Into<String>, hint: Option<String>) -> Box<Error> {
        self.error(ErrorKind::Syntax, message.into(), hint)
    }

    fn finish_errors(&mut self) -> Vec<Error> {
        let mut errors = std::mem::take(&mut self.errors);
        // an object's duplicates are found when it closes, after those of the objects inside it
        errors.sort_by_key(|e| e.at.offset);
        if self.more > 0 {
            let at = errors.last().map(|e| e.at).unwrap_or_default();
            errors.push(Error {
                kind: ErrorKind::More,
                at,
                path: Path::default(),
                message: format!(
                    "{} more duplicate keys are not listed (the first {MAX_ERRORS} are)",
                    self.more
                ),
                hint: None,
                first: None,
            });
        }
        errors
    }

    fn skip_ws(&mut self) {
        let start = self.i;
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
        self.ops += (self.i - start) as u64;
    }

    /// What is at the reader, in words, for "found …".
    fn found(&self) -> String {
        match self.peek_char() {
            None => "the end of the text".into(),
            Some(c) if c.is_alphanumeric() => {
                let word: String = self
                    .text
                    .get(self.i..)
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
                    .take(crate::value::SHOWN_CHARS)
                    .collect();
                format!("`{word}`")
            }
            Some(c) => name_char(c),
        }
    }

    fn found_hint(&self) -> Option<String> {
        self.peek_char().and_then(char_hint)
    }

    fn document(&mut self) -> Res<Node> {
        self.skip_ws();
        if self.peek().is_none() {
            return Err(self.syntax("the text is empty; expected a JSON value", None));
        }
        let node = self.value()?;
        self.skip_ws();
        if self.peek().is_some() {
            let found = self.found();
            let hint = self.found_hint().or_else(|| {
                Some("a file holds one JSON value; remove what follows it, or merge the two".into())
            });
            return Err(self.syntax(format!("{found} after the end of the JSON value"), hint));
        }
        Ok(node)
    }

    fn value(&mut self) -> Res<Node> {
        let at = self.pos();
        let value = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Json::String(self.string(at)?),
            Some(b'-' | b'0'..=b'9') => Json::Number(self.number()?),
            Some(b'a'..=b'z' | b'A'..=b'Z') => self.word()?,
            None => {
                return Err(self.syntax(
                    "the text ends where a value was expected",
                    Some("the file may have been cut off; complete it".into()),
                ));
            }
            Some(_) => {
                let found = self.found();
                let hint = match self.peek() {
                    Some(b'.') => Some("write a digit before the decimal point: 0.5".into()),
                    Some(b'+') => Some("write the number without a `+`".into()),
                    Some(b'}' | b']') => {
                        Some("a value is missing, or a `,` before it should be removed".into())
                    }
                    _ => self.found_hint(),
                };
                return Err(self.syntax(
                    format!("expected a value (an object, an array, a text in double quotes, a number, true, false or null), found {found}"),
                    hint,
                ));
            }
        };
        Ok(Node { at, value })
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                ErrorKind::TooDeep,
                format!("arrays and objects nest more than {MAX_DEPTH} levels deep here"),
                Some(format!(
                    "facts and scenario files nest a few levels; {MAX_DEPTH} is the limit"
                )),
            ));
        }
        Ok(())
    }

    fn object(&mut self) -> Res<Json> {
        self.enter()?;
        self.i += 1; // {
        self.ops += 1;
        let start = self.members.len();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Json::Object(Vec::new()));
        }
        loop {
            // a key
            if self.peek() != Some(b'"') {
                let found = self.found();
                let hint = match self.peek() {
                    Some(b'}') => {
                        Some("remove the `,` before `}`: JSON has no trailing commas".into())
                    }
                    Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => {
                        Some("keys are written in double quotes: {\"name\": …}".into())
                    }
                    None => Some("the text ends inside an object; close it with `}`".into()),
                    _ => self.found_hint(),
                };
                return Err(self.syntax(
                    format!("expected a key in double quotes, found {found}"),
                    hint,
                ));
            }
            let key_at = self.pos();
            let key = self.string(key_at)?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                let found = self.found();
                let hint = self
                    .found_hint()
                    .or_else(|| Some("write `\"key\": value`".into()));
                return Err(self.syntax(
                    format!(
                        "expected `:` after the key \"{}\", found {found}",
                        crate::value::shown(&key)
                    ),
                    hint,
                ));
            }
            self.i += 1;
            self.skip_ws();
            self.path.push(Seg::Key(key));
            let value = self.value();
            let key = match self.path.pop() {
                Some(Seg::Key(k)) => k,
                _ => String::new(),
            };
            let value = value?;
            self.ops += 1;
            self.members.push(Member { key, key_at, value });
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => {
                    let found = self.found();
                    let last = self.members.last().map(|m| m.key.as_str()).unwrap_or("");
                    let hint = match self.peek() {
                        Some(b'"') => Some("a `,` is missing between two members".into()),
                        None => Some("close the object with `}`".into()),
                        _ => self.found_hint(),
                    };
                    let message = format!(
                        "expected `,` or `}}` after the value of \"{}\", found {found}",
                        crate::value::shown(last)
                    );
                    return Err(self.syntax(message, hint));
                }
            }
        }
        let members: Vec<Member> = self
            .members
            .drain(start.min(self.members.len())..)
            .collect();
        self.check_duplicates(&members);
        self.depth -= 1;
        Ok(Json::Object(members))
    }

    fn check_duplicates(&mut self, members: &[Member]) {
        if members.len() < 2 {
            return;
        }
        let mut seen: HashMap<&str, Pos> = HashMap::with_capacity(members.len());
        for m in members {
            self.ops += 1 + m.key.len() as u64;
            match seen.get(m.key.as_str()) {
                None => {
                    seen.insert(&m.key, m.key_at);
                }
                Some(first) => {
                    if self.errors.len() >= MAX_ERRORS {
                        self.more += 1;
                        continue;
                    }
                    let mut path = self.path();
                    path.0.push(Seg::Key(m.key.clone()));
                    self.errors.push(Error {
                        kind: ErrorKind::DuplicateKey,
                        at: m.key_at,
                        message: format!(
                            "duplicate key `{path}`: first given at {first}, again at {}",
                            m.key_at
                        ),
                        path,
                        hint: Some(
                            "a JSON reader would silently keep only one of the two; remove one so the file says one thing"
                                .into(),
                        ),
                        first: Some(*first),
                    });
                }
            }
        }
    }

    fn array(&mut self) -> Res<Json> {
        self.enter()?;
        self.i += 1; // [
        self.ops += 1;
        let start = self.items.len();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Json::Array(Vec::new()));
        }
        loop {
            if self.peek() == Some(b']') {
                return Err(self.syntax(
                    "expected a value, found `]`",
                    Some("remove the `,` before `]`: JSON has no trailing commas".into()),
                ));
            }
            self.path.push(Seg::Index(self.items.len() - start));
            let item = self.value();
            self.path.pop();
            self.items.push(item?);
            self.ops += 1;
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => {
                    let found = self.found();
                    let hint = match self.peek() {
                        None => Some("close the array with `]`".into()),
                        Some(b'}') => Some("close the array with `]` before the `}`".into()),
                        Some(b'"' | b'{' | b'[' | b'0'..=b'9') => {
                            Some("a `,` is missing between two items".into())
                        }
                        _ => self.found_hint(),
                    };
                    return Err(self.syntax(
                        format!("expected `,` or `]` after an item, found {found}"),
                        hint,
                    ));
                }
            }
        }
        self.depth -= 1;
        let items: Vec<Node> = self.items.drain(start.min(self.items.len())..).collect();
        Ok(Json::Array(items))
    }

    /// A string starting at the reader's `"`; `at` is its position (for "opened at").
    fn string(&mut self, at: Pos) -> Res<String> {
        self.i += 1; // "
        let mut out = String::new();
        let mut run = self.i;
        loop {
            let Some(b) = self.peek() else {
                return Err(Box::new(Error {
                    kind: ErrorKind::Syntax,
                    at,
                    path: self.path(),
                    message: "this text is never closed".into(),
                    hint: Some("close it with `\"`".into()),
                    first: None,
                }));
            };
            match b {
                b'"' => {
                    self.ops += 1;
                    out.push_str(self.text.get(run..self.i).unwrap_or(""));
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.text.get(run..self.i).unwrap_or(""));
                    self.escape(&mut out)?;
                    run = self.i;
                }
                b'\n' | b'\r' => {
                    return Err(Box::new(Error {
                        kind: ErrorKind::Syntax,
                        at,
                        path: self.path(),
                        message: "this text is not closed before the end of its line".into(),
                        hint: Some(
                            "close it with `\"`; a line break inside a text is written \\n".into(),
                        ),
                        first: None,
                    }));
                }
                0..=0x1F => {
                    let c = char::from(b);
                    let escaped = match b {
                        b'\t' => "\\t".to_string(),
                        _ => format!("\\u{:04X}", b),
                    };
                    return Err(self.syntax(
                        format!("{} inside a text", name_char(c)),
                        Some(format!("write it escaped, as {escaped}, or remove it")),
                    ));
                }
                _ => {
                    // the run of ordinary bytes up to the next quote, backslash or control
                    let rest = self.bytes.get(self.i..).unwrap_or(&[]);
                    let n = rest
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .unwrap_or(rest.len());
                    self.i += n;
                    self.ops += n as u64;
                }
            }
        }
    }

    /// An escape at the reader's `\`.
    fn escape(&mut self, out: &mut String) -> Res<()> {
        self.i += 1; // backslash
        let Some(b) = self.peek() else {
            return Err(self.syntax("the text ends inside an escape", None));
        };
        self.i += 1;
        self.ops += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{C}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                if (0xDC00..0xE000).contains(&hi) {
                    self.i -= 6;
                    return Err(self.syntax(
                        format!("`\\u{hi:04X}` is the second half of a surrogate pair without a first half"),
                        Some("write the character itself, or a complete pair \\uD83D\\uDE00".into()),
                    ));
                }
                if (0xD800..0xDC00).contains(&hi) {
                    let lo = if self.bytes.get(self.i..self.i + 2) == Some(b"\\u") {
                        self.i += 2;
                        Some(self.hex4()?)
                    } else {
                        None
                    };
                    match lo {
                        Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                            char::from_u32(c).unwrap_or('\u{FFFD}')
                        }
                        _ => {
                            return Err(self.syntax(
                                format!("`\\u{hi:04X}` is the first half of a surrogate pair without its second half"),
                                Some("write the character itself, or a complete pair \\uD83D\\uDE00".into()),
                            ));
                        }
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => {
                self.i -= 1;
                let found = match self.peek_char() {
                    Some(c) if !invisible(c) => format!("`\\{c}`"),
                    Some(c) => format!("`\\` followed by {}", name_char(c)),
                    None => "`\\`".into(),
                };
                self.i -= 1;
                return Err(self.syntax(
                    format!("unknown escape {found} in a text"),
                    Some("the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX; a backslash itself is written \\\\".into()),
                ));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Res<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => u32::from(b - b'0'),
                Some(b @ b'a'..=b'f') => u32::from(b - b'a' + 10),
                Some(b @ b'A'..=b'F') => u32::from(b - b'A' + 10),
                _ => {
                    let found = self.found();
                    return Err(self.syntax(
                        format!("`\\u` must be followed by four hexadecimal digits, found {found}"),
                        Some("write e.g. \\u4E07 for 万".into()),
                    ));
                }
            };
            v = v * 16 + d;
            self.i += 1;
            self.ops += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.ops += (self.i - start) as u64;
        self.i - start
    }

    fn number(&mut self) -> Res<String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        match self.digits() {
            0 => {
                let found = self.found();
                return Err(self.syntax(
                    format!("a `-` must be followed by digits, found {found}"),
                    None,
                ));
            }
            n if n > 1 && self.bytes.get(int_start) == Some(&b'0') => {
                self.i = int_start;
                return Err(self.syntax(
                    "a number cannot start with `0` followed by more digits",
                    Some("remove the leading zeros, or write the value as a text in quotes".into()),
                ));
            }
            _ => {}
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                let found = self.found();
                return Err(self.syntax(
                    format!("a digit must follow the decimal point, found {found}"),
                    Some("write 5 or 5.0, not 5.".into()),
                ));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                let found = self.found();
                return Err(self.syntax(format!("an exponent needs digits, found {found}"), None));
            }
        }
        let text = self.text.get(start..self.i).unwrap_or("").to_string();
        // a number glued to letters: 500万元, 15%, 2024-03-05, 5,000 is left to the caller
        if let Some(c) = self.peek_char() {
            if c.is_alphanumeric() || matches!(c, '%' | '％' | '-' | '/' | '.' | '_' | '+') {
                let word: String = self
                    .text
                    .get(start..)
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| !matches!(c, ' ' | '\t' | '\n' | '\r' | ',' | '}' | ']' | '"'))
                    .take(crate::value::SHOWN_CHARS)
                    .collect();
                self.i = start;
                return Err(self.syntax(
                    format!("`{word}` is not a JSON value"),
                    Some(format!(
                        "amounts with units, percentages and dates are texts in double quotes: \"{word}\""
                    )),
                ));
            }
        }
        Ok(text)
    }

    fn word(&mut self) -> Res<Json> {
        let start = self.i;
        while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') = self.peek() {
            self.i += 1;
        }
        self.ops += (self.i - start) as u64;
        let word = self.text.get(start..self.i).unwrap_or("");
        let glued = self.peek_char().is_some_and(|c| c.is_alphanumeric());
        if !glued {
            match word {
                "true" => return Ok(Json::Bool(true)),
                "false" => return Ok(Json::Bool(false)),
                "null" => return Ok(Json::Null),
                _ => {}
            }
        }
        let lower = word.to_ascii_lowercase();
        self.i = start;
        let found = self.found();
        let hint = if !glued && matches!(lower.as_str(), "true" | "false" | "null") {
            format!("JSON writes {lower} in lower case")
        } else if matches!(lower.as_str(), "nan" | "infinity") {
            "JSON has no NaN or Infinity; leave the value out or write null".into()
        } else {
            "a text is written in double quotes, e.g. \"500万元\"; the words JSON knows are true, false and null".into()
        };
        Err(self.syntax(format!("unknown word {found}"), Some(hint)))
    }
}

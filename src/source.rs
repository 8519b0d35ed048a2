//! Source files and byte spans.
//!
//! Every phase reports positions as [`Span`]s: a file and a byte range. Byte offsets are what pest
//! produces; spans are always built on character boundaries so that a span never cuts a Chinese
//! character in half. Users read lines and columns counted in characters: each file keeps an
//! index of its line starts and of character counts at regular byte checkpoints, built once when
//! the file is added, so that turning an offset into a line and column costs a binary search and
//! a short count, never a scan from the start of the file (a 10 MB file with a diagnostic on
//! every line stays linear).

use std::fmt;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The smallest span covering both.
    pub fn to(&self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One named source text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    index: TextIndex,
}

/// Bytes between two character-count checkpoints.
const CHECKPOINT: usize = 1024;

/// Where lines start, and how many characters precede regular byte offsets.
#[derive(Debug, Clone, Default)]
pub struct TextIndex {
    /// Byte offset of the start of each line (the first is 0).
    line_starts: Vec<usize>,
    /// `(byte, chars)`: the number of characters before `byte`, a character boundary at or just
    /// after each multiple of [`CHECKPOINT`].
    checkpoints: Vec<(usize, usize)>,
}

impl TextIndex {
    pub fn new(text: &str) -> TextIndex {
        let mut line_starts = vec![0];
        let mut checkpoints = vec![(0, 0)];
        let mut next = CHECKPOINT;
        for (chars, (byte, c)) in text.char_indices().enumerate() {
            if byte >= next {
                checkpoints.push((byte, chars));
                next = (byte / CHECKPOINT + 1) * CHECKPOINT;
            }
            if c == '\n' {
                line_starts.push(byte + 1);
            }
        }
        TextIndex {
            line_starts,
            checkpoints,
        }
    }
    /// The number of characters before byte `offset` (floored to a character boundary).
    pub fn chars_before(&self, text: &str, offset: usize) -> usize {
        let offset = floor_char_boundary(text, offset);
        let i = self.checkpoints.partition_point(|(b, _)| *b <= offset);
        let (byte, chars) = self.checkpoints.get(i.wrapping_sub(1)).copied().unwrap_or((0, 0));
        chars + text.get(byte..offset).map_or(0, |s| s.chars().count())
    }
    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|s| *s <= offset).saturating_sub(1)
    }
    /// Byte range of 0-based line `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts.get(line).copied().unwrap_or(text.len());
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| next.saturating_sub(1));
        start.min(text.len())..end.max(start).min(text.len())
    }
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = self.chars_before(text, offset) - self.chars_before(text, start);
        (line + 1, col + 1)
    }
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        SourceFile {
            name: name.into(),
            index: TextIndex::new(&text),
            text,
        }
    }
    /// The file's line and character index.
    pub fn index(&self) -> &TextIndex {
        &self.index
    }
}

/// All sources of one compilation: the standard library first, then the user's files.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(name, text));
        FileId((self.files.len() - 1) as u32)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
    /// The source text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).text.get(span.range()).unwrap_or("")
    }
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let f = self.get(file);
        f.index.line_col(&f.text, offset)
    }
}

/// The largest character boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

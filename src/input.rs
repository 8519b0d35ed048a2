//! Input files as text: size limit and encoding (docs/input.md).
//!
//! Every file `tiao` reads (policies, facts, scenarios, calendars) is UTF-8. [`decode_text`]
//! turns a file's bytes into text or says why it cannot:
//!
//! - a file larger than the limit ([`MAX_INPUT_BYTES`] by default, 64 MiB) is refused before
//!   anything is decoded, so no input can make the readers exhaust memory;
//! - a UTF-8 byte order mark (EF BB BF) at the start is accepted and removed: editors on Windows
//!   write it, and it says nothing but "UTF-8";
//! - UTF-16 and UTF-32, recognised by their byte order mark or, for UTF-16 without one, by the
//!   pattern of NUL bytes that ASCII characters leave, are errors naming the encoding;
//! - text that is not UTF-8 is an error giving the first byte that is not, with its byte offset,
//!   line and column; when the bytes read as GBK/GB18030 (lead bytes 0x81–0xFE followed by a
//!   trail byte, or GB18030's four-byte sequences) the error says the file looks GBK/GB18030
//!   and how to convert it with `iconv`.
//!
//! Decoding is linear in the size of the input. Nothing here reads files: the caller passes the
//! bytes (the CLI reads them).

use std::fmt;

/// The default largest input file, in bytes (64 MiB): far above any policy, facts or scenario
/// file (the bundled ones are under 200 KB), far below what would strain memory.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Why a file's bytes are not accepted as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Larger than the limit.
    TooLarge {
        what: String,
        size: usize,
        limit: usize,
    },
    /// UTF-16, with a byte order mark or recognised by its NUL bytes.
    Utf16 {
        what: String,
        big_endian: bool,
        bom: bool,
    },
    /// UTF-32 (byte order mark).
    Utf32 { what: String, big_endian: bool },
    /// Not UTF-8, and the bytes read as GBK/GB18030.
    Gbk {
        what: String,
        offset: usize,
        line: usize,
        column: usize,
        byte: u8,
    },
    /// Not UTF-8, in no encoding recognised here.
    NotUtf8 {
        what: String,
        offset: usize,
        line: usize,
        column: usize,
        byte: u8,
    },
}

/// ` (1.5 MiB)` for a size of a kibibyte or more, nothing below.
fn size_in_words(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if n >= MIB {
        format!(" ({:.1} MiB)", n as f64 / MIB as f64)
    } else if n >= 1024 {
        format!(" ({:.1} KiB)", n as f64 / 1024.0)
    } else {
        String::new()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::TooLarge { what, size, limit } => write!(
                f,
                "{what}: the file is {size} bytes{}, more than the limit of {limit} bytes{} for an input file",
                size_in_words(*size),
                size_in_words(*limit)
            ),
            InputError::Utf16 {
                what,
                big_endian,
                bom,
            } => {
                let name = if *big_endian { "UTF-16BE" } else { "UTF-16LE" };
                let how = if *bom {
                    "it starts with a UTF-16 byte order mark"
                } else {
                    "its NUL bytes follow the pattern of UTF-16"
                };
                let from = if *bom { "UTF-16" } else { name };
                write!(
                    f,
                    "{what}: the file is encoded in {name} ({how}), not UTF-8; convert it, e.g. `iconv -f {from} -t UTF-8 {what} > converted-{}`",
                    file_name(what)
                )
            }
            InputError::Utf32 { what, big_endian } => {
                let name = if *big_endian { "UTF-32BE" } else { "UTF-32LE" };
                write!(
                    f,
                    "{what}: the file is encoded in {name} (it starts with a UTF-32 byte order mark), not UTF-8; convert it, e.g. `iconv -f UTF-32 -t UTF-8 {what} > converted-{}`",
                    file_name(what)
                )
            }
            InputError::Gbk {
                what,
                offset,
                line,
                column,
                byte,
            } => write!(
                f,
                "{what}:{line}:{column}: the file is not UTF-8: it looks encoded in GBK/GB18030 (the first byte that is not UTF-8 is 0x{byte:02X} at byte offset {offset}, line {line}, column {column}); convert it, e.g. `iconv -f GB18030 -t UTF-8 {what} > converted-{}`",
                file_name(what)
            ),
            InputError::NotUtf8 {
                what,
                offset,
                line,
                column,
                byte,
            } => write!(
                f,
                "{what}:{line}:{column}: the file is not UTF-8: byte 0x{byte:02X} at byte offset {offset} (line {line}, column {column}) does not belong to a UTF-8 character; save the file as UTF-8 (with `iconv -f ENCODING -t UTF-8`, naming the encoding it was written in)"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// The last component of a path, for the `converted-NAME` in a suggested command.
fn file_name(what: &str) -> &str {
    what.rsplit(['/', '\\']).next().unwrap_or(what)
}

/// The text of a file's bytes, or why they are not accepted: see the module documentation.
/// `what` names the file in messages (its path); `limit` is the largest size accepted, in bytes.
pub fn decode_text(bytes: &[u8], what: &str, limit: usize) -> Result<String, InputError> {
    if bytes.len() > limit {
        return Err(InputError::TooLarge {
            what: what.to_string(),
            size: bytes.len(),
            limit,
        });
    }
    let what_s = || what.to_string();
    // byte order marks, the four-byte ones first (FF FE 00 00 starts with FF FE)
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Err(InputError::Utf32 {
            what: what_s(),
            big_endian: false,
        });
    }
    if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(InputError::Utf32 {
            what: what_s(),
            big_endian: true,
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(InputError::Utf16 {
            what: what_s(),
            big_endian: bytes.starts_with(&[0xFE, 0xFF]),
            bom: true,
        });
    }
    if let Some(big_endian) = utf16_pattern(bytes) {
        return Err(InputError::Utf16 {
            what: what_s(),
            big_endian,
            bom: false,
        });
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            let prefix = body.get(..at).unwrap_or(&[]);
            let valid = std::str::from_utf8(prefix).unwrap_or("");
            let line = valid.bytes().filter(|b| *b == b'\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let offset = at + (bytes.len() - body.len());
            let byte = body.get(at).copied().unwrap_or(0);
            if reads_as_gb18030(body) {
                Err(InputError::Gbk {
                    what: what_s(),
                    offset,
                    line,
                    column,
                    byte,
                })
            } else {
                Err(InputError::NotUtf8 {
                    what: what_s(),
                    offset,
                    line,
                    column,
                    byte,
                })
            }
        }
    }
}

/// UTF-16 without a byte order mark: in the first 4 KiB, NUL bytes on one side of each byte pair
/// (ASCII characters are `00 xx` or `xx 00`) and few on the other. `Some(true)` for big-endian.
fn utf16_pattern(bytes: &[u8]) -> Option<bool> {
    let window = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let pairs = window.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in window.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    // at least a quarter of the pairs have their NUL on one side, and the other side has at most
    // a quarter as many (characters such as U+4E00 一 have a NUL byte too)
    if odd * 4 >= pairs && even * 4 <= odd {
        Some(false)
    } else if even * 4 >= pairs && odd * 4 <= even {
        Some(true)
    } else {
        None
    }
}

/// Whether all of `bytes` reads as GB18030 (of which GBK is the two-byte part) with at least one
/// non-ASCII character: ASCII bytes, two-byte characters (lead 0x81–0xFE, trail 0x40–0x7E or
/// 0x80–0xFE), four-byte characters (0x81–0xFE, 0x30–0x39, 0x81–0xFE, 0x30–0x39).
fn reads_as_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut wide = 0usize;
    let lead = |b: u8| (0x81..=0xFE).contains(&b);
    let digit = |b: u8| b.is_ascii_digit();
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
            continue;
        }
        if !lead(b) {
            return false;
        }
        match bytes.get(i + 1).copied() {
            Some(t) if (0x40..=0x7E).contains(&t) || (0x80..=0xFE).contains(&t) => i += 2,
            Some(t) if digit(t) => match (bytes.get(i + 2).copied(), bytes.get(i + 3).copied()) {
                (Some(c), Some(d)) if lead(c) && digit(d) => i += 4,
                _ => return false,
            },
            _ => return false,
        }
        wide += 1;
    }
    wide > 0
}

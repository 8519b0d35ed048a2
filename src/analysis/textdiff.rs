//! Comparing article texts across documents in different scripts: 烟台 and 江西 are written in
//! traditional characters, the others in simplified. Texts are compared after converting
//! traditional to simplified with the OpenCC dictionaries (`ferrous-opencc`, configuration
//! `t2s`) and folding full-width punctuation to the ASCII the bundled texts mostly use; the
//! segments returned keep the original characters, so a report displays each text as written
//! and marks only what differs in wording. `項目` and `项目`, `，` and `,` are the same.

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use std::sync::OnceLock;

fn converter() -> Option<&'static OpenCC> {
    static T2S: OnceLock<Option<OpenCC>> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

fn fold_punct(c: char) -> char {
    match c {
        '，' => ',',
        '；' => ';',
        '：' => ':',
        '（' => '(',
        '）' => ')',
        '。' => '。',
        '\u{3000}' => ' ',
        other => other,
    }
}

/// The text in simplified characters with folded punctuation: what is compared.
pub fn normalize(text: &str) -> String {
    let converted = converter().map_or_else(|| text.to_string(), |c| c.convert(text));
    converted.chars().map(fold_punct).collect()
}

/// One normalised character per original character (so that differences map back onto the
/// text as written): the whole text converted when that keeps its length, else each character
/// on its own.
fn normalized_chars(text: &str) -> Vec<char> {
    let original: Vec<char> = text.chars().collect();
    let whole: Vec<char> = normalize(text).chars().collect();
    if whole.len() == original.len() {
        return whole;
    }
    original
        .iter()
        .map(|c| {
            let n: Vec<char> = normalize(&c.to_string()).chars().collect();
            if n.len() == 1 { n[0] } else { *c }
        })
        .collect()
}

/// A run of a text: the characters as written, and whether the other text has them too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub same: bool,
}

/// Texts longer than this (in characters, each side) are compared line by line instead.
const MAX_CHARS: usize = 4000;

/// The two texts as runs of shared and differing characters (a longest common subsequence of
/// the normalised characters).
pub fn diff(a: &str, b: &str) -> (Vec<Segment>, Vec<Segment>) {
    let (oa, ob): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if oa.len() > MAX_CHARS || ob.len() > MAX_CHARS {
        return (
            vec![Segment {
                text: a.to_string(),
                same: normalize(a) == normalize(b),
            }],
            vec![Segment {
                text: b.to_string(),
                same: normalize(a) == normalize(b),
            }],
        );
    }
    let (na, nb) = (normalized_chars(a), normalized_chars(b));
    let (n, m) = (na.len(), nb.len());
    // lcs[i][j]: length of the LCS of na[i..] and nb[j..]
    let mut lcs = vec![0u16; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if na[i] == nb[j] {
                lcs[at(i + 1, j + 1)].saturating_add(1)
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let mut same_a = vec![false; n];
    let mut same_b = vec![false; m];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if na[i] == nb[j] {
            same_a[i] = true;
            same_b[j] = true;
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    // a shared run of one or two characters between differences (a 的, a 项目 in two unrelated
    // sentences) is noise: counted as different on both sides, so that what is marked reads as
    // wording that changed
    drop_short_matches(&mut same_a, &mut same_b, &na, &nb);
    (runs(&oa, &same_a), runs(&ob, &same_b))
}

/// Unmark shared characters whose shared run is shorter than three characters on both sides and
/// stands between differences (the shared characters are matched in order, pair by pair).
fn drop_short_matches(same_a: &mut [bool], same_b: &mut [bool], na: &[char], nb: &[char]) {
    // for each shared character: the length of its run, and whether the run is interior
    let runs_of = |same: &[bool]| -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < same.len() {
            if same[i] {
                let start = i;
                while i < same.len() && same[i] {
                    i += 1;
                }
                let interior = start > 0 && i < same.len();
                out.extend(std::iter::repeat_n((i - start, interior), i - start));
            } else {
                i += 1;
            }
        }
        out
    };
    let (ra, rb) = (runs_of(same_a), runs_of(same_b));
    let pa: Vec<usize> = (0..same_a.len()).filter(|i| same_a[*i]).collect();
    let pb: Vec<usize> = (0..same_b.len()).filter(|i| same_b[*i]).collect();
    for k in 0..pa.len().min(pb.len()) {
        let ((la, ia), (lb, ib)) = (ra[k], rb[k]);
        let punct = na[pa[k]].is_ascii_punctuation() || nb[pb[k]].is_ascii_punctuation();
        if la < 3 && lb < 3 && (ia || ib) && !punct {
            same_a[pa[k]] = false;
            same_b[pb[k]] = false;
        }
    }
}

fn runs(chars: &[char], same: &[bool]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for (c, s) in chars.iter().zip(same) {
        match out.last_mut() {
            Some(last) if last.same == *s => last.text.push(*c),
            _ => out.push(Segment {
                text: c.to_string(),
                same: *s,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_and_simplified_forms_are_the_same_text() {
        let (a, b) = diff("項目單位應當在簽訂合同", "项目单位应当在签订合同");
        assert!(a.iter().all(|s| s.same), "{a:?}");
        assert!(b.iter().all(|s| s.same), "{b:?}");
        // the original characters are kept
        assert_eq!(a[0].text, "項目單位應當在簽訂合同");
    }

    #[test]
    fn different_words_are_marked() {
        let (a, b) = diff(
            "签订正式合同5个工作日内备案",
            "签订正式采购合同7个工作日内备案",
        );
        let marked_a: Vec<&str> = a
            .iter()
            .filter(|s| !s.same)
            .map(|s| s.text.as_str())
            .collect();
        let marked_b: Vec<&str> = b
            .iter()
            .filter(|s| !s.same)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked_a, ["5"]);
        assert_eq!(marked_b, ["采购", "7"]);
    }

    #[test]
    fn punctuation_width_is_not_a_difference() {
        let (a, _) = diff("本办法,自发布之日(起)施行", "本办法，自发布之日（起）施行");
        assert!(a.iter().all(|s| s.same), "{a:?}");
    }
}

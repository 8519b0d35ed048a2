//! The logos token stream agrees with the pest grammar: every name, keyword and literal pest
//! recognises in the bundled policies and the standard library is exactly one lexer token, and
//! the tokens cover each file without gaps (lossless).

use std::path::Path;

fn files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![root.join("stdlib/vocabulary.tiao")];
    for dir in ["policies", "tests/corpus"] {
        let mut found: Vec<_> = std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        found.retain(|p| p.extension().is_some_and(|e| e == "tiao"));
        found.sort();
        out.extend(found);
    }
    out
}

#[test]
fn tokens_cover_every_file_without_gaps() {
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let tokens = tiao::syntax::lexer::tokens(&text);
        let mut at = 0;
        for t in &tokens {
            assert_eq!(
                t.span.start,
                at,
                "{}: gap before byte {}",
                f.display(),
                t.span.start
            );
            at = t.span.end;
        }
        assert_eq!(at, text.len(), "{}: tokens stop early", f.display());
    }
}

#[test]
fn every_pest_token_is_one_lexer_token() {
    let mut checked = 0;
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        // files that do not parse (syntax-error corpus cases) have no pest tokens to compare
        let Some(spans) = tiao::syntax::token_spans(&text) else {
            continue;
        };
        let tokens: std::collections::HashSet<std::ops::Range<usize>> =
            tiao::syntax::lexer::tokens(&text)
                .into_iter()
                .map(|t| t.span)
                .collect();
        for s in spans {
            assert!(
                tokens.contains(&s),
                "{}: pest token {:?} `{}` is not one lexer token",
                f.display(),
                s,
                &text[s.clone()]
            );
            checked += 1;
        }
    }
    assert!(checked > 5_000, "only {checked} tokens compared");
}

#[test]
fn chinese_text_and_stray_characters_lex() {
    use tiao::syntax::lexer::{TokenKind, tokens};
    let text = "define 需要论证 = total_investment >= 300万元 “引号” 半年 12-31 5个工作日";
    let kinds: Vec<TokenKind> = tokens(text)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Whitespace)
        .map(|t| t.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            TokenKind::Keyword,
            TokenKind::Ident,
            TokenKind::Punct,
            TokenKind::Ident,
            TokenKind::Punct,
            TokenKind::Money,
            TokenKind::Error,
            TokenKind::Ident,
            TokenKind::Error,
            TokenKind::Duration,
            TokenKind::MonthDay,
            TokenKind::Duration,
        ]
    );
}

//! Doc comments from spec text.
//!
//! Spec descriptions are prose written for HTML pages, so before they become
//! rustdoc they are made inert: brackets and angle brackets are escaped (no
//! accidental intra-doc links or HTML tags), bare URLs are wrapped in `<…>`,
//! leading indentation is dropped (no accidental code blocks, hence no
//! accidental doctests).

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes, one per line of `text` (already sanitized or
/// written by the generator).
pub fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") });
    quote! { #( #[doc = #lines] )* }
}

/// Doc attributes for spec prose, sanitized; nothing when there is no text.
pub fn spec_docs(text: Option<&str>) -> TokenStream {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => doc_lines(&sanitize(text)),
        None => TokenStream::new(),
    }
}

/// Makes spec prose safe for rustdoc and Markdown (see the module docs).
pub fn sanitize(text: &str) -> String {
    text.lines().map(|line| sanitize_line(line.trim())).collect::<Vec<_>>().join("\n")
}

fn sanitize_line(line: &str) -> String {
    let balanced = line.matches('`').count() % 2 == 0;
    // An unbalanced backtick, or a line opening a fence, would start a code
    // block (and so a doctest): render the ticks as quotes.
    if !balanced || line.starts_with("```") {
        return prose(&line.replace('`', "'"));
    }
    // Odd segments are code spans: left exactly as written.
    let segments = line.split('`').enumerate();
    segments.map(|(i, s)| if i % 2 == 0 { prose(s) } else { s.to_owned() }).collect::<Vec<_>>().join("`")
}

fn prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match word.find("https://").or_else(|| word.find("http://")) {
            Some(start) => {
                let url_and_rest = &word[start..];
                let url = url_and_rest.trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']);
                out.push_str(&escape(&word[..start]));
                out.push('<');
                out.push_str(url);
                out.push('>');
                out.push_str(&escape(&url_and_rest[url.len()..]));
            }
            None => out.push_str(&escape(word)),
        }
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The first sentence (or line) of `text`, for one-line summaries.
pub fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.find(". ") {
        Some(i) => &line[..=i],
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_made_inert_for_rustdoc() {
        assert_eq!(sanitize("Value [%s] is <b>bad</b>"), "Value \\[%s\\] is \\<b\\>bad\\</b\\>");
        assert_eq!(sanitize("See https://example.com/x."), "See <https://example.com/x>.");
        assert_eq!(sanitize("    indented\n  more"), "indented\nmore");
        assert_eq!(sanitize("`a [b]` and [c]"), "`a [b]` and \\[c\\]");
        assert_eq!(sanitize("odd ` tick"), "odd ' tick");
    }
}
